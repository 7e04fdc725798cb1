package app

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var setupURL = regexp.MustCompile(`setup_url="?(http://[^\s"]+/setup\?token=[A-Za-z0-9]+)`)

// Issue 10 item 4: on an empty data folder lineup serve prints a one-time
// setup link; its page makes the first administrator, after which the link
// stops working and sign-up opens. Until then sign-up is closed.
func TestServePrintsASetupLinkUntilAnAdminExists(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"LINEUP_DATA_DIR": dir, "LINEUP_ADDR": "127.0.0.1:0", "LINEUP_METRICS_ADDR": "127.0.0.1:0", "LINEUP_SIGNUP": "true",
		"LINEUP_EMAIL_VERIFICATION": "false"}
	logs := &lockedBuffer{}
	addr := startServeLogging(t, vars, logs)
	m := setupURL.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("lineup serve with no administrator must log a setup link (setup_url=…), logged:\n%s", logs.String())
	}
	if n := strings.Count(logs.String(), "setup_url="); n != 1 {
		t.Errorf("the setup link must be logged once, was logged %d times", n)
	}
	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, page := get("http://" + addr + "/signup"); status != http.StatusServiceUnavailable || !strings.Contains(page, "not set up yet") {
		t.Errorf("sign-up must be closed, saying so, until an administrator exists: %d", status)
	}
	if status, page := get(m[1]); status != http.StatusOK || !strings.Contains(page, `action="/setup"`) {
		t.Fatalf("the setup link must open the form that makes the first administrator: %d", status)
	}
	token, _ := url.Parse(m[1])
	resp, err := http.PostForm("http://"+addr+"/setup", url.Values{"token": {token.Query().Get("token")}, "email": {"owner@lineup.test"}, "password": {"the owner's long passphrase"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the setup form must make the administrator and lead on: %d", resp.StatusCode)
	}
	if status, _ := get(m[1]); status != http.StatusGone {
		t.Errorf("the setup link must stop working once an administrator exists: %d", status)
	}
	if status, _ := get("http://" + addr + "/signup"); status != http.StatusOK {
		t.Errorf("sign-up must open once an administrator exists: %d", status)
	}
}

// LINEUP_ADMIN_2FA takes required or offered; anything else stops serve
// with a message naming the setting.
func TestAdmin2FASettingIsChecked(t *testing.T) {
	c := newCLI(t, filepath.Join(t.TempDir(), "twofa.db"))
	c.env["LINEUP_ADDR"] = "127.0.0.1:0"
	c.env["LINEUP_ADMIN_2FA"] = "sometimes"
	_, err := c.run("serve")
	if err == nil || !strings.Contains(err.Error(), "LINEUP_ADMIN_2FA") || !strings.Contains(err.Error(), "required or offered") {
		t.Fatalf("an unknown LINEUP_ADMIN_2FA must stop lineup serve saying what it takes, got %v", err)
	}
}
