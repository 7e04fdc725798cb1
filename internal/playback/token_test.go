package playback_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/playback"
)

var (
	key1 = bytes.Repeat([]byte{1}, 32)
	key2 = bytes.Repeat([]byte{2}, 32)
	t0   = time.Date(2018, 6, 22, 12, 0, 0, 0, time.UTC)
)

func mustSigner(t testing.TB, current string, keys map[string][]byte) *playback.Signer {
	t.Helper()
	s, err := playback.NewSigner(current, keys)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

func claims() playback.Claims {
	return playback.Claims{AssetID: 42, ProfileID: 7, TitleID: 3, Territory: "PH", ExpiresAt: t0.Add(6 * time.Hour)}
}

func mustSign(t testing.TB, s *playback.Signer, c playback.Claims) string {
	t.Helper()
	tok, err := s.Sign(c)
	if err != nil {
		t.Fatalf("Sign(%+v): %v", c, err)
	}
	return tok
}

// flip changes one character of a base64url string at i into another
// base64url character.
func flip(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func TestSignVerifyRoundTrip(t *testing.T) {
	s := mustSigner(t, "k1", map[string][]byte{"k1": key1})
	c := claims()
	c.ExpiresAt = c.ExpiresAt.Add(750 * time.Millisecond)
	tok := mustSign(t, s, c)
	if strings.ContainsAny(tok, "+/=?&# ") || len(tok) > 200 {
		t.Errorf("a token is compact and URL-safe: %q (%d characters)", tok, len(tok))
	}
	got, err := s.Verify(tok, t0)
	if err != nil {
		t.Fatalf("a fresh token must verify: %v", err)
	}
	want := claims()
	want.KeyID = "k1"
	if got != want {
		t.Errorf("Verify must return the signed claims (expiry rounded down to the second):\n got %+v\nwant %+v", got, want)
	}
	if !got.Allows(42) || got.Allows(43) || got.Allows(0) {
		t.Errorf("a token allows its own asset and no other")
	}
}

func TestVerifyRefuses(t *testing.T) {
	s := mustSigner(t, "k1", map[string][]byte{"k1": key1})
	tok := mustSign(t, s, claims())
	payload, sum, _ := strings.Cut(tok, ".")
	otherKey := mustSign(t, mustSigner(t, "k1", map[string][]byte{"k1": key2}), claims())
	unknownKey := mustSign(t, mustSigner(t, "k9", map[string][]byte{"k9": key1}), claims())
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	raw[len(raw)-3] ^= 1 // a claim changed, the MAC kept
	changedClaim := base64.RawURLEncoding.EncodeToString(raw) + "." + sum

	tests := []struct {
		name  string
		token string
		now   time.Time
		want  error
		rule  string
	}{
		{"flipped payload byte", flip(tok, 10), t0, playback.ErrBadSignature, "a token whose payload was changed is refused"},
		{"changed claim", changedClaim, t0, playback.ErrBadSignature, "a claim changed under the old MAC is refused"},
		{"flipped MAC byte", flip(tok, len(payload)+5), t0, playback.ErrBadSignature, "a token whose MAC was changed is refused"},
		{"other key, same ID", otherKey, t0, playback.ErrBadSignature, "a token made with another key of the same ID is refused"},
		{"unknown key ID", unknownKey, t0, playback.ErrUnknownKey, "a token signed with a key not listed is refused"},
		{"expired", tok, t0.Add(6 * time.Hour), playback.ErrExpired, "a token is dead at its expiry instant"},
		{"long expired", tok, t0.Add(30 * 24 * time.Hour), playback.ErrExpired, "an old token is refused"},
		{"empty", "", t0, playback.ErrMalformed, "an empty token is malformed"},
		{"no dot", payload + sum, t0, playback.ErrMalformed, "a token has two parts"},
		{"three parts", tok + ".x", t0, playback.ErrMalformed, "a token has exactly two parts"},
		{"truncated MAC", tok[:len(tok)-2], t0, playback.ErrMalformed, "a short MAC is malformed"},
		{"padding", tok + "=", t0, playback.ErrMalformed, "padding is not part of the encoding"},
		{"standard alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(tok) + "+", t0, playback.ErrMalformed, "only base64url"},
		{"huge", strings.Repeat("A", 10000) + "." + sum, t0, playback.ErrMalformed, "an oversized token is refused before decoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Verify(tt.token, tt.now)
			if !errors.Is(err, tt.want) {
				t.Errorf("%s: want %v, got %v", tt.rule, tt.want, err)
			}
		})
	}
	if _, err := s.Verify(tok, t0.Add(6*time.Hour-time.Second)); err != nil {
		t.Errorf("a token is valid up to the second before its expiry: %v", err)
	}
}

func TestKeyRotation(t *testing.T) {
	old := mustSigner(t, "2018-05", map[string][]byte{"2018-05": key1})
	tok := mustSign(t, old, claims())

	// A new current key is listed; the old one still verifies.
	rotated := mustSigner(t, "2018-06", map[string][]byte{"2018-06": key2, "2018-05": key1})
	got, err := rotated.Verify(tok, t0)
	if err != nil || got.KeyID != "2018-05" {
		t.Fatalf("a token signed with an old key verifies while that key is listed: %+v, %v", got, err)
	}
	fresh := mustSign(t, rotated, claims())
	if c, err := rotated.Verify(fresh, t0); err != nil || c.KeyID != "2018-06" {
		t.Errorf("new tokens are signed with the current key: %+v, %v", c, err)
	}
	if _, err := old.Verify(fresh, t0); !errors.Is(err, playback.ErrUnknownKey) {
		t.Errorf("a node that does not know the new key refuses its tokens as unknown: %v", err)
	}

	// The old key is dropped.
	done := mustSigner(t, "2018-06", map[string][]byte{"2018-06": key2})
	if _, err := done.Verify(tok, t0); !errors.Is(err, playback.ErrUnknownKey) {
		t.Errorf("once its key is removed an old token fails with ErrUnknownKey, got %v", err)
	}
}

func TestNewSignerAndSignRefuse(t *testing.T) {
	signers := []struct {
		name    string
		current string
		keys    map[string][]byte
		rule    string
	}{
		{"current missing", "k2", map[string][]byte{"k1": key1}, "the current key must be listed"},
		{"short key", "k1", map[string][]byte{"k1": key1[:31]}, "keys are at least 32 bytes"},
		{"bad key ID", "k.1", map[string][]byte{"k.1": key1}, "key IDs are URL-safe names"},
		{"long key ID", strings.Repeat("k", 33), map[string][]byte{strings.Repeat("k", 33): key1}, "key IDs are at most 32 characters"},
	}
	for _, tt := range signers {
		if _, err := playback.NewSigner(tt.current, tt.keys); err == nil {
			t.Errorf("%s: NewSigner accepted it", tt.rule)
		}
	}
	s := mustSigner(t, "k1", map[string][]byte{"k1": key1})
	bad := []struct {
		name string
		edit func(*playback.Claims)
		rule string
	}{
		{"no asset", func(c *playback.Claims) { c.AssetID = 0 }, "a token is bound to an asset"},
		{"negative profile", func(c *playback.Claims) { c.ProfileID = -1 }, "a token is bound to a profile"},
		{"no title", func(c *playback.Claims) { c.TitleID = 0 }, "a token is bound to a title"},
		{"region", func(c *playback.Claims) { c.Territory = "ZZ1" }, "a token is bound to one country"},
		{"lower case", func(c *playback.Claims) { c.Territory = "ph" }, "a territory is two capitals"},
		{"no expiry", func(c *playback.Claims) { c.ExpiresAt = time.Time{} }, "a token must expire"},
		{"far future", func(c *playback.Claims) { c.ExpiresAt = time.Date(99999, 1, 1, 0, 0, 0, 0, time.UTC) }, "an absurd expiry is refused"},
	}
	for _, tt := range bad {
		c := claims()
		tt.edit(&c)
		if _, err := s.Sign(c); err == nil {
			t.Errorf("%s: Sign accepted %+v", tt.rule, c)
		}
	}
}

func TestParseKeys(t *testing.T) {
	k1 := base64.RawURLEncoding.EncodeToString(key1)
	k2 := base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte{0xfb}, 31), 0xff)) // has + and /, padded
	current, keys, err := playback.ParseKeys("new:" + k2 + ", old:" + k1)
	if err != nil {
		t.Fatalf("ParseKeys: %v", err)
	}
	if current != "new" || len(keys) != 2 || !bytes.Equal(keys["old"], key1) || len(keys["new"]) != 32 {
		t.Errorf("the first pair is current; both alphabets decode: %q %v", current, keys)
	}
	if _, err := playback.NewSigner(current, keys); err != nil {
		t.Errorf("parsed keys make a signer: %v", err)
	}
	for _, bad := range []struct{ spec, rule string }{
		{"", "no keys is an error"},
		{"k1", "a pair needs a colon"},
		{"k1:" + k1 + ",k1:" + k1, "a key ID is listed once"},
		{"k1:c2hvcnQ", "a key is at least 32 bytes"},
		{"k1:***", "a key is base64"},
		{"k 1:" + k1, "a key ID is URL-safe"},
	} {
		if _, _, err := playback.ParseKeys(bad.spec); err == nil {
			t.Errorf("%s: ParseKeys(%q) accepted it", bad.rule, bad.spec)
		}
	}
}

