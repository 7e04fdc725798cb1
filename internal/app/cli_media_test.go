package app

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTrackFlagCharset(t *testing.T) {
	file := filepath.Join(t.TempDir(), "names.srt")
	os.WriteFile(file, []byte("1\n00:00:01,000 --> 00:00:02,000\nx\n"), 0o644)
	flags := trackFlag{"zh,charset=big5=" + file, "en=" + file}
	tracks, files, err := flags.tracks("subtitle")
	for _, f := range files {
		defer f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(tracks) != 2 || tracks[0].Language != "zh" || tracks[0].Charset != "big5" || tracks[0].Filename != "names.srt" {
		t.Errorf("--subtitle zh,charset=big5=FILE names the track's language and its charset: %+v", tracks[0])
	}
	if tracks[1].Language != "en" || tracks[1].Charset != "" {
		t.Errorf("--subtitle en=FILE leaves the charset to detection: %+v", tracks[1])
	}
	if _, _, err := (trackFlag{"zh,charset=big5"}).tracks("subtitle"); err == nil {
		t.Errorf("a charset without a file must be refused")
	}
}
