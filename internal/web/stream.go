package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/playback"
)

// assetPrefixes remembers where each published asset lives. A published
// asset never moves (a new encode is a new asset), so after the first
// request for an asset the segment path reads no database at all.
type assetPrefixes struct {
	mu sync.RWMutex
	m  map[int64]string
}

func (c *assetPrefixes) get(ctx context.Context, id int64, load func(context.Context, int64) (string, error)) (string, error) {
	c.mu.RLock()
	p, ok := c.m[id]
	c.mu.RUnlock()
	if ok {
		return p, nil
	}
	p, err := load(ctx, id)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[int64]string{}
	}
	c.m[id] = p
	c.mu.Unlock()
	return p, nil
}

// streamURL is where a player fetches an asset's master playlist with a
// token.
func streamURL(token string, assetID int64) string {
	return "/stream/" + token + "/" + strconv.FormatInt(assetID, 10) + "/master.m3u8"
}

// stream serves an asset's playlists and segments to the holder of a valid
// playback token: the token is checked on every request, without the
// database; a tampered, expired or other asset's token gets 403; a path that
// tries to leave the asset gets 404.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) error {
	claims, err := s.Playback.Signer().Verify(r.PathValue("token"), s.Now())
	if err != nil {
		if errors.Is(err, playback.ErrExpired) {
			return errForbidden("this playback link has expired: press play again")
		}
		return errForbidden("this playback link is not valid")
	}
	asset, err := strconv.ParseInt(r.PathValue("asset"), 10, 64)
	if err != nil || !claims.Allows(asset) {
		return errForbidden("this playback link is for another video")
	}
	rel, err := playback.CleanStreamPath(r.PathValue("path"))
	if err != nil {
		return errNotFound("no such file in this video")
	}
	prefix, err := s.prefixes.get(r.Context(), asset, s.publishedPrefix)
	if err != nil {
		return err
	}
	key := prefix + rel
	h := w.Header()
	h.Set("Content-Type", streamType(rel))
	if strings.HasSuffix(rel, ".m3u8") {
		// Playlists are tiny and signed per viewer: never cached by the
		// browser, so that a closed window is refused at the next fetch.
		// The bytes themselves never change, so this node keeps them.
		h.Set("Cache-Control", "no-cache, private")
		b, err := s.playlists.get(r.Context(), s.Blob, key)
		if errors.Is(err, blob.ErrNotFound) {
			return errNotFound("no such file in this video")
		}
		if err != nil {
			return err
		}
		if r.Header.Get("Range") != "" {
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
			return nil
		}
		h.Set("Content-Length", strconv.Itoa(len(b)))
		if r.Method != http.MethodHead {
			_, err = w.Write(b)
		}
		return err
	}
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	rc, info, err := s.Blob.Get(r.Context(), key, 0, -1)
	if errors.Is(err, blob.ErrNotFound) {
		h.Del("Cache-Control")
		return errNotFound("no such file in this video")
	}
	if err != nil {
		h.Del("Cache-Control")
		return err
	}
	defer rc.Close()
	// Segments are large: keep the headers back to travel with the file's
	// first bytes (see corkConn).
	defer corkConn(r.Context())()
	// The folder store hands back the file itself, which ServeContent can
	// seek and the kernel can send without copying; S3 objects are read
	// through blobReader, which fetches the range asked for.
	content, ok := rc.(io.ReadSeeker)
	if !ok {
		content = &blobReader{ctx: r.Context(), store: s.Blob, key: key, size: info.Size, body: rc}
	}
	http.ServeContent(w, r, "", time.Time{}, content)
	return nil
}

// playlistCache keeps the bytes of published playlists (which never
// change) so that the most frequent request on the stream path reads no
// file. It holds at most maxPlaylists entries of up to maxPlaylistBytes.
type playlistCache struct {
	mu sync.RWMutex
	m  map[string][]byte
}

const (
	maxPlaylists     = 4096
	maxPlaylistBytes = 256 << 10
)

func (c *playlistCache) get(ctx context.Context, store blob.Store, key string) ([]byte, error) {
	c.mu.RLock()
	b, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return b, nil
	}
	rc, info, err := store.Get(ctx, key, 0, -1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if info.Size > maxPlaylistBytes {
		return nil, fmt.Errorf("web: playlist %s is %d bytes, more than a playlist should be", key, info.Size)
	}
	b, err = io.ReadAll(io.LimitReader(rc, maxPlaylistBytes+1))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxPlaylists {
		c.m = map[string][]byte{} // simplest bound: start over when full
	}
	c.m[key] = b
	c.mu.Unlock()
	return b, nil
}

func (s *Server) publishedPrefix(ctx context.Context, id int64) (string, error) {
	a, err := s.Media.Asset(ctx, id)
	if err != nil {
		return "", err
	}
	if a.PublishedPrefix == "" {
		return "", errNotFound("this video is not published")
	}
	return a.PublishedPrefix, nil
}

func streamType(p string) string {
	switch path.Ext(p) {
	case ".m3u8":
		return "application/vnd.apple.mpegurl"
	case ".m4s":
		return "video/iso.segment"
	case ".mp4":
		return "video/mp4"
	case ".vtt":
		return "text/vtt; charset=utf-8"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	}
	return "application/octet-stream"
}

// blobReader is an io.ReadSeeker over a stored object, so that
// http.ServeContent can answer Range requests from either store: a seek
// only moves the offset; the next read fetches from there.
type blobReader struct {
	ctx    context.Context
	store  blob.Store
	key    string
	size   int64
	off    int64
	body   io.ReadCloser
	bodyAt int64
}

func (b *blobReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += b.off
	case io.SeekEnd:
		offset += b.size
	}
	if offset < 0 {
		return 0, errors.New("web: seek before start")
	}
	b.off = offset
	return offset, nil
}

func (b *blobReader) Read(p []byte) (int, error) {
	if b.off >= b.size {
		return 0, io.EOF
	}
	if b.body == nil || b.bodyAt != b.off {
		if b.body != nil {
			b.body.Close()
		}
		rc, _, err := b.store.Get(b.ctx, b.key, b.off, -1)
		if err != nil {
			return 0, err
		}
		b.body, b.bodyAt = rc, b.off
	}
	n, err := b.body.Read(p)
	b.off += int64(n)
	b.bodyAt = b.off
	if err == io.EOF && b.off < b.size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (b *blobReader) Close() error {
	if b.body != nil {
		return b.body.Close()
	}
	return nil
}

// image serves a stored still (only keys under images' own prefixes).
func (s *Server) image(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	artwork := strings.HasPrefix(key, "artwork/")
	if err := blob.ValidateKey(key); err != nil || !(strings.HasPrefix(key, "demo/stills/") || strings.HasPrefix(key, "stills/") || artwork) {
		return errNotFound("no such image")
	}
	info, err := s.Blob.Stat(r.Context(), key)
	if errors.Is(err, blob.ErrNotFound) {
		return errNotFound("no such image")
	}
	if err != nil {
		return err
	}
	ra := &blobReader{ctx: r.Context(), store: s.Blob, key: key, size: info.Size}
	defer ra.Close()
	w.Header().Set("Content-Type", streamType(key))
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if artwork {
		// Artwork keys carry the image's hash: a new image is a new key.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	http.ServeContent(w, r, "", info.ModTime, ra)
	return nil
}
