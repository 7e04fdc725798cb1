// Package playback decides who may watch what, and proves it on every
// request without touching the database: Entitle checks that a profile may
// start a title now (available to the service in the viewer's territory,
// within the profile's maturity limit, with a playable asset) and signs a
// token bound to the asset, profile, title and territory that expires no
// later than the license window. Playlist and segment requests carry the
// token and are checked with Verify, an HMAC and a clock, nothing more.
//
// Tokens are HMAC-SHA256 under a key named by a key ID: one key signs, every
// listed key verifies, so keys rotate by listing a new current key, waiting
// out the token lifetime, and dropping the old one. Every node shares the
// keys.
package playback

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
)

// Claims is what a playback token grants: one profile may fetch one
// asset's playlists and segments, for one title in one territory, until
// ExpiresAt.
type Claims struct {
	AssetID   int64
	ProfileID int64
	TitleID   int64
	// Territory is the ISO 3166-1 alpha-2 country the entitlement was
	// decided for.
	Territory string
	// ExpiresAt is the first instant the token is no longer valid; tokens
	// carry whole seconds (Sign rounds down).
	ExpiresAt time.Time
	// KeyID names the key that signed the token. Sign ignores it and uses
	// the current key; Verify sets it.
	KeyID string
	// Home is the viewer's home country ("" when unknown), so that a
	// playlist request can place the viewer again (geo's portability rule)
	// without reading the account.
	Home string
	// SessionID is the session the token was granted to (accounts'
	// Session.ID, 64 hexadecimal digits), or "" for none. A key request
	// must come from that session, still alive.
	SessionID string
	// LeaseID is the stream lease the playback holds, 0 for none.
	LeaseID int64
}

// Allows reports whether the claims cover the given asset. A stream handler
// must ask it: a valid token for one asset grants nothing for another.
func (c Claims) Allows(assetID int64) bool { return assetID > 0 && c.AssetID == assetID }

// Errors from Verify, returned wrapped; errors.Is tells them apart. All of
// them mean HTTP 403.
var (
	// ErrMalformed is a token that is not one this package makes.
	ErrMalformed = errors.New("malformed playback token")
	// ErrUnknownKey is a well-formed token signed with a key no longer (or
	// never) listed.
	ErrUnknownKey = errors.New("playback token signed with an unknown key")
	// ErrBadSignature is a token whose MAC does not match: tampered, or
	// made with another key of the same name.
	ErrBadSignature = errors.New("playback token signature does not match")
	// ErrExpired is a genuine token past its expiry.
	ErrExpired = errors.New("playback token expired")
)

const (
	tokenVersion = 2
	maxKeyID     = 32
	// MinKeyLength is the shortest signing key accepted, in bytes.
	MinKeyLength = 32
	// maxExpiry bounds a token's expiry (unix seconds, about the year
	// 36800) so that it always fits the payload's arithmetic.
	maxExpiry = 1 << 40
	// maxTokenLength bounds what Verify decodes: real tokens are about
	// 100 characters.
	maxTokenLength = 512
)

var b64 = base64.RawURLEncoding.Strict()

// Signer signs and verifies playback tokens. It is safe for concurrent use
// and holds no state beyond its keys.
type Signer struct {
	current string
	keys    map[string][]byte
}

// NewSigner returns a Signer that signs with keys[current] and verifies with
// any key listed. Key IDs are 1 to 32 characters of A-Z, a-z, 0-9, '_' and
// '-'; keys are at least MinKeyLength bytes. The map is copied.
func NewSigner(current string, keys map[string][]byte) (*Signer, error) {
	if _, ok := keys[current]; !ok {
		return nil, fmt.Errorf("playback: current key %q is not among the keys", current)
	}
	for kid, k := range keys {
		if !validKeyID(kid) {
			return nil, fmt.Errorf("playback: key ID %q must be 1 to %d characters of letters, digits, '_' and '-'", kid, maxKeyID)
		}
		if len(k) < MinKeyLength {
			return nil, fmt.Errorf("playback: key %q is %d bytes; a key must be at least %d random bytes", kid, len(k), MinKeyLength)
		}
	}
	ks := maps.Clone(keys)
	for kid, k := range ks {
		ks[kid] = bytes.Clone(k)
	}
	return &Signer{current: current, keys: ks}, nil
}

