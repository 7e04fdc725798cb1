package accounts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// CSRFToken derives the CSRF token of a session: the HMAC-SHA256, under a
// server key every web node shares, of the session's ID (Session.ID),
// base64url without padding. Forms carry it in a hidden field; it changes
// with the session and needs no storage. key must be secret and should be
// at least 32 random bytes.
func CSRFToken(key []byte, sessionID string) string {
	return base64.RawURLEncoding.EncodeToString(csrfMAC(key, sessionID))
}

// CheckCSRF reports whether token is the CSRF token of the session, in
// constant time. An empty session ID or token never passes.
func CheckCSRF(key []byte, sessionID, token string) bool {
	if sessionID == "" || token == "" || len(key) == 0 {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return false
	}
	return hmac.Equal(got, csrfMAC(key, sessionID))
}

func csrfMAC(key []byte, sessionID string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("lineup csrf v1\x00"))
	m.Write([]byte(sessionID))
	return m.Sum(nil)
}
