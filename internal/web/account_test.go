package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/mail"
	"github.com/lineup/lineup/internal/mail/mailpit"
)

// withMail gives a viewer server a real SMTP server (mailpit) to send
// through, with links that lead back to it.
func withMail(t *testing.T, vs *viewerServer) *mailpit.Server {
	t.Helper()
	mp := mailpit.Start(t)
	sender, err := mail.Open(mp.SMTPURL, "Lineup <no-reply@lineup.test>")
	if err != nil {
		t.Fatal(err)
	}
	vs.srv.Mail, vs.srv.BaseURL = sender, vs.url
	return mp
}

// linkPath is an emailed link's path and query on the test server.
func linkPath(t *testing.T, vs *viewerServer, link string) (string, string) {
	t.Helper()
	if !strings.HasPrefix(link, vs.url) {
		t.Fatalf("an emailed link must lead to the service (%s), got %s", vs.url, link)
	}
	u, _ := url.Parse(link)
	return u.Path, u.Query().Get("token")
}

func TestPasswordResetByMail(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	vs := newViewerServerWith(t, func(c *accounts.Config) { c.Now = clock.Now })
	mp := withMail(t, vs)
	other, _, _ := signedIn(t, vs, "reset@b.test") // a session elsewhere, to be ended

	b := newBrowserClient(t, vs.url)
	status, known := b.do("POST", "/forgot", url.Values{"email": {"reset@b.test"}, "want": {"reset"}})
	_, unknown := newBrowserClient(t, vs.url).do("POST", "/forgot", url.Values{"email": {"nobody@b.test"}, "want": {"reset"}})
	if status != http.StatusOK || strings.ReplaceAll(known, "reset@b.test", "E") != strings.ReplaceAll(unknown, "nobody@b.test", "E") {
		t.Errorf("asking for a reset must answer alike whether or not the email has an account")
	}
	m := mp.WaitFor(t, "reset@b.test", "Reset your password")
	path, token := linkPath(t, vs, m.Link(t))
	if status, page := b.do("GET", path+"?token="+url.QueryEscape(token), nil); status != http.StatusOK || !strings.Contains(page, `name="token"`) {
		t.Fatalf("the link must open a form (a GET must not spend it: mail scanners fetch links): %d", status)
	}
	if status, page := b.do("POST", "/reset", url.Values{"token": {token}, "password": {"password123"}}); status != http.StatusBadRequest || !strings.Contains(page, "common") {
		t.Errorf("a common password must be refused with the reason: %d", status)
	}
	if status, _ := b.do("POST", "/reset", url.Values{"token": {token}, "password": {"a brand new passphrase"}}); status != http.StatusOK {
		t.Fatalf("the link must set the new password: %d", status)
	}
	if status, _ := b.do("POST", "/reset", url.Values{"token": {token}, "password": {"yet another passphrase"}}); status != http.StatusGone {
		t.Errorf("a reset link must work once: %d", status)
	}
	if status, _ := other.do("GET", "/my-list", nil); status != http.StatusOK {
		t.Fatal(status)
	}
	if _, page := other.do("GET", "/my-list", nil); !strings.Contains(page, `name="password"`) {
		t.Errorf("a reset must sign out every session")
	}
	if _, err := vs.accounts.SignIn(context.Background(), "reset@b.test", "a brand new passphrase", ""); err != nil {
		t.Errorf("the new password must work: %v", err)
	}

	// A link older than 30 minutes does not work.
	b.do("POST", "/forgot", url.Values{"email": {"reset@b.test"}, "want": {"reset"}})
	vs.srv.WaitForMail()
	msgs := mp.Messages(t, "reset@b.test")
	_, token = linkPath(t, vs, msgs[len(msgs)-1].Link(t))
	clock.Add(31 * time.Minute)
	if status, _ := b.do("POST", "/reset", url.Values{"token": {token}, "password": {"too late passphrase"}}); status != http.StatusGone {
		t.Errorf("a reset link must expire after 30 minutes: %d", status)
	}
}

