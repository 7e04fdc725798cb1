package ffmpeg

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// needFFmpeg returns the paths of ffmpeg and ffprobe, skipping the test when
// they are missing unless LINEUP_TEST_REQUIRE_FFMPEG=1.
func needFFmpeg(t *testing.T) (string, string) {
	t.Helper()
	ff, err1 := exec.LookPath("ffmpeg")
	fp, err2 := exec.LookPath("ffprobe")
	if err1 != nil || err2 != nil {
		if os.Getenv("LINEUP_TEST_REQUIRE_FFMPEG") == "1" {
			t.Fatal("ffmpeg and ffprobe must be on PATH")
		}
		t.Skip("ffmpeg or ffprobe not on PATH; install ffmpeg to run this test")
	}
	return ff, fp
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), name, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr)
	}
	return out
}

// TestEncodeEndToEnd runs the command EncodeArgs builds on 4 s of generated
// 640x360 video with two audio tracks, then checks the master playlist.
func TestEncodeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ffmpeg")
	}
	ffmpegPath, ffprobePath := needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "source.mp4")
	run(t, ffmpegPath, "-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000",
		"-map", "0:v", "-map", "1:a", "-map", "2:a", "-t", "4",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
		"-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=chi", src)

	probe, err := ParseProbe(run(t, ffprobePath, ProbeArgs(src)...))
	if err != nil {
		t.Fatal(err)
	}
	if len(probe.Video) != 1 || len(probe.Audio) != 2 || probe.Video[0].Width != 640 || probe.Video[0].FrameRate != (Rate{24, 1}) {
		t.Fatalf("probe of the generated source: %+v", probe)
	}
	if probe.Audio[0].Language != "eng" || probe.Audio[1].Language != "chi" {
		t.Errorf("probe must read the audio language tags: %+v", probe.Audio)
	}
	if probe.Duration < 4*time.Second || probe.Duration > 4100*time.Millisecond {
		t.Errorf("probe duration must be about 4 s: %v", probe.Duration)
	}

	rungs := ChooseLadder(probe.Video[0].DisplayWidth(), probe.Video[0].Height, probe.Video[0].FrameRate.Float())
	out := filepath.Join(dir, "out")
	args, err := EncodeArgs(Encode{
		Inputs:    []string{src},
		FrameRate: probe.Video[0].FrameRate,
		Rungs:     rungs,
		Audio: []AudioTrack{
			{Stream: 0, Language: probe.Audio[0].Language, Name: "English"},
			{Stream: 1, Language: probe.Audio[1].Language, Name: "中文"},
		},
		OutDir: out,
	})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ffmpegPath, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var reports []Progress
	if err := ParseProgress(stdout, probe.Duration, func(p Progress) { reports = append(reports, p) }); err != nil {
		t.Error(err)
	}
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("encode: %v\n%s", err, stderr.String())
	}
	t.Logf("encode of %v of 640x360 into %d rungs and 2 audio tracks took %v", probe.Duration, len(rungs), time.Since(start).Round(time.Millisecond))
	if len(reports) == 0 || !reports[len(reports)-1].Done || reports[len(reports)-1].OutTime < 3*time.Second {
		t.Errorf("the progress feed must end with a done report near the duration: %+v", reports)
	}

	master, err := os.ReadFile(filepath.Join(out, MasterName))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ffmpeg's master playlist:\n%s", master)
	variants := streamInfs(string(master))
	if len(variants) != len(rungs) {
		t.Fatalf("one variant per rung: got %d, want %d", len(variants), len(rungs))
	}
	for _, v := range variants {
		for _, a := range []string{"CODECS=", "BANDWIDTH=", "RESOLUTION="} {
			if !strings.Contains(v, a) {
				t.Errorf("ffmpeg must write %s on every variant: %s", a, v)
			}
		}
		for _, a := range []string{"AVERAGE-BANDWIDTH=", "FRAME-RATE="} {
			if !strings.Contains(v, a) {
				t.Logf("ffmpeg did not write %s; RewriteMaster adds it", strings.TrimSuffix(a, "="))
			}
		}
	}
	if n := strings.Count(string(master), "#EXT-X-MEDIA:TYPE=AUDIO"); n != 2 {
		t.Errorf("each audio track must be an EXT-X-MEDIA TYPE=AUDIO rendition: got %d", n)
	}
	for _, lang := range []string{`LANGUAGE="en"`, `LANGUAGE="zh"`} {
		if !strings.Contains(string(master), lang) {
			t.Errorf("audio renditions must carry their language: %s missing", lang)
		}
	}

	// Measure every variant and rewrite the master with the missing figures.
	info := MasterInfo{Variants: map[string]VariantInfo{}}
	var segTimes [][]string
	for i := range 2 {
		uri := AudioDir(i) + "/index.m3u8"
		b := measure(t, out, uri)
		info.Audio = append(info.Audio, AudioRendition{URI: uri, Group: "stereo", Name: []string{"English", "中文"}[i],
			Language: []string{"en", "zh"}[i], Channels: 2, Codec: "mp4a.40.2", Bandwidth: b.Peak, AverageBandwidth: b.Average})
	}
	for _, r := range rungs {
		uri := r.Name + "/index.m3u8"
		b := measure(t, out, uri)
		info.Variants[uri] = VariantInfo{Bandwidth: b.Peak, AverageBandwidth: b.Average, FrameRate: probe.Video[0].FrameRate.Float()}
		pl, _ := os.ReadFile(filepath.Join(out, uri))
		segTimes = append(segTimes, regexp.MustCompile(`#EXTINF:[0-9.]+`).FindAllString(string(pl), -1))
	}
	for i := 1; i < len(segTimes); i++ {
		if !slices.Equal(segTimes[i], segTimes[0]) {
			t.Errorf("every rung must be cut at the same instants: %v vs %v", segTimes[i], segTimes[0])
		}
	}
	if len(segTimes[0]) == 0 || segTimes[0][0] != "#EXTINF:4.000000" {
		t.Errorf("the first segment must last 4 s: %v", segTimes[0])
	}
	rewritten, err := RewriteMaster(master, info)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rewritten master playlist:\n%s", rewritten)
	for _, v := range streamInfs(string(rewritten)) {
		for _, a := range []string{"CODECS=", "BANDWIDTH=", "AVERAGE-BANDWIDTH=", "RESOLUTION=", "FRAME-RATE=24.000"} {
			if !strings.Contains(v, a) {
				t.Errorf("the rewritten master must declare %s on every variant: %s", a, v)
			}
		}
	}
	if !strings.Contains(string(rewritten), `NAME="中文"`) {
		t.Errorf("audio renditions must carry their human names")
	}
}

func streamInfs(master string) []string {
	var out []string
	for _, l := range strings.Split(master, "\n") {
		if strings.HasPrefix(l, "#EXT-X-STREAM-INF:") {
			out = append(out, l)
		}
	}
	return out
}

func measure(t *testing.T, out, uri string) Bitrates {
	t.Helper()
	pl, err := os.ReadFile(filepath.Join(out, uri))
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	entries, _ := os.ReadDir(filepath.Join(out, filepath.Dir(uri)))
	for _, e := range entries {
		fi, _ := e.Info()
		sizes[e.Name()] = fi.Size()
	}
	b, err := MeasureMediaPlaylist(pl, sizes)
	if err != nil {
		t.Fatalf("%s: %v", uri, err)
	}
	return b
}
