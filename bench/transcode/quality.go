package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// clips are the quality test set: lavfi sources standing for the kinds of
// picture a catalogue holds.
var clips = []struct{ name, source string }{
	// A slow drama: a detailed picture that moves slowly (a slow zoom).
	{"calm", "mandelbrot=s=%dx%d:r=24:end_pts=400:end_scale=0.5"},
	// Film grain on a busy picture.
	{"noisy", "testsrc2=s=%dx%d:r=24,noise=alls=25:allf=t"},
	// Flat colours and hard edges that move.
	{"animation-like", "testsrc2=s=%dx%d:r=24"},
	// A night scene: the same picture dark and low in contrast.
	{"dark", "mandelbrot=s=%dx%d:r=24:end_pts=400:end_scale=0.5,eq=brightness=-0.25:contrast=0.5"},
}

// encoded is one encode's size and its SSIM against its source.
type encoded struct {
	bytes int64
	ssim  float64
}

// quality compares fixed bitrate with constrained quality on the top
// rung, over the whole test set as a ladder sees it: one setting for every
// clip. The fixed bitrate gives each clip the same bits; constrained
// quality spends them where the picture needs them. Over one CRF for all
// clips, bisection finds the highest (fewest bits) whose mean SSIM is at
// least the fixed bitrate's, and the bench prints the total bytes of each.
func quality(ctx context.Context, ff string, seconds, height int) error {
	dir, err := os.MkdirTemp("", "lineup-bench-quality-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	width := height * 16 / 9 &^ 1
	rung := ffmpeg.ChooseLadder(width, height, 24)[0]
	fmt.Printf("\nquality per bit on the %s rung (%dx%d), %d s clips, SSIM against the source:\n", rung.Name, rung.Width, rung.Height, seconds)
	var srcs []string
	for _, c := range clips {
		src := filepath.Join(dir, c.name+".mkv")
		// A lossless source, so that SSIM measures the encode alone.
		if err := runFF(ctx, ff, []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
			"-i", fmt.Sprintf(c.source, width, height), "-t", strconv.Itoa(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", src}); err != nil {
			return err
		}
		srcs = append(srcs, src)
	}
	set := func(crf int) ([]encoded, int64, float64, error) {
		var out []encoded
		var total int64
		var sum float64
		for _, src := range srcs {
			e, err := encodeRung(ctx, ff, src, dir, rung, crf)
			if err != nil {
				return nil, 0, 0, err
			}
			out = append(out, e)
			total += e.bytes
			sum += e.ssim
		}
		return out, total, sum / float64(len(srcs)), nil
	}
	fixed, fixedBytes, fixedSSIM, err := set(0)
	if err != nil {
		return err
	}
	own, ownBytes, ownSSIM, err := set(rung.CRF)
	if err != nil {
		return err
	}
	lo, hi := 14, 38
	var match []encoded
	var matchBytes int64
	var matchSSIM float64
	matchCRF := 0
	for lo <= hi {
		mid := (lo + hi) / 2
		e, b, s, err := set(mid)
		if err != nil {
			return err
		}
		if s >= fixedSSIM {
			match, matchBytes, matchSSIM, matchCRF, lo = e, b, s, mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	if match == nil {
		return fmt.Errorf("no CRF from 14 reaches the fixed bitrate's mean SSIM %.4f", fixedSSIM)
	}
	fmt.Printf("  %-15s %14s %8s %14s %8s %14s %8s\n", "clip", "fixed bytes", "SSIM", fmt.Sprintf("CRF %d bytes", matchCRF), "SSIM", fmt.Sprintf("CRF %d bytes", rung.CRF), "SSIM")
	for i, c := range clips {
		fmt.Printf("  %-15s %14d %8.4f %14d %8.4f %14d %8.4f\n", c.name, fixed[i].bytes, fixed[i].ssim, match[i].bytes, match[i].ssim, own[i].bytes, own[i].ssim)
	}
	fmt.Printf("  %-15s %14d %8.4f %14d %8.4f %14d %8.4f\n", "all (mean SSIM)", fixedBytes, fixedSSIM, matchBytes, matchSSIM, ownBytes, ownSSIM)
	r := float64(matchBytes) / float64(fixedBytes)
	fmt.Printf("  total bytes, constrained quality / fixed bitrate at the same mean SSIM %8.3f  (target ≤ 0.85) %s\n", r, verdict(r <= 0.85))
	fmt.Printf("  total bytes, Lineup's CRF %d / fixed bitrate                            %8.3f  (SSIM %.4f vs %.4f)\n", rung.CRF, float64(ownBytes)/float64(fixedBytes), ownSSIM, fixedSSIM)
	return nil
}

var ssimRE = regexp.MustCompile(`SSIM Y:[0-9.]+ .*All:([0-9.]+)`)

// encodeRung encodes src as the rung with the flags Lineup uses (crf 0:
// the old fixed average bitrate), then measures its size and its SSIM
// against src.
func encodeRung(ctx context.Context, ff, src, dir string, r ffmpeg.Rung, crf int) (encoded, error) {
	out := filepath.Join(dir, "rung.mp4")
	rc := []string{"-b:v", strconv.Itoa(r.Bitrate)}
	if crf > 0 {
		rc = []string{"-crf", strconv.Itoa(crf)}
	}
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", src,
		"-vf", fmt.Sprintf("scale=%d:%d,format=yuv420p", r.Width, r.Height),
		"-c:v", "libx264", "-profile:v", "high", "-preset", ffmpeg.DefaultPreset,
		"-g", "48", "-keyint_min", "48", "-sc_threshold", "0"}
	args = append(append(args, rc...), "-maxrate", strconv.Itoa(r.MaxRate), "-bufsize", strconv.Itoa(r.BufSize), out)
	if err := runFF(ctx, ff, args); err != nil {
		return encoded{}, err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return encoded{}, err
	}
	cmd := exec.CommandContext(ctx, ff, "-hide_banner", "-nostdin", "-i", out, "-i", src,
		// Both start at zero, so that each frame meets its own source
		// frame (grain differs from frame to frame).
		"-lavfi", fmt.Sprintf("[0:v]setpts=PTS-STARTPTS[enc];[1:v]setpts=PTS-STARTPTS,scale=%d:%d,format=yuv420p[ref];[enc][ref]ssim", r.Width, r.Height), "-f", "null", "-")
	b, err := cmd.CombinedOutput()
	if err != nil {
		return encoded{}, fmt.Errorf("ssim: %v\n%s", err, b)
	}
	m := ssimRE.FindSubmatch(b)
	if m == nil {
		return encoded{}, fmt.Errorf("ssim printed nothing:\n%s", b)
	}
	s, _ := strconv.ParseFloat(string(m[1]), 64)
	return encoded{bytes: fi.Size(), ssim: s}, nil
}
