package media

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func tools(t *testing.T) (ffmpegPath, ffprobePath string) {
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

// generate runs ffmpeg to make a small test file and returns its path.
func generate(t *testing.T, ffmpegPath, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	full := append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, args...)
	full = append(full, out)
	if b, err := exec.CommandContext(t.Context(), ffmpegPath, full...).CombinedOutput(); err != nil {
		t.Fatalf("generate %s: %v\n%s", name, err, b)
	}
	return out
}

func TestProbe(t *testing.T) {
	ffmpegPath, ffprobePath := tools(t)
	video := generate(t, ffmpegPath, "ok.mp4",
		"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24",
		"-f", "lavfi", "-i", "sine=frequency=440",
		"-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
		"-metadata:s:a:0", "language=eng")

	t.Run("a real video", func(t *testing.T) {
		p, err := Probe(t.Context(), ffprobePath, video)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Video) != 1 || p.Video[0].Width != 320 || p.Video[0].Height != 180 || p.Video[0].Codec != "h264" {
			t.Errorf("probe must describe the video stream: %+v", p.Video)
		}
		if len(p.Audio) != 1 || p.Audio[0].Language != "eng" {
			t.Errorf("probe must describe the audio stream with its language: %+v", p.Audio)
		}
		if p.Duration < 3900*time.Millisecond || p.Duration > 4100*time.Millisecond {
			t.Errorf("duration must be about 4 s: %v", p.Duration)
		}
		if v := p.Video[0]; v.Frames != 96 || v.DeclaredFrames != 96 || v.FieldOrder != "progressive" {
			t.Errorf("probe must count the frames it can read and those the index promises, and the field order: %+v", v)
		}
	})

	data, err := os.ReadFile(video)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	audioOnly := generate(t, ffmpegPath, "sound.m4a", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", "-c:a", "aac")
	coverArt := generate(t, ffmpegPath, "song.mp3", "-f", "lavfi", "-i", "sine=frequency=440", "-f", "lavfi", "-i", "color=red:size=64x64",
		"-map", "0:a", "-map", "1:v", "-t", "1", "-frames:v", "1", "-c:v", "png", "-disposition:v", "attached_pic", "-c:a", "libmp3lame")

	cases := []struct {
		rule string
		file string
		want string
	}{
		{"a text file named .mp4", write("notes.mp4", []byte("This is not a film.\nJust some notes.\n")), "text, not a video"},
		{"an empty file", write("empty.mp4", nil), "empty"},
		{"an MP4 cut in half", write("half.mp4", data[:len(data)/2]), "incomplete"},
		{"random bytes named .mp4", write("noise.mp4", []byte{0, 1, 2, 3, 0xff, 0xfe, 0x80, 0x81, 0, 0, 9, 8, 7, 0xaa, 0xbb, 0xcc}), "not a video format"},
		{"an audio-only file", audioOnly, "only sound"},
		{"audio with cover art", coverArt, "only sound"},
		{"a missing file", filepath.Join(dir, "missing.mp4"), "does not exist"},
		{"a folder", dir, "not a regular file"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			_, err := Probe(t.Context(), ffprobePath, c.file)
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("%s must be refused, got %v", c.rule, err)
			}
			if !strings.Contains(re.Reason, c.want) {
				t.Errorf("the reason for %s must say %q: %q", c.rule, c.want, re.Reason)
			}
		})
	}

	t.Run("a missing ffprobe is a failure, not a refusal", func(t *testing.T) {
		_, err := Probe(t.Context(), filepath.Join(dir, "no-ffprobe"), video)
		var re *RefusedError
		if err == nil || errors.As(err, &re) {
			t.Errorf("want a plain error, got %v", err)
		}
	})
}
