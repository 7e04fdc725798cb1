package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// TrackFile is a local file holding one extra audio track or one subtitle
// track of a title.
type TrackFile struct {
	// Language is the track's BCP-47 tag.
	Language string
	// Path is the file's path.
	Path string
	// Charset, for subtitles, is the text encoding the uploader named; ""
	// detects it.
	Charset string
}

// TranscodeRequest is one run of Lineup's encode pipeline on local files.
type TranscodeRequest struct {
	// Source is the film's file.
	Source string
	// DefaultLanguage is the language of the source's audio streams that
	// carry no (or no valid) language tag; empty means "und" is refused and
	// such streams are named after their position.
	DefaultLanguage string
	// Audio lists extra audio tracks, each a file whose first audio stream
	// is used. They follow the source's own audio streams.
	Audio []TrackFile
	// Subtitles lists subtitle files (SRT, WebVTT, SSA/ASS in any of the
	// encodings ConvertSubtitle reads).
	Subtitles []TrackFile
	// OutDir is an empty folder the output is written into.
	OutDir string
	// Progress, when set, is called with each report of ffmpeg's progress
	// feed, from the goroutine that runs Transcode's ffmpeg.
	Progress func(ffmpeg.Progress)
	// Probe, when set, is the source's probe, so Transcode does not run
	// ffprobe on it again.
	Probe *ffmpeg.Probe
}

// Transcoded is what Transcode made.
type Transcoded struct {
	// Probe is the source's probe.
	Probe ffmpeg.Probe
	// Duration is the real duration, what the source's streams hold.
	Duration time.Duration
	// Encode is the plan the ffmpeg command was built from; Args is the
	// command's arguments.
	Encode ffmpeg.Encode
	Args   []string
	// Trickplay is the layout of the thumbnail sheets.
	Trickplay ffmpeg.Trickplay
	// Files lists every file written under OutDir, with its size, in the
	// order they should be uploaded; the master playlist comes last.
	Files []blob.File
	// Thumbnails is the number of trickplay thumbnails.
	Thumbnails int
	// Loudness is what the loudness measurement found, one entry per
	// audio rendition, in the order of Encode.Audio.
	Loudness []Loudness
	// NotConverted lists the source's embedded subtitle streams that were
	// not made into WebVTT (image subtitles: PGS, DVD, DVB).
	NotConverted []ffmpeg.SubtitleStream
}

// EncodeError is a failed ffmpeg run. Stderr is the last few KiB of what
// ffmpeg printed, kept on the asset for whoever investigates.
type EncodeError struct {
	// Err is the process's error (its exit status, or the context's error).
	Err error
	// Stderr is the tail of ffmpeg's standard error.
	Stderr string
}

// Error says ffmpeg failed, with the last line it printed.
func (e *EncodeError) Error() string {
	msg := "media: ffmpeg failed: " + e.Err.Error()
	if line := lastLine(e.Stderr); line != "" {
		msg += ": " + line
	}
	return msg
}

// Unwrap returns the process's error.
func (e *EncodeError) Unwrap() error { return e.Err }

// Trickplay layout: a 160-pixel-wide thumbnail, ten by ten to a sheet.
const (
	thumbWidth      = 160
	thumbColumns    = 10
	thumbRows       = 10
	stderrTailBytes = 8 << 10
	// SubtitlesDir is the folder, relative to an asset, of its WebVTT
	// subtitle renditions.
	SubtitlesDir = "subs"
	// ThumbnailsTrack is the WebVTT thumbnail track of an asset, relative
	// to the asset.
	ThumbnailsTrack = ffmpeg.TrickplayDir + "/thumbnails.vtt"
)

// trickplayInterval is one thumbnail every 1 s for a clip, every 10 s for
// a feature: about 120 thumbnails per film, at most one per second.
func trickplayInterval(d time.Duration) int {
	return int(min(max(math.Round(d.Seconds()/120), 1), 10))
}

