// Command transcode measures Lineup's encode against two baselines, in the
// same run on the same generated source:
//
//   - lineup: media.Transcode, the code path the encode worker runs (probe,
//     ladder, one ffmpeg decoding the source once for every rung, audio
//     track and trickplay sheet, master rewrite), minus the queue and the
//     upload;
//   - per-rung: one ffmpeg process per rung, as PeerTube encodes, each
//     decoding the source again, plus one per audio track;
//   - bare: the single ffmpeg command Lineup builds, run by hand.
//
// All three then draw the trickplay sheets from their smallest rung, as
// Lineup does, so that the outputs match.
//
// It prints the median wall time of each over -runs runs and the ratios
// lineup/per-rung (target ≤ 0.80) and lineup/bare (target ≤ 1.05).
//
// Then it measures quality per bit (issue 13) on a generated test set of
// four kinds of picture (calm, noisy, animation-like, dark), on the 1080p
// rung: the fixed bitrate Lineup used to spend (the ladder formula's
// average, capped) against constrained quality (capped CRF). For each
// clip it finds the highest CRF whose SSIM against the source is at least
// the fixed bitrate's, and prints total bytes CRF / fixed at the same
// SSIM (target ≤ 0.85), and what Lineup's own CRF spends.
//
//	go run ./bench/transcode [-runs 3] [-seconds 60] [-height 1080] [-quality-seconds 8]
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/media/ffmpeg"
)

func main() {
	runs := flag.Int("runs", 1, "runs of each way; medians are printed")
	seconds := flag.Int("seconds", 60, "length of the generated source")
	height := flag.Int("height", 1080, "height of the generated 16:9 source")
	ffmpegPath := flag.String("ffmpeg", "ffmpeg", "ffmpeg program")
	ffprobePath := flag.String("ffprobe", "ffprobe", "ffprobe program")
	qualitySeconds := flag.Int("quality-seconds", 8, "length of each quality test clip (0 skips the quality part)")
	speed := flag.Bool("speed", true, "run the speed part")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *speed {
		if err := run(ctx, *runs, *seconds, *height, *ffmpegPath, *ffprobePath); err != nil {
			fmt.Fprintln(os.Stderr, "transcode:", err)
			os.Exit(1)
		}
	}
	if *qualitySeconds > 0 {
		if err := quality(ctx, *ffmpegPath, *qualitySeconds, *height); err != nil {
			fmt.Fprintln(os.Stderr, "transcode: quality:", err)
			os.Exit(1)
		}
	}
}

