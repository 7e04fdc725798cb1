package media

import (
	"os"
	"strings"
	"testing"
)

// TestMasterRenditions: protecting a clear asset encrypts what its master
// playlist lists as video and audio, once each, and its I-frame playlists;
// subtitles stay clear and nothing outside the asset is touched.
func TestMasterRenditions(t *testing.T) {
	b, err := os.ReadFile("ffmpeg/testdata/master_rewritten.golden")
	if err != nil {
		t.Fatal(err)
	}
	master := string(b) + "#EXT-X-STREAM-INF:BANDWIDTH=1\nhttps://elsewhere.test/x.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=1\n../other/index.m3u8\n"
	r := masterRenditions(master)
	want := "English/index.m3u8 Chinese/index.m3u8 Chinese51/index.m3u8 720p/index.m3u8 240p/index.m3u8"
	if got := strings.Join(r.media, " "); got != want {
		t.Errorf("media playlists to encrypt: each audio rendition and variant once, nothing absolute or outside the asset, no subtitles:\n got %s\nwant %s", got, want)
	}
	if got := strings.Join(r.iframes, " "); got != "720p/iframes.m3u8" {
		t.Errorf("I-frame playlists to encrypt: got %s", got)
	}
}
