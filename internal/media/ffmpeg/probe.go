package ffmpeg

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Rate is a frame rate as the fraction ffprobe reports, such as 24000/1001.
type Rate struct {
	Num, Den int
}

// ParseRate parses "24000/1001", "25/1" or "25". "0/0" and other
// non-positive rates parse to the zero Rate without error, as ffprobe uses
// them for "unknown".
func ParseRate(s string) (Rate, error) {
	num, den, found := strings.Cut(strings.TrimSpace(s), "/")
	if !found {
		den = "1"
	}
	n, err1 := strconv.Atoi(num)
	d, err2 := strconv.Atoi(den)
	if err1 != nil || err2 != nil {
		return Rate{}, fmt.Errorf("ffmpeg: frame rate %q is not a fraction", s)
	}
	if n <= 0 || d <= 0 {
		return Rate{}, nil
	}
	return Rate{n, d}, nil
}

// Float returns the rate in frames per second, or 0 for the zero Rate.
func (r Rate) Float() float64 {
	if r.Num <= 0 || r.Den <= 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// IsZero reports whether the rate is unknown.
func (r Rate) IsZero() bool { return r.Num <= 0 || r.Den <= 0 }

// String formats the rate as ffmpeg's options expect it: "24000/1001".
func (r Rate) String() string { return fmt.Sprintf("%d/%d", r.Num, r.Den) }

// Probe is what ffprobe reports about a source file.
type Probe struct {
	// Format is ffprobe's format name, such as "mov,mp4,m4a,3gp,3g2,mj2".
	Format string
	// Duration is the real duration: the first video stream's own
	// duration (the audio is padded or cut to it), else the longest of the
	// streams' durations. Only when no stream reports one is it the
	// container's figure.
	Duration time.Duration
	// ContainerDuration is what the container claims, which may be longer
	// than its streams hold.
	ContainerDuration time.Duration
	// Size is the file size in bytes, 0 when unknown.
	Size int64
	// Video lists the video streams, without cover art.
	Video []VideoStream
	// Audio lists the audio streams.
	Audio []AudioStream
	// Subtitles lists embedded subtitle streams.
	Subtitles []SubtitleStream
}

// VideoStream is one video stream of a Probe.
type VideoStream struct {
	// Index is the stream's index in the file.
	Index int
	// Codec is ffmpeg's codec name, such as "h264".
	Codec string
	// Width and Height are the coded frame size.
	Width, Height int
	// SampleAspect is the pixel aspect ratio; zero means square pixels.
	SampleAspect Rate
	// FrameRate is the average frame rate, or the base rate when the
	// average is unknown.
	FrameRate Rate
	// Duration is the stream's own duration, 0 when unknown.
	Duration time.Duration
	// Rotation is how many degrees the picture is turned for display
	// (the display matrix of a phone's portrait video: 90, -90, 180), 0
	// when it is shown as stored.
	Rotation int
	// FieldOrder is ffprobe's field_order: "progressive", "tt" or "tb"
	// (top field first), "bb" or "bt" (bottom field first), or "" when
	// the file does not say.
	FieldOrder string
	// PixFmt, ColorTransfer, ColorPrimaries and ColorSpace are ffprobe's
	// pix_fmt, color_transfer ("smpte2084" for HDR10's PQ,
	// "arib-std-b67" for HLG), color_primaries and color_space, "" when
	// unknown.
	PixFmt, ColorTransfer, ColorPrimaries, ColorSpace string
	// Frames is how many video packets ffprobe could read from the file;
	// DeclaredFrames is how many the container's index promises (0 when
	// it does not say). A file cut short reads fewer than it promises.
	Frames, DeclaredFrames int
}

// DisplayWidth returns the width the frame is shown at: Width stretched by
// a non-square SampleAspect, and turned by Rotation.
func (v VideoStream) DisplayWidth() int {
	w, _ := v.DisplaySize()
	return w
}

// DisplayHeight returns the height the frame is shown at; see DisplayWidth.
func (v VideoStream) DisplayHeight() int {
	_, h := v.DisplaySize()
	return h
}

// DisplaySize returns the picture's size as a viewer sees it: the stored
// size with the sample aspect applied to the width, then turned a quarter
// when Rotation is ±90 or ±270 (a phone's portrait video is stored
// landscape and shown portrait).
func (v VideoStream) DisplaySize() (w, h int) {
	w, h = v.Width, v.Height
	if !v.SampleAspect.IsZero() && v.SampleAspect.Num != v.SampleAspect.Den {
		w = int(math.Round(float64(v.Width) * v.SampleAspect.Float()))
	}
	if r := ((v.Rotation % 360) + 360) % 360; r == 90 || r == 270 {
		w, h = h, w
	}
	return w, h
}

// Interlaced reports whether the stream says its frames are interlaced.
func (v VideoStream) Interlaced() bool {
	switch v.FieldOrder {
	case "tt", "bb", "tb", "bt":
		return true
	}
	return false
}

// Transfer characteristics of HDR video, as ffprobe names them.
const (
	TransferPQ  = "smpte2084"
	TransferHLG = "arib-std-b67"
)

// HDR reports whether the stream is HDR10 (PQ) or HLG.
func (v VideoStream) HDR() bool {
	return v.ColorTransfer == TransferPQ || v.ColorTransfer == TransferHLG
}

// AudioStream is one audio stream of a Probe.
type AudioStream struct {
	// Index is the stream's index in the file.
	Index int
	// Codec is ffmpeg's codec name, such as "aac".
	Codec string
	// Channels and SampleRate describe the sound.
	Channels, SampleRate int
	// ChannelLayout is ffmpeg's name of the layout, such as "5.1(side)".
	ChannelLayout string
	// Language is the stream's language tag as the file gives it (often
	// ISO 639-2, such as "eng" or "chi"), or "" when untagged.
	Language string
	// Title is the stream's title tag, or "".
	Title string
	// Default reports the default disposition.
	Default bool
	// Duration is the stream's own duration, 0 when unknown.
	Duration time.Duration
}

// SubtitleStream is one embedded subtitle stream of a Probe.
type SubtitleStream struct {
	// Index is the stream's index in the file.
	Index int
	// Codec is ffmpeg's codec name, such as "subrip" or "ass".
	Codec string
	// Language is the stream's language tag, or "".
	Language string
	// Title is the stream's title tag, or "".
	Title string
	// Default, Forced and HearingImpaired are the stream's dispositions.
	Default, Forced, HearingImpaired bool
}

// Text reports whether the subtitles are text that Lineup converts to
// WebVTT; image subtitles (PGS, DVD, DVB bitmaps) are not.
func (s SubtitleStream) Text() bool {
	switch s.Codec {
	case "mov_text", "subrip", "srt", "ass", "ssa", "webvtt", "text":
		return true
	}
	return false
}

// ProbeArgs returns the ffprobe arguments that describe file as JSON, to be
// read by ParseProbe.
func ProbeArgs(file string) []string {
	return []string{
		"-hide_banner",
		"-loglevel", "error",
		"-print_format", "json",
		"-show_format",
		"-show_streams",
		// Read every packet (without decoding), so that a file cut short
		// shows as fewer frames than its index promises.
		"-count_packets",
		// Put the reason a file cannot be read in the JSON as well as on stderr.
		"-show_error",
		"-i", inputURL(file),
	}
}

type probeJSON struct {
	Streams []struct {
		Index             int               `json:"index"`
		CodecName         string            `json:"codec_name"`
		CodecType         string            `json:"codec_type"`
		Width             int               `json:"width"`
		Height            int               `json:"height"`
		SampleAspectRatio string            `json:"sample_aspect_ratio"`
		RFrameRate        string            `json:"r_frame_rate"`
		AvgFrameRate      string            `json:"avg_frame_rate"`
		Duration          string            `json:"duration"`
		Channels          int               `json:"channels"`
		SampleRate        string            `json:"sample_rate"`
		Tags              map[string]string `json:"tags"`
		Disposition       map[string]int    `json:"disposition"`
		FieldOrder        string            `json:"field_order"`
		PixFmt            string            `json:"pix_fmt"`
		ColorTransfer     string            `json:"color_transfer"`
		ColorPrimaries    string            `json:"color_primaries"`
		ColorSpace        string            `json:"color_space"`
		ChannelLayout     string            `json:"channel_layout"`
		NbFrames          string            `json:"nb_frames"`
		NbReadPackets     string            `json:"nb_read_packets"`
		SideData          []struct {
			Rotation *float64 `json:"rotation"`
		} `json:"side_data_list"`
	} `json:"streams"`
	Format *struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
		Size       string `json:"size"`
	} `json:"format"`
	Error *struct {
		Code   int    `json:"code"`
		String string `json:"string"`
	} `json:"error"`
}

