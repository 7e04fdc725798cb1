package media

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"

	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// CandidateFrames takes up to count candidate artwork frames from the film
// src (see ffmpeg.FramesArgs), width pixels wide, into dir, and returns
// their paths in the film's order. A film ffmpeg cannot read is an error
// carrying the tail of ffmpeg's messages.
func CandidateFrames(ctx context.Context, ffmpegPath, src, dir string, count, width int) ([]string, error) {
	args, err := ffmpeg.FramesArgs(ffmpeg.Frames{Input: src, OutDir: dir, Count: count, Width: width})
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, ffmpegPath, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		tail := stderr.Bytes()
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return nil, fmt.Errorf("media: candidate frames of %s: %w: %s", filepath.Base(src), err, tail)
	}
	return filepath.Glob(filepath.Join(dir, "frame_*.jpg"))
}
