package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/lineup/lineup/internal/media/ffmpeg"
	"github.com/lineup/lineup/internal/protect"
)

// KeyMaker makes and stores the content keys of an asset's key set (the
// blob prefix the encode writes to); *protect.Keys satisfies it.
type KeyMaker interface {
	Make(ctx context.Context, assetID int64, set string, n int) ([]protect.Key, error)
}

// Manifest meta keys a protected asset carries.
const (
	// MetaProtection is "aes-128" for an asset whose media segments are
	// encrypted, absent for a clear one.
	MetaProtection = "protection"
	// MetaKeyPeriods is the number of content keys (key periods).
	MetaKeyPeriods = "key_periods"
	// ProtectionAES128 is MetaProtection's value for HLS METHOD=AES-128.
	ProtectionAES128 = "aes-128"
)

// protectRenditions encrypts the media segments of every video and audio
// rendition under outDir in place and rewrites their media playlists with
// EXT-X-KEY tags, between ffmpeg and the upload (so publication stays one
// atomic step). Subtitles and trickplay stay clear. It makes the content
// keys through keys: one per key period of rotation segments (0: one key
// for the whole rendition set), segment i of every rendition using key
// i/rotation.
//
// Each segment gets an EXT-X-KEY line of its own with a random explicit
// IV; the init segment stays clear, its EXT-X-MAP written before the first
// EXT-X-KEY (RFC 8216 §4.3.2.5; see package protect for why).
func protectRenditions(ctx context.Context, keys KeyMaker, assetID int64, set, outDir string, enc ffmpeg.Encode, rotation int) (periods int, err error) {
	var r renditions
	for _, rung := range enc.Rungs {
		r.media = append(r.media, rung.Name+"/index.m3u8")
		r.iframes = append(r.iframes, rung.Name+"/"+IFramesPlaylist)
	}
	for i := range enc.Audio {
		r.media = append(r.media, ffmpeg.AudioDir(i)+"/index.m3u8")
	}
	// The I-frame playlists (issue 13) list one keyframe file each, a
	// keyframe every KeyframeSeconds: so many per segment, and the key
	// periods follow the segments' by time.
	r.iframesPerSegment = max(1, ffmpeg.DefaultSegmentSeconds/ffmpeg.DefaultKeyframeSeconds)
	if enc.SegmentSeconds > 0 && enc.KeyframeSeconds > 0 {
		r.iframesPerSegment = max(1, enc.SegmentSeconds/enc.KeyframeSeconds)
	}
	return protectPlaylists(ctx, keys, assetID, set, outDir, r, rotation)
}

// renditions names the playlists of an asset's output folder that
// protectPlaylists encrypts: the video and audio media playlists, and the
// I-frame playlists (a missing one is skipped) with how many I-frame files
// fall in one media segment.
type renditions struct {
	media, iframes    []string
	iframesPerSegment int
}

// protectPlaylists encrypts the segments the playlists of r list, in place
// under outDir, and rewrites the playlists with EXT-X-KEY tags (see
// protectRenditions). It returns the number of key periods.
func protectPlaylists(ctx context.Context, keys KeyMaker, assetID int64, set, outDir string, r renditions, rotation int) (periods int, err error) {
	parsed := make([][]string, len(r.media))
	most := 0
	for i, p := range r.media {
		b, err := os.ReadFile(filepath.Join(outDir, filepath.FromSlash(p)))
		if err != nil {
			return 0, fmt.Errorf("media: protect: %w", err)
		}
		parsed[i] = strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		n := 0
		for _, l := range parsed[i] {
			if strings.HasPrefix(l, "#EXTINF") {
				n++
			}
		}
		most = max(most, n)
	}
	periods = 1
	if rotation > 0 && most > rotation {
		periods = (most + rotation - 1) / rotation
	}
	ck, err := keys.Make(ctx, assetID, set, periods)
	if err != nil {
		return 0, fmt.Errorf("media: protect: %w", err)
	}
	for i, p := range r.media {
		out, err := encryptPlaylist(outDir, path.Dir(p), parsed[i], ck, rotation)
		if err != nil {
			return 0, fmt.Errorf("media: protect %s: %w", p, err)
		}
		if err := os.WriteFile(filepath.Join(outDir, filepath.FromSlash(p)), out, 0o644); err != nil {
			return 0, fmt.Errorf("media: protect: %w", err)
		}
	}
	for _, p := range r.iframes {
		b, err := os.ReadFile(filepath.Join(outDir, filepath.FromSlash(p)))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("media: protect: %w", err)
		}
		out, err := encryptPlaylist(outDir, path.Dir(p), strings.Split(strings.TrimRight(string(b), "\n"), "\n"), ck, rotation*max(1, r.iframesPerSegment))
		if err != nil {
			return 0, fmt.Errorf("media: protect %s: %w", p, err)
		}
		if err := os.WriteFile(filepath.Join(outDir, filepath.FromSlash(p)), out, 0o644); err != nil {
			return 0, fmt.Errorf("media: protect: %w", err)
		}
	}
	// A DASH player decrypts CENC only, never HLS AES-128: an encrypted
	// asset publishes no manifest.mpd (see docs/media.md).
	if err := os.Remove(filepath.Join(outDir, ffmpeg.DASHName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("media: protect: %w", err)
	}
	return periods, nil
}

// encryptPlaylist encrypts the segments a media playlist lists (relative
// to dir under outDir) and returns the playlist with an EXT-X-KEY before
// each segment.
func encryptPlaylist(outDir, dir string, lines []string, keys []protect.Key, rotation int) ([]byte, error) {
	var b bytes.Buffer
	seg, sawMap, pending := 0, false, false
	var iv protect.IV
	var key protect.Key
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "#EXT-X-KEY"):
			return nil, fmt.Errorf("ffmpeg already wrote an EXT-X-KEY")
		case strings.HasPrefix(l, "#EXT-X-MAP"):
			if seg > 0 {
				return nil, fmt.Errorf("an EXT-X-MAP after the first segment would be read as encrypted")
			}
			sawMap = true
		case strings.HasPrefix(l, "#EXTINF"):
			if !sawMap {
				return nil, fmt.Errorf("a CMAF playlist needs its EXT-X-MAP before the first segment")
			}
			k := 0
			if rotation > 0 {
				k = min(seg/rotation, len(keys)-1)
			}
			iv, key, pending = protect.NewIV(), keys[k], true
			// ffmpeg's VERSION 7 (for EXT-X-MAP) already covers an
			// explicit IV (version 2).
			fmt.Fprintf(&b, "#EXT-X-KEY:METHOD=AES-128,URI=\"%s%d\",IV=%s\n", protect.KeyURIScheme, k, iv)
		case l != "" && !strings.HasPrefix(l, "#"):
			if !pending {
				return nil, fmt.Errorf("segment %s has no #EXTINF", l)
			}
			file := filepath.Join(outDir, filepath.FromSlash(dir), filepath.FromSlash(l))
			plain, err := os.ReadFile(file)
			if err != nil {
				return nil, err
			}
			tmp := file + ".enc"
			if err := os.WriteFile(tmp, protect.Encrypt(plain, key, iv), 0o644); err != nil {
				return nil, err
			}
			if err := os.Rename(tmp, file); err != nil {
				return nil, err
			}
			seg, pending = seg+1, false
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}