// ProbeError is the error ffprobe reported in its JSON output.
type ProbeError struct {
	// Code is ffmpeg's (negative) error number.
	Code int
	// Message is ffmpeg's text, such as "Invalid data found when processing input".
	Message string
}

func (e *ProbeError) Error() string { return "ffprobe: " + e.Message }

// ParseProbe parses the JSON that ffprobe prints for ProbeArgs. When
// ffprobe reported an error, the error is a *ProbeError.
func ParseProbe(data []byte) (Probe, error) {
	var pj probeJSON
	if err := json.Unmarshal(data, &pj); err != nil {
		return Probe{}, fmt.Errorf("ffmpeg: parse probe: %w", err)
	}
	if pj.Error != nil {
		return Probe{}, &ProbeError{Code: pj.Error.Code, Message: pj.Error.String}
	}
	if pj.Format == nil {
		return Probe{}, fmt.Errorf("ffmpeg: parse probe: no format section")
	}
	p := Probe{Format: pj.Format.FormatName}
	p.ContainerDuration = parseSeconds(pj.Format.Duration)
	p.Size, _ = strconv.ParseInt(pj.Format.Size, 10, 64)
	for _, s := range pj.Streams {
		d := parseSeconds(s.Duration)
		if d == 0 {
			d = parseClock(tag(s.Tags, "DURATION")) // Matroska keeps it in a tag
		}
		switch s.CodecType {
		case "video":
			if s.Disposition["attached_pic"] == 1 {
				continue // cover art, not a picture that moves
			}
			v := VideoStream{Index: s.Index, Codec: s.CodecName, Width: s.Width, Height: s.Height, Duration: d,
				FieldOrder: known(s.FieldOrder), PixFmt: s.PixFmt, ColorTransfer: known(s.ColorTransfer),
				ColorPrimaries: known(s.ColorPrimaries), ColorSpace: known(s.ColorSpace)}
			v.Frames, _ = strconv.Atoi(s.NbReadPackets)
			v.DeclaredFrames, _ = strconv.Atoi(s.NbFrames)
			for _, sd := range s.SideData {
				if sd.Rotation != nil {
					v.Rotation = int(math.Round(*sd.Rotation))
				}
			}
			if r, err := strconv.Atoi(tag(s.Tags, "rotate")); err == nil && v.Rotation == 0 {
				v.Rotation = r // older muxers keep it as a tag
			}
			v.SampleAspect, _ = ParseRate(strings.Replace(s.SampleAspectRatio, ":", "/", 1))
			v.FrameRate, _ = ParseRate(s.AvgFrameRate)
			if v.FrameRate.IsZero() {
				v.FrameRate, _ = ParseRate(s.RFrameRate)
			}
			p.Video = append(p.Video, v)
		case "audio":
			sr, _ := strconv.Atoi(s.SampleRate)
			p.Audio = append(p.Audio, AudioStream{
				Index: s.Index, Codec: s.CodecName, Channels: s.Channels, SampleRate: sr, ChannelLayout: s.ChannelLayout,
				Language: normLanguage(tag(s.Tags, "language")), Title: tag(s.Tags, "title"),
				Default: s.Disposition["default"] == 1, Duration: d,
			})
		case "subtitle":
			p.Subtitles = append(p.Subtitles, SubtitleStream{Index: s.Index, Codec: s.CodecName,
				Language: normLanguage(tag(s.Tags, "language")), Title: tag(s.Tags, "title"),
				Default: s.Disposition["default"] == 1, Forced: s.Disposition["forced"] == 1,
				HearingImpaired: s.Disposition["hearing_impaired"] == 1})
			continue
		default:
			continue
		}
		p.Duration = max(p.Duration, d)
	}
	if len(p.Video) > 0 && p.Video[0].Duration > 0 {
		p.Duration = p.Video[0].Duration
	}
	if p.Duration == 0 {
		p.Duration = p.ContainerDuration
	}
	return p, nil
}

