package ffmpeg

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Encode describes one encode of a title: one ffmpeg process that decodes
// the source once and writes every rung and audio track as CMAF HLS.
type Encode struct {
	// Inputs are the files ffmpeg reads. Inputs[0] holds the video; audio
	// tracks may come from it or from the other inputs.
	Inputs []string
	// VideoStream picks the video stream of Inputs[0], counting video
	// streams only (0 is the first).
	VideoStream int
	// FrameRate is the output frame rate, normally the source's.
	FrameRate Rate
	// Rungs are the video renditions, from ChooseLadder.
	Rungs []Rung
	// Audio lists the audio renditions; it may be empty for a silent film.
	Audio []AudioTrack
	// OutDir is the absolute folder the encode writes into; see OutputLayout.
	OutDir string
	// SegmentSeconds is the segment length, 4 when zero.
	SegmentSeconds int
	// KeyframeSeconds is the keyframe interval, 2 when zero; it must divide
	// SegmentSeconds.
	KeyframeSeconds int
	// AudioBitrate is each audio track's bitrate in bits per second, 128000
	// when zero.
	AudioBitrate int
	// Preset is libx264's speed preset, "veryfast" when empty.
	Preset string
	// FilterThreads is how many threads the filter graph may use for its
	// scalers; 0 leaves ffmpeg's default. The worker sets the machine's
	// core count.
	FilterThreads int
	// Deinterlace turns interlaced frames into progressive ones (bwdif,
	// one frame out per frame in, so the frame rate stays).
	Deinterlace bool
	// FieldOrder is the order of the interlaced fields, for Deinterlace:
	// "tff" (top field first) or "bff", as idet found it in a file that
	// does not say; "" reads it from each frame's flags (and takes top
	// field first when a frame has none).
	FieldOrder string
	// ToneMap, when TransferPQ or TransferHLG, maps the HDR source to SDR
	// BT.709 for the 8-bit H.264 ladder; "" leaves the colours alone.
	ToneMap string
	// Duration, when positive, is the video's duration: every audio
	// rendition is padded with silence or cut to it.
	Duration time.Duration
}

// AudioTrack is one audio rendition of an Encode.
type AudioTrack struct {
	// Input indexes Encode.Inputs.
	Input int
	// Stream picks the audio stream of that input, counting audio streams
	// only (0 is the first).
	Stream int
	// Language is a BCP-47 tag ("en", "zh-Hans"); ISO 639-2 codes such as
	// "eng" are accepted and written in their short form.
	Language string
	// Name is the name a viewer sees. ffmpeg cannot write it; RewriteMaster
	// puts it in the master playlist.
	Name string
	// Default marks the track players pick first; when no track is marked
	// the first one is.
	Default bool
	// Channels is the rendition's channel count: 2 (stereo, the default;
	// any source is downmixed) or 6 (5.1; a 7.1 source is folded down).
	Channels int
	// Bitrate is the rendition's bitrate in bits per second; 0 means
	// Encode.AudioBitrate for stereo and DefaultSurroundBitrate for 5.1.
	Bitrate int
	// Loudnorm, when set, is the first loudnorm pass's measurement of this
	// very mix (same stream, same channel count); the encode then
	// normalises the track to Loudnorm.TargetLUFS in one linear gain.
	Loudnorm *LoudnormMeasurement
}

// Output layout of an Encode, relative to OutDir:
//
//	master.m3u8                 the master playlist
//	<rung>/index.m3u8           one media playlist per rung ("720p/index.m3u8")
//	<rung>/init_<n>.mp4         its CMAF header (n is the variant's number)
//	<rung>/seg_00000.m4s ...    its 4 s segments
//	audio_<i>/...               the same for audio track i
const (
	// MasterName is the master playlist's file name.
	MasterName = "master.m3u8"
	// segmentPattern is relative to a variant's folder; %05d is ffmpeg's.
	segmentPattern = "seg_%05d.m4s"
)

// AudioDir returns the folder, relative to OutDir, of audio track i.
func AudioDir(i int) string { return "audio_" + strconv.Itoa(i) }

