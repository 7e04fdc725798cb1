package blob

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Publication contract
//
// A store has no multi-object transaction, so an asset made of many objects
// (playlists, init segments, media segments, subtitles) is published like
// this:
//
//  1. The writer picks a prefix no one has used before, for example
//     "assets/<title>/<asset-id>/", and Puts every file under it. Until
//     step 2 the prefix is a staging area: nothing refers to it and readers
//     must not use it.
//  2. Publish checks that every file the manifest lists is stored with its
//     size, then writes the manifest, ManifestName, under the prefix last.
//     One Put is atomic, so the manifest is either absent or complete.
//  3. A prefix is ready exactly when ReadManifest succeeds. The record that
//     points a title at its current asset is switched only after Publish
//     returns nil, so a failed or cancelled encode leaves the previous
//     ready asset playing.
//
// A failed attempt is cleaned with Discard, which deletes the manifest
// first, so a prefix never has a manifest while its files are going. A
// retry uses a fresh prefix (or Discards the old one first) and so starts
// clean. Published files are never rewritten in place.

// ManifestName is the key, relative to an asset's prefix, of the manifest
// that marks the prefix ready.
const ManifestName = "manifest.json"

// ErrNotReady is returned, wrapped, by ReadManifest when a prefix has no
// manifest: it is still being written, was abandoned, or never existed.
var ErrNotReady = errors.New("not ready")

// Manifest lists the files of a published prefix.
type Manifest struct {
	// Files lists each file, relative to the prefix.
	Files []File `json:"files"`
	// PublishedAt is set by Publish.
	PublishedAt time.Time `json:"published_at"`
	// Meta carries whatever the publisher wants to record with the asset
	// (duration, ladder, source checksum); nil is fine.
	Meta map[string]string `json:"meta,omitempty"`
}

// File is one entry of a Manifest.
type File struct {
	// Path is the file's key relative to the prefix.
	Path string `json:"path"`
	// Size is the file's length in bytes.
	Size int64 `json:"size"`
}

// Publish makes prefix ready: it checks that every file m lists is stored
// under prefix with the size m gives, then writes m as the prefix's
// manifest. prefix must end with a slash. On error nothing is published.
func Publish(ctx context.Context, s Store, prefix string, m Manifest) error {
	if err := checkAssetPrefix(prefix); err != nil {
		return fmt.Errorf("blob: publish: %w", err)
	}
	if len(m.Files) == 0 {
		return fmt.Errorf("blob: publish %s: manifest lists no files", prefix)
	}
	seen := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		if f.Path == ManifestName {
			return fmt.Errorf("blob: publish %s: manifest lists itself", prefix)
		}
		if seen[f.Path] {
			return fmt.Errorf("blob: publish %s: %s listed twice", prefix, f.Path)
		}
		seen[f.Path] = true
		info, err := s.Stat(ctx, prefix+f.Path)
		if err != nil {
			return fmt.Errorf("blob: publish %s: %w", prefix, err)
		}
		if info.Size != f.Size {
			return fmt.Errorf("blob: publish %s: %s has %d bytes, manifest says %d", prefix, f.Path, info.Size, f.Size)
		}
	}
	m.PublishedAt = time.Now().UTC()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("blob: publish %s: %w", prefix, err)
	}
	if err := s.Put(ctx, prefix+ManifestName, bytes.NewReader(data), int64(len(data)), "application/json"); err != nil {
		return fmt.Errorf("blob: publish %s: %w", prefix, err)
	}
	return nil
}

// ReadManifest returns the manifest of a published prefix, or an error
// wrapping ErrNotReady when the prefix is not (or not yet) published.
func ReadManifest(ctx context.Context, s Store, prefix string) (Manifest, error) {
	if err := checkAssetPrefix(prefix); err != nil {
		return Manifest{}, fmt.Errorf("blob: read manifest: %w", err)
	}
	rc, _, err := s.Get(ctx, prefix+ManifestName, 0, -1)
	if errors.Is(err, ErrNotFound) {
		return Manifest{}, fmt.Errorf("blob: read manifest %s: %w", prefix, ErrNotReady)
	}
	if err != nil {
		return Manifest{}, fmt.Errorf("blob: read manifest %s: %w", prefix, err)
	}
	defer rc.Close()
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("blob: read manifest %s: %w", prefix, err)
	}
	return m, nil
}

// Discard deletes everything under prefix, the manifest first, so that the
// prefix stops being ready before any of its files goes. prefix must end
// with a slash.
func Discard(ctx context.Context, s Store, prefix string) error {
	if err := checkAssetPrefix(prefix); err != nil {
		return fmt.Errorf("blob: discard: %w", err)
	}
	if err := s.Delete(ctx, prefix+ManifestName); err != nil {
		return fmt.Errorf("blob: discard %s: %w", prefix, err)
	}
	objs, err := s.List(ctx, prefix)
	if err != nil {
		return fmt.Errorf("blob: discard %s: %w", prefix, err)
	}
	for _, o := range objs {
		if err := s.Delete(ctx, o.Key); err != nil {
			return fmt.Errorf("blob: discard %s: %w", prefix, err)
		}
	}
	return nil
}

func checkAssetPrefix(prefix string) error {
	if !strings.HasSuffix(prefix, "/") {
		return fmt.Errorf("%w: prefix %q must end with a slash", ErrBadKey, prefix)
	}
	return ValidateKey(strings.TrimSuffix(prefix, "/"))
}
