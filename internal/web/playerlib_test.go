package web

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// The pin in the code is the lock file's: a go-installed binary fetches
// exactly what scripts/build-assets would have embedded.
func TestPlayerLibraryPinIsTheLockFiles(t *testing.T) {
	b, err := os.ReadFile("../../package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	var lock struct {
		Packages map[string]struct{ Version, Integrity string } `json:"packages"`
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatal(err)
	}
	got := lock.Packages["node_modules/"+hlsPin.Name]
	if got.Version != hlsPin.Version || got.Integrity != hlsPin.Integrity {
		t.Fatalf("package-lock.json pins %s %s (%s) but playerlib.go fetches %s (%s): update hlsPin with the lock file",
			hlsPin.Name, got.Version, got.Integrity, hlsPin.Version, hlsPin.Integrity)
	}
}

// fakeTarball is an npm tarball holding files, and its pin.
func fakeTarball(t *testing.T, files map[string]string) ([]byte, npmPin) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	zw.Close()
	sum := sha512.Sum512(buf.Bytes())
	return buf.Bytes(), npmPin{Name: "player", Version: "1.2.3", File: "package/dist/player.min.js",
		Integrity: "sha512-" + base64.StdEncoding.EncodeToString(sum[:])}
}

func TestFetchPinnedPlayerLibrary(t *testing.T) {
	good, pin := fakeTarball(t, map[string]string{"package/package.json": "{}", "package/dist/player.min.js": "var player = 1;"})
	serve := good
	var hits atomic.Int32
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/player/-/player-1.2.3.tgz" {
			http.NotFound(w, r)
			return
		}
		w.Write(serve)
	}))
	defer reg.Close()
	ctx := context.Background()
	cache := t.TempDir()

	js, err := fetchPinned(ctx, reg.Client(), reg.URL, cache, pin)
	if err != nil || string(js) != "var player = 1;" {
		t.Fatalf("the pinned tarball from the registry: got %q, %v; want the library's file", js, err)
	}
	if _, err := os.Stat(filepath.Join(cache, "player-1.2.3.tgz")); err != nil {
		t.Fatalf("a fetched library is kept in the data folder so the next start needs no registry: %v", err)
	}
	if _, err := fetchPinned(ctx, reg.Client(), reg.URL, cache, pin); err != nil || hits.Load() != 1 {
		t.Fatalf("the second start must use the kept copy: %d registry requests, err %v", hits.Load(), err)
	}

	// A registry (or a proxy on the way) that serves other bytes is refused,
	// and nothing unverified is kept.
	other, _ := fakeTarball(t, map[string]string{"package/dist/player.min.js": "steal(document.cookie);"})
	serve = other
	fresh := t.TempDir()
	if js, err := fetchPinned(ctx, reg.Client(), reg.URL, fresh, pin); err == nil || !strings.Contains(err.Error(), "SHA-512") {
		t.Fatalf("a tarball that is not the pinned one must be refused with the reason; got %q, %v", js, err)
	}
	if entries, _ := os.ReadDir(fresh); len(entries) != 0 {
		t.Fatalf("a refused tarball must not be kept; the folder holds %d entries", len(entries))
	}

	// A kept copy altered on disk is not served: it is fetched again.
	serve = good
	if err := os.WriteFile(filepath.Join(cache, "player-1.2.3.tgz"), other, 0o600); err != nil {
		t.Fatal(err)
	}
	if js, err := fetchPinned(ctx, reg.Client(), reg.URL, cache, pin); err != nil || string(js) != "var player = 1;" {
		t.Fatalf("an altered kept copy must be replaced by the pinned one: got %q, %v", js, err)
	}

	// A registry without the package says which URL failed.
	missing := pin
	missing.Version = "9.9.9"
	if _, err := fetchPinned(ctx, reg.Client(), reg.URL, t.TempDir(), missing); err == nil || !strings.Contains(err.Error(), "player-9.9.9.tgz") || !strings.Contains(err.Error(), "404") {
		t.Fatalf("a missing package must be reported with its URL and status; got %v", err)
	}
}

// A build without hls.js serves the fetched one, under its content hash,
// and the watch page's script points at it.
func TestFetchedPlayerLibraryIsServed(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	delete(a.byName, hlsVendor)
	a.add(hlsVendor, []byte("var Hls = 1;"))
	u := a.url(hlsVendor)
	if !strings.HasPrefix(u, "/static/") || !strings.HasSuffix(u, "/"+hlsVendor) {
		t.Fatalf("the fetched library must be served as a static file under its hash; url %q", u)
	}
	if got := string(a.byHash[strings.TrimPrefix(u, "/static/")]); got != "var Hls = 1;" {
		t.Fatalf("the served bytes must be the fetched library; got %q", got)
	}
}
