// Package protect owns content keys: it makes them, wraps them with a
// key-encryption key (envelope encryption), stores and unwraps them, and
// encrypts media segments with them.
//
// Segments are encrypted as HLS METHOD=AES-128 asks (RFC 8216 §4.3.2.4):
// the whole segment file is AES-128-CBC encrypted with PKCS#7 padding under
// a 16-byte content key and an explicit 16-byte IV. The init segment (the
// EXT-X-MAP file, which holds only the codec set-up and no picture or
// sound) stays clear: media playlists put EXT-X-MAP before the first
// EXT-X-KEY, so by RFC 8216 §4.3.2.5 it is not encrypted and needs no IV.
// That keeps it parseable by players and caches alike, and costs nothing:
// without the key the segments it describes cannot be decoded. Every
// segment gets its own random IV, written in its EXT-X-KEY line, so two
// segments that start alike (every fMP4 fragment starts with a moof box)
// never share ciphertext.
//
// A content key is random per asset (or per key period, see
// LINEUP_KEY_ROTATION_SEGMENTS) and is stored only wrapped: sealed with
// AES-256-GCM under the KEK, with the asset, key set and index as
// additional data, so a wrapped key copied onto another row does not
// unwrap. The KEK comes from LINEUP_KEK_FILE, else it is derived from the
// secret key; rotating it (Keys.RotateKEK) re-wraps every content key and
// touches no media.
package protect

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// KeyURIScheme starts the key URI written into stored media playlists:
// "lineup-key:N" names content key N of the asset. It is no address: the
// playback handler replaces it, for each viewer, with that viewer's key
// URI, so a stored playlist holds nothing per viewer and nothing secret.
const KeyURIScheme = "lineup-key:"

// KeySize is the size of a content key and of an IV, in bytes (AES-128).
const KeySize = 16

// Key is a content key: AES-128, what an HLS player fetches from the key
// URI.
type Key [KeySize]byte

// IV is an initialisation vector for AES-128-CBC.
type IV [KeySize]byte

// String writes the IV as RFC 8216 wants it in an EXT-X-KEY tag: 0x and 32
// hexadecimal digits.
func (iv IV) String() string { return "0x" + hex.EncodeToString(iv[:]) }

// NewKey returns a random content key.
func NewKey() Key {
	var k Key
	rand.Read(k[:]) // crypto/rand.Read never fails (Go 1.24+)
	return k
}

// NewIV returns a random IV.
func NewIV() IV {
	var iv IV
	rand.Read(iv[:])
	return iv
}

// ParseIV reads an IV as written by IV.String (0x prefix optional).
func ParseIV(s string) (IV, error) {
	var iv IV
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != KeySize {
		return iv, fmt.Errorf("protect: IV %q is not 32 hexadecimal digits", s)
	}
	copy(iv[:], b)
	return iv, nil
}

// Encrypt returns plain encrypted with AES-128-CBC under key and iv, padded
// with PKCS#7 (RFC 8216 §4.3.2.4): always 1 to 16 bytes longer than plain.
func Encrypt(plain []byte, key Key, iv IV) []byte {
	block, _ := aes.NewCipher(key[:]) // a 16-byte key never fails
	pad := KeySize - len(plain)%KeySize
	out := make([]byte, len(plain)+pad)
	copy(out, plain)
	for i := len(plain); i < len(out); i++ {
		out[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, iv[:]).CryptBlocks(out, out)
	return out
}

// ErrBadPadding is a ciphertext that does not decrypt to valid PKCS#7
// padding: the wrong key or IV, or damaged data.
var ErrBadPadding = errors.New("protect: bad padding (wrong key or IV, or damaged segment)")

// Decrypt reverses Encrypt. It is what a player does; Lineup uses it in
// tests and checks.
func Decrypt(ct []byte, key Key, iv IV) ([]byte, error) {
	if len(ct) == 0 || len(ct)%KeySize != 0 {
		return nil, ErrBadPadding
	}
	block, _ := aes.NewCipher(key[:])
	out := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv[:]).CryptBlocks(out, ct)
	pad := int(out[len(out)-1])
	if pad == 0 || pad > KeySize || !bytes.Equal(out[len(out)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, ErrBadPadding
	}
	return out[:len(out)-pad], nil
}

// KEKSize is the size of a key-encryption key (AES-256).
const KEKSize = 32

// KEK is a key-encryption key. It is safe for concurrent use.
type KEK struct {
	id   string
	aead cipher.AEAD
}

// NewKEK returns the KEK made of raw, which must be KEKSize bytes.
func NewKEK(raw []byte) (*KEK, error) {
	if len(raw) != KEKSize {
		return nil, fmt.Errorf("protect: a key-encryption key is %d bytes, not %d", KEKSize, len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("protect: %w", err)
	}
	sum := sha256.Sum256(append([]byte("lineup kek id "), raw...))
	return &KEK{id: hex.EncodeToString(sum[:4]), aead: aead}, nil
}

// ParseKEK reads a KEK as an operator keeps it in LINEUP_KEK_FILE: 64
// hexadecimal digits or base64 of 32 bytes, surrounding space ignored.
func ParseKEK(text string) (*KEK, error) {
	text = strings.TrimSpace(text)
	if b, err := hex.DecodeString(text); err == nil && len(b) == KEKSize {
		return NewKEK(b)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(text); err == nil && len(b) == KEKSize {
			return NewKEK(b)
		}
	}
	return nil, fmt.Errorf("protect: a key-encryption key file holds 32 random bytes as 64 hexadecimal digits (make one with `lineup keys new-kek`)")
}

// NewKEKText returns a fresh random KEK as ParseKEK reads it.
func NewKEKText() string {
	b := make([]byte, KEKSize)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ID names the KEK without revealing it (8 hexadecimal digits); it is
// stored beside each key it wraps, so a wrong KEK is named in the error.
func (k *KEK) ID() string { return k.id }

// ad is the additional data a wrapped key is bound to.
func ad(assetID int64, set string, index int) []byte {
	return []byte("lineup content key " + strconv.FormatInt(assetID, 10) + " " + set + " " + strconv.Itoa(index))
}

// Wrap seals a content key for the row (asset, key set, index): a random
// 12-byte nonce followed by the GCM ciphertext and tag (44 bytes).
func (k *KEK) Wrap(key Key, assetID int64, set string, index int) []byte {
	nonce := make([]byte, k.aead.NonceSize())
	rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, key[:], ad(assetID, set, index))
}

// ErrUnwrap is a wrapped key this KEK cannot open: another KEK wrapped it,
// or it was copied from another row or damaged.
var ErrUnwrap = errors.New("protect: the content key does not unwrap with this key-encryption key")

// Unwrap opens what Wrap sealed for the same row.
func (k *KEK) Unwrap(wrapped []byte, assetID int64, set string, index int) (Key, error) {
	var key Key
	n := k.aead.NonceSize()
	if len(wrapped) < n {
		return key, ErrUnwrap
	}
	plain, err := k.aead.Open(nil, wrapped[:n], wrapped[n:], ad(assetID, set, index))
	if err != nil || len(plain) != KeySize {
		return key, ErrUnwrap
	}
	copy(key[:], plain)
	return key, nil
}

// EncryptFile encrypts what r yields into w (see Encrypt). Segments are a
// few megabytes, so it reads r whole.
func EncryptFile(w io.Writer, r io.Reader, key Key, iv IV) error {
	plain, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("protect: encrypt: %w", err)
	}
	if _, err := w.Write(Encrypt(plain, key, iv)); err != nil {
		return fmt.Errorf("protect: encrypt: %w", err)
	}
	return nil
}
