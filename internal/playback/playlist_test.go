package playback_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/playback"
)

func TestViewerPlaylist(t *testing.T) {
	stored := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI=\"init_0.mp4\"\n" +
		"#EXT-X-KEY:METHOD=AES-128,URI=\"lineup-key:0\",IV=0x000102030405060708090a0b0c0d0e0f\n#EXTINF:4.000000,\nseg_00000.m4s\n" +
		"#EXT-X-KEY:METHOD=AES-128,URI=\"lineup-key:1\",IV=0x0f0e0d0c0b0a09080706050403020100\n#EXTINF:4.000000,\nseg_00001.m4s\n#EXT-X-ENDLIST\n"
	key := func(n int) string { return "/keys/TOKEN/7/" + strconv.Itoa(n) }
	got := string(playback.ViewerPlaylist([]byte(stored), "https://cdn.example/media/1/7/a1-x/360p/", key))
	want := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI=\"https://cdn.example/media/1/7/a1-x/360p/init_0.mp4\"\n" +
		"#EXT-X-KEY:METHOD=AES-128,URI=\"/keys/TOKEN/7/0\",IV=0x000102030405060708090a0b0c0d0e0f\n#EXTINF:4.000000,\nhttps://cdn.example/media/1/7/a1-x/360p/seg_00000.m4s\n" +
		"#EXT-X-KEY:METHOD=AES-128,URI=\"/keys/TOKEN/7/1\",IV=0x0f0e0d0c0b0a09080706050403020100\n#EXTINF:4.000000,\nhttps://cdn.example/media/1/7/a1-x/360p/seg_00001.m4s\n#EXT-X-ENDLIST\n"
	if got != want {
		t.Errorf("segments and init go to the shared path, each key to the viewer's key URI:\n got %q\nwant %q", got, want)
	}
	master := "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8\n"
	if got := string(playback.ViewerPlaylist([]byte(master), "/media/x/", key)); got != master {
		t.Errorf("a master playlist stays relative, under the viewer's token path: %q", got)
	}
	abs := "#EXTM3U\n#EXTINF:4,\n/elsewhere/seg.m4s\n#EXTINF:4,\nhttps://other.example/seg.m4s\n"
	if got := string(playback.ViewerPlaylist([]byte(abs), "/media/x/", key)); got != abs {
		t.Errorf("absolute URIs are left alone: %q", got)
	}
}

func FuzzViewerPlaylist(f *testing.F) {
	f.Add("#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXT-X-KEY:METHOD=AES-128,URI=\"lineup-key:0\",IV=0x00\n#EXTINF:4,\nseg.m4s\n")
	f.Add("#EXT-X-KEY:URI=\"lineup-key:-1\"\n#EXT-X-MAP:URI=\"unterminated\n\r\n")
	f.Fuzz(func(t *testing.T, pl string) {
		out := string(playback.ViewerPlaylist([]byte(pl), "/media/B/", func(n int) string { return "/keys/T/1/" + strconv.Itoa(n) }))
		if strings.Count(out, "\n") != strings.Count(pl, "\n") {
			t.Fatalf("the playlist keeps its lines: %q → %q", pl, out)
		}
		if strings.Contains(out, "lineup-key:") && !strings.Contains(pl, "lineup-key:") {
			t.Fatalf("a key placeholder appeared from nowhere")
		}
	})
}

// TestViewerTemplateRendersAsViewerPlaylist: a template made once renders,
// for each viewer, exactly what ViewerPlaylist writes.
func TestViewerTemplateRendersAsViewerPlaylist(t *testing.T) {
	for _, pl := range []string{
		"#EXTM3U\n#EXT-X-MAP:URI=\"init_0.mp4\"\n#EXT-X-KEY:METHOD=AES-128,URI=\"lineup-key:0\",IV=0x00\n#EXTINF:4,\nseg_0.m4s\n" +
			"#EXT-X-KEY:METHOD=AES-128,URI=\"lineup-key:12\",IV=0x01\n#EXTINF:4,\nseg_1.m4s\n#EXT-X-ENDLIST\n",
		"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8\n",
		"#EXTM3U\n#EXTINF:4,\nseg\x00.m4s\n#EXT-X-KEY:URI=\"lineup-key:3\"\n",
		"",
	} {
		tmpl := playback.NewViewerTemplate([]byte(pl), "/media/1/7/v/360p/")
		for _, tok := range []string{"A", "BBBBBB"} {
			key := func(n int) string { return "/keys/" + tok + "/7/" + strconv.Itoa(n) }
			want := string(playback.ViewerPlaylist([]byte(pl), "/media/1/7/v/360p/", key))
			if got := string(tmpl.Render(key, "/media/1/7/v/360p/")); got != want {
				t.Errorf("the template must render what ViewerPlaylist writes:\n got %q\nwant %q", got, want)
			}
		}
	}
}
