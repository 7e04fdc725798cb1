package playback

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/protect"
)

// ViewerPlaylist returns a stored media playlist as one viewer gets it:
// every segment URI and the EXT-X-MAP URI relative to the playlist are
// made absolute under segmentBase (the shared, token-free path the
// playlist's folder is served at, the same for every viewer), and every
// EXT-X-KEY URI "lineup-key:N" becomes keyURI(N), the viewer's own key
// URI. A master playlist (one with EXT-X-STREAM-INF) is returned as it is:
// its relative URIs resolve under the viewer's token path. Absolute URIs
// and anything it does not recognise are left alone. It is pure and
// allocates one buffer.
func ViewerPlaylist(pl []byte, segmentBase string, keyURI func(n int) string) []byte {
	if bytes.Contains(pl, []byte("#EXT-X-STREAM-INF")) {
		return pl
	}
	out := make([]byte, 0, len(pl)+len(pl)/2)
	rest := pl
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = nil
		}
		body := bytes.TrimRight(line, "\r\n")
		eol := line[len(body):]
		switch {
		case len(body) == 0:
			out = append(out, line...)
		case body[0] != '#':
			out = appendURI(out, string(body), segmentBase)
			out = append(out, eol...)
		case bytes.HasPrefix(body, []byte("#EXT-X-MAP:")), bytes.HasPrefix(body, []byte("#EXT-X-KEY:")):
			out = appendTagURI(out, string(body), segmentBase, keyURI)
			out = append(out, eol...)
		default:
			out = append(out, line...)
		}
	}
	return out
}

// relative reports whether a playlist URI is relative to the playlist (no
// scheme, no leading slash).
func relative(uri string) bool {
	return uri != "" && !strings.HasPrefix(uri, "/") && !strings.Contains(uri, ":")
}

func appendURI(out []byte, uri, base string) []byte {
	if relative(uri) {
		out = append(out, base...)
	}
	return append(out, uri...)
}

// appendTagURI rewrites the URI="…" attribute of an EXT-X-MAP or EXT-X-KEY
// tag.
func appendTagURI(out []byte, tag, base string, keyURI func(int) string) []byte {
	i := strings.Index(tag, `URI="`)
	if i < 0 {
		return append(out, tag...)
	}
	start := i + len(`URI="`)
	end := strings.IndexByte(tag[start:], '"')
	if end < 0 {
		return append(out, tag...)
	}
	uri := tag[start : start+end]
	out = append(out, tag[:start]...)
	if n, ok := strings.CutPrefix(uri, protect.KeyURIScheme); ok {
		if k, err := strconv.Atoi(n); err == nil && k >= 0 {
			out = append(out, keyURI(k)...)
		} else {
			out = append(out, uri...)
		}
	} else {
		out = appendURI(out, uri, base)
	}
	return append(out, tag[start+end:]...)
}

// ViewerTemplate is a stored media playlist made ready for many viewers:
// everything ViewerPlaylist writes that is the same for all of them (the
// shared segment URIs) is done once, and Render only puts each viewer's
// key URIs in. It is immutable and safe for concurrent use.
type ViewerTemplate struct {
	// parts are the bytes around the key URIs; keys[i] is the key period
	// whose URI goes between parts[i] and parts[i+1].
	parts [][]byte
	keys  []int
	size  int
}

// keyMark stands for key period n's URI while a template is made: NUL
// never appears in a playlist Lineup stores.
func keyMark(n int) string { return "\x00" + strconv.Itoa(n) + "\x00" }

// NewViewerTemplate prepares pl for ViewerPlaylist's rewrite under
// segmentBase. A playlist holding a NUL byte gets a template that renders
// it as ViewerPlaylist would, without the saving.
func NewViewerTemplate(pl []byte, segmentBase string) *ViewerTemplate {
	if bytes.IndexByte(pl, 0) >= 0 {
		return &ViewerTemplate{parts: [][]byte{pl}, keys: nil, size: -1}
	}
	out := ViewerPlaylist(pl, segmentBase, keyMark)
	t := &ViewerTemplate{}
	for {
		i := bytes.IndexByte(out, 0)
		if i < 0 {
			break
		}
		j := bytes.IndexByte(out[i+1:], 0)
		n, _ := strconv.Atoi(string(out[i+1 : i+1+j]))
		t.parts = append(t.parts, out[:i])
		t.keys = append(t.keys, n)
		out = out[i+1+j+1:]
	}
	t.parts = append(t.parts, out)
	for _, p := range t.parts {
		t.size += len(p)
	}
	return t
}

// Render returns the playlist as ViewerPlaylist would for this viewer's
// keyURI and the template's segment base.
func (t *ViewerTemplate) Render(keyURI func(n int) string, segmentBase string) []byte {
	if t.size < 0 {
		return ViewerPlaylist(t.parts[0], segmentBase, keyURI)
	}
	uris := make([]string, len(t.keys))
	size := t.size
	for i, n := range t.keys {
		uris[i] = keyURI(n)
		size += len(uris[i])
	}
	out := make([]byte, 0, size)
	for i, p := range t.parts {
		out = append(out, p...)
		if i < len(uris) {
			out = append(out, uris[i]...)
		}
	}
	return out
}