func validKeyID(kid string) bool {
	if len(kid) == 0 || len(kid) > maxKeyID {
		return false
	}
	for i := 0; i < len(kid); i++ {
		c := kid[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func validTerritory(t string) bool {
	return len(t) == 2 && 'A' <= t[0] && t[0] <= 'Z' && 'A' <= t[1] && t[1] <= 'Z'
}

// Sign returns a token for c, signed with the current key: base64url of the
// payload (version, key ID, asset, profile, title, territory, expiry), a
// dot, base64url of its HMAC-SHA256. The token is URL-safe and about 100
// characters. IDs must be positive, Territory two capital letters and
// ExpiresAt after 1970 (and before the year 36000); ExpiresAt is rounded down to the second.
func (s *Signer) Sign(c Claims) (string, error) {
	switch {
	case c.AssetID <= 0 || c.ProfileID <= 0 || c.TitleID <= 0:
		return "", fmt.Errorf("playback: sign: asset, profile and title IDs must be positive: %d, %d, %d", c.AssetID, c.ProfileID, c.TitleID)
	case !validTerritory(c.Territory):
		return "", fmt.Errorf("playback: sign: territory %q is not a country code", c.Territory)
	case c.ExpiresAt.Unix() <= 0 || c.ExpiresAt.Unix() > maxExpiry:
		return "", fmt.Errorf("playback: sign: expiry %v is not a plausible instant", c.ExpiresAt)
	case c.Home != "" && !validTerritory(c.Home):
		return "", fmt.Errorf("playback: sign: home %q is not a country code", c.Home)
	case c.SessionID != "" && !validSessionID(c.SessionID):
		return "", fmt.Errorf("playback: sign: session %q is not a session ID", c.SessionID)
	case c.LeaseID < 0:
		return "", fmt.Errorf("playback: sign: lease %d is negative", c.LeaseID)
	}
	c.KeyID = s.current
	payload := encodeClaims(c)
	p := b64.EncodeToString(payload)
	return p + "." + b64.EncodeToString(mac(s.keys[s.current], payload)), nil
}

func mac(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return m.Sum(nil)
}

func encodeClaims(c Claims) []byte {
	b := make([]byte, 0, 2+len(c.KeyID)+4*binary.MaxVarintLen64+2)
	b = append(b, tokenVersion, byte(len(c.KeyID)))
	b = append(b, c.KeyID...)
	b = binary.AppendUvarint(b, uint64(c.AssetID))
	b = binary.AppendUvarint(b, uint64(c.ProfileID))
	b = binary.AppendUvarint(b, uint64(c.TitleID))
	b = binary.AppendUvarint(b, uint64(c.LeaseID))
	b = append(b, c.Territory...)
	b = append(b, byte(len(c.Home)))
	b = append(b, c.Home...)
	sess, _ := hex.DecodeString(c.SessionID)
	b = append(b, byte(len(sess)))
	b = append(b, sess...)
	b = binary.AppendUvarint(b, uint64(c.ExpiresAt.Unix()))
	return b
}

// validSessionID tells a session ID: 64 lower-case hexadecimal digits.
func validSessionID(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Verify checks a token and returns its claims. now is the instant of the
// request; a token is valid while now is before its ExpiresAt. The error,
// wrapped, is ErrMalformed, ErrUnknownKey, ErrBadSignature or ErrExpired,
// checked in that order (the MAC is compared in constant time before any
// claim is believed). With ErrExpired it also returns the genuine claims,
// so a caller can say why the token ended; they grant nothing. Verify reads no database; the caller still checks
// Claims.Allows for the asset requested.
func (s *Signer) Verify(token string, now time.Time) (Claims, error) {
	if len(token) > maxTokenLength {
		return Claims{}, fmt.Errorf("playback: token: %w", ErrMalformed)
	}
	p, m, ok := strings.Cut(token, ".")
	if !ok {
		return Claims{}, fmt.Errorf("playback: token: %w", ErrMalformed)
	}
	payload, err := b64.DecodeString(p)
	if err != nil {
		return Claims{}, fmt.Errorf("playback: token: %w", ErrMalformed)
	}
	sum, err := b64.DecodeString(m)
	if err != nil || len(sum) != sha256.Size {
		return Claims{}, fmt.Errorf("playback: token: %w", ErrMalformed)
	}
	if len(payload) < 2 || payload[0] != tokenVersion || len(payload) < 2+int(payload[1]) {
		return Claims{}, fmt.Errorf("playback: token: %w", ErrMalformed)
	}
	kid := string(payload[2 : 2+int(payload[1])])
	key, ok := s.keys[kid]
	if !ok {
		return Claims{}, fmt.Errorf("playback: token key %q: %w", printable(kid), ErrUnknownKey)
	}
	if !hmac.Equal(sum, mac(key, payload)) {
		return Claims{}, fmt.Errorf("playback: token: %w", ErrBadSignature)
	}
	c, err := decodeClaims(payload)
	if err != nil {
		return Claims{}, fmt.Errorf("playback: token: %w", ErrMalformed)
	}
	if !now.Before(c.ExpiresAt) {
		return c, fmt.Errorf("playback: token expired at %s: %w", c.ExpiresAt.Format(time.RFC3339), ErrExpired)
	}
	return c, nil
}

// decodeClaims reads a payload made by encodeClaims, refusing anything that
// would not encode back to the same bytes.
func decodeClaims(b []byte) (Claims, error) {
	bad := errors.New("bad payload")
	var c Claims
	n := int(b[1])
	c.KeyID = string(b[2 : 2+n])
	rest := b[2+n:]
	var ids [3]uint64
	for i := range ids {
		v, k := binary.Uvarint(rest)
		if k <= 0 || v == 0 || v > 1<<63-1 {
			return Claims{}, bad
		}
		ids[i], rest = v, rest[k:]
	}
	lease, k := binary.Uvarint(rest)
	if k <= 0 || lease > 1<<63-1 {
		return Claims{}, bad
	}
	c.LeaseID, rest = int64(lease), rest[k:]
	if len(rest) < 3 {
		return Claims{}, bad
	}
	c.Territory, rest = string(rest[:2]), rest[2:]
	if n := int(rest[0]); n != 0 && n != 2 || len(rest) < 1+n+1 {
		return Claims{}, bad
	}
	c.Home, rest = string(rest[1:1+int(rest[0])]), rest[1+int(rest[0]):]
	if n := int(rest[0]); n != 0 && n != sha256.Size || len(rest) < 1+n {
		return Claims{}, bad
	}
	c.SessionID, rest = hex.EncodeToString(rest[1:1+int(rest[0])]), rest[1+int(rest[0]):]
	exp, k := binary.Uvarint(rest)
	if k <= 0 || k != len(rest) || exp == 0 || exp > maxExpiry {
		return Claims{}, bad
	}
	c.AssetID, c.ProfileID, c.TitleID = int64(ids[0]), int64(ids[1]), int64(ids[2])
	c.ExpiresAt = time.Unix(int64(exp), 0).UTC()
	if !validKeyID(c.KeyID) || !validTerritory(c.Territory) || c.Home != "" && !validTerritory(c.Home) || !bytes.Equal(encodeClaims(c), b) {
		return Claims{}, bad
	}
	return c, nil
}

// printable cuts an untrusted key ID down for an error message.
func printable(s string) string {
	if len(s) > maxKeyID {
		s = s[:maxKeyID]
	}
	return strings.ToValidUTF8(s, "?")
}

// ParseKeys reads playback keys as an operator writes them in
// configuration: comma-separated kid:key pairs, where key is base64 (URL or
// standard alphabet, padded or not) of at least MinKeyLength random bytes,
// such as "k2:7Zq…,k1:Qm9…". The first pair is the current (signing) key;
// the rest still verify. The result goes to NewSigner.
func ParseKeys(spec string) (current string, keys map[string][]byte, err error) {
	keys = map[string][]byte{}
	for i, pair := range strings.Split(spec, ",") {
		pair = strings.TrimSpace(pair)
		kid, enc, ok := strings.Cut(pair, ":")
		if !ok || kid == "" || enc == "" {
			return "", nil, fmt.Errorf("playback: key %d: want kid:base64key", i+1)
		}
		if !validKeyID(kid) {
			return "", nil, fmt.Errorf("playback: key ID %q must be 1 to %d characters of letters, digits, '_' and '-'", kid, maxKeyID)
		}
		if _, dup := keys[kid]; dup {
			return "", nil, fmt.Errorf("playback: key ID %q is listed twice", kid)
		}
		raw, err := decodeKey(enc)
		if err != nil {
			return "", nil, fmt.Errorf("playback: key %q is not base64", kid)
		}
		if len(raw) < MinKeyLength {
			return "", nil, fmt.Errorf("playback: key %q is %d bytes; a key must be at least %d random bytes", kid, len(raw), MinKeyLength)
		}
		keys[kid] = raw
		if i == 0 {
			current = kid
		}
	}
	return current, keys, nil
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "+/") {
		return base64.RawStdEncoding.DecodeString(s)
	}
	return base64.RawURLEncoding.DecodeString(s)
}
