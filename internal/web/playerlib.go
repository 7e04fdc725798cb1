package web

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The player library, pinned as package-lock.json pins it (a test keeps
// the two equal). A binary built by scripts/build-assets embeds it. A
// binary built without it — `go install`, which cannot run npm — fetches
// this exact tarball from the npm registry once, accepts it only if its
// SHA-512 is the lock file's, and keeps the file in the data folder.
var hlsPin = npmPin{
	Name:      "hls.js",
	Version:   "1.6.15",
	Integrity: "sha512-E3a5VwgXimGHwpRGV+WxRTKeSp2DW5DI5MWv34ulL3t5UNmyJWCQ1KmLEHbYzcfThfXG8amBL+fCYPneGHC4VA==",
	File:      "package/dist/hls.min.js",
}

// hlsVendor is the library's name among the static files.
const hlsVendor = "vendor/hls.min.js"

// npmPin names one file of one npm package version, as the lock file pins
// it: Integrity is its "sha512-<base64>" of the whole tarball, File the
// path inside the tarball.
type npmPin struct {
	Name, Version, Integrity, File string
}

// PlayerLibraryVersion is the pinned hls.js version.
var PlayerLibraryVersion = hlsPin.Version

// EmbedsPlayerLibrary reports whether this build carries hls.js.
func EmbedsPlayerLibrary() bool {
	_, err := staticFiles.ReadFile("static/" + hlsVendor)
	return err == nil
}

// maxPlayerTarball bounds what is read from the registry (hls.js 1.6 is
// about 2 MB packed).
const maxPlayerTarball = 32 << 20

// FetchPlayerLibrary returns hls.min.js for a build that does not embed
// it: from cacheDir when an earlier fetch kept it there (checked again
// against the pinned integrity, since the folder is writable), else from
// registry (such as https://registry.npmjs.org), verified, then kept in
// cacheDir. Nothing unverified is ever returned or kept.
func FetchPlayerLibrary(ctx context.Context, client *http.Client, registry, cacheDir string) ([]byte, error) {
	return fetchPinned(ctx, client, registry, cacheDir, hlsPin)
}

func fetchPinned(ctx context.Context, client *http.Client, registry, cacheDir string, pin npmPin) ([]byte, error) {
	tarball := filepath.Join(cacheDir, fmt.Sprintf("%s-%s.tgz", pin.Name, pin.Version))
	if b, err := os.ReadFile(tarball); err == nil {
		if js, err := pin.open(b); err == nil {
			return js, nil
		}
		// A damaged or altered cache is fetched again.
	}
	url := fmt.Sprintf("%s/%s/-/%s-%s.tgz", strings.TrimSuffix(registry, "/"), pin.Name, pin.Name, pin.Version)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("player library: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("player library: fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("player library: fetch %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxPlayerTarball+1))
	if err != nil {
		return nil, fmt.Errorf("player library: fetch %s: %w", url, err)
	}
	if len(b) > maxPlayerTarball {
		return nil, fmt.Errorf("player library: %s is larger than %d bytes", url, maxPlayerTarball)
	}
	js, err := pin.open(b)
	if err != nil {
		return nil, fmt.Errorf("player library: %s: %w", url, err)
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("player library: keep it: %w", err)
	}
	tmp, err := os.CreateTemp(cacheDir, ".fetch-*.tgz")
	if err != nil {
		return nil, fmt.Errorf("player library: keep it: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("player library: keep it: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("player library: keep it: %w", err)
	}
	if err := os.Rename(tmp.Name(), tarball); err != nil {
		return nil, fmt.Errorf("player library: keep it: %w", err)
	}
	return js, nil
}

// errIntegrity says a tarball is not the pinned one.
var errIntegrity = errors.New("not the pinned tarball: its SHA-512 differs from package-lock.json's")

// open checks the tarball b against the pinned integrity, then returns
// the pinned file from it.
func (pin npmPin) open(b []byte) ([]byte, error) {
	sum := sha512.Sum512(b)
	if "sha512-"+base64.StdEncoding.EncodeToString(sum[:]) != pin.Integrity {
		return nil, errIntegrity
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s is not in the tarball", pin.File)
		}
		if err != nil {
			return nil, err
		}
		if h.Name == pin.File {
			return io.ReadAll(io.LimitReader(tr, maxPlayerTarball))
		}
	}
}

// playerFetchTimeout bounds the start-up fetch: a node without access to
// the registry starts anyway, and its watch page says what is missing.
const playerFetchTimeout = 20 * time.Second

// PlayerLibrary returns hls.js for this build: nil when it is embedded;
// else fetched (see FetchPlayerLibrary) unless registry is "off". The
// error says what to do; the caller logs it and serves without a player
// library (Safari still plays HLS natively).
func PlayerLibrary(ctx context.Context, registry, cacheDir string) ([]byte, error) {
	if EmbedsPlayerLibrary() {
		return nil, nil
	}
	if registry == "off" {
		return nil, fmt.Errorf("this build does not embed hls.js and LINEUP_NPM_REGISTRY=off: build with scripts/build-assets, or allow the registry")
	}
	ctx, cancel := context.WithTimeout(ctx, playerFetchTimeout)
	defer cancel()
	js, err := FetchPlayerLibrary(ctx, &http.Client{Timeout: playerFetchTimeout}, registry, cacheDir)
	if err != nil {
		return nil, fmt.Errorf("%w (the watch page will say the player is missing: build with scripts/build-assets, or let this node reach the registry, or set LINEUP_NPM_REGISTRY to a mirror)", err)
	}
	return js, nil
}
