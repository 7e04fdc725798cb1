package ffmpeg

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update if the change is meant):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func argLines(args []string) []byte {
	return []byte(strings.Join(args, "\n") + "\n")
}

func twoAudioEncode() Encode {
	return Encode{
		Inputs:    []string{"/work/src/us-and-them.mp4", "/work/src/audio-zh.m4a"},
		FrameRate: Rate{24, 1},
		Rungs:     ChooseLadder(1280, 720, 24),
		Audio: []AudioTrack{
			{Input: 0, Stream: 0, Language: "eng", Name: "English"},
			{Input: 1, Stream: 0, Language: "zh", Name: "中文", Default: true},
		},
		OutDir: "/work/out/asset-1",
	}
}

func TestEncodeArgsGolden(t *testing.T) {
	t.Run("720p source with two audio tracks", func(t *testing.T) {
		args, err := EncodeArgs(twoAudioEncode())
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "encode_720p_two_audio.golden", argLines(args))
	})
	t.Run("trickplay sheets from the 240p rung", func(t *testing.T) {
		args, err := TrickplayArgs("/work/out/asset-1/240p/index.m3u8", Trickplay{IntervalSeconds: 10, Width: 160, Height: 90, Columns: 10, Rows: 10}, "/work/out/asset-1")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "trickplay.golden", argLines(args))
	})
	t.Run("silent 1080p source at 29.97 fps", func(t *testing.T) {
		args, err := EncodeArgs(Encode{
			Inputs:    []string{"/work/src/silent:film.mov"},
			FrameRate: Rate{30000, 1001},
			Rungs:     ChooseLadder(1920, 1080, 30000.0/1001),
			OutDir:    "/work/out/asset-2",
		})
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "encode_1080p_silent.golden", argLines(args))
	})
	t.Run("probe", func(t *testing.T) {
		golden(t, "probe_args.golden", argLines(ProbeArgs("/work/src/-odd name.mp4")))
	})
}

func TestEncodeArgsRules(t *testing.T) {
	args, err := EncodeArgs(twoAudioEncode())
	if err != nil {
		t.Fatal(err)
	}
	value := func(flag string) string {
		i := slices.Index(args, flag)
		if i < 0 || i+1 >= len(args) {
			t.Fatalf("%s missing", flag)
		}
		return args[i+1]
	}
	if n := strings.Count(strings.Join(args, " "), "-i "); n != 2 {
		t.Errorf("the source must be read by one process, once: %d inputs", n)
	}
	if fc := value("-filter_complex"); !strings.HasPrefix(fc, "[0:v:0]") || strings.Count(fc, "[0:v") != 1 ||
		!strings.Contains(fc, "split=") || !strings.Contains(fc, "[o0]") || !strings.Contains(fc, "[o3]") {
		t.Errorf("one decode must feed all four rungs through split: %s", fc)
	}
	if value("-sc_threshold") != "0" {
		t.Errorf("scene-cut keyframes must be off")
	}
	if value("-g") != "48" || value("-keyint_min") != "48" {
		t.Errorf("GOP must be 2 s at 24 fps: -g %s -keyint_min %s", value("-g"), value("-keyint_min"))
	}
	if value("-force_key_frames") != "expr:gte(t,n_forced*2)" {
		t.Errorf("keyframes must be forced every 2 s")
	}
	if value("-hls_segment_type") != "fmp4" || value("-hls_time") != "4" {
		t.Errorf("segments must be 4 s CMAF")
	}
	wantMap := "v:0,agroup:aud,name:720p v:1,agroup:aud,name:480p v:2,agroup:aud,name:360p v:3,agroup:aud,name:240p " +
		"a:0,agroup:aud,language:en,name:audio_0 a:1,agroup:aud,language:zh,name:audio_1,default:yes"
	if got := value("-var_stream_map"); got != wantMap {
		t.Errorf("each audio track must be its own rendition in one group:\n got %s\nwant %s", got, wantMap)
	}
	if value("-progress") != "pipe:1" || !slices.Contains(args, "-nostats") {
		t.Errorf("progress must go to stdout")
	}
}

func TestEncodeArgsRefuses(t *testing.T) {
	cases := []struct {
		rule   string
		change func(*Encode)
		want   string
	}{
		{"needs an input", func(e *Encode) { e.Inputs = nil }, "no input"},
		{"output must be absolute", func(e *Encode) { e.OutDir = "out" }, "absolute"},
		{"output must not hold %", func(e *Encode) { e.OutDir = "/out/%v" }, "%"},
		{"needs a frame rate", func(e *Encode) { e.FrameRate = Rate{} }, "frame rate"},
		{"needs rungs", func(e *Encode) { e.Rungs = nil }, "no rungs"},
		{"odd sizes", func(e *Encode) { e.Rungs[0].Width = 1279 }, "even"},
		{"rung names go into paths", func(e *Encode) { e.Rungs[0].Name = "../x" }, "letters"},
		{"rung names are unique", func(e *Encode) { e.Rungs[1].Name = e.Rungs[0].Name }, "twice"},
		{"language must be BCP-47", func(e *Encode) { e.Audio[0].Language = "english!" }, "BCP-47"},
		{"language must be given", func(e *Encode) { e.Audio[0].Language = "" }, "no language"},
		{"audio input must exist", func(e *Encode) { e.Audio[1].Input = 2 }, "does not exist"},
		{"keyframes must divide segments", func(e *Encode) { e.KeyframeSeconds = 3 }, "divide"},
		{"preset goes on the command line", func(e *Encode) { e.Preset = "fast -y" }, "preset"},
	}
	for _, c := range cases {
		e := twoAudioEncode()
		c.change(&e)
		if _, err := EncodeArgs(e); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want error containing %q, got %v", c.rule, c.want, err)
		}
	}
}

func TestCanonicalLanguage(t *testing.T) {
	cases := map[string]string{"eng": "en", "en": "en", "zh": "zh", "chi": "zh", "zho": "zh", "zh-hans": "zh-Hans", "pt-BR": "pt-BR", "yue": "yue"}
	for in, want := range cases {
		if got, err := CanonicalLanguage(in); err != nil || got != want {
			t.Errorf("language %q: got %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "und", "english!", "e n", "x"} {
		if got, err := CanonicalLanguage(bad); err == nil {
			t.Errorf("language %q must be refused, got %q", bad, got)
		}
	}
}