func tag(tags map[string]string, name string) string {
	for k, v := range tags {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// known returns s, or "" for ffprobe's "unknown".
func known(s string) string {
	if s == "unknown" {
		return ""
	}
	return s
}

// normLanguage drops the "und" (undetermined) tag muxers write by default.
func normLanguage(l string) string {
	if strings.EqualFold(l, "und") {
		return ""
	}
	return l
}

// parseSeconds parses ffprobe's "4.000000"; anything else (including
// "N/A") is 0.
func parseSeconds(s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || f > 1e9 {
		return 0
	}
	return time.Duration(math.Round(f * float64(time.Second)))
}

// parseClock parses "HH:MM:SS.fraction"; anything else is 0.
func parseClock(s string) time.Duration {
	hms := strings.Split(s, ":")
	if len(hms) != 3 || strings.HasPrefix(s, "-") {
		return 0
	}
	h, err1 := strconv.Atoi(hms[0])
	m, err2 := strconv.Atoi(hms[1])
	sec, err3 := strconv.ParseFloat(hms[2], 64)
	if err1 != nil || err2 != nil || err3 != nil || h < 0 || m < 0 || sec < 0 || h > 1e6 {
		return 0
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(math.Round(sec*float64(time.Second)))
}

// inputURL returns p as ffmpeg should read it: http(s) URLs as they are and
// anything else as a local file, so that a name with a colon or a leading
// dash is never taken for a protocol or an option.
func inputURL(p string) string {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "file:") {
		return p
	}
	return "file:" + p
}