// Defaults filled in by EncodeArgs.
const (
	DefaultSegmentSeconds  = 4
	DefaultKeyframeSeconds = 2
	DefaultAudioBitrate    = 128000
	DefaultPreset          = "veryfast"
	// DefaultSurroundBitrate is a 5.1 AAC rendition's bitrate: 64 kb/s a
	// channel, as for stereo.
	DefaultSurroundBitrate = 384000
)

// EncodeArgs returns the ffmpeg arguments (without the program name) for
// e, or an error naming what is wrong with e. The process writes its
// -progress feed to stdout (see ParseProgress) and only errors to stderr.
func EncodeArgs(e Encode) ([]string, error) {
	e, langs, err := e.normalized()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: encode: %w", err)
	}
	fps := e.FrameRate.Float()
	gop := int(math.Ceil(fps * float64(e.KeyframeSeconds)))

	args := []string{
		"-hide_banner",
		// A worker has no terminal; never wait for a key press.
		"-nostdin",
		// stderr keeps only errors, so its tail on a failed job is the reason.
		"-loglevel", "error",
		// OutDir is a fresh scratch folder owned by this job.
		"-y",
	}
	for _, in := range e.Inputs {
		args = append(args, "-i", inputURL(in))
	}

	// One decode feeds every rung: fps makes the timing constant, format
	// converts once to the 8-bit 4:2:0 H.264 High needs, split copies the
	// frames. The top rung is scaled from the source; the others cascade
	// from the second rung's frames, which are far smaller than the
	// source: ffmpeg 5.1 runs the whole graph on one thread, and scaling
	// five times from 1080p kept the encoders waiting on it.
	var fc strings.Builder
	fmt.Fprintf(&fc, "[0:v:%d]", e.VideoStream)
	if e.Deinterlace {
		// Interlaced fields woven into one frame comb on every progressive
		// screen. bwdif rebuilds each frame from its fields; send_frame
		// keeps the frame rate (25i gives 25p); deint=all because a file
		// found interlaced by idet flags none of its frames. parity=auto
		// reads the field order from each frame; when idet found it, it
		// is given, as auto takes top field first for an unflagged frame
		// and a bottom-field-first film would then show its fields out of
		// order.
		parity := "auto"
		if e.FieldOrder != "" {
			parity = e.FieldOrder
		}
		fmt.Fprintf(&fc, "bwdif=mode=send_frame:parity=%s:deint=all,", parity)
	}
	fmt.Fprintf(&fc, "fps=%s", e.FrameRate)
	switch e.ToneMap {
	case TransferPQ, TransferHLG:
		// HDR to SDR. Everything up to HDR's reference white (203 cd/m²,
		// ITU-R BT.2408: 75 % HLG signal, 58 % PQ) is SDR-like picture:
		// linear 1.0 is put there (npl=203), so SDR white stays white,
		// in BT.709 primaries (in float). mobius leaves linear light
		// below 0.7 as it is and rolls only the highlights above it, up
		// to 1000 cd/m² (peak 1000/203: HLG's nominal display, and the
		// mastering peak of most HDR10 films; brighter highlights clip),
		// into the rest of the SDR range; hable compressed the whole
		// picture and dimmed it. desat=0 keeps bright colours from going
		// grey. Then back to BT.709 gamma in limited range and 8 bits.
		fmt.Fprintf(&fc, ",zscale=tin=%s:pin=bt2020:min=bt2020nc:t=linear:npl=203,format=gbrpf32le,zscale=p=bt709,"+
			"tonemap=tonemap=mobius:param=0.7:peak=4.926:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p", e.ToneMap)
	default:
		fc.WriteString(",format=yuv420p")
	}
	scale := func(r Rung) string { return fmt.Sprintf("scale=%d:%d,setsar=1", r.Width, r.Height) }
	switch n := len(e.Rungs); n {
	case 1:
		fmt.Fprintf(&fc, ",%s[o0]", scale(e.Rungs[0]))
	default:
		fmt.Fprintf(&fc, ",split=2[v0][v1];[v0]%s[o0];[v1]%s", scale(e.Rungs[0]), scale(e.Rungs[1]))
		if n == 2 {
			fc.WriteString("[o1]")
			break
		}
		fmt.Fprintf(&fc, ",split=%d[o1]", n-1)
		for i := 2; i < n; i++ {
			fmt.Fprintf(&fc, "[c%d]", i)
		}
		for i := 2; i < n; i++ {
			fmt.Fprintf(&fc, ";[c%d]%s[o%d]", i, scale(e.Rungs[i]), i)
		}
	}
	for i, a := range e.Audio {
		fmt.Fprintf(&fc, ";[%d:a:%d]%s[a%d]", a.Input, a.Stream, audioChain(a, e.Duration), i)
	}
	if e.FilterThreads > 0 {
		// Lets the scalers work in slices on several cores.
		args = append(args, "-filter_complex_threads", strconv.Itoa(e.FilterThreads))
	}
	args = append(args, "-filter_complex", fc.String())
	for i := range e.Rungs {
		args = append(args, "-map", fmt.Sprintf("[o%d]", i))
	}
	for i := range e.Audio {
		args = append(args, "-map", fmt.Sprintf("[a%d]", i))
	}

	args = append(args,
		"-c:v", "libx264",
		"-profile:v", "high",
		"-preset", e.Preset,
		// Keyframes every KeyframeSeconds on every rung, at the same
		// instants: a forced keyframe at each multiple of the interval...
		"-force_key_frames", fmt.Sprintf("expr:gte(t,n_forced*%d)", e.KeyframeSeconds),
		// ...no GOP longer than the interval...
		"-g", strconv.Itoa(gop),
		"-keyint_min", strconv.Itoa(gop),
		// ...and no extra keyframes at scene cuts, which would differ per rung.
		"-sc_threshold", "0",
	)
	for i, r := range e.Rungs {
		s := strconv.Itoa(i)
		if r.CRF > 0 {
			// Constrained quality: constant quality, so calm pictures
			// take few bits...
			args = append(args, "-crf:v:"+s, strconv.Itoa(r.CRF))
		} else {
			args = append(args, "-b:v:"+s, strconv.Itoa(r.Bitrate))
		}
		args = append(args,
			// ...and a VBV cap, so that a noisy scene stays within the
			// rung's budget and BANDWIDTH in the master is an honest peak.
			"-maxrate:v:"+s, strconv.Itoa(r.MaxRate),
			"-bufsize:v:"+s, strconv.Itoa(r.BufSize),
		)
	}
	if len(e.Audio) > 0 {
		args = append(args,
			"-c:a", "aac",
			// AAC-LC, the profile every HLS client decodes, in stereo and 5.1.
			"-profile:a", "aac_low",
			"-ar", "48000",
		)
		for i, a := range e.Audio {
			args = append(args, "-b:a:"+strconv.Itoa(i), strconv.Itoa(a.Bitrate))
		}
	}

	var vsm []string
	for i, r := range e.Rungs {
		v := fmt.Sprintf("v:%d,name:%s", i, r.Name)
		if len(e.Audio) > 0 {
			v = fmt.Sprintf("v:%d,agroup:aud,name:%s", i, r.Name)
		}
		vsm = append(vsm, v)
	}
	for i, a := range e.Audio {
		v := fmt.Sprintf("a:%d,agroup:aud,language:%s,name:%s", i, langs[i], AudioDir(i))
		if a.Default {
			v += ",default:yes"
		}
		vsm = append(vsm, v)
	}

	args = append(args,
		// Many outputs fed by one filter graph buffer packets while the
		// slower streams catch up; the default queue of 128 can overflow.
		"-max_muxing_queue_size", "1024",
		"-f", "hls",
		"-hls_time", strconv.Itoa(e.SegmentSeconds),
		"-hls_playlist_type", "vod",
		// CMAF: fragmented MP4 segments rather than MPEG-TS.
		"-hls_segment_type", "fmp4",
		// Every segment starts with a keyframe; say so in the playlists.
		"-hls_flags", "independent_segments",
		"-hls_fmp4_init_filename", "init.mp4",
		"-hls_segment_filename", filepath.Join(e.OutDir, "%v", segmentPattern),
		"-master_pl_name", MasterName,
		// One variant per rung and one per audio track; the audio tracks
		// form one rendition group that every video variant refers to.
		"-var_stream_map", strings.Join(vsm, " "),
		// Machine-readable progress on stdout, and no status line on stderr.
		"-progress", "pipe:1",
		"-nostats",
		filepath.Join(e.OutDir, "%v", "index.m3u8"),
	)
	return args, nil
}

