package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/playback"
)

// mediaGet serves a protected asset's shared files (init segments,
// encrypted media segments, subtitles, trickplay) from a token-free path
// that is the same for every viewer: /media/{title}/{asset}/{version}/…
// is the blob key under "assets/". The answer is public and immutable
// (with ETag, Last-Modified and Range), sets no cookie and reads no
// session, so a CDN or nginx keeps one copy for everyone. A segment is
// useless without its key, which only the per-viewer key URI hands out.
// Playlists are never served here (they are per viewer), and neither is
// anything of an asset whose manifest does not say it is encrypted: a
// clear asset's files stay behind the token path.
func (s *Server) mediaGet(w http.ResponseWriter, r *http.Request) error {
	title, asset, version := r.PathValue("title"), r.PathValue("asset"), r.PathValue("version")
	rel, err := playback.CleanStreamPath(r.PathValue("path"))
	if err != nil || !digits(title) || !digits(asset) || strings.HasSuffix(rel, ".m3u8") || rel == blob.ManifestName {
		return errNotFound("no such media file")
	}
	if _, err := playback.CleanStreamPath(version); err != nil {
		return errNotFound("no such media file")
	}
	prefix := "assets/" + title + "/" + asset + "/" + version + "/"
	ok, err := s.protectedPrefixes.get(r.Context(), prefix, s.prefixProtected)
	if err != nil || !ok {
		return errNotFound("no such media file")
	}
	h := w.Header()
	h.Set("Content-Type", streamType(rel))
	// Any page may fetch these bytes (LINEUP_MEDIA_URL puts them on a CDN
	// hostname of their own): they are public and carry no credentials.
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "Content-Length, Content-Range, ETag")
	return s.serveSegment(w, r, prefix+rel)
}

// prefixProtected reports whether a published prefix's manifest says its
// segments are encrypted.
func (s *Server) prefixProtected(ctx context.Context, prefix string) (bool, error) {
	m, err := blob.ReadManifest(ctx, s.Blob, prefix)
	if err != nil {
		return false, err
	}
	return m.Meta[media.MetaProtection] == media.ProtectionAES128, nil
}

// prefixFlags remembers, for each published prefix, whether it is
// protected; a published prefix never changes.
type prefixFlags struct {
	mu sync.RWMutex
	m  map[string]bool
}

func (c *prefixFlags) get(ctx context.Context, prefix string, load func(context.Context, string) (bool, error)) (bool, error) {
	c.mu.RLock()
	v, ok := c.m[prefix]
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := load(ctx, prefix)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxPlaylists {
		c.m = map[string]bool{}
	}
	c.m[prefix] = v
	c.mu.Unlock()
	return v, nil
}

func digits(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 63)
	return err == nil
}
