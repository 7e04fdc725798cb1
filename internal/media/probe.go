// Package media turns a source film into a published adaptive stream:
// probing, subtitles, encoding and publication.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// RefusedError is the error for a source Lineup will not encode. Reason is
// written for the person who supplied the file and is safe to show them.
type RefusedError struct {
	// Reason says what is wrong with the file, in plain words.
	Reason string
	// Err, when set, is a sentinel saying which rule broke, such as
	// ErrTooLarge; errors.Is sees it.
	Err error
}

func (e *RefusedError) Error() string { return "media: refused: " + e.Reason }

// Unwrap returns Err.
func (e *RefusedError) Unwrap() error { return e.Err }

func refuse(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// maxProbeOutput bounds how much of ffprobe's output is kept.
const maxProbeOutput = 8 << 20

// Probe runs ffprobe (at ffprobePath) on file and returns what it found.
// A file that is empty, is not a video, is cut short or holds no video
// stream gives a *RefusedError; any other error means the probe itself
// failed (ffprobe missing, ctx cancelled).
func Probe(ctx context.Context, ffprobePath, file string) (ffmpeg.Probe, error) {
	fi, err := os.Stat(file)
	if errors.Is(err, os.ErrNotExist) {
		return ffmpeg.Probe{}, refuse("the file %s does not exist", file)
	}
	if err != nil {
		return ffmpeg.Probe{}, fmt.Errorf("media: probe: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return ffmpeg.Probe{}, refuse("%s is not a regular file", file)
	}
	if fi.Size() == 0 {
		return ffmpeg.Probe{}, refuse("the file is empty (0 bytes)")
	}
	head, err := readHead(file, 512)
	if err != nil {
		return ffmpeg.Probe{}, fmt.Errorf("media: probe: %w", err)
	}

	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, ffprobePath, ffmpeg.ProbeArgs(file)...)
	cmd.Stdout = &limitWriter{w: &stdout, n: maxProbeOutput}
	cmd.Stderr = &limitWriter{w: &stderr, n: 64 << 10}
	runErr := runChild(cmd, cmd.Wait)
	if ctx.Err() != nil {
		return ffmpeg.Probe{}, fmt.Errorf("media: probe: %w", ctx.Err())
	}
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return ffmpeg.Probe{}, fmt.Errorf("media: probe: run ffprobe: %w", runErr)
	}
	p, err := ffmpeg.ParseProbe(stdout.Bytes())
	var pe *ffmpeg.ProbeError
	switch {
	case errors.As(err, &pe):
		return ffmpeg.Probe{}, explain(head, pe.Message, stderr.String())
	case err != nil && runErr != nil:
		return ffmpeg.Probe{}, fmt.Errorf("media: probe: ffprobe failed: %v: %s", runErr, tail(stderr.String()))
	case err != nil:
		return ffmpeg.Probe{}, fmt.Errorf("media: probe: %w", err)
	}

	switch {
	case len(p.Video) == 0 && len(p.Audio) > 0:
		return p, refuse("the file has only sound (%d audio %s) and no video", len(p.Audio), plural(len(p.Audio), "stream", "streams"))
	case len(p.Video) == 0:
		return p, refuse("the file holds no video stream")
	case p.Video[0].Width <= 0 || p.Video[0].Height <= 0:
		return p, refuse("the video stream has no picture size")
	case p.Duration <= 0:
		return p, refuse("the file holds no playable video (its duration is zero)")
	}
	v := p.Video[0]
	switch {
	case v.Frames == 1 || v.Frames == 0 && v.DeclaredFrames == 1:
		return p, refuse("the video has only one frame: it is a still picture, not a film")
	case v.DeclaredFrames > 1 && v.Frames > 0 && v.Frames < v.DeclaredFrames-v.DeclaredFrames/100-1:
		// The index promises more frames than the file holds: the copy or
		// upload stopped early (an MP4 with its index at the front plays
		// up to where the data ends).
		held := time.Duration(float64(v.Duration) * float64(v.Frames) / float64(v.DeclaredFrames))
		return p, refuse("the file is cut short: it says it lasts %s but holds only %s of video (%d of %d frames); upload the complete file",
			seconds(v.Duration), seconds(held), v.Frames, v.DeclaredFrames)
	case p.Duration < MinDuration:
		return p, refuse("the film lasts %s, shorter than one %s segment; Lineup publishes films of at least %s",
			seconds(p.Duration), seconds(MinDuration), seconds(MinDuration))
	}
	return p, nil
}

// MinDuration is the shortest film Lineup publishes: one segment.
const MinDuration = ffmpeg.DefaultSegmentSeconds * time.Second

func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// explain turns ffprobe's failure into a reason a person understands.
func explain(head []byte, message, stderr string) error {
	switch {
	case looksLikeText(head):
		return refuse("the file is text, not a video")
	case strings.Contains(stderr, "moov atom not found") && looksLikeMP4(head):
		return refuse("the MP4 file is incomplete: its index (the moov atom) is missing, which usually means the upload or copy was cut short")
	case strings.Contains(stderr, "moov atom not found"):
		return refuse("the file is named like an MP4 but its contents are not MP4")
	case strings.Contains(message, "Invalid data found"):
		return refuse("the file is not a video format Lineup can read")
	}
	return refuse("the file cannot be read as a video (ffprobe: %s)", message)
}

// looksLikeMP4 reports whether head starts with an ISO BMFF box.
func looksLikeMP4(head []byte) bool {
	if len(head) < 8 {
		return false
	}
	switch string(head[4:8]) {
	case "ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "styp":
		return true
	}
	return false
}

// looksLikeText reports whether head is printable UTF-8 text.
func looksLikeText(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	// A rune cut at the end of the sample is not a sign of binary.
	for i := 0; i < 3 && !utf8.Valid(head) && len(head) > 0; i++ {
		head = head[:len(head)-1]
	}
	if !utf8.Valid(head) {
		return false
	}
	for _, r := range string(head) {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

func readHead(file string, n int) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	m, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:m], nil
}

func tail(s string) string {
	const max = 2000
	s = strings.TrimSpace(s)
	if len(s) > max {
		s = s[len(s)-max:]
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// limitWriter keeps the first n bytes written and drops the rest, so a
// runaway process cannot fill memory.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
