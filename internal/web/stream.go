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
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/playback"
)

// published is where a published asset lives and whether its media
// segments are encrypted (its manifest says so).
type published struct {
	prefix    string
	protected bool
}

// assetPrefixes remembers where each published asset lives. A published
// asset never moves (a new encode, or encrypting a clear asset, is a new
// asset), so after the first request for an asset the stream path reads
// no database at all.
type assetPrefixes struct {
	mu sync.RWMutex
	m  map[int64]published
}

func (c *assetPrefixes) get(ctx context.Context, id int64, load func(context.Context, int64) (published, error)) (published, error) {
	c.mu.RLock()
	p, ok := c.m[id]
	c.mu.RUnlock()
	if ok {
		return p, nil
	}
	p, err := load(ctx, id)
	if err != nil {
		return p, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxPlaylists {
		c.m = map[int64]published{}
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

// keyURL is a viewer's key URI for content key n of an asset.
func keyURL(token string, assetID int64, n int) string {
	return "/keys/" + token + "/" + strconv.FormatInt(assetID, 10) + "/" + strconv.Itoa(n)
}

// mediaPath is the shared, token-free URL of a file of a published asset:
// /media/ and the blob key after "assets/", under LINEUP_MEDIA_URL when
// set. It is the same for every viewer, so any cache in front keeps one
// copy.
func (s *Server) mediaPath(prefix, rel string) string {
	return s.MediaURL + "/media/" + strings.TrimPrefix(prefix, "assets/") + rel
}

// stream serves an asset's playlists to the holder of a valid playback
// token, per viewer and never stored: the token is checked on every
// request without the database (HMAC, expiry, asset, and the viewer's
// territory now against the one it was granted for); a refusal is a 403
// naming the rule; a path that tries to leave the asset gets 404. The
// media playlists of a protected asset point at the shared /media paths
// and at this viewer's key URI. The files of a clear asset (one published
// before encryption) are served here too, behind the token.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) error {
	asset, err := strconv.ParseInt(r.PathValue("asset"), 10, 64)
	if err != nil {
		asset = -1
	}
	token := r.PathValue("token")
	if _, err := s.Playback.VerifyPlaylist(token, asset, func(home string) string { return s.placeNow(r, home) }); err != nil {
		return err
	}
	rel, err := playback.CleanStreamPath(r.PathValue("path"))
	if err != nil {
		return errNotFound("no such file in this video")
	}
	pub, err := s.prefixes.get(r.Context(), asset, s.publishedAsset)
	if err != nil {
		return err
	}
	key := pub.prefix + rel
	h := w.Header()
	h.Set("Content-Type", streamType(rel))
	if strings.HasSuffix(rel, ".m3u8") {
		// Playlists are tiny and per viewer: never stored anywhere, so
		// that every fetch is decided again. The stored bytes never
		// change, so this node keeps them.
		h.Set("Cache-Control", "no-store")
		b, err := s.playlists.get(r.Context(), s.Blob, key)
		if errors.Is(err, blob.ErrNotFound) {
			return errNotFound("no such file in this video")
		}
		if err != nil {
			return err
		}
		if pub.protected {
			dir := path.Dir(rel) + "/"
			if dir == "./" {
				dir = ""
			}
			base := s.mediaPath(pub.prefix, dir)
			b = s.playlists.template(key, base, b).Render(func(n int) string { return keyURL(token, asset, n) }, base)
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
	return s.serveSegment(w, r, key)
}

// placeNow is the viewer's territory for this request, from geo alone
// (GeoIP or the trusted proxy's header) and the home country the token
// carries: no database.
func (s *Server) placeNow(r *http.Request, home string) string {
	if s.Geo != nil {
		if res, err := s.Geo.Territory(r, home); err == nil {
			return res.Territory
		}
	}
	if home != "" {
		return home
	}
	return s.DefaultTerritory
}

// serveSegment serves an immutable media file: Range, conditional
// requests (ETag, Last-Modified), and the kernel's sendfile for the folder
// store.
func (s *Server) serveSegment(w http.ResponseWriter, r *http.Request, key string) error {
	h := w.Header()
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
	if etag := info.ETag; etag != "" {
		if !strings.HasPrefix(etag, `"`) && !strings.HasPrefix(etag, `W/"`) {
			etag = `"` + etag + `"`
		}
		h.Set("ETag", etag)
	}
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
	http.ServeContent(w, r, "", info.ModTime, content)
	return nil
}

// playlistCache keeps the bytes of published playlists (which never
// change) so that the most frequent request on the stream path reads no
// file. It holds at most maxPlaylists entries of up to maxPlaylistBytes.
type playlistCache struct {
	mu sync.RWMutex
	m  map[string][]byte
	// tmpl holds each protected media playlist made ready for viewers
	// (its shared segment URIs written once), by blob key.
	tmpl map[string]*playback.ViewerTemplate
}

// template returns the viewer template of the stored playlist b under key,
// its segments under base, made once.
func (c *playlistCache) template(key, base string, b []byte) *playback.ViewerTemplate {
	c.mu.RLock()
	t, ok := c.tmpl[key]
	c.mu.RUnlock()
	if ok {
		return t
	}
	t = playback.NewViewerTemplate(b, base)
	c.mu.Lock()
	if c.tmpl == nil || len(c.tmpl) >= maxPlaylists {
		c.tmpl = map[string]*playback.ViewerTemplate{}
	}
	c.tmpl[key] = t
	c.mu.Unlock()
	return t
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

// publishedAsset loads where an asset lives and whether it is protected.
func (s *Server) publishedAsset(ctx context.Context, id int64) (published, error) {
	a, err := s.Media.Asset(ctx, id)
	if err != nil {
		return published{}, err
	}
	if a.PublishedPrefix == "" {
		return published{}, errNotFound("this video is not published")
	}
	m, err := blob.ReadManifest(ctx, s.Blob, a.PublishedPrefix)
	if err != nil {
		return published{}, err
	}
	return published{prefix: a.PublishedPrefix, protected: m.Meta[media.MetaProtection] == media.ProtectionAES128}, nil
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
	artwork := strings.HasPrefix(key, "artwork/") || candidateFrameKey.MatchString(key)
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