// Transcode runs Lineup's encode pipeline on local files: it probes the
// source and audio files, converts the subtitles, chooses the ladder, runs
// one ffmpeg process that decodes the source once for every rung and every
// audio track, draws the trickplay sheets from the smallest rung (a second,
// cheap ffmpeg), writes the WebVTT subtitle and thumbnail tracks, and
// rewrites the master playlist with measured figures.
// A source or track Lineup will not encode gives a *RefusedError, a failed
// ffmpeg run an *EncodeError. The encode worker and bench/transcode both
// call it.
func Transcode(ctx context.Context, cfg Config, req TranscodeRequest) (Transcoded, error) {
	cfg = cfg.withDefaults()
	var out Transcoded
	if req.Probe != nil {
		out.Probe = *req.Probe
	} else {
		p, err := Probe(ctx, cfg.FFprobePath, req.Source)
		if err != nil {
			return out, err
		}
		out.Probe = p
	}
	p := out.Probe
	out.Duration = p.Duration
	plan, err := planEncode(ctx, cfg, p, req)
	if err != nil {
		return out, err
	}
	out.Encode = plan.encode
	out.Trickplay = plan.trickplay
	out.Loudness = plan.loudness
	subs, err := convertSubtitleFiles(req.Subtitles)
	if err != nil {
		return out, err
	}
	embedded, notConverted, err := extractSubtitles(ctx, cfg, req.Source, p, req.DefaultLanguage, filepath.Join(req.OutDir, "extracted"))
	if err != nil {
		return out, err
	}
	subs = append(embedded, subs...)
	out.NotConverted = notConverted
	args, err := ffmpeg.EncodeArgs(plan.encode)
	if err != nil {
		return out, fmt.Errorf("media: transcode: %w", err)
	}
	out.Args = args
	if err := os.MkdirAll(filepath.Join(req.OutDir, ffmpeg.TrickplayDir), 0o755); err != nil {
		return out, fmt.Errorf("media: transcode: %w", err)
	}
	if err := runFFmpeg(ctx, cfg.FFmpegPath, args, out.Duration, req.Progress); err != nil {
		return out, err
	}
	smallest := plan.encode.Rungs[len(plan.encode.Rungs)-1]
	tpArgs, err := ffmpeg.TrickplayArgs(filepath.Join(req.OutDir, smallest.Name, "index.m3u8"), plan.trickplay, req.OutDir)
	if err != nil {
		return out, fmt.Errorf("media: transcode: %w", err)
	}
	// The sheets and the candidate frames below each decode one rung;
	// they run side by side, and both are waited for before returning.
	trickplayDone := make(chan error, 1)
	go func() { trickplayDone <- runFFmpeg(ctx, cfg.FFmpegPath, tpArgs, 0, nil) }()
	framesErr := candidateFrames(ctx, cfg, plan.encode.Rungs, req.OutDir)
	if err := <-trickplayDone; err != nil {
		return out, err
	}
	if framesErr != nil {
		return out, framesErr
	}

	info := ffmpeg.MasterInfo{Variants: map[string]ffmpeg.VariantInfo{}}
	start, err := firstPresentation(filepath.Join(req.OutDir, plan.encode.Rungs[0].Name))
	if err != nil {
		return out, err
	}
	segSeconds := plan.encode.SegmentSeconds
	if segSeconds == 0 {
		segSeconds = ffmpeg.DefaultSegmentSeconds
	}
	for i, s := range subs {
		uri, err := writeSubtitle(req.OutDir, i, s.webVTT, out.Duration, time.Duration(segSeconds)*time.Second, start)
		if err != nil {
			return out, err
		}
		info.Subtitles = append(info.Subtitles, ffmpeg.SubtitleRendition{URI: uri, Language: s.lang, Name: s.name,
			Default: s.isDefault, Forced: s.forced, HearingImpaired: s.hearingImpaired})
	}
	if out.Thumbnails, err = writeThumbnailTrack(req.OutDir, plan.trickplay, out.Duration); err != nil {
		return out, err
	}
	for i, a := range plan.encode.Audio {
		uri := ffmpeg.AudioDir(i) + "/index.m3u8"
		b, err := measure(req.OutDir, uri)
		if err != nil {
			return out, err
		}
		group := "stereo"
		if a.Channels == 6 {
			group = "surround"
		}
		info.Audio = append(info.Audio, ffmpeg.AudioRendition{URI: uri, Group: group, Name: a.Name, Language: a.Language,
			Channels: max(a.Channels, 2), Default: a.Default, Codec: "mp4a.40.2", Bandwidth: b.Peak, AverageBandwidth: b.Average})
	}
	videoRange := "SDR" // the ladder is 8-bit BT.709, HDR sources tone-mapped
	for _, r := range plan.encode.Rungs {
		uri := r.Name + "/index.m3u8"
		b, err := measure(req.OutDir, uri)
		if err != nil {
			return out, err
		}
		ib, err := writeIFrames(filepath.Join(req.OutDir, r.Name))
		if err != nil {
			return out, err
		}
		info.Variants[uri] = ffmpeg.VariantInfo{
			Bandwidth:        b.Peak,
			AverageBandwidth: b.Average,
			FrameRate:        plan.encode.FrameRate.Float(),
			VideoRange:       videoRange,
			IFrames:          &ffmpeg.IFrameInfo{URI: r.Name + "/" + IFramesPlaylist, Bandwidth: ib.Peak, AverageBandwidth: ib.Average},
		}
	}
	masterPath := filepath.Join(req.OutDir, ffmpeg.MasterName)
	master, err := os.ReadFile(masterPath)
	if err != nil {
		return out, fmt.Errorf("media: transcode: ffmpeg wrote no master playlist: %w", err)
	}
	rewritten, err := ffmpeg.RewriteMaster(master, info)
	if err != nil {
		return out, fmt.Errorf("media: transcode: %w", err)
	}
	if err := os.WriteFile(masterPath, rewritten, 0o644); err != nil {
		return out, fmt.Errorf("media: transcode: %w", err)
	}
	if err := writeDASH(req.OutDir, plan, info, subs, out); err != nil {
		return out, err
	}
	if err := os.RemoveAll(filepath.Join(req.OutDir, "extracted")); err != nil {
		return out, fmt.Errorf("media: transcode: %w", err)
	}
	out.Files, err = listOutput(req.OutDir)
	if err != nil {
		return out, err
	}
	return out, nil
}