func run(ctx context.Context, runs, seconds, height int, ff, fp string) error {
	dir, err := os.MkdirTemp("", "lineup-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	width := height * 16 / 9 &^ 1
	fmt.Printf("generating a %d s %dx%d source with two audio tracks...\n", seconds, width, height)
	sample, err := media.GenerateSample(ctx, ff, dir, media.SampleOptions{Seconds: seconds, Width: width, Height: height, FrameRate: 30, Label: "Lineup bench"})
	if err != nil {
		return err
	}
	cfg := media.Config{FFmpegPath: ff, FFprobePath: fp}
	var lineup, perRung, bare []time.Duration
	var lineupCPU, perRungCPU, bareCPU []time.Duration
	var plan ffmpeg.Encode
	var tp ffmpeg.Trickplay
	for i := range runs {
		out := filepath.Join(dir, fmt.Sprintf("lineup-%d", i))
		start, cpu := time.Now(), childCPU()
		res, err := media.Transcode(ctx, cfg, media.TranscodeRequest{Source: sample.Video, DefaultLanguage: "en", OutDir: out})
		if err != nil {
			return fmt.Errorf("lineup: %w", err)
		}
		lineup = append(lineup, time.Since(start))
		lineupCPU = append(lineupCPU, childCPU()-cpu)
		plan, tp = res.Encode, res.Trickplay
		os.RemoveAll(out)

		cpu = childCPU()
		d, err := timeBare(ctx, ff, plan, tp, filepath.Join(dir, fmt.Sprintf("bare-%d", i)))
		if err != nil {
			return fmt.Errorf("bare: %w", err)
		}
		bare = append(bare, d)
		bareCPU = append(bareCPU, childCPU()-cpu)

		cpu = childCPU()
		d, err = timePerRung(ctx, ff, plan, tp, filepath.Join(dir, fmt.Sprintf("rung-%d", i)))
		if err != nil {
			return fmt.Errorf("per-rung: %w", err)
		}
		perRung = append(perRung, d)
		perRungCPU = append(perRungCPU, childCPU()-cpu)
		fmt.Printf("run %d: lineup %v (cpu %v), per-rung %v (cpu %v), bare %v (cpu %v)\n", i+1,
			lineup[i].Round(time.Millisecond), lineupCPU[i].Round(time.Millisecond), d.Round(time.Millisecond),
			perRungCPU[i].Round(time.Millisecond), bare[i].Round(time.Millisecond), bareCPU[i].Round(time.Millisecond))
	}
	l, p, b := median(lineup), median(perRung), median(bare)
	var names []string
	for _, r := range plan.Rungs {
		names = append(names, r.Name)
	}
	fmt.Printf("\nsource %d s %dx%d, rungs %v, %d audio tracks, trickplay, preset %s, %d run(s), medians:\n", seconds, width, height, names, len(plan.Audio), cmp.Or(plan.Preset, ffmpeg.DefaultPreset), runs)
	fmt.Printf("  lineup pipeline      %8.2f s\n", l.Seconds())
	fmt.Printf("  one ffmpeg per rung  %8.2f s\n", p.Seconds())
	fmt.Printf("  bare single command  %8.2f s\n", b.Seconds())
	fmt.Printf("  lineup / per-rung    %8.3f  (target ≤ 0.80) %s\n", l.Seconds()/p.Seconds(), verdict(l.Seconds()/p.Seconds() <= 0.80))
	fmt.Printf("  lineup / bare        %8.3f  (target ≤ 1.05) %s\n", l.Seconds()/b.Seconds(), verdict(l.Seconds()/b.Seconds() <= 1.05))
	// Processor time is what the other work on a shared machine does not
	// change: a wall-time ratio far from the CPU ratio means waiting.
	lc, pc, bc := median(lineupCPU), median(perRungCPU), median(bareCPU)
	fmt.Printf("  processor time (user+system of the ffmpeg and ffprobe runs): lineup %.2f s, per-rung %.2f s, bare %.2f s\n", lc.Seconds(), pc.Seconds(), bc.Seconds())
	if pc > 0 && bc > 0 {
		fmt.Printf("  cpu lineup / per-rung %7.3f, cpu lineup / bare %7.3f\n", lc.Seconds()/pc.Seconds(), lc.Seconds()/bc.Seconds())
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// timeBare runs the command Lineup builds for plan, writing into out.
func timeBare(ctx context.Context, ff string, plan ffmpeg.Encode, tp ffmpeg.Trickplay, out string) (time.Duration, error) {
	defer os.RemoveAll(out)
	plan.OutDir = out
	args, err := ffmpeg.EncodeArgs(plan)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Join(out, ffmpeg.TrickplayDir), 0o755); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := runFF(ctx, ff, args); err != nil {
		return 0, err
	}
	if err := trickplay(ctx, ff, plan, tp, out); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// trickplay draws the sheets from the smallest rung, as Lineup does.
func trickplay(ctx context.Context, ff string, plan ffmpeg.Encode, tp ffmpeg.Trickplay, out string) error {
	args, err := ffmpeg.TrickplayArgs(filepath.Join(out, plan.Rungs[len(plan.Rungs)-1].Name, "index.m3u8"), tp, out)
	if err != nil {
		return err
	}
	return runFF(ctx, ff, args)
}

// timePerRung encodes the same outputs with one process per rung, one for
// the audio tracks and one for the trickplay sheets, one after another.
func timePerRung(ctx context.Context, ff string, plan ffmpeg.Encode, tp ffmpeg.Trickplay, out string) (time.Duration, error) {
	defer os.RemoveAll(out)
	seg := strconv.Itoa(ffmpeg.DefaultSegmentSeconds)
	gop := strconv.Itoa(int(plan.FrameRate.Float()*ffmpeg.DefaultKeyframeSeconds + 0.999))
	hls := func(dir string) []string {
		return []string{"-f", "hls", "-hls_time", seg, "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
			"-hls_flags", "independent_segments", "-hls_segment_filename", filepath.Join(dir, "seg_%05d.m4s"), filepath.Join(dir, "index.m3u8")}
	}
	in := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", "file:" + plan.Inputs[0]}
	var cmds [][]string
	for _, r := range plan.Rungs {
		dir := filepath.Join(out, r.Name)
		args := append(slices.Clone(in),
			"-map", "0:v:0", "-vf", fmt.Sprintf("fps=%s,format=yuv420p,scale=%d:%d,setsar=1", plan.FrameRate, r.Width, r.Height),
			"-c:v", "libx264", "-profile:v", "high", "-preset", cmp.Or(plan.Preset, ffmpeg.DefaultPreset),
			"-force_key_frames", fmt.Sprintf("expr:gte(t,n_forced*%d)", ffmpeg.DefaultKeyframeSeconds),
			"-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
			"-crf", strconv.Itoa(r.CRF), "-maxrate", strconv.Itoa(r.MaxRate), "-bufsize", strconv.Itoa(r.BufSize))
		cmds = append(cmds, append(args, hls(dir)...))
	}
	for i, a := range plan.Audio {
		dir := filepath.Join(out, ffmpeg.AudioDir(i))
		args := append(slices.Clone(in), "-map", fmt.Sprintf("0:a:%d", a.Stream), "-c:a", "aac", "-profile:a", "aac_low",
			"-b:a", strconv.Itoa(ffmpeg.DefaultAudioBitrate), "-ac", "2", "-ar", "48000")
		cmds = append(cmds, append(args, hls(dir)...))
	}
	for _, d := range append([]string{ffmpeg.TrickplayDir}, names(plan)...) {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return 0, err
		}
	}
	start := time.Now()
	for _, args := range cmds {
		if err := runFF(ctx, ff, args); err != nil {
			return 0, err
		}
	}
	if err := trickplay(ctx, ff, plan, tp, out); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func names(plan ffmpeg.Encode) []string {
	var out []string
	for _, r := range plan.Rungs {
		out = append(out, r.Name)
	}
	for i := range plan.Audio {
		out = append(out, ffmpeg.AudioDir(i))
	}
	return out
}

func runFF(ctx context.Context, ff string, args []string) error {
	cmd := exec.CommandContext(ctx, ff, args...)
	cmd.Stderr = os.Stderr
	return cmd.Run()
}
