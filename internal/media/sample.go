package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// SampleOptions describes a sample film for GenerateSample.
type SampleOptions struct {
	// Seconds is the length, 6 when zero.
	Seconds int
	// Width and Height are the picture size, 640×360 when zero; both even.
	Width, Height int
	// FrameRate is in frames per second, 24 when zero.
	FrameRate int
	// Label is drawn on the picture when ffmpeg can draw text, and written
	// into the subtitles and the file's title either way.
	Label string
	// SeparateAudio puts the Chinese audio in its own file (SampleFiles.Audio)
	// rather than as a second audio stream of the video.
	SeparateAudio bool
}

// SampleFiles are the files GenerateSample wrote.
type SampleFiles struct {
	// Video is the film: picture and English audio (tagged "eng"), plus
	// the Chinese audio (tagged "chi") unless SeparateAudio was asked.
	Video string
	// Audio maps a language tag to a separate audio file: {"zh": ...} with
	// SeparateAudio, empty otherwise.
	Audio map[string]string
	// Subtitles maps "en" and "zh" to WebVTT files.
	Subtitles map[string]string
	// LabelDrawn reports whether the label is on the picture (ffmpeg's
	// drawtext filter and a font were available).
	LabelDrawn bool
}

// Sample tones: English audio is an A (440 Hz), Chinese an E (660 Hz), so
// a listener hears which track plays.
const (
	sampleToneEN = 440
	sampleToneZH = 660
)

// GenerateSample writes a short sample film into dir (which must exist)
// from ffmpeg's test sources: a moving test pattern, an English and a
// Chinese audio track (tones of different pitch) and WebVTT subtitles in
// English and Chinese whose text GenerateSample writes itself. It needs no
// font: when ffmpeg cannot draw the label it makes the film without it.
func GenerateSample(ctx context.Context, ffmpegPath, dir string, opts SampleOptions) (SampleFiles, error) {
	if opts.Seconds <= 0 {
		opts.Seconds = 6
	}
	if opts.Width <= 0 || opts.Height <= 0 {
		opts.Width, opts.Height = 640, 360
	}
	if opts.FrameRate <= 0 {
		opts.FrameRate = 24
	}
	if opts.Width%2 != 0 || opts.Height%2 != 0 {
		return SampleFiles{}, fmt.Errorf("media: sample: size %dx%d must be even", opts.Width, opts.Height)
	}
	if ffmpegPath == "" {
		ffmpegPath = "ffmpeg"
	}
	files := SampleFiles{
		Video:     filepath.Join(dir, "sample.mp4"),
		Audio:     map[string]string{},
		Subtitles: map[string]string{"en": filepath.Join(dir, "sample.en.vtt"), "zh": filepath.Join(dir, "sample.zh.vtt")},
	}
	secs := strconv.Itoa(opts.Seconds)
	video := fmt.Sprintf("testsrc2=size=%dx%d:rate=%d", opts.Width, opts.Height, opts.FrameRate)
	tone := func(hz int) string { return fmt.Sprintf("sine=frequency=%d:sample_rate=48000", hz) }
	build := func(draw bool) []string {
		v := video
		if draw && opts.Label != "" {
			v += ",drawtext=text='" + drawtextEscape(opts.Label) + "':fontcolor=white:fontsize=h/12:box=1:boxcolor=black@0.6:x=(w-text_w)/2:y=h-2*text_h"
		}
		args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", v,
			"-f", "lavfi", "-i", tone(sampleToneEN)}
		if !opts.SeparateAudio {
			args = append(args, "-f", "lavfi", "-i", tone(sampleToneZH))
		}
		args = append(args, "-map", "0:v", "-map", "1:a")
		if !opts.SeparateAudio {
			args = append(args, "-map", "2:a", "-metadata:s:a:1", "language=chi")
		}
		return append(args,
			"-metadata:s:a:0", "language=eng",
			"-metadata", "title="+opts.Label,
			"-t", secs,
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
			"-c:a", "aac", "-b:a", "96k",
			// The index first, so the file can be read while it streams.
			"-movflags", "+faststart",
			files.Video)
	}
	err := runQuiet(ctx, ffmpegPath, build(true))
	files.LabelDrawn = err == nil && opts.Label != ""
	if err != nil && opts.Label != "" && ctx.Err() == nil {
		// No drawtext filter or no font: make the film without the label.
		err = runQuiet(ctx, ffmpegPath, build(false))
	}
	if err != nil {
		return SampleFiles{}, fmt.Errorf("media: sample: %w", err)
	}
	if opts.SeparateAudio {
		files.Audio["zh"] = filepath.Join(dir, "sample.zh.m4a")
		if err := runQuiet(ctx, ffmpegPath, []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", tone(sampleToneZH), "-t", secs, "-c:a", "aac", "-b:a", "96k",
			"-metadata:s:a:0", "language=chi", files.Audio["zh"]}); err != nil {
			return SampleFiles{}, fmt.Errorf("media: sample: %w", err)
		}
	}
	for lang, file := range files.Subtitles {
		if err := os.WriteFile(file, sampleSubtitles(lang, opts.Label, opts.Seconds), 0o644); err != nil {
			return SampleFiles{}, fmt.Errorf("media: sample: %w", err)
		}
	}
	return files, nil
}

// sampleSubtitles writes one cue every two seconds.
func sampleSubtitles(lang, label string, seconds int) []byte {
	var b bytes.Buffer
	b.WriteString("WEBVTT\n")
	if label == "" {
		label = "Lineup"
	}
	for start := 0; start < seconds; start += 2 {
		end := min(start+2, seconds)
		var text string
		switch {
		case lang == "zh" && start == 0:
			text = "这是《" + label + "》的示例影片。"
		case lang == "zh":
			text = fmt.Sprintf("第 %d 秒，共 %d 秒。", start, seconds)
		case start == 0:
			text = "This is a sample of “" + label + "”."
		default:
			text = fmt.Sprintf("Second %d of %d.", start, seconds)
		}
		fmt.Fprintf(&b, "\n%s --> %s\n%s\n", vttTime(time.Duration(start)*time.Second), vttTime(time.Duration(end)*time.Second), text)
	}
	return b.Bytes()
}

// drawtextEscape escapes text for a quoted drawtext value inside a filter
// graph: the quote cannot be escaped inside quotes, so it is dropped, and
// the characters drawtext expands are escaped.
func drawtextEscape(s string) string {
	s = strings.NewReplacer("'", "’", `\`, `\\`, ":", `\:`, "%", `\%`).Replace(s)
	return strings.Map(func(r rune) rune {
		if r < 0x20 {
			return ' '
		}
		return r
	}, s)
}

func runQuiet(ctx context.Context, name string, args []string) error {
	var stderr tailBuffer
	stderr.max = 4096
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := lastLine(stderr.String()); msg != "" {
			return errors.New(err.Error() + ": " + msg)
		}
		return err
	}
	return nil
}
