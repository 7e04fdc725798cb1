package ffmpeg

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Loudness normalisation (EBU R128 as ffmpeg's loudnorm does it).
const (
	// LoudnormTruePeak is the highest true peak a normalised rendition
	// may reach, in dBTP: 1.5 dB under full scale leaves room for the AAC
	// encoder's overshoot.
	LoudnormTruePeak = -1.5
	// LoudnormRange is the loudness range loudnorm aims at, in LU; a
	// film whose range is wider is left alone by the linear pass.
	LoudnormRange = 11.0
)

// LoudnormMeasurement is what loudnorm's first pass measured on one mix.
type LoudnormMeasurement struct {
	// InputI is the integrated loudness in LUFS, InputTP the true peak in
	// dBTP, InputLRA the loudness range in LU, InputThresh the gating
	// threshold in LUFS.
	InputI, InputTP, InputLRA, InputThresh float64
	// TargetOffset is loudnorm's offset gain for the second pass, in LU.
	TargetOffset float64
	// TargetLUFS is the integrated loudness the second pass aims at.
	TargetLUFS float64
}

func (l LoudnormMeasurement) valid() error {
	for _, f := range []float64{l.InputI, l.InputTP, l.InputLRA, l.InputThresh, l.TargetOffset, l.TargetLUFS} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return errors.New("loudness measurement is not finite (a silent track is not normalised)")
		}
	}
	if l.TargetLUFS < -70 || l.TargetLUFS > -5 {
		return fmt.Errorf("loudness target %v LUFS is outside -70..-5", l.TargetLUFS)
	}
	return nil
}

// LoudnessArgs returns the ffmpeg arguments of loudnorm's first pass over
// audio stream `stream` of input, mixed to `channels` channels (2 or 6) as
// the rendition will be, up to d (0: the whole stream). ffmpeg prints the
// measurement on stderr; read it with ParseLoudnorm.
func LoudnessArgs(input string, stream, channels int, targetLUFS float64, d time.Duration) []string {
	layout := "stereo"
	if channels == 6 {
		layout = "5.1"
	}
	args := []string{
		"-hide_banner",
		"-nostdin",
		// loudnorm prints its figures at the info level.
		"-loglevel", "info",
		"-nostats",
		"-i", inputURL(input),
		"-map", fmt.Sprintf("0:a:%d", stream),
	}
	if d > 0 {
		args = append(args, "-t", strconv.FormatFloat(d.Seconds(), 'f', 3, 64))
	}
	return append(args,
		"-af", fmt.Sprintf("aformat=channel_layouts=%s,loudnorm=I=%s:TP=%s:LRA=%s:print_format=json",
			layout, num(targetLUFS), num(LoudnormTruePeak), num(LoudnormRange)),
		"-f", "null", "-")
}

// ParseLoudnorm reads the JSON block loudnorm printed at the end of
// stderr. A silent track measures -inf: that is an error, and the track
// is not normalised.
func ParseLoudnorm(stderr string, targetLUFS float64) (LoudnormMeasurement, error) {
	end := strings.LastIndex(stderr, "}")
	start := strings.LastIndex(stderr[:max(end, 0)], "{")
	if start < 0 || end < start {
		return LoudnormMeasurement{}, errors.New("ffmpeg: loudnorm printed no measurement")
	}
	var raw map[string]string
	if err := json.Unmarshal([]byte(stderr[start:end+1]), &raw); err != nil {
		return LoudnormMeasurement{}, fmt.Errorf("ffmpeg: loudnorm measurement: %w", err)
	}
	f := func(k string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(raw[k]), 64)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	m := LoudnormMeasurement{InputI: f("input_i"), InputTP: f("input_tp"), InputLRA: f("input_lra"),
		InputThresh: f("input_thresh"), TargetOffset: f("target_offset"), TargetLUFS: targetLUFS}
	if err := m.valid(); err != nil {
		return m, fmt.Errorf("ffmpeg: %w", err)
	}
	return m, nil
}

// idetFrames is how many frames idet looks at when the source does not
// say whether it is interlaced: 20 s at 25 fps.
const idetFrames = 500

// IdetArgs returns the ffmpeg arguments that run the idet filter over the
// first frames of video stream `stream` of input; read the result with
// ParseIdet.
func IdetArgs(input string, stream int) []string {
	return []string{
		"-hide_banner",
		"-nostdin",
		// idet prints its counts at the info level.
		"-loglevel", "info",
		"-nostats",
		"-i", inputURL(input),
		"-map", fmt.Sprintf("0:v:%d", stream),
		"-frames:v", strconv.Itoa(idetFrames),
		"-vf", "idet",
		"-f", "null", "-",
	}
}

var idetMulti = regexp.MustCompile(`Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)`)

// ParseIdet reads idet's multi-frame counts. When most decided frames are
// interlaced it returns their field order, "tff" or "bff" (whichever idet
// counted more); when most are progressive it returns "".
func ParseIdet(stderr string) (fieldOrder string, err error) {
	m := idetMulti.FindAllStringSubmatch(stderr, -1)
	if m == nil {
		return "", errors.New("ffmpeg: idet printed no counts")
	}
	last := m[len(m)-1]
	tff, _ := strconv.Atoi(last[1])
	bff, _ := strconv.Atoi(last[2])
	prog, _ := strconv.Atoi(last[3])
	switch {
	case tff+bff <= prog:
		return "", nil
	case bff > tff:
		return "bff", nil
	default:
		return "tff", nil
	}
}

// SubtitleExtractArgs returns the ffmpeg arguments that convert embedded
// text subtitle stream `stream` (counting subtitle streams only) of input
// to the WebVTT file out.
func SubtitleExtractArgs(input string, stream int, out string) ([]string, error) {
	if !filepath.IsAbs(out) {
		return nil, fmt.Errorf("ffmpeg: subtitles: output %q is not an absolute path", out)
	}
	return []string{
		"-hide_banner",
		"-nostdin",
		"-loglevel", "error",
		"-y",
		"-i", inputURL(input),
		"-map", fmt.Sprintf("0:s:%d", stream),
		// ffmpeg decodes any text format to its own styled text and writes
		// it as WebVTT; Lineup then reads the file like an uploaded one.
		"-c:s", "webvtt",
		"-f", "webvtt",
		inputURL(out),
	}, nil
}