type plan struct {
	encode    ffmpeg.Encode
	trickplay ffmpeg.Trickplay
	loudness  []Loudness
}

// planEncode chooses the ladder, the audio tracks and the trickplay layout.
func planEncode(ctx context.Context, cfg Config, p ffmpeg.Probe, req TranscodeRequest) (plan, error) {
	v := p.Video[0]
	rate := v.FrameRate
	if rate.IsZero() || rate.Float() > 120 {
		rate = ffmpeg.Rate{Num: 30, Den: 1} // unknown or a variable-rate file's nonsense
	}
	w, h := v.DisplaySize()
	e := ffmpeg.Encode{
		Inputs:    []string{req.Source},
		FrameRate: rate,
		Rungs:     ffmpeg.ChooseLadder(w, h, rate.Float()),
		OutDir:    req.OutDir,
		Preset:    cfg.Preset,
		// The scalers may use every core: the encoders are waiting on them.
		FilterThreads: runtime.NumCPU(),
		Duration:      p.Duration,
	}
	if v.HDR() {
		e.ToneMap = v.ColorTransfer
	}
	// The file does not say it is interlaced, or says progressive, which
	// an encoder told nothing about interlaced frames writes too: idet
	// looks at the first frames. It decodes video while the loudness
	// passes below decode sound, each mostly on one core, so it runs
	// beside them; an early return stops it.
	idetCtx, stopIdet := context.WithCancel(ctx)
	defer stopIdet()
	type idetResult struct {
		fieldOrder string
		err        error
	}
	idet := make(chan idetResult, 1)
	if v.Interlaced() {
		e.Deinterlace = true
		idet <- idetResult{}
	} else {
		go func() {
			stderr, err := runCapture(idetCtx, cfg.FFmpegPath, ffmpeg.IdetArgs(req.Source, 0))
			if err != nil {
				idet <- idetResult{err: err}
				return
			}
			order, err := ffmpeg.ParseIdet(stderr)
			if err != nil {
				err = fmt.Errorf("media: transcode: %w", err)
			}
			idet <- idetResult{fieldOrder: order, err: err}
		}()
	}
	names := map[string]int{}
	var loud []Loudness
	addAudio := func(input, stream int, lang string, channels int) error {
		name := languageName(lang)
		names[name]++
		if n := names[name]; n > 1 {
			name = fmt.Sprintf("%s %d", name, n)
		}
		variants := []int{2}
		if channels > 2 {
			variants = append(variants, 6)
		}
		for _, ch := range variants {
			t := ffmpeg.AudioTrack{Input: input, Stream: stream, Language: lang, Name: name, Channels: ch}
			if ch == 6 {
				t.Name = name + " 5.1"
			}
			m, err := measureLoudness(ctx, cfg, e.Inputs[input], stream, ch, e.Duration)
			if err != nil {
				return err
			}
			l := Loudness{TargetLUFS: cfg.LoudnessLUFS}
			if m != nil {
				t.Loudnorm = m
				l.InputLUFS, l.InputTruePeak, l.InputLRA, l.Normalised = m.InputI, m.InputTP, m.InputLRA, true
			}
			loud = append(loud, l)
			e.Audio = append(e.Audio, t)
		}
		return nil
	}
	for i, a := range p.Audio {
		lang, err := ffmpeg.CanonicalLanguage(a.Language)
		if err != nil {
			lang, err = ffmpeg.CanonicalLanguage(req.DefaultLanguage)
		}
		if err != nil {
			return plan{}, refuse("the film's audio stream %d has no language tag; give its language", i+1)
		}
		if err := addAudio(0, i, lang, a.Channels); err != nil {
			return plan{}, err
		}
	}
	for _, t := range req.Audio {
		lang, err := ffmpeg.CanonicalLanguage(t.Language)
		if err != nil {
			return plan{}, refuse("audio track %s: %v", filepath.Base(t.Path), err)
		}
		ap, err := Probe(ctx, cfg.FFprobePath, t.Path)
		var refused *RefusedError
		switch {
		case errors.As(err, &refused) && len(ap.Audio) > 0:
			// An audio-only file is what an extra track should be.
		case err != nil:
			if errors.As(err, &refused) {
				return plan{}, refuse("the %s audio track: %s", lang, refused.Reason)
			}
			return plan{}, err
		}
		if len(ap.Audio) == 0 {
			return plan{}, refuse("the %s audio track holds no sound", lang)
		}
		e.Inputs = append(e.Inputs, t.Path)
		if err := addAudio(len(e.Inputs)-1, 0, lang, ap.Audio[0].Channels); err != nil {
			return plan{}, err
		}
	}
	// Players pick the first track of a group unless told; keep the
	// source's own default when it marks one, in stereo and in surround.
	for i, a := range p.Audio {
		if !a.Default {
			continue
		}
		for j := range e.Audio {
			if e.Audio[j].Input == 0 && e.Audio[j].Stream == i {
				e.Audio[j].Default = true
			}
		}
		break
	}
	markFirst := func(ch int) {
		for _, a := range e.Audio {
			if a.Channels == ch && a.Default {
				return
			}
		}
		for j := range e.Audio {
			if e.Audio[j].Channels == ch {
				e.Audio[j].Default = true
				return
			}
		}
	}
	markFirst(2)
	markFirst(6)
	tw := thumbWidth
	if w < tw {
		tw = w &^ 1
	}
	th := max(2, int(math.Round(float64(tw)*float64(h)/float64(w)/2))*2)
	tp := ffmpeg.Trickplay{
		IntervalSeconds: trickplayInterval(p.Duration),
		Width:           tw, Height: th,
		Columns: thumbColumns, Rows: thumbRows,
	}
	r := <-idet
	if r.err != nil {
		return plan{}, r.err
	}
	if r.fieldOrder != "" {
		e.Deinterlace, e.FieldOrder = true, r.fieldOrder
	}
	return plan{encode: e, trickplay: tp, loudness: loud}, nil
}

