package media

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/Eyevinn/mp4ff/mp4"

	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// IFramesPlaylist is the I-frame playlist's name in each rung's folder.
const IFramesPlaylist = "iframes.m3u8"

// iframeSegment is the name of I-frame file n of a rung.
func iframeSegment(n int) string { return fmt.Sprintf("iframe_%05d.m4s", n) }

// rungPlaylist is what writeIFrames reads from a rung's media playlist.
type rungPlaylist struct {
	init     string
	segments []string
}

func readRungPlaylist(file string) (rungPlaylist, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return rungPlaylist{}, err
	}
	var p rungPlaylist
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "#EXT-X-MAP:"):
			_, v, _ := strings.Cut(l, `URI="`)
			p.init, _, _ = strings.Cut(v, `"`)
		case l != "" && !strings.HasPrefix(l, "#"):
			p.segments = append(p.segments, l)
		}
	}
	if p.init == "" || len(p.segments) == 0 {
		return p, fmt.Errorf("media: %s has no EXT-X-MAP or no segments", file)
	}
	return p, nil
}

// writeIFrames writes, for the rung in dir, one small CMAF file per
// keyframe (one fragment holding that frame alone) and the I-frame
// playlist listing them, and returns the playlist's bitrates. Players
// scrub with it (AVPlayer, tvOS, Cast). Each I-frame is a file of its own
// rather than a byte range into a segment, so that segments encrypted
// whole (HLS AES-128) still leave every I-frame decryptable.
func writeIFrames(dir string) (ffmpeg.Bitrates, error) {
	pl, err := readRungPlaylist(filepath.Join(dir, "index.m3u8"))
	if err != nil {
		return ffmpeg.Bitrates{}, err
	}
	initFile, err := mp4.ReadMP4File(filepath.Join(dir, filepath.FromSlash(pl.init)))
	if err != nil || initFile.Init == nil || len(initFile.Init.Moov.Traks) == 0 {
		return ffmpeg.Bitrates{}, fmt.Errorf("media: iframes: read %s: %v", pl.init, err)
	}
	trak := initFile.Init.Moov.Trak
	timescale := float64(trak.Mdia.Mdhd.Timescale)
	var trex *mp4.TrexBox
	if mvex := initFile.Init.Moov.Mvex; mvex != nil {
		trex = mvex.Trex
	}
	type keyframe struct {
		sample mp4.FullSample
	}
	var keys []keyframe
	var end uint64
	for _, seg := range pl.segments {
		f, err := mp4.ReadMP4File(filepath.Join(dir, filepath.FromSlash(seg)))
		if err != nil {
			return ffmpeg.Bitrates{}, fmt.Errorf("media: iframes: read %s: %w", seg, err)
		}
		for _, ms := range f.Segments {
			for _, frag := range ms.Fragments {
				samples, err := frag.GetFullSamples(trex)
				if err != nil {
					return ffmpeg.Bitrates{}, fmt.Errorf("media: iframes: %s: %w", seg, err)
				}
				for _, s := range samples {
					end = max(end, s.DecodeTime+uint64(s.Dur))
					if !mp4.DecodeSampleFlags(s.Flags).SampleIsNonSync {
						keys = append(keys, keyframe{s})
					}
				}
			}
		}
	}
	if len(keys) == 0 {
		return ffmpeg.Bitrates{}, errors.New("media: iframes: the rung holds no keyframe")
	}
	out := ffmpeg.MediaPlaylist{Map: pl.init, IFramesOnly: true}
	var total, peak float64
	var bytesTotal int
	for i, k := range keys {
		next := end
		if i+1 < len(keys) {
			next = keys[i+1].sample.DecodeTime
		}
		secs := float64(next-k.sample.DecodeTime) / timescale
		frag, err := mp4.CreateFragment(uint32(i+1), trak.Tkhd.TrackID)
		if err != nil {
			return ffmpeg.Bitrates{}, fmt.Errorf("media: iframes: %w", err)
		}
		s := k.sample
		s.Dur = uint32(next - k.sample.DecodeTime)
		frag.AddFullSample(s)
		var buf bytes.Buffer
		if err := frag.Encode(&buf); err != nil {
			return ffmpeg.Bitrates{}, fmt.Errorf("media: iframes: %w", err)
		}
		name := iframeSegment(i)
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			return ffmpeg.Bitrates{}, fmt.Errorf("media: iframes: %w", err)
		}
		out.Segments = append(out.Segments, ffmpeg.PlaylistSegment{URI: name, Seconds: secs})
		total += secs
		bytesTotal += buf.Len()
		peak = max(peak, float64(buf.Len()*8)/secs)
	}
	b, err := out.Bytes()
	if err != nil {
		return ffmpeg.Bitrates{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, IFramesPlaylist), b, 0o644); err != nil {
		return ffmpeg.Bitrates{}, fmt.Errorf("media: iframes: %w", err)
	}
	return ffmpeg.Bitrates{Peak: int(peak) + 1, Average: int(float64(bytesTotal*8)/total) + 1}, nil
}

// firstPresentation returns the presentation time, in seconds, of the
// first frame of the rung in dir: where the published timeline puts the
// source's first frame (B-frames delay it, 2 frames at 24 fps = 0.083 s).
func firstPresentation(dir string) (float64, error) {
	pl, err := readRungPlaylist(filepath.Join(dir, "index.m3u8"))
	if err != nil {
		return 0, err
	}
	initFile, err := mp4.ReadMP4File(filepath.Join(dir, filepath.FromSlash(pl.init)))
	if err != nil || initFile.Init == nil {
		return 0, fmt.Errorf("media: read %s: %v", path.Join(dir, pl.init), err)
	}
	var trex *mp4.TrexBox
	if mvex := initFile.Init.Moov.Mvex; mvex != nil {
		trex = mvex.Trex
	}
	f, err := mp4.ReadMP4File(filepath.Join(dir, filepath.FromSlash(pl.segments[0])))
	if err != nil || len(f.Segments) == 0 || len(f.Segments[0].Fragments) == 0 {
		return 0, fmt.Errorf("media: read first segment: %v", err)
	}
	samples, err := f.Segments[0].Fragments[0].GetFullSamples(trex)
	if err != nil || len(samples) == 0 {
		return 0, fmt.Errorf("media: first segment: no samples: %v", err)
	}
	first := samples[0].PresentationTime()
	for _, s := range samples {
		first = min(first, s.PresentationTime())
	}
	return float64(first) / float64(initFile.Init.Moov.Trak.Mdia.Mdhd.Timescale), nil
}
