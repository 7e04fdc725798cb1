package web

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/lineup/lineup/internal/accounts"
	storepkg "github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

var (
	totpSecretField = regexp.MustCompile(`<code id="totp-secret">([A-Z2-7]+)</code>`)
	recoveryCode    = regexp.MustCompile(`<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>`)
	challengeField  = regexp.MustCompile(`name="challenge" value="([^"]+)"`)
)

const firstAdminPassword = "the first admin's passphrase"

// isEnrolmentPage tells the page that offers the TOTP key.
func isEnrolmentPage(page string) bool { return strings.Contains(page, `id="totp-secret"`) }

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// passwordStep signs in with the admin's password in a new browser and
// returns it with the challenge the code step needs.
func passwordStep(t *testing.T, vs *viewerServer) (*browser, string) {
	t.Helper()
	b := newBrowserClient(t, vs.url)
	status, page := b.do("POST", "/signin", url.Values{"email": {"first.admin@lineup.test"}, "password": {firstAdminPassword}})
	m := challengeField.FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		t.Fatalf("the right password of a two-factor admin must lead to the code page: %d", status)
	}
	u, _ := url.Parse(vs.url)
	if cs := b.c.Jar.Cookies(u); len(cs) != 0 {
		t.Fatalf("no session cookie may be set before the code, got %v", cs)
	}
	return b, m[1]
}

func TestAdminTwoFactorThroughTheWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *storepkg.DB) {
		// Now, not a fixed date: the browser drops cookies that expired by
		// its own clock.
		clock := &fakeClock{now: time.Now()}
		vs := newViewerServerOn(t, db, func(c *accounts.Config) { c.Now = clock.Now })
		vs.setUp()
		other, err := vs.accounts.AddUser(context.Background(), accounts.NewUser{Email: "second.admin@lineup.test", Password: "the second admin's passphrase", Role: accounts.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}

		// Offered (the default): an admin without two-factor works.
		b2 := newBrowserClient(t, vs.url)
		b2.do("POST", "/signin", url.Values{"email": {other.Email}, "password": {"the second admin's passphrase"}})
		if status, page := b2.do("GET", "/admin", nil); status != http.StatusOK || isEnrolmentPage(page) || !strings.Contains(page, `action="/signout"`) {
			t.Errorf("with LINEUP_ADMIN_2FA=offered an admin without two-factor reaches the admin pages: %d", status)
		}

		// Required: the admin without it reaches only the enrolment page.
		vs.srv.Admin2FA = "required"
		for _, path := range []string{"/admin", "/account", "/my-list", "/profiles"} {
			if status, page := b2.do("GET", path, nil); status != http.StatusOK || !isEnrolmentPage(page) {
				t.Errorf("with LINEUP_ADMIN_2FA=required, %s must lead an admin without two-factor to enrolment: %d", path, status)
			}
		}
		_, page := b2.do("GET", "/account/2fa", nil)
		if status, _ := b2.do("POST", "/admin/licenses", url.Values{"csrf": {b2.csrf(page)}}); status != http.StatusForbidden {
			t.Errorf("with LINEUP_ADMIN_2FA=required an admin without two-factor must not write: %d", status)
		}

		// Enrolment: the key as text, QR image and URI; a first code confirms it.
		b := newBrowserClient(t, vs.url)
		status, page := b.do("POST", "/signin", url.Values{"email": {"first.admin@lineup.test"}, "password": {firstAdminPassword}})
		m := totpSecretField.FindStringSubmatch(page)
		if status != http.StatusOK || m == nil {
			t.Fatalf("signing in must lead a required admin to the key: %d", status)
		}
		secret := m[1]
		if !strings.Contains(page, `href="otpauth://totp/Lineup:first.admin@lineup.test?`) || !strings.Contains(page, "secret="+secret) {
			t.Errorf("the enrolment page must give the otpauth:// URI of the key")
		}
		req, _ := http.NewRequest("GET", vs.url+"/account/2fa/qr.png", nil)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var img bytes.Buffer
		img.ReadFrom(resp.Body)
		resp.Body.Close()
		if _, err := png.Decode(&img); err != nil || resp.Header.Get("Content-Type") != "image/png" {
			t.Errorf("the QR code must be a PNG image: %v", err)
		}
		csrf := b.csrf(page)
		if status, page := b.do("POST", "/account/2fa", url.Values{"csrf": {csrf}, "code": {"000000"}}); status != http.StatusBadRequest || !isEnrolmentPage(page) {
			t.Errorf("a wrong first code must be refused and the key shown again: %d", status)
		}
		status, page = b.do("POST", "/account/2fa", url.Values{"csrf": {csrf}, "code": {codeAt(t, secret, clock.Now())}})
		codes := recoveryCode.FindAllStringSubmatch(page, -1)
		if status != http.StatusOK || len(codes) != accounts.RecoveryCodeCount {
			t.Fatalf("the right first code must turn two-factor on and show %d recovery codes, got %d (%d)", accounts.RecoveryCodeCount, len(codes), status)
		}
		if _, page := b.do("GET", "/account/2fa", nil); recoveryCode.MatchString(page) {
			t.Errorf("recovery codes are shown once")
		}
		if status, page := b.do("GET", "/admin", nil); status != http.StatusOK || isEnrolmentPage(page) {
			t.Errorf("once enrolled the admin reaches the admin pages: %d", status)
		}

		// Sign-in asks for the code after the password; no session before.
		nb, ch := passwordStep(t, vs)
		if status, _ := nb.do("POST", "/signin/code", url.Values{"challenge": {ch}, "code": {codeAt(t, secret, clock.Now())}}); status != http.StatusUnauthorized {
			t.Errorf("the code that confirmed enrolment must not sign in again in its step: %d", status)
		}
		clock.Add(30 * time.Second)
		code := codeAt(t, secret, clock.Now())
		if status, page := nb.do("POST", "/signin/code", url.Values{"challenge": {ch}, "code": {code}}); status != http.StatusOK || !strings.Contains(page, `action="/profiles`) {
			t.Errorf("the right code must finish the sign-in (the challenge survives a wrong code): %d", status)
		}
		rb, ch := passwordStep(t, vs)
		if status, _ := rb.do("POST", "/signin/code", url.Values{"challenge": {ch}, "code": {code}}); status != http.StatusUnauthorized {
			t.Errorf("a code must not be accepted twice: %d", status)
		}
		if status, _ := rb.do("POST", "/signin/code", url.Values{"challenge": {ch}, "code": {codes[0][1]}}); status != http.StatusOK {
			t.Errorf("a recovery code must sign in: %d", status)
		}
		rb, ch = passwordStep(t, vs)
		if status, _ := rb.do("POST", "/signin/code", url.Values{"challenge": {ch}, "code": {codes[0][1]}}); status != http.StatusUnauthorized {
			t.Errorf("a recovery code works once: %d", status)
		}

		// Wrong codes are limited.
		for range 5 {
			rb.do("POST", "/signin/code", url.Values{"challenge": {ch}, "code": {"999999"}})
		}
		resp = noFollow(t, rb, "POST", "/signin/code", url.Values{"challenge": {ch}, "code": {codes[1][1]}}, nil)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("after five wrong codes the next must wait, with Retry-After: %d", resp.StatusCode)
		}

		// The challenge lasts five minutes.
		clock.Add(accounts.ChallengeTTL + time.Hour) // past the code limit's window too
		if status, page := rb.do("POST", "/signin/code", url.Values{"challenge": {ch}, "code": {codes[2][1]}}); status != http.StatusUnauthorized || !strings.Contains(page, "took too long") {
			t.Errorf("a code after the challenge expired goes back to the password: %d", status)
		}
	})
}

func TestFirstRunSetupLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *storepkg.DB) {
		vs := newViewerServerOn(t, db, nil)
		const token = "setup-token-for-tests-0123456789abcdef"
		vs.srv.SetupToken = token
		b := newBrowserClient(t, vs.url)
		if status, page := b.do("GET", "/signup", nil); status != http.StatusServiceUnavailable || !strings.Contains(page, "not set up yet") {
			t.Errorf("sign-up must say the service is not set up before an admin exists: %d", status)
		}
		if status, _ := b.do("POST", "/signup", url.Values{"email": {"early@b.test"}, "password": {"an early viewer's passphrase"}}); status != http.StatusServiceUnavailable {
			t.Errorf("a sign-up before an admin exists must be refused: %d", status)
		}
		if _, err := vs.accounts.UserByEmail(context.Background(), "early@b.test"); err == nil {
			t.Errorf("no account may be made before the service is set up")
		}
		if status, _ := b.do("GET", "/setup?token=wrong", nil); status != http.StatusNotFound {
			t.Errorf("a wrong setup token must not open the setup page: %d", status)
		}
		if status, page := b.do("GET", "/setup?token="+token, nil); status != http.StatusOK || !strings.Contains(page, `action="/setup"`) {
			t.Fatalf("the setup link must open the form: %d", status)
		}
		form := url.Values{"token": {token}, "email": {"owner@b.test"}, "password": {"password123"}}
		if status, page := b.do("POST", "/setup", form); status != http.StatusBadRequest || !strings.Contains(page, "common") {
			t.Errorf("the first admin's password follows the password rules: %d", status)
		}
		form.Set("password", "the owner's long passphrase")
		if status, page := b.do("POST", "/setup", form); status != http.StatusOK || !isEnrolmentPage(page) {
			t.Fatalf("setting up must sign the admin in and offer two-factor enrolment: %d", status)
		}
		if u, err := vs.accounts.UserByEmail(context.Background(), "owner@b.test"); err != nil || !u.IsAdmin() {
			t.Fatalf("the setup page must make an administrator: %+v %v", u, err)
		}
		for _, c := range []*browser{b, newBrowserClient(t, vs.url)} {
			if status, _ := c.do("GET", "/setup?token="+token, nil); status != http.StatusGone {
				t.Errorf("the setup link must stop working once an admin exists: %d", status)
			}
			form.Set("email", "intruder@b.test")
			if status, _ := c.do("POST", "/setup", form); status != http.StatusGone {
				t.Errorf("the setup form must stop working once an admin exists: %d", status)
			}
		}
		if status, page := newBrowserClient(t, vs.url).do("GET", "/signup", nil); status != http.StatusOK || !strings.Contains(page, `action="/signup"`) {
			t.Errorf("sign-up opens once an admin exists: %d", status)
		}
	})
}