// candidateFrames draws the candidate artwork frames, for an admin to
// pick a poster or backdrop from when none was uploaded; published with
// the asset under FramesDir. They are 1280 wide (less for a narrower
// film), so they come from the smallest rung at least that wide: the
// 720p rung of an HD ladder, which decodes in less than half the time of
// the 1080p one.
func candidateFrames(ctx context.Context, cfg Config, rungs []ffmpeg.Rung, outDir string) error {
	width := min(1280, rungs[0].Width)
	from := rungs[0]
	for _, r := range rungs[1:] {
		if r.Width >= width && r.Width*r.Height < from.Width*from.Height {
			from = r
		}
	}
	framesDir := filepath.Join(outDir, FramesDir)
	if err := os.MkdirAll(framesDir, 0o755); err != nil {
		return fmt.Errorf("media: transcode: %w", err)
	}
	_, err := CandidateFrames(ctx, cfg.FFmpegPath, filepath.Join(outDir, from.Name, "index.m3u8"), framesDir, MaxCandidateFrames, width)
	return err
}

// languageName is the name a viewer sees for a language: its own name for
// itself ("English", "中文", "简体中文").
func languageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if name := display.Self.Name(t); name != "" {
		return name
	}
	return tag
}

type convertedSubtitle struct {
	lang, name                         string
	webVTT                             []byte
	isDefault, forced, hearingImpaired bool
}

