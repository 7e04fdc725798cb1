package accounts_test

import (
	"testing"

	"github.com/lineup/lineup/internal/accounts"
)

func TestCSRF(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	other := []byte("fedcba9876543210fedcba9876543210")
	const sess = "5f1c0f0a4c5d6e7f"
	good := accounts.CSRFToken(key, sess)
	if good == accounts.CSRFToken(key, sess+"0") {
		t.Fatalf("each session must get its own CSRF token")
	}
	if good != accounts.CSRFToken(key, sess) {
		t.Fatalf("a session's CSRF token is derived, so every node derives the same one")
	}
	flipped := []byte(good)
	if flipped[0] == 'A' {
		flipped[0] = 'B'
	} else {
		flipped[0] = 'A'
	}
	tests := []struct {
		name    string
		key     []byte
		session string
		token   string
		want    bool
		rule    string
	}{
		{"own token", key, sess, good, true, "a session's own token passes"},
		{"other session's token", key, "another-session", good, false, "a token is bound to its session"},
		{"other server key", other, sess, good, false, "a token is bound to the server key"},
		{"tampered", key, sess, string(flipped), false, "a changed token fails"},
		{"truncated", key, sess, good[:len(good)-1], false, "a truncated token fails"},
		{"empty token", key, sess, "", false, "a missing token fails"},
		{"empty session", key, "", accounts.CSRFToken(key, ""), false, "no session, no CSRF pass"},
		{"no key", nil, sess, accounts.CSRFToken(nil, sess), false, "no server key, no CSRF pass"},
		{"not base64", key, sess, "!!!!", false, "garbage fails"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accounts.CheckCSRF(tt.key, tt.session, tt.token); got != tt.want {
				t.Errorf("%s: CheckCSRF = %v, want %v", tt.rule, got, tt.want)
			}
		})
	}
}