// Row 1's alternative: a parental PIN stands in for the password when
// adding or changing a profile; a kids profile still cannot.
func TestParentalPINForProfiles(t *testing.T) {
	vs := newViewerServer(t)
	b, u, csrf := signedIn(t, vs, "parent@b.test")
	add := func(name, secret string) int {
		status, _ := b.do("POST", "/profiles", url.Values{"csrf": {csrf}, "name": {name}, "language": {"en"}, "max_age": {"18"}, "password": {secret}})
		return status
	}
	if status := add("Before", "4821"); status != http.StatusForbidden {
		t.Errorf("without a parental PIN set, a PIN is no proof: %d", status)
	}
	if status, _ := b.do("POST", "/account/parental-pin", url.Values{"csrf": {csrf}, "current": {"wrong"}, "parental_pin": {"4821"}}); status != http.StatusForbidden {
		t.Errorf("setting the parental PIN needs the password: %d", status)
	}
	if status, page := b.do("POST", "/account/parental-pin", url.Values{"csrf": {csrf}, "current": {"correct horse battery"}, "parental_pin": {"4821"}}); status != http.StatusOK || !strings.Contains(page, "parental PIN is set") {
		t.Fatalf("set the parental PIN: %d", status)
	}
	if status := add("Grandma", "4821"); status != http.StatusOK {
		t.Errorf("the parental PIN must add a profile: %d", status)
	}
	if status := add("Stranger", "1234"); status != http.StatusForbidden {
		t.Errorf("a wrong parental PIN must be refused: %d", status)
	}
	if status := add("Uncle", "correct horse battery"); status != http.StatusOK {
		t.Errorf("the password still works: %d", status)
	}
	ps, _ := vs.accounts.Profiles(context.Background(), u.ID)
	kids, err := vs.accounts.AddProfile(context.Background(), u.ID, accounts.ProfileInput{Name: "Kids", Language: "en", MaxAge: 7, Kids: true})
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := b.do("POST", "/profiles/"+itoa(kids.ID), url.Values{"csrf": {csrf}, "name": {"Kids"}, "kids": {"1"}, "language": {"en"}, "max_age": {"12"}, "password": {"4821"}}); status != http.StatusOK {
		t.Errorf("the parental PIN must raise a maturity limit: %d", status)
	}
	if p, _ := vs.accounts.Profile(context.Background(), u.ID, kids.ID); p.MaxAge != 12 {
		t.Errorf("the maturity limit must be raised to 12, is %d", p.MaxAge)
	}
	b.do("POST", "/profiles/"+itoa(kids.ID)+"/select", url.Values{"csrf": {csrf}})
	if status := add("Fake adult", "4821"); status != http.StatusForbidden {
		t.Errorf("a kids profile must not add profiles, even with the parental PIN: %d", status)
	}
	if status, _ := b.do("POST", "/profiles/"+itoa(kids.ID), url.Values{"csrf": {csrf}, "name": {"Kids"}, "kids": {"1"}, "language": {"en"}, "max_age": {"21"}, "password": {"4821"}}); status != http.StatusForbidden {
		t.Errorf("a kids profile must not raise its own limit, even with the parental PIN: %d", status)
	}
	if after, _ := vs.accounts.Profiles(context.Background(), u.ID); len(after) != len(ps)+1 {
		t.Errorf("the kids profile must have added nothing: %d profiles, want %d", len(after), len(ps)+1)
	}
}