func convertSubtitleFiles(files []TrackFile) ([]convertedSubtitle, error) {
	var out []convertedSubtitle
	names := map[string]int{}
	for _, f := range files {
		lang, err := ffmpeg.CanonicalLanguage(f.Language)
		if err != nil {
			return nil, refuse("subtitles %s: %v", filepath.Base(f.Path), err)
		}
		data, err := readLimited(f.Path, MaxSubtitleSize)
		if err != nil {
			return nil, err
		}
		sub, err := ConvertSubtitleFor(data, f.Charset, lang)
		if err != nil {
			return nil, refuse("the %s subtitles cannot be used: %s", lang, strings.TrimPrefix(err.Error(), "media: subtitles: "))
		}
		name := languageName(lang)
		names[name]++
		if n := names[name]; n > 1 {
			name = fmt.Sprintf("%s %d", name, n)
		}
		out = append(out, convertedSubtitle{lang: lang, name: name, webVTT: sub.WebVTT})
	}
	return out, nil
}

func readLimited(file string, limit int64) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, refuse("the file %s is larger than %d bytes", filepath.Base(file), limit)
	}
	return data, nil
}

// writeSubtitle writes subtitle i as WebVTT segments of segment length
// each (the video's), each with an X-TIMESTAMP-MAP that puts the cues'
// zero at the video's first frame (start seconds into the media
// timeline), and their media playlist; it returns the playlist's URI. A
// cue that spans a segment boundary is written into each segment it
// overlaps, as RFC 8216 asks.
func writeSubtitle(outDir string, i int, webVTT []byte, d, segment time.Duration, start float64) (string, error) {
	dir := filepath.Join(outDir, SubtitlesDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("media: subtitles: %w", err)
	}
	segs, err := segmentWebVTT(webVTT, d, segment, start)
	if err != nil {
		return "", err
	}
	pl := ffmpeg.MediaPlaylist{}
	for k, seg := range segs {
		name := fmt.Sprintf("sub_%d_%05d.vtt", i, k)
		if err := os.WriteFile(filepath.Join(dir, name), seg, 0o644); err != nil {
			return "", fmt.Errorf("media: subtitles: %w", err)
		}
		from := time.Duration(k) * segment
		pl.Segments = append(pl.Segments, ffmpeg.PlaylistSegment{URI: name, Seconds: (min(from+segment, d) - from).Seconds()})
	}
	b, err := pl.Bytes()
	if err != nil {
		return "", fmt.Errorf("media: subtitles: %w", err)
	}
	name := fmt.Sprintf("sub_%d.m3u8", i)
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		return "", fmt.Errorf("media: subtitles: %w", err)
	}
	return SubtitlesDir + "/" + name, nil
}