func FuzzVerify(f *testing.F) {
	s := mustSigner(f, "k1", map[string][]byte{"k1": key1})
	tok := mustSign(f, s, claims())
	f.Add(tok)
	f.Add(flip(tok, 3))
	f.Add("")
	f.Add(".")
	f.Add("AQJrMQ.AAAA")
	f.Add(tok[:len(tok)/2])
	f.Fuzz(func(t *testing.T, token string) {
		c, err := s.Verify(token, t0)
		if err != nil {
			for _, known := range []error{playback.ErrMalformed, playback.ErrUnknownKey, playback.ErrBadSignature, playback.ErrExpired} {
				if errors.Is(err, known) {
					return
				}
			}
			t.Fatalf("Verify(%q) returned an error of no known kind: %v", token, err)
		}
		again, err := s.Sign(c)
		if err != nil {
			t.Fatalf("claims that verified must sign again: %+v: %v", c, err)
		}
		if again != token {
			t.Fatalf("a token that verifies must round-trip: %q re-signs as %q", token, again)
		}
	})
}

func FuzzSignVerify(f *testing.F) {
	s := mustSigner(f, "k1", map[string][]byte{"k1": key1})
	f.Add(int64(42), int64(7), int64(3), "PH", t0.Unix()+3600)
	f.Add(int64(1<<62), int64(1), int64(1<<40), "ZZ", int64(1)<<40)
	f.Fuzz(func(t *testing.T, asset, profile, title int64, territory string, exp int64) {
		c := playback.Claims{AssetID: asset, ProfileID: profile, TitleID: title, Territory: territory, ExpiresAt: time.Unix(exp, 0).UTC()}
		tok, err := s.Sign(c)
		if err != nil {
			return
		}
		got, err := s.Verify(tok, time.Unix(exp-1, 0))
		if err != nil {
			t.Fatalf("a token Sign made must verify before its expiry: %+v: %v", c, err)
		}
		c.KeyID = "k1"
		if got != c {
			t.Fatalf("claims must round-trip:\n got %+v\nwant %+v", got, c)
		}
	})
}
