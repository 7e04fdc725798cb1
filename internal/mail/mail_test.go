package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/mail"
	"github.com/lineup/lineup/internal/mail/mailpit"
)

func TestSendThroughARealSMTPServer(t *testing.T) {
	mp := mailpit.Start(t)
	s, err := mail.Open(mp.SMTPURL, "Lineup <no-reply@lineup.test>")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{To: "小明 <xm@example.com>", Subject: "Reset your password — 后来的我们", Text: "Follow this link:\nhttps://lineup.test/reset?token=abc\n"})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	m := mp.WaitFor(t, "xm@example.com", "Reset your password")
	if !strings.Contains(m.Subject, "后来的我们") || m.Link(t) != "https://lineup.test/reset?token=abc" {
		t.Errorf("the mail must arrive whole: subject %q, text %q", m.Subject, m.Text)
	}
}

func TestComposeRefusesHeaderInjection(t *testing.T) {
	for _, m := range []mail.Message{
		{To: "a@example.com\r\nBcc: everyone@example.com", Subject: "hi"},
		{To: "a@example.com", Subject: "hi\r\nBcc: everyone@example.com"},
		{To: "not an address", Subject: "hi"},
	} {
		if _, err := mail.Compose("no-reply@lineup.test", m, time.Now()); err == nil {
			t.Errorf("a recipient or subject that adds headers must be refused: %q / %q", m.To, m.Subject)
		}
	}
}

func TestOpenNamesABadURL(t *testing.T) {
	if _, err := mail.Open("http://mail.example:25", "no-reply@lineup.test"); err == nil || !strings.Contains(err.Error(), "smtp://") {
		t.Errorf("a URL that is not smtp:// must be refused saying what it should look like: %v", err)
	}
}
