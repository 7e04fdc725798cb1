package media

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/media/ffmpeg"
	"github.com/lineup/lineup/internal/protect"
)

// TestIFramesEncryptedWhole is the design clash of issues 9 and 13: the
// packaging step encrypts every segment file a media playlist lists, whole,
// with HLS AES-128. The I-frame playlists list keyframe files of their own,
// so each I-frame is encrypted with its key period and decrypts, alone,
// into a CMAF fragment holding one keyframe: no byte range into an
// encrypted segment is ever needed.
func TestIFramesEncryptedWhole(t *testing.T) {
	ff, fp := tools(t)
	src := generate(t, ff, "film.mp4", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine",
		"-t", "8", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")
	out := filepath.Join(t.TempDir(), "out")
	res, err := Transcode(t.Context(), Config{FFmpegPath: ff, FFprobePath: fp, Preset: "ultrafast"},
		TranscodeRequest{Source: src, DefaultLanguage: "en", OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	rung := res.Encode.Rungs[0].Name
	clear, err := os.ReadFile(filepath.Join(out, rung, IFramesPlaylist))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(clear), "iframe_"); n != 4 {
		t.Fatalf("8 s with a keyframe every 2 s gives 4 I-frames, got %d:\n%s", n, clear)
	}
	keys := &fakeKeys{}
	// A new key every segment: the 4 I-frames fall in 2 key periods.
	if _, err := protectRenditions(context.Background(), keys, 7, "assets/1/7/a1-x/", out, res.Encode, 1); err != nil {
		t.Fatal(err)
	}
	pl, _ := os.ReadFile(filepath.Join(out, rung, IFramesPlaylist))
	tags := keyTag.FindAllStringSubmatch(string(pl), -1)
	if len(tags) != 4 || strings.Contains(string(pl), "BYTERANGE") {
		t.Fatalf("every I-frame file gets its own EXT-X-KEY, and none is a byte range:\n%s", pl)
	}
	init, _ := os.ReadFile(filepath.Join(out, rung, readMap(t, string(pl))))
	for i, m := range tags {
		if want := fmt.Sprint(i / 2); m[1] != want {
			t.Errorf("I-frame %d (at %d s) must use the key of its segment's period %s, uses %s", i, 2*i, want, m[1])
		}
		iv, _ := protect.ParseIV(m[2])
		ct, _ := os.ReadFile(filepath.Join(out, rung, m[3]))
		k := 0
		fmt.Sscan(m[1], &k)
		plain, err := protect.Decrypt(ct, keys.made[k], iv)
		if err != nil {
			t.Fatalf("I-frame %d must decrypt on its own: %v", i, err)
		}
		file := filepath.Join(t.TempDir(), "iframe.mp4")
		os.WriteFile(file, append(append([]byte(nil), init...), plain...), 0o644)
		probe, err := exec.CommandContext(t.Context(), fp, "-v", "error", "-select_streams", "v:0",
			"-show_entries", "packet=flags", "-of", "csv=p=0", file).Output()
		if err != nil || !strings.HasPrefix(strings.TrimSpace(string(probe)), "K") || strings.Count(strings.TrimSpace(string(probe)), "\n") != 0 {
			t.Errorf("I-frame %d decrypted must be one keyframe: %q %v", i, probe, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, ffmpeg.DASHName)); !os.IsNotExist(err) {
		t.Errorf("an encrypted asset publishes no manifest.mpd: DASH players decrypt only CENC")
	}
}

func readMap(t *testing.T, pl string) string {
	t.Helper()
	_, v, ok := strings.Cut(pl, `#EXT-X-MAP:URI="`)
	if !ok {
		t.Fatalf("no EXT-X-MAP:\n%s", pl)
	}
	uri, _, _ := strings.Cut(v, `"`)
	return uri
}
