package media

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/Eyevinn/mp4ff/mp4"

	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// dashTrack reads a rendition's CMAF files (its media playlist in
// outDir/dir) into the DASH description of the same segments.
func dashTrack(outDir, dir string, bandwidth int) (ffmpeg.DASHTrack, *mp4.InitSegment, error) {
	folder := filepath.Join(outDir, dir)
	pl, err := readRungPlaylist(filepath.Join(folder, "index.m3u8"))
	if err != nil {
		return ffmpeg.DASHTrack{}, nil, err
	}
	initFile, err := mp4.ReadMP4File(filepath.Join(folder, filepath.FromSlash(pl.init)))
	if err != nil || initFile.Init == nil {
		return ffmpeg.DASHTrack{}, nil, fmt.Errorf("media: dash: read %s/%s: %v", dir, pl.init, err)
	}
	var trex *mp4.TrexBox
	if mvex := initFile.Init.Moov.Mvex; mvex != nil {
		trex = mvex.Trex
	}
	t := ffmpeg.DASHTrack{
		ID: dir, Bandwidth: bandwidth, Timescale: initFile.Init.Moov.Trak.Mdia.Mdhd.Timescale,
		Init: dir + "/" + pl.init, Media: dir + "/seg_$Number%05d$.m4s",
	}
	for i, seg := range pl.segments {
		if want := fmt.Sprintf("seg_%05d.m4s", i); seg != want {
			return t, nil, fmt.Errorf("media: dash: %s: segment %d is %s, not %s", dir, i, seg, want)
		}
		f, err := mp4.ReadMP4File(filepath.Join(folder, seg))
		if err != nil || len(f.Segments) == 0 || len(f.Segments[0].Fragments) == 0 {
			return t, nil, fmt.Errorf("media: dash: read %s/%s: %v", dir, seg, err)
		}
		var start, end uint64
		for k, frag := range f.Segments[0].Fragments {
			samples, err := frag.GetFullSamples(trex)
			if err != nil || len(samples) == 0 {
				return t, nil, fmt.Errorf("media: dash: %s/%s: no samples: %v", dir, seg, err)
			}
			if k == 0 {
				start = samples[0].DecodeTime
			}
			last := samples[len(samples)-1]
			end = last.DecodeTime + uint64(last.Dur)
		}
		for _, ms := range f.Segments[1:] {
			for _, frag := range ms.Fragments {
				samples, err := frag.GetFullSamples(trex)
				if err == nil && len(samples) > 0 {
					last := samples[len(samples)-1]
					end = max(end, last.DecodeTime+uint64(last.Dur))
				}
			}
		}
		t.Segments = append(t.Segments, ffmpeg.DASHSegment{Start: start, Duration: end - start})
	}
	return t, initFile.Init, nil
}

// avcCodec returns the RFC 6381 codec of an H.264 track ("avc1.64001f").
func avcCodec(init *mp4.InitSegment) (string, error) {
	stsd := init.Moov.Trak.Mdia.Minf.Stbl.Stsd
	if stsd == nil || stsd.AvcX == nil || stsd.AvcX.AvcC == nil {
		return "", fmt.Errorf("media: dash: the video track is not H.264")
	}
	c := stsd.AvcX.AvcC
	return fmt.Sprintf("avc1.%02x%02x%02x", c.AVCProfileIndication, c.ProfileCompatibility, c.AVCLevelIndication), nil
}

// writeDASH writes manifest.mpd beside the master playlist, over the same
// CMAF segments. info carries the measured bitrates RewriteMaster used.
func writeDASH(outDir string, p plan, info ffmpeg.MasterInfo, subs []convertedSubtitle, tr Transcoded) error {
	d := ffmpeg.DASH{Duration: tr.Duration}
	for _, r := range p.encode.Rungs {
		v := info.Variants[r.Name+"/index.m3u8"]
		t, init, err := dashTrack(outDir, r.Name, v.Bandwidth)
		if err != nil {
			return err
		}
		if t.Codecs, err = avcCodec(init); err != nil {
			return err
		}
		d.Video = append(d.Video, ffmpeg.DASHVideo{DASHTrack: t, Width: r.Width, Height: r.Height, FrameRate: p.encode.FrameRate})
	}
	for i, a := range info.Audio {
		t, _, err := dashTrack(outDir, ffmpeg.AudioDir(i), a.Bandwidth)
		if err != nil {
			return err
		}
		t.Codecs = a.Codec
		d.Audio = append(d.Audio, ffmpeg.DASHAudio{DASHTrack: t, Language: a.Language, Channels: a.Channels, SampleRate: 48000, Default: a.Default})
	}
	for i, s := range subs {
		name := fmt.Sprintf("%s/sub_%d.vtt", SubtitlesDir, i)
		if err := os.WriteFile(filepath.Join(outDir, filepath.FromSlash(name)), s.webVTT, 0o644); err != nil {
			return fmt.Errorf("media: dash: %w", err)
		}
		d.Text = append(d.Text, ffmpeg.DASHText{ID: strings.TrimSuffix(filepath.Base(name), ".vtt"), Language: s.lang, URL: name, Forced: s.forced, Default: s.isDefault})
	}
	b, err := ffmpeg.DASHManifest(d)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outDir, ffmpeg.DASHName), b, 0o644); err != nil {
		return fmt.Errorf("media: dash: %w", err)
	}
	return nil
}