// normalized fills in defaults and checks e; it returns the canonical
// language tag of each audio track.
func (e Encode) normalized() (Encode, []string, error) {
	if len(e.Inputs) == 0 {
		return e, nil, errors.New("no input")
	}
	for _, in := range e.Inputs {
		if in == "" {
			return e, nil, errors.New("empty input name")
		}
	}
	if !filepath.IsAbs(e.OutDir) {
		return e, nil, fmt.Errorf("output folder %q is not an absolute path", e.OutDir)
	}
	if strings.Contains(e.OutDir, "%") {
		return e, nil, fmt.Errorf("output folder %q contains %%, which ffmpeg would expand", e.OutDir)
	}
	if e.FrameRate.IsZero() {
		return e, nil, errors.New("no frame rate")
	}
	if e.VideoStream < 0 {
		return e, nil, errors.New("negative video stream")
	}
	if len(e.Rungs) == 0 {
		return e, nil, errors.New("no rungs")
	}
	names := map[string]bool{}
	for _, r := range e.Rungs {
		if r.Width <= 0 || r.Height <= 0 || r.Width%2 != 0 || r.Height%2 != 0 {
			return e, nil, fmt.Errorf("rung %s: size %dx%d must be positive and even", r.Name, r.Width, r.Height)
		}
		if r.Bitrate <= 0 || r.MaxRate < r.Bitrate || r.BufSize <= 0 {
			return e, nil, fmt.Errorf("rung %s: bitrate %d, maxrate %d, bufsize %d are not a valid rate control", r.Name, r.Bitrate, r.MaxRate, r.BufSize)
		}
		if r.CRF < 0 || r.CRF > 51 {
			return e, nil, fmt.Errorf("rung %s: CRF %d is outside libx264's 0-51", r.Name, r.CRF)
		}
		if !safeName(r.Name) || strings.HasPrefix(r.Name, "audio_") {
			return e, nil, fmt.Errorf("rung name %q must be letters and digits", r.Name)
		}
		if names[r.Name] {
			return e, nil, fmt.Errorf("rung name %q used twice", r.Name)
		}
		names[r.Name] = true
	}
	if e.SegmentSeconds == 0 {
		e.SegmentSeconds = DefaultSegmentSeconds
	}
	if e.KeyframeSeconds == 0 {
		e.KeyframeSeconds = DefaultKeyframeSeconds
	}
	if e.SegmentSeconds < 0 || e.KeyframeSeconds < 0 || e.SegmentSeconds%e.KeyframeSeconds != 0 {
		return e, nil, fmt.Errorf("keyframe interval %d s must divide segment length %d s", e.KeyframeSeconds, e.SegmentSeconds)
	}
	if e.AudioBitrate == 0 {
		e.AudioBitrate = DefaultAudioBitrate
	}
	if e.Preset == "" {
		e.Preset = DefaultPreset
	}
	if !safeName(e.Preset) {
		return e, nil, fmt.Errorf("preset %q is not a libx264 preset name", e.Preset)
	}
	e.Audio = append([]AudioTrack(nil), e.Audio...)
	langs := make([]string, len(e.Audio))
	hasDefault := false
	switch e.FieldOrder {
	case "", "tff", "bff":
	default:
		return e, nil, fmt.Errorf("field order %q: want \"tff\", \"bff\" or \"\" (from each frame)", e.FieldOrder)
	}
	if e.FieldOrder != "" && !e.Deinterlace {
		return e, nil, fmt.Errorf("field order %q is only for Deinterlace", e.FieldOrder)
	}
	if e.ToneMap != "" && e.ToneMap != TransferPQ && e.ToneMap != TransferHLG {
		return e, nil, fmt.Errorf("tone map %q: only %s (PQ) and %s (HLG) are mapped", e.ToneMap, TransferPQ, TransferHLG)
	}
	if e.Duration < 0 {
		return e, nil, errors.New("negative duration")
	}
	for i, a := range e.Audio {
		if a.Input < 0 || a.Input >= len(e.Inputs) || a.Stream < 0 {
			return e, nil, fmt.Errorf("audio track %d: input %d stream %d does not exist", i, a.Input, a.Stream)
		}
		switch a.Channels {
		case 0:
			e.Audio[i].Channels = 2
		case 2, 6:
		default:
			return e, nil, fmt.Errorf("audio track %d: %d channels; renditions are stereo (2) or 5.1 (6)", i, a.Channels)
		}
		if a.Bitrate == 0 {
			e.Audio[i].Bitrate = e.AudioBitrate
			if e.Audio[i].Channels == 6 {
				e.Audio[i].Bitrate = DefaultSurroundBitrate
			}
		}
		if e.Audio[i].Bitrate < 0 {
			return e, nil, fmt.Errorf("audio track %d: negative bitrate", i)
		}
		if l := a.Loudnorm; l != nil {
			if err := l.valid(); err != nil {
				return e, nil, fmt.Errorf("audio track %d: %w", i, err)
			}
		}
		tag, err := CanonicalLanguage(a.Language)
		if err != nil {
			return e, nil, fmt.Errorf("audio track %d: %w", i, err)
		}
		langs[i] = tag
		if a.Default {
			if hasDefault {
				e.Audio[i].Default = false // one default per group
			}
			hasDefault = true
		}
	}
	if !hasDefault && len(e.Audio) > 0 {
		e.Audio[0].Default = true
	}
	return e, langs, nil
}

