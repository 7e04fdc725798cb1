// Package mailpit starts a real SMTP server for tests: mailpit on free
// loopback ports, keeping its messages in memory for as long as the test
// runs, and reads back what it received through its HTTP API.
//
// It needs the mailpit binary on PATH or in $(go env GOPATH)/bin
// (go install github.com/axllent/mailpit@v1.33.1); without it the test is
// skipped, unless LINEUP_TEST_REQUIRE_SMTP=1, when it fails instead
// (scripts/test sets that).
package mailpit

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running mailpit.
type Server struct {
	// SMTPURL is the URL Lineup sends through (LINEUP_SMTP_URL).
	SMTPURL string
	api     string
}

// Start starts mailpit for the test and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := find()
	if bin == "" {
		const how = "mailpit not found on PATH or in $(go env GOPATH)/bin; install it with: go install github.com/axllent/mailpit@v1.33.1"
		if os.Getenv("LINEUP_TEST_REQUIRE_SMTP") == "1" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	smtpAddr, httpAddr := freeAddr(t), freeAddr(t)
	var out syncBuffer
	cmd := exec.Command(bin, "--smtp", smtpAddr, "--listen", httpAddr, "--disable-version-check",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--smtp-disable-rdns", "--quiet")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	s := &Server{SMTPURL: "smtp://lineup:secret@" + smtpAddr, api: "http://" + httpAddr}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.api + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if c, err := net.Dial("tcp", smtpAddr); err == nil {
				c.Close()
				return s
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("mailpit exited: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not start in 20 s:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Message is a received email as mailpit reports it.
type Message struct {
	ID      string
	Subject string
	Text    string
	To      []string
}

// Messages returns what was sent to the address, oldest first.
func (s *Server) Messages(t testing.TB, to string) []Message {
	t.Helper()
	var list struct {
		Messages []struct {
			ID      string
			Subject string
			To      []struct{ Address string }
		}
	}
	s.get(t, "/api/v1/search?query="+url.QueryEscape("to:"+to), &list)
	var out []Message
	for i := len(list.Messages) - 1; i >= 0; i-- {
		m := list.Messages[i]
		var full struct{ Text string }
		s.get(t, "/api/v1/message/"+m.ID, &full)
		msg := Message{ID: m.ID, Subject: m.Subject, Text: full.Text}
		for _, a := range m.To {
			msg.To = append(msg.To, a.Address)
		}
		out = append(out, msg)
	}
	return out
}

// WaitFor returns the first message to the address whose subject contains
// subject, waiting up to 10 seconds for it.
func (s *Server) WaitFor(t testing.TB, to, subject string) Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range s.Messages(t, to) {
			if strings.Contains(m.Subject, subject) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s with %q in its subject arrived", to, subject)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var linkPattern = regexp.MustCompile(`https?://\S+`)

// Link returns the first link in a message's text.
func (m Message) Link(t testing.TB) string {
	t.Helper()
	l := linkPattern.FindString(m.Text)
	if l == "" {
		t.Fatalf("the mail %q has no link:\n%s", m.Subject, m.Text)
	}
	return l
}

func (s *Server) get(t testing.TB, path string, out any) {
	t.Helper()
	resp, err := http.Get(s.api + path)
	if err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func find() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	if gopath != "" {
		p := filepath.Join(gopath, "bin", "mailpit")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