// writeThumbnailTrack writes the WebVTT track that points each stretch of
// the film at its thumbnail on a sprite sheet (#xywh=x,y,w,h), and returns
// the number of thumbnails.
func writeThumbnailTrack(outDir string, tp ffmpeg.Trickplay, d time.Duration) (int, error) {
	dir := filepath.Join(outDir, ffmpeg.TrickplayDir)
	sheets := 0
	for {
		if _, err := os.Stat(filepath.Join(dir, ffmpeg.SheetName(sheets+1))); err != nil {
			break
		}
		sheets++
	}
	if sheets == 0 {
		return 0, errors.New("media: trickplay: ffmpeg wrote no sprite sheet")
	}
	perSheet := tp.Columns * tp.Rows
	interval := time.Duration(tp.IntervalSeconds) * time.Second
	n := min(int((d+interval-1)/interval), sheets*perSheet)
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	for i := range n {
		start := time.Duration(i) * interval
		end := min(start+interval, d)
		k := i % perSheet
		fmt.Fprintf(&b, "\n%s --> %s\n%s#xywh=%d,%d,%d,%d\n", vttTime(start), vttTime(end),
			ffmpeg.SheetName(i/perSheet+1), (k%tp.Columns)*tp.Width, (k/tp.Columns)*tp.Height, tp.Width, tp.Height)
	}
	if err := os.WriteFile(filepath.Join(outDir, ThumbnailsTrack), []byte(b.String()), 0o644); err != nil {
		return 0, fmt.Errorf("media: trickplay: %w", err)
	}
	return n, nil
}

func vttTime(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

func measure(outDir, uri string) (ffmpeg.Bitrates, error) {
	pl, err := os.ReadFile(filepath.Join(outDir, filepath.FromSlash(uri)))
	if err != nil {
		return ffmpeg.Bitrates{}, fmt.Errorf("media: transcode: ffmpeg wrote no %s: %w", uri, err)
	}
	sizes := map[string]int64{}
	entries, err := os.ReadDir(filepath.Join(outDir, filepath.FromSlash(path.Dir(uri))))
	if err != nil {
		return ffmpeg.Bitrates{}, fmt.Errorf("media: transcode: %w", err)
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			sizes[e.Name()] = fi.Size()
		}
	}
	b, err := ffmpeg.MeasureMediaPlaylist(pl, sizes)
	if err != nil {
		return b, fmt.Errorf("media: transcode: %s: %w", uri, err)
	}
	return b, nil
}

// listOutput lists the files under dir, the master playlist last, so that
// an uploader that stops half way never leaves a master pointing at
// missing files.
func listOutput(dir string) ([]blob.File, error) {
	var files []blob.File
	var master *blob.File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		f := blob.File{Path: filepath.ToSlash(rel), Size: fi.Size()}
		if f.Path == ffmpeg.MasterName {
			master = &f
			return nil
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("media: transcode: list output: %w", err)
	}
	if master == nil {
		return nil, errors.New("media: transcode: no master playlist")
	}
	return append(files, *master), nil
}

// runFFmpeg runs ffmpeg with args, feeding its -progress output to report
// and keeping the tail of its stderr for the error.
func runFFmpeg(ctx context.Context, ffmpegPath string, args []string, total time.Duration, report func(ffmpeg.Progress)) error {
	cmd := exec.CommandContext(ctx, ffmpegPath, args...)
	stderr := &tailBuffer{max: stderrTailBytes}
	cmd.Stderr = stderr
	// On cancellation ffmpeg is killed (its output is discarded anyway);
	// WaitDelay bounds the wait for its pipes to close.
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("media: ffmpeg: %w", err)
	}
	var perr error
	startErr := true
	err = runChild(cmd, func() error {
		startErr = false
		if report == nil {
			report = func(ffmpeg.Progress) {}
		}
		perr = ffmpeg.ParseProgress(stdout, total, report)
		io.Copy(io.Discard, stdout)
		return cmd.Wait()
	})
	if startErr {
		return fmt.Errorf("media: start ffmpeg: %w", err)
	}
	if ctx.Err() != nil {
		return &EncodeError{Err: ctx.Err(), Stderr: stderr.String()}
	}
	if err != nil {
		return &EncodeError{Err: err, Stderr: stderr.String()}
	}
	if perr != nil {
		return perr
	}
	return nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.ToValidUTF8(t.buf, []byte("?")))
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
