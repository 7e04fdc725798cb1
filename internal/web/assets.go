package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// staticFiles are the page assets. static/vendor holds third-party files
// copied from npm at build time (scripts/build-assets); it is not in the
// tree, so a build without it still works and the player page says what is
// missing.
//
//go:embed static
var staticFiles embed.FS

// assets serves embedded static files under /static/{hash}/{name}: the hash
// of the content is in the path, so a file can be cached forever and a new
// build's file has a new address.
type assets struct {
	byName map[string]string // name → hashed URL
	byHash map[string][]byte // "hash/name" → content
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byHash: map[string][]byte{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		a.add(strings.TrimPrefix(p, "static/"), b)
		return nil
	})
	return a, err
}

// add serves b as the static file name, under the hash of its content.
func (a *assets) add(name string, b []byte) {
	sum := sha256.Sum256(b)
	h := hex.EncodeToString(sum[:6])
	a.byName[name] = "/static/" + h + "/" + name
	a.byHash[h+"/"+name] = b
}

// url returns the hashed address of a static file, or "" when the file is
// not in this build (a missing vendor file).
func (a *assets) url(name string) string { return a.byName[name] }

func (s *Server) staticFile(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("hash") + "/" + r.PathValue("name")
	b, ok := s.assets.byHash[key]
	if !ok {
		return errNotFound("no such static file (it may belong to another build)")
	}
	ctype := mime.TypeByExtension(path.Ext(key))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err := w.Write(b)
	return err
}

// favicon sends browsers that ask for /favicon.ico on their own to the
// page icon every page links (an SVG under its content hash).
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.Redirect(w, r, s.assets.url("favicon.svg"), http.StatusMovedPermanently)
	return nil
}