// audioChain returns the filters of one audio rendition, from its source
// stream to the encoder.
func audioChain(a AudioTrack, d time.Duration) string {
	var f []string
	if a.Channels == 6 {
		// 5.1 as AAC carries it; a 7.1 source folds its back pair in.
		f = append(f, "aformat=channel_layouts=5.1")
	} else {
		// Every screen plays stereo; surround is downmixed (ITU-R BS.775 weights).
		f = append(f, "aformat=channel_layouts=stereo")
	}
	if l := a.Loudnorm; l != nil {
		// Second loudnorm pass: with the first pass's figures, linear=true
		// applies one gain to the whole film (no pumping) when the true
		// peak allows it.
		f = append(f, fmt.Sprintf("loudnorm=I=%s:TP=%s:LRA=%s:measured_I=%s:measured_TP=%s:measured_LRA=%s:measured_thresh=%s:offset=%s:linear=true:print_format=none",
			num(l.TargetLUFS), num(LoudnormTruePeak), num(LoudnormRange), num(l.InputI), num(l.InputTP), num(l.InputLRA), num(l.InputThresh), num(l.TargetOffset)))
	}
	// loudnorm works at 192 kHz; the renditions are 48 kHz.
	f = append(f, "aresample=48000")
	if d > 0 {
		// The sound lasts exactly as long as the picture: silence is added
		// to a short track and a long one is cut, so every rendition ends
		// together.
		secs := strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
		f = append(f, "apad=whole_dur="+secs, "atrim=end="+secs)
	}
	return strings.Join(f, ",")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// CanonicalLanguage returns the canonical BCP-47 form of tag ("eng" and
// "en" both give "en", "zh-hans" gives "zh-Hans"), or an error saying the
// tag is not BCP-47.
func CanonicalLanguage(tag string) (string, error) {
	if tag == "" {
		return "", errors.New("no language tag")
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", fmt.Errorf("language %q is not a BCP-47 tag", tag)
	}
	s := t.String()
	if s == "und" {
		return "", fmt.Errorf("language %q is undetermined", tag)
	}
	return s, nil
}

// safeName reports whether s can go into var_stream_map and a folder name
// unquoted: ASCII letters, digits, '-' and '_' only.
func safeName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