// Row 5's way out: an emailed sign-in link gets the owner in while an
// attacker keeps the account waiting.
func TestSignInLinkBypassesDelays(t *testing.T) {
	vs := newViewerServer(t)
	mp := withMail(t, vs)
	if _, err := vs.accounts.AddUser(context.Background(), accounts.NewUser{Email: "owner@b.test", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	for range 12 {
		newBrowserClient(t, vs.url).do("POST", "/signin", url.Values{"email": {"owner@b.test"}, "password": {"attacker guess"}})
	}
	b := newBrowserClient(t, vs.url)
	if status, _ := b.do("POST", "/signin", url.Values{"email": {"owner@b.test"}, "password": {"correct horse battery"}}); status != http.StatusTooManyRequests {
		t.Fatalf("the attacker's guesses must be slowing the account down: %d", status)
	}
	b.do("POST", "/forgot", url.Values{"email": {"owner@b.test"}, "want": {"signin"}})
	path, token := linkPath(t, vs, mp.WaitFor(t, "owner@b.test", "sign-in link").Link(t))
	if status, page := b.do("POST", path, url.Values{"token": {token}}); status != http.StatusOK || !strings.Contains(page, `action="/profiles`) {
		t.Errorf("the emailed sign-in link must sign the owner in despite the delay: %d", status)
	}
}

func TestChangePasswordAndSignOutEverywhere(t *testing.T) {
	vs := newViewerServer(t)
	b, _, csrf := signedIn(t, vs, "change@b.test")
	other := newBrowserClient(t, vs.url)
	other.do("POST", "/signin", url.Values{"email": {"change@b.test"}, "password": {"correct horse battery"}})

	if status, _ := b.do("POST", "/account/password", url.Values{"csrf": {csrf}, "current": {"wrong"}, "password": {"a brand new passphrase"}}); status != http.StatusForbidden {
		t.Errorf("changing the password needs the current one: %d", status)
	}
	if status, page := b.do("POST", "/account/password", url.Values{"csrf": {csrf}, "current": {"correct horse battery"}, "password": {"a brand new passphrase"}}); status != http.StatusOK || !strings.Contains(page, "password is changed") {
		t.Fatalf("change password: %d", status)
	}
	if _, page := b.do("GET", "/account", nil); !strings.Contains(page, "change@b.test") {
		t.Errorf("the session that changed the password stays signed in")
	}
	if _, page := other.do("GET", "/account", nil); !strings.Contains(page, `name="password"`) {
		t.Errorf("changing the password must sign out every other session")
	}

	other.do("POST", "/signin", url.Values{"email": {"change@b.test"}, "password": {"a brand new passphrase"}})
	if status, _ := b.do("POST", "/account/signout-everywhere", url.Values{"csrf": {csrf}}); status != http.StatusOK {
		t.Fatalf("sign out everywhere: %d", status)
	}
	for name, c := range map[string]*browser{"this browser": b, "the other browser": other} {
		if _, page := c.do("GET", "/account", nil); !strings.Contains(page, `name="password"`) {
			t.Errorf("sign out everywhere must end the session of %s", name)
		}
	}
}

func TestSignUpWithEmailVerification(t *testing.T) {
	vs := newViewerServerWith(t, func(c *accounts.Config) { c.VerifyEmail = true })
	vs.srv.VerifyEmail = true
	mp := withMail(t, vs)
	if _, err := vs.accounts.AddUser(context.Background(), accounts.NewUser{Email: "taken@b.test", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowserClient(t, vs.url)
	form := url.Values{"email": {"new@b.test"}, "password": {"a long and unusual passphrase"}}
	if status, page := b.do("POST", "/signup", form); status != http.StatusOK || !strings.Contains(page, "Check your email") {
		t.Fatalf("sign-up with verification must ask to check the mail: %d", status)
	}
	if status, _ := b.do("POST", "/signin", form); status != http.StatusForbidden {
		t.Errorf("an account whose email is not confirmed must not sign in: %d", status)
	}
	path, token := linkPath(t, vs, mp.WaitFor(t, "new@b.test", "Confirm your email").Link(t))
	if status, page := b.do("POST", path, url.Values{"token": {token}}); status != http.StatusOK || !strings.Contains(page, `action="/profiles`) {
		t.Errorf("the confirmation link must sign the new member in: %d", status)
	}
	newBrowserClient(t, vs.url).do("POST", "/signup", url.Values{"email": {"taken@b.test"}, "password": {"a long and unusual passphrase"}})
	if m := mp.WaitFor(t, "taken@b.test", "tried to create an account"); !strings.Contains(m.Text, "/signin/link?token=") {
		t.Errorf("the owner of a taken email must be told by mail, with a way in")
	}
}

func TestSessionsEndWhenIdleAndUseHostCookiesOverTLS(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	vs := newViewerServerWith(t, func(c *accounts.Config) { c.Now = clock.Now })
	b, _, _ := signedIn(t, vs, "idle@b.test")
	clock.Add(13 * 24 * time.Hour)
	if _, page := b.do("GET", "/account", nil); !strings.Contains(page, "idle@b.test") {
		t.Fatalf("a session used within 14 days stays")
	}
	clock.Add(13 * 24 * time.Hour)
	if _, page := b.do("GET", "/account", nil); !strings.Contains(page, "idle@b.test") {
		t.Fatalf("using a session keeps it alive: 26 days in, used 13 days ago")
	}
	clock.Add(14*24*time.Hour + time.Minute)
	if _, page := b.do("GET", "/account", nil); !strings.Contains(page, `name="password"`) {
		t.Errorf("a session unused for 14 days must end")
	}

	vs.srv.SecureCookies = true
	if _, err := vs.accounts.AddUser(context.Background(), accounts.NewUser{Email: "tls@b.test", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	resp := noFollow(t, newBrowserClient(t, vs.url), "POST", "/signin", url.Values{"email": {"tls@b.test"}, "password": {"correct horse battery"}}, nil)
	var names []string
	for _, c := range resp.Cookies() {
		names = append(names, c.Name)
		if c.Name == "__Host-lineup_session" && (!c.Secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly) {
			t.Errorf("a __Host- cookie must be Secure, HttpOnly, Path=/ and without Domain: %+v", c)
		}
	}
	if len(names) != 1 || names[0] != "__Host-lineup_session" {
		t.Errorf("over TLS the session cookie must carry the __Host- prefix, got %v", names)
	}
}
