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
	// Duration is the real duration: the longest of the audio and video
	// streams' own durations. Only when no stream reports one is it the
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
}

// DisplayWidth returns the width the frame is shown at: Width stretched by
// a non-square SampleAspect.
func (v VideoStream) DisplayWidth() int {
	if v.SampleAspect.IsZero() || v.SampleAspect.Num == v.SampleAspect.Den {
		return v.Width
	}
	return int(math.Round(float64(v.Width) * v.SampleAspect.Float()))
}

// AudioStream is one audio stream of a Probe.
type AudioStream struct {
	// Index is the stream's index in the file.
	Index int
	// Codec is ffmpeg's codec name, such as "aac".
	Codec string
	// Channels and SampleRate describe the sound.
	Channels, SampleRate int
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
			v := VideoStream{Index: s.Index, Codec: s.CodecName, Width: s.Width, Height: s.Height, Duration: d}
			v.SampleAspect, _ = ParseRate(strings.Replace(s.SampleAspectRatio, ":", "/", 1))
			v.FrameRate, _ = ParseRate(s.AvgFrameRate)
			if v.FrameRate.IsZero() {
				v.FrameRate, _ = ParseRate(s.RFrameRate)
			}
			p.Video = append(p.Video, v)
		case "audio":
			sr, _ := strconv.Atoi(s.SampleRate)
			p.Audio = append(p.Audio, AudioStream{
				Index: s.Index, Codec: s.CodecName, Channels: s.Channels, SampleRate: sr,
				Language: normLanguage(tag(s.Tags, "language")), Title: tag(s.Tags, "title"),
				Default: s.Disposition["default"] == 1, Duration: d,
			})
		case "subtitle":
			p.Subtitles = append(p.Subtitles, SubtitleStream{Index: s.Index, Codec: s.CodecName, Language: normLanguage(tag(s.Tags, "language"))})
			continue
		default:
			continue
		}
		p.Duration = max(p.Duration, d)
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
