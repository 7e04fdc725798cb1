// Package blob stores media objects: a local folder by default, or any
// S3-compatible object store.
//
// Keys are slash-separated relative paths such as
// "assets/01HX/720p/seg_00001.m4s". A key is checked before anything is
// touched (see ValidateKey), so no key can reach outside the store.
//
// Objects are written whole or not at all: a Put that fails or is cancelled
// leaves no object behind, and a reader never sees a partly written object.
// A group of objects (an encoded asset) is published by writing a manifest
// last; see Publish.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrBadKey is returned, wrapped, for a key or prefix that could leave the
// store or is otherwise malformed. Nothing is read or written for such a key.
var ErrBadKey = errors.New("bad key")

// ErrNotFound is returned, wrapped, when no object is stored under a key.
var ErrNotFound = errors.New("not found")

// ErrInvalidRange is returned, wrapped, by Get when the range starts at or
// beyond the end of the object.
var ErrInvalidRange = errors.New("invalid range")

// Info describes a stored object.
type Info struct {
	// Key is the object's key, relative to the store.
	Key string
	// Size is the whole object's length in bytes, also for a ranged Get.
	Size int64
	// ContentType is the media type the object is served with. The folder
	// store does not keep content types; it reports the type the key's
	// extension implies (see ContentTypeFor). List may leave it empty.
	ContentType string
	// ModTime is when the object was last written.
	ModTime time.Time
	// ETag is an opaque validator that changes whenever the object is
	// replaced; it is suitable for an HTTP ETag header once quoted.
	ETag string
}

// Store holds media objects under validated keys.
//
// All methods are safe for concurrent use. Every method validates its key
// first and returns an error wrapping ErrBadKey, touching nothing, when the
// key is not acceptable.
type Store interface {
	// Put stores the bytes read from r under key, replacing any object
	// there. size is the exact number of bytes r yields, or -1 when unknown;
	// a reader that yields a different number of bytes is an error. An
	// empty contentType means ContentTypeFor(key). The object appears
	// whole or not at all: when r fails, ctx is cancelled or the disk or
	// bucket is full, no object is left under key and any previous object
	// is kept.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error

	// Get opens length bytes of the object starting at offset; length -1
	// reads to the end and a range running past the end is cut short. An
	// offset at or past the end is ErrInvalidRange, except that Get(ctx,
	// key, 0, -1) always reads the whole object, even an empty one. The
	// returned Info describes the whole object. The caller must close the
	// reader. A missing object is ErrNotFound.
	Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, Info, error)

	// Stat describes the object under key, or returns ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)

	// Delete removes the object under key. Deleting a missing object is
	// not an error.
	Delete(ctx context.Context, key string) error

	// List returns every object whose key starts with prefix, sorted by
	// key. The prefix is a plain string prefix ("a/b" matches "a/b/c" and
	// "a/bc"); an empty prefix lists the whole store. Only Key, Size,
	// ModTime and ETag are guaranteed to be filled.
	List(ctx context.Context, prefix string) ([]Info, error)
}

// maxKeyLen is S3's limit on key length in bytes.
const maxKeyLen = 1024

// reservedSegment is the top-level directory the folder store keeps its
// temporary files in; keys may not use it on any store, so keys stay portable.
const reservedSegment = ".lineup"

// ValidateKey reports whether key is acceptable to every Store: a non-empty,
// valid UTF-8, slash-separated relative path of at most 1024 bytes with no
// empty, "." or ".." segment, no backslash, no NUL or other control
// character, and not under the reserved ".lineup/" directory. The error
// wraps ErrBadKey and says which rule broke.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrBadKey)
	}
	if err := validatePath(key); err != nil {
		return err
	}
	if strings.HasSuffix(key, "/") {
		return fmt.Errorf("%w: %q ends with a slash", ErrBadKey, key)
	}
	return nil
}

// ValidatePrefix reports whether prefix is acceptable to List: empty, or a
// key (see ValidateKey) optionally followed by a slash.
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	return validatePath(strings.TrimSuffix(prefix, "/"))
}

func validatePath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("%w: empty segment", ErrBadKey)
	case len(p) > maxKeyLen:
		return fmt.Errorf("%w: longer than %d bytes", ErrBadKey, maxKeyLen)
	case !utf8.ValidString(p):
		return fmt.Errorf("%w: %q is not valid UTF-8", ErrBadKey, p)
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%w: %q is an absolute path", ErrBadKey, p)
	case strings.Contains(p, `\`):
		return fmt.Errorf("%w: %q contains a backslash", ErrBadKey, p)
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%w: %q contains a control character", ErrBadKey, p)
		}
	}
	for i, seg := range strings.Split(p, "/") {
		switch {
		case seg == "":
			return fmt.Errorf("%w: %q has an empty segment", ErrBadKey, p)
		case seg == "." || seg == "..":
			return fmt.Errorf("%w: %q has a %q segment", ErrBadKey, p, seg)
		case i == 0 && seg == reservedSegment:
			return fmt.Errorf("%w: %q is under the reserved %s/ directory", ErrBadKey, p, reservedSegment)
		}
	}
	return nil
}

// contentTypes lists the types of the objects Lineup writes; mime's own
// table is consulted after it.
var contentTypes = map[string]string{
	".m3u8": "application/vnd.apple.mpegurl",
	".mpd":  "application/dash+xml",
	".m4s":  "video/iso.segment",
	".mp4":  "video/mp4",
	".m4a":  "audio/mp4",
	".vtt":  "text/vtt; charset=utf-8",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".webp": "image/webp",
	".json": "application/json",
	".srt":  "application/x-subrip",
	".ass":  "text/x-ssa",
	".ssa":  "text/x-ssa",
	".mkv":  "video/x-matroska",
	".mov":  "video/quicktime",
}

// ContentTypeFor returns the media type implied by key's extension, or
// "application/octet-stream" when the extension is unknown.
func ContentTypeFor(key string) string {
	ext := strings.ToLower(path.Ext(key))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Open opens the store a URL names:
//
//	file:///var/lib/lineup/media
//	s3://bucket[/prefix]?endpoint=host:port&region=us-east-1&secure=false&path_style=true
//
// A file URL names a local folder, created if missing. An s3 URL names a
// bucket that must exist; its optional path is a key prefix under which the
// store lives. endpoint defaults to s3.amazonaws.com, secure to true and
// path_style to automatic detection. Credentials are never part of the URL:
// they come from getenv, LINEUP_S3_ACCESS_KEY and LINEUP_S3_SECRET_KEY
// first, then AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN. A nil getenv reads no environment.
func Open(ctx context.Context, rawURL string, getenv func(string) string) (Store, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("blob: open: %w", err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("blob: open %s: a file URL names a local folder, not host %q", rawURL, u.Host)
		}
		if u.RawQuery != "" {
			return nil, fmt.Errorf("blob: open %s: a file URL takes no parameters", rawURL)
		}
		return NewFolder(u.Path)
	case "s3":
		return openS3(ctx, u, getenv)
	case "":
		return nil, fmt.Errorf("blob: open %q: no scheme; use file:///path or s3://bucket", rawURL)
	default:
		return nil, fmt.Errorf("blob: open %q: unknown scheme %q; use file:///path or s3://bucket", rawURL, u.Scheme)
	}
}

func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("parameter %s=%q is not true or false", name, v)
	}
	return b, nil
}

// ctxReader stops a copy as soon as its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
