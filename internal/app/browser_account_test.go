package app

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/lineup/lineup/internal/mail/mailpit"
)

// TestBrowserAccountPages: in headless Chromium against lineup serve on an
// empty folder, with mail through a real SMTP server (mailpit): the first
// run's setup link makes the administrator, who must (LINEUP_ADMIN_2FA=
// required) enrol in two-factor sign-in with a code computed here; then
// changes the password, resets it by the emailed link, and signs in with
// the new password and a TOTP code.
func TestBrowserAccountPages(t *testing.T) {
	mp := mailpit.Start(t)
	logs := &lockedBuffer{}
	addr := startServeLogging(t, map[string]string{
		"LINEUP_DATA_DIR": t.TempDir(), "LINEUP_ADDR": "127.0.0.1:0", "LINEUP_METRICS_ADDR": "127.0.0.1:0",
		"LINEUP_SMTP_URL": mp.SMTPURL, "LINEUP_MAIL_FROM": "Lineup <no-reply@lineup.test>",
		"LINEUP_ADMIN_2FA": "required", "LINEUP_EMAIL_VERIFICATION": "false",
	}, logs)
	base := "http://" + addr
	m := setupURL.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("lineup serve on an empty folder must log the setup link:\n%s", logs.String())
	}
	const email = "owner@lineup.test"
	ctx := newBrowser(t, nil)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			where, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s: %v (the browser was at %s)", what, err, where)
		}
	}

	step("the setup link must make the administrator and lead to two-factor enrolment",
		chromedp.Navigate(m[1]),
		chromedp.WaitVisible(`form[action="/setup"] input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, email),
		chromedp.SendKeys(`input[name=password]`, "the owner's first passphrase"),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`#totp-secret`),
	)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("totp-qr").complete && document.getElementById("totp-qr").naturalWidth > 0`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the enrolment page must show the key as a QR image: %v", err)
	}
	key, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`({secret: document.getElementById("totp-secret").textContent,
		uri: document.getElementById("totp-uri").getAttribute("href")})`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key["uri"], "otpauth://totp/") || !strings.Contains(key["uri"], "secret="+key["secret"]) {
		t.Errorf("the enrolment page must give the key's otpauth URI, got %q", key["uri"])
	}
	code, err := totp.GenerateCode(key["secret"], time.Now())
	if err != nil {
		t.Fatalf("the key shown must be a TOTP secret: %v", err)
	}
	step("a first code from the app must turn two-factor on and show the recovery codes",
		chromedp.SendKeys(`form[action="/account/2fa"] input[name=code]`, code),
		chromedp.Submit(`form[action="/account/2fa"] input[name=code]`),
		chromedp.WaitVisible(`#recovery-codes`),
	)

	step("the account page must change the password",
		chromedp.Navigate(base+"/account"),
		chromedp.WaitVisible(`form[action="/account/password"]`),
		chromedp.SendKeys(`form[action="/account/password"] input[name=current]`, "the owner's first passphrase"),
		chromedp.SendKeys(`form[action="/account/password"] input[name=password]`, "the owner's second passphrase"),
		chromedp.Submit(`form[action="/account/password"] input[name=password]`),
		chromedp.WaitVisible(`p.notice`),
	)
	notice, _ := chromedp.Run(ctx, chromedp.Text(`p.notice`))
	if !strings.Contains(notice, "password is changed") {
		t.Errorf("changing the password must say it is changed, said %q", notice)
	}

	step("signing out, then asking for a reset link by mail",
		chromedp.Click(`form[action="/signout"] button`),
		chromedp.WaitVisible(`form[action="/signin"]`),
		chromedp.Navigate(base+"/forgot"),
		chromedp.WaitVisible(`form[action="/forgot"] input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, email),
		chromedp.Click(`button[value=reset]`),
		chromedp.WaitNotPresent(`form[action="/forgot"]`),
	)
	link := mp.WaitFor(t, email, "Reset your password").Link(t)
	if !strings.HasPrefix(link, base+"/reset?token=") {
		t.Fatalf("the reset mail must link to the service's reset page, got %s", link)
	}
	step("the emailed link must set a new password",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`form[action="/reset"] input[name=password]`),
		chromedp.SendKeys(`input[name=password]`, "the owner's third passphrase"),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`form[action="/signin"] input[name=email]`),
	)

	step("signing in with the new password must ask for the code",
		chromedp.SendKeys(`input[name=email]`, email),
		chromedp.SendKeys(`input[name=password]`, "the owner's third passphrase"),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`form[action="/signin/code"] input[name=code]`),
	)
	// The enrolment's code is spent; the app's next one is accepted.
	code, _ = totp.GenerateCode(key["secret"], time.Now().Add(30*time.Second))
	step("the TOTP code must finish the sign-in",
		chromedp.SendKeys(`input[name=code]`, code),
		chromedp.Submit(`input[name=code]`),
		chromedp.WaitVisible(`#add-profile`),
		chromedp.Navigate(base+"/account"),
		chromedp.WaitVisible(`form[action="/account/password"]`),
	)
	page, _ := chromedp.Run(ctx, chromedp.Text(`main`))
	if !strings.Contains(page, email) || !strings.Contains(page, "Two-factor sign-in is on") {
		t.Errorf("the account page must show the signed-in owner with two-factor on, shows %q", page)
	}
}
