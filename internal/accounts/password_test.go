package accounts_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
)

func TestNewPasswordRules(t *testing.T) {
	for _, c := range []struct {
		pw, email string
		ok        bool
		reason    string
	}{
		{"password", "", false, "at least 10"},
		{"password123", "", false, "common"},
		{"qwertyuiop", "", false, "common"},
		{"1234567890", "", false, "common"},
		{"iloveyou2018", "", false, ""},
		{"xiaoming2018!", "xiaoming@example.com", false, "email"},
		{"correct horse battery", "", true, ""},
		{"watch-the-lineup", "", true, ""}, // the demo's
		{"run-the-lineup", "", true, ""},
		{"后来的我们在北京过年", "", true, ""},
	} {
		err := accounts.CheckNewPassword(c.pw, c.email)
		if c.ok != (err == nil) {
			t.Errorf("%q: want accepted=%v, got %v", c.pw, c.ok, err)
			continue
		}
		var fe *accounts.FieldError
		if err != nil && (!errors.As(err, &fe) || fe.Field != "password" || fe.Value != "" || !strings.Contains(fe.Reason, c.reason)) {
			t.Errorf("%q must be refused naming the field (never the value) and the reason %q: %v", c.pw, c.reason, err)
		}
	}
}
