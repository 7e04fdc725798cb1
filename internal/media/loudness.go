package media

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// DefaultLoudnessLUFS is the integrated loudness every audio rendition is
// normalised to when Config.LoudnessLUFS is zero: -16 LUFS, what
// streaming services commonly aim at (EBU R128's -23 is for broadcast).
const DefaultLoudnessLUFS = -16.0

// Loudness is one audio rendition's loudness: as measured on the source
// (EBU R128, integrated over the whole film) and the target it was
// normalised to.
type Loudness struct {
	// InputLUFS is the source's integrated loudness; InputTruePeak its
	// true peak in dBTP; InputLRA its loudness range in LU.
	InputLUFS     float64 `json:"input_lufs"`
	InputTruePeak float64 `json:"input_true_peak"`
	InputLRA      float64 `json:"input_lra"`
	// TargetLUFS is the loudness the rendition was normalised to.
	TargetLUFS float64 `json:"target_lufs"`
	// Normalised is false for a silent track, which is left as it is
	// (its input figures are then zero).
	Normalised bool `json:"normalised"`
}

// measureLoudness runs loudnorm's first pass on one audio stream of input,
// mixed to channels channels as its rendition will be, over the first d
// of it. A silent track gives nil: it is left as it is.
func measureLoudness(ctx context.Context, cfg Config, input string, stream, channels int, d time.Duration) (*ffmpeg.LoudnormMeasurement, error) {
	stderr, err := runCapture(ctx, cfg.FFmpegPath, ffmpeg.LoudnessArgs(input, stream, channels, cfg.LoudnessLUFS, d))
	if err != nil {
		return nil, err
	}
	m, err := ffmpeg.ParseLoudnorm(stderr, cfg.LoudnessLUFS)
	if err != nil {
		cfg.Logger.Info("audio not normalised", "input", filepath.Base(input), "stream", stream, "reason", err)
		return nil, nil
	}
	return &m, nil
}

// runCapture runs ffmpeg with args and returns its stderr (the analysis
// filters print there); a failed run is an *EncodeError with its tail.
func runCapture(ctx context.Context, ffmpegPath string, args []string) (string, error) {
	cmd := exec.CommandContext(ctx, ffmpegPath, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &limitWriter{w: &stderr, n: 4 << 20}
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return "", &EncodeError{Err: ctx.Err(), Stderr: tail(stderr.String())}
	}
	if err != nil {
		return "", &EncodeError{Err: err, Stderr: tail(stderr.String())}
	}
	return stderr.String(), nil
}

// sourceReport returns, as JSON for the asset's row, the loudness of each
// audio rendition and the subtitle streams that were not converted.
func sourceReport(out Transcoded) (loudness, notConverted string) {
	l, _ := json.Marshal(append([]Loudness{}, out.Loudness...))
	nc := []SubtitleNotConverted{}
	for _, s := range out.NotConverted {
		nc = append(nc, SubtitleNotConverted{Stream: s.Index, Codec: s.Codec, Language: s.Language})
	}
	n, _ := json.Marshal(nc)
	return string(l), string(n)
}
