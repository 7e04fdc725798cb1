package protect_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/lineup/lineup/internal/protect"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEncryptIsAES128CBCWithPKCS7 checks Encrypt against NIST SP 800-38A's
// CBC-AES128 vector (F.2.1) and RFC 8216's padding rule.
func TestEncryptIsAES128CBCWithPKCS7(t *testing.T) {
	var key protect.Key
	var iv protect.IV
	copy(key[:], unhex(t, "2b7e151628aed2a6abf7158809cf4f3c"))
	copy(iv[:], unhex(t, "000102030405060708090a0b0c0d0e0f"))
	plain := unhex(t, "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
	ct := protect.Encrypt(plain, key, iv)
	if want := unhex(t, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"); !bytes.Equal(ct[:32], want) {
		t.Fatalf("AES-128-CBC must match NIST SP 800-38A F.2.1:\n got %x\nwant %x", ct[:32], want)
	}
	if len(ct) != 48 {
		t.Errorf("PKCS#7 adds a whole block of padding to block-aligned input: %d bytes, want 48", len(ct))
	}
	for _, n := range []int{0, 1, 15, 16, 17, 1000} {
		p := bytes.Repeat([]byte{7}, n)
		c := protect.Encrypt(p, key, iv)
		if len(c)%16 != 0 || len(c) <= n || len(c) > n+16 {
			t.Errorf("a %d-byte segment must encrypt to the next whole block above it, got %d", n, len(c))
		}
		back, err := protect.Decrypt(c, key, iv)
		if err != nil || !bytes.Equal(back, p) {
			t.Errorf("a %d-byte segment must decrypt back: %v", n, err)
		}
	}
	other := protect.NewKey()
	if _, err := protect.Decrypt(protect.Encrypt(plain, key, iv), other, iv); err == nil {
		// One in 256 wrong keys ends in valid padding by chance; this key is random.
		t.Log("a wrong key happened to give valid padding")
	}
	if s := iv.String(); s != "0x000102030405060708090a0b0c0d0e0f" {
		t.Errorf("an IV is written as 0x and 32 hex digits in EXT-X-KEY: %s", s)
	}
	if back, err := protect.ParseIV(iv.String()); err != nil || back != iv {
		t.Errorf("an IV reads back: %v", err)
	}
}

func TestWrapBindsTheKeyToItsRow(t *testing.T) {
	kek, err := protect.ParseKEK(protect.NewKEKText())
	if err != nil {
		t.Fatal(err)
	}
	key := protect.NewKey()
	w := kek.Wrap(key, 7, "assets/1/7/a1-x/", 0)
	if bytes.Contains(w, key[:]) {
		t.Fatal("a wrapped key must not hold the key in the clear")
	}
	if got, err := kek.Unwrap(w, 7, "assets/1/7/a1-x/", 0); err != nil || got != key {
		t.Fatalf("a wrapped key must unwrap on its own row: %v", err)
	}
	if _, err := kek.Unwrap(w, 8, "assets/1/7/a1-x/", 0); !errors.Is(err, protect.ErrUnwrap) {
		t.Errorf("a wrapped key copied to another asset must not unwrap: %v", err)
	}
	if _, err := kek.Unwrap(w, 7, "assets/1/7/a1-x/", 1); !errors.Is(err, protect.ErrUnwrap) {
		t.Errorf("a wrapped key copied to another key period must not unwrap: %v", err)
	}
	other, _ := protect.ParseKEK(protect.NewKEKText())
	if _, err := other.Unwrap(w, 7, "assets/1/7/a1-x/", 0); !errors.Is(err, protect.ErrUnwrap) {
		t.Errorf("another KEK must not unwrap: %v", err)
	}
	for _, bad := range []string{"", "short", "zz" + protect.NewKEKText()[2:]} {
		if _, err := protect.ParseKEK(bad); err == nil {
			t.Errorf("ParseKEK(%q) must refuse what is not 32 bytes of hex or base64", bad)
		}
	}
}

func TestKeysAreStoredWrappedAndRotate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var titleID, assetID int64
		if err := db.QueryRowContext(ctx, `INSERT INTO titles (original_title, original_language, created_at) VALUES ('t', 'en', 1) RETURNING id`).Scan(&titleID); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `INSERT INTO assets (title_id, source_key, created_at, updated_at) VALUES ($1, 's', 1, 1) RETURNING id`, titleID).Scan(&assetID); err != nil {
			t.Fatal(err)
		}
		kek1, _ := protect.ParseKEK(protect.NewKEKText())
		keys := protect.NewKeys(db, kek1)
		made, err := keys.Make(ctx, assetID, "assets/1/a/", 3)
		if err != nil {
			t.Fatal(err)
		}
		if made[0] == made[1] || made[1] == made[2] {
			t.Fatal("each key period gets its own random key")
		}
		var raw []byte
		if err := db.QueryRowContext(ctx, `SELECT wrapped FROM content_keys WHERE asset_id = $1 AND key_index = 1`, assetID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, made[1][:]) {
			t.Fatal("content keys must be stored wrapped, never in the clear")
		}
		if k, err := protect.NewKeys(db, kek1).Get(ctx, assetID, "assets/1/a/", 2); err != nil || k != made[2] {
			t.Fatalf("a stored key must come back unwrapped: %v", err)
		}
		if _, err := keys.Get(ctx, assetID, "assets/1/a/", 3); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a key period that does not exist is not found: %v", err)
		}
		if n, err := keys.Check(ctx); err != nil || n != 3 {
			t.Fatalf("the start-up check unwraps every key: %d %v", n, err)
		}

		kek2, _ := protect.ParseKEK(protect.NewKEKText())
		var ue *protect.UnwrapError
		if _, err := protect.NewKeys(db, kek2).Check(ctx); !errors.As(err, &ue) || ue.Failed != 3 || ue.WrappedBy[kek1.ID()] != 3 {
			t.Fatalf("a wrong KEK must fail the start-up check naming the KEK the keys need: %v", err)
		}
		if _, err := protect.NewKeys(db, kek2).RotateKEK(ctx, kek1); !errors.As(err, &ue) {
			t.Fatalf("rotation with a KEK that does not open the keys must change nothing: %v", err)
		}
		n, err := keys.RotateKEK(ctx, kek2)
		if err != nil || n != 3 {
			t.Fatalf("rotate-kek re-wraps every key: %d %v", n, err)
		}
		if _, err := protect.NewKeys(db, kek1).Check(ctx); err == nil {
			t.Error("after rotation the old KEK no longer opens the keys")
		}
		for i, want := range made {
			if k, err := protect.NewKeys(db, kek2).Get(ctx, assetID, "assets/1/a/", i); err != nil || k != want {
				t.Errorf("rotation must keep every content key (so no media changes): key %d: %v", i, err)
			}
		}
	})
}
