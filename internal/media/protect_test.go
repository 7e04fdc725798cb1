package media

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/media/ffmpeg"
	"github.com/lineup/lineup/internal/protect"
)

type fakeKeys struct {
	made []protect.Key
	set  string
}

func (f *fakeKeys) Make(_ context.Context, _ int64, set string, n int) ([]protect.Key, error) {
	f.set = set
	f.made = nil
	for range n {
		f.made = append(f.made, protect.NewKey())
	}
	return f.made, nil
}

// writeRendition writes a media playlist of n segments as ffmpeg does
// (EXT-X-MAP first) and returns the segments' bytes.
func writeRendition(t *testing.T, dir string, n int) [][]byte {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	var pl strings.Builder
	pl.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init_0.mp4\"\n")
	os.WriteFile(filepath.Join(dir, "init_0.mp4"), []byte("\x00\x00\x00\x10ftypiso5clear"), 0o644)
	var segs [][]byte
	for i := range n {
		b := bytes.Repeat([]byte{byte(i)}, 1000+i)
		segs = append(segs, b)
		name := fmt.Sprintf("seg_%05d.m4s", i)
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
		fmt.Fprintf(&pl, "#EXTINF:4.000000,\n%s\n", name)
	}
	pl.WriteString("#EXT-X-ENDLIST\n")
	os.WriteFile(filepath.Join(dir, "index.m3u8"), []byte(pl.String()), 0o644)
	return segs
}

var keyTag = regexp.MustCompile(`#EXT-X-KEY:METHOD=AES-128,URI="lineup-key:(\d+)",IV=(0x[0-9a-f]{32})\n#EXTINF:[^\n]*\n([^\n]+)\n`)

func TestProtectRenditionsEncryptsEverySegmentWithItsKeyPeriod(t *testing.T) {
	for _, tc := range []struct {
		rotation, segments, periods int
		rule                        string
	}{
		{0, 5, 1, "by default one key serves the whole rendition set"},
		{2, 5, 3, "LINEUP_KEY_ROTATION_SEGMENTS=2 starts a key every two segments"},
		{10, 5, 1, "a rotation longer than the film is one key"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			out := t.TempDir()
			video := writeRendition(t, filepath.Join(out, "360p"), tc.segments)
			audio := writeRendition(t, filepath.Join(out, ffmpeg.AudioDir(0)), tc.segments)
			os.MkdirAll(filepath.Join(out, SubtitlesDir), 0o755)
			os.WriteFile(filepath.Join(out, SubtitlesDir, "sub_0.vtt"), []byte("WEBVTT\n"), 0o644)
			keys := &fakeKeys{}
			enc := ffmpeg.Encode{Rungs: []ffmpeg.Rung{{Name: "360p"}}, Audio: []ffmpeg.AudioTrack{{Language: "en"}}}
			periods, err := protectRenditions(context.Background(), keys, 7, "assets/1/7/a1-x/", out, enc, tc.rotation)
			if err != nil {
				t.Fatal(err)
			}
			if periods != tc.periods || len(keys.made) != tc.periods || keys.set != "assets/1/7/a1-x/" {
				t.Fatalf("%s: %d key periods made for set %q, want %d", tc.rule, len(keys.made), keys.set, tc.periods)
			}
			for dir, plain := range map[string][][]byte{"360p": video, ffmpeg.AudioDir(0): audio} {
				pl, _ := os.ReadFile(filepath.Join(out, dir, "index.m3u8"))
				if strings.Index(string(pl), "#EXT-X-MAP") > strings.Index(string(pl), "#EXT-X-KEY") {
					t.Errorf("EXT-X-MAP must stay before the first EXT-X-KEY (the init segment is clear):\n%s", pl)
				}
				tags := keyTag.FindAllStringSubmatch(string(pl), -1)
				if len(tags) != tc.segments {
					t.Fatalf("every segment gets its own EXT-X-KEY with an explicit IV; %d of %d:\n%s", len(tags), tc.segments, pl)
				}
				ivs := map[string]bool{}
				for i, m := range tags {
					want := 0
					if tc.rotation > 0 {
						want = i / tc.rotation
					}
					if m[1] != fmt.Sprint(want) {
						t.Errorf("segment %d must use key period %d, uses %s", i, want, m[1])
					}
					ivs[m[2]] = true
					iv, _ := protect.ParseIV(m[2])
					ct, _ := os.ReadFile(filepath.Join(out, dir, m[3]))
					got, err := protect.Decrypt(ct, keys.made[want], iv)
					if err != nil || !bytes.Equal(got, plain[i]) {
						t.Errorf("segment %d of %s must decrypt with its key and IV to what ffmpeg wrote: %v", i, dir, err)
					}
				}
				if len(ivs) != tc.segments {
					t.Errorf("no two segments may share an IV")
				}
				if init, _ := os.ReadFile(filepath.Join(out, dir, "init_0.mp4")); !bytes.Contains(init, []byte("ftyp")) {
					t.Errorf("the init segment stays clear")
				}
			}
			if vtt, _ := os.ReadFile(filepath.Join(out, SubtitlesDir, "sub_0.vtt")); string(vtt) != "WEBVTT\n" {
				t.Errorf("subtitles stay clear")
			}
		})
	}
}
