// Package mail sends Lineup's few emails (password resets, sign-in links,
// email verification, the note to an owner whose email someone tried to
// sign up with) through an SMTP server named by a URL.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Message is one plain-text email to one person.
type Message struct {
	To      string
	Subject string
	Text    string
}

// Sender sends a message. Send returns once the server accepted it.
// Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrUnavailable is returned (wrapped) when the SMTP server cannot be
// reached or refuses to talk; the web layer answers it with 503.
var ErrUnavailable = errors.New("the mail server is unavailable")

// SMTP sends through one SMTP server. It opens a connection per message:
// Lineup sends few.
type SMTP struct {
	addr, host string
	user, pass string
	from       string
	// tlsConfig is used for STARTTLS; tests may trust their own server.
	tlsConfig *tls.Config
}

// Open returns a sender for an smtp://[user:pass@]host:port URL
// (LINEUP_SMTP_URL), sending from the address from. STARTTLS is used when
// the server offers it; credentials are only sent over TLS or to a server
// on the loopback interface (net/smtp refuses otherwise).
func Open(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, fmt.Errorf("mail: LINEUP_SMTP_URL must look like smtp://user:pass@host:587, not %q", redact(rawURL))
	}
	port := u.Port()
	if port == "" {
		port = "587"
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("mail: the sender address %q is not an email address", from)
	}
	s := &SMTP{addr: net.JoinHostPort(u.Hostname(), port), host: u.Hostname(), from: from, tlsConfig: &tls.Config{ServerName: u.Hostname()}}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

// redact hides a URL's password for error messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Send implements Sender. The whole exchange is bounded by ctx (and by 30
// seconds when ctx has no deadline).
func (s *SMTP) Send(ctx context.Context, m Message) error {
	body, err := Compose(s.from, m, time.Now())
	if err != nil {
		return err
	}
	to, _ := mail.ParseAddress(m.To)
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Second)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("mail: connect to %s: %w: %w", s.addr, ErrUnavailable, err)
	}
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: greet %s: %w: %w", s.addr, ErrUnavailable, err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(s.tlsConfig); err != nil {
			return fmt.Errorf("mail: STARTTLS with %s: %w", s.addr, err)
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("mail: sign in to %s: %w", s.addr, err)
		}
	}
	from, _ := mail.ParseAddress(s.from)
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("mail: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("mail: send body: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: end body: %w", err)
	}
	return c.Quit()
}

// Compose writes a message as RFC 5322 text: UTF-8, quoted-printable, the
// subject encoded when it is not ASCII. A recipient or subject with a line
// break (header injection) or a recipient that is not one address is an
// error.
func Compose(from string, m Message, now time.Time) ([]byte, error) {
	if strings.ContainsAny(m.To+m.Subject, "\r\n") {
		return nil, errors.New("mail: a recipient or subject must be one line")
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	id := make([]byte, 12)
	rand.Read(id)
	domain := "lineup.invalid"
	if f, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(f.Address, "@"); ok {
			domain = d
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", to.String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(m.Text, "\n", "\r\n")))
	qp.Close()
	return []byte(b.String()), nil
}
