package ffmpeg

import (
	"os"
	"strings"
	"testing"
)

func testMasterInfo() MasterInfo {
	return MasterInfo{
		Variants: map[string]VariantInfo{
			"720p/index.m3u8": {Bandwidth: 1000000, AverageBandwidth: 800000, FrameRate: 24,
				IFrames: &IFrameInfo{URI: "720p/iframes.m3u8", Bandwidth: 200000, AverageBandwidth: 150000}},
			"240p/index.m3u8": {Bandwidth: 350000, AverageBandwidth: 300000, FrameRate: 24000.0 / 1001},
		},
		Audio: []AudioRendition{
			{URI: "English/index.m3u8", Group: "stereo", Name: "English", Language: "eng", Channels: 2, Codec: "mp4a.40.2", Bandwidth: 130000, AverageBandwidth: 105000},
			{URI: "Chinese/index.m3u8", Group: "stereo", Name: "中文", Language: "zh", Channels: 2, Default: true, Codec: "mp4a.40.2", Bandwidth: 130000, AverageBandwidth: 105000},
			{URI: "Chinese51/index.m3u8", Group: "surround", Name: "中文 5.1", Language: "zh", Channels: 6, Default: true, Codec: "mp4a.40.2", Bandwidth: 390000, AverageBandwidth: 384000},
		},
		Subtitles: []SubtitleRendition{
			{URI: "subs/en.m3u8", Language: "en", Name: "English", HearingImpaired: true},
			{URI: "subs/zh-Hans.m3u8", Language: "zh-hans", Name: "简体中文", Default: true},
		},
	}
}

func TestRewriteMasterGolden(t *testing.T) {
	// master_ffmpeg51.m3u8 is what ffmpeg 5.1 wrote for a two-rung, two-audio encode.
	src, err := os.ReadFile("testdata/master_ffmpeg51.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	got, err := RewriteMaster(src, testMasterInfo())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "master_rewritten.golden", got)
	var infs []string
	for _, line := range strings.Split(string(got), "\n") {
		if strings.HasPrefix(line, "#EXT-X-STREAM-INF:") {
			infs = append(infs, line)
			for _, a := range []string{"BANDWIDTH=", "AVERAGE-BANDWIDTH=", "CODECS=", "RESOLUTION=", "FRAME-RATE=", "VIDEO-RANGE=SDR", `SUBTITLES="subs"`, "CLOSED-CAPTIONS=NONE"} {
				if !strings.Contains(line, a) {
					t.Errorf("every variant must declare %s: %s", a, line)
				}
			}
		}
		if strings.HasPrefix(line, "#EXT-X-MEDIA:") && !strings.Contains(line, "AUTOSELECT=YES") {
			t.Errorf("every audio and subtitle rendition says AUTOSELECT=YES: %s", line)
		}
	}
	if len(infs) != 4 || !strings.Contains(infs[0], `AUDIO="stereo"`) || !strings.Contains(infs[2], `AUDIO="surround"`) {
		t.Errorf("each rung is offered once with the stereo group and once with the surround group, stereo first: %v", infs)
	}
	// 720p with stereo: (1000000 + 130000) × 1.1.
	if !strings.Contains(infs[0], "BANDWIDTH=1243000,") || !strings.Contains(infs[0], "AVERAGE-BANDWIDTH=905000,") {
		t.Errorf("BANDWIDTH is the measured video and audio peak plus 10 %% headroom; AVERAGE-BANDWIDTH the plain average: %s", infs[0])
	}
	if !strings.Contains(string(got), `#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=220000,AVERAGE-BANDWIDTH=150000,CODECS="avc1.64001e",RESOLUTION=640x360,VIDEO-RANGE=SDR,URI="720p/iframes.m3u8"`) {
		t.Errorf("the I-frame playlist is listed with its own figures and the video codec alone")
	}
}

func TestRewriteMasterRefuses(t *testing.T) {
	src, _ := os.ReadFile("testdata/master_ffmpeg51.m3u8")
	cases := []struct {
		rule   string
		master string
		change func(*MasterInfo)
		want   string
	}{
		{"must be a playlist", "hello", nil, "#EXTM3U"},
		{"every variant needs figures", "", func(m *MasterInfo) { delete(m.Variants, "240p/index.m3u8") }, "no figures"},
		{"figures must name real variants", "", func(m *MasterInfo) { m.Variants["1080p/index.m3u8"] = VariantInfo{Bandwidth: 2, AverageBandwidth: 1} }, "not in the master"},
		{"average must not exceed peak", "", func(m *MasterInfo) { m.Variants["720p/index.m3u8"] = VariantInfo{Bandwidth: 1, AverageBandwidth: 2} }, "at most the peak"},
		{"video range is SDR, PQ or HLG", "", func(m *MasterInfo) {
			v := m.Variants["720p/index.m3u8"]
			v.VideoRange = "HDR"
			m.Variants["720p/index.m3u8"] = v
		}, "VIDEO-RANGE"},
		{"names cannot hold quotes", "", func(m *MasterInfo) { m.Audio[0].Name = `Eng"lish` }, "cannot be quoted"},
		{"audio needs channels", "", func(m *MasterInfo) { m.Audio[0].Channels = 0 }, "channels"},
		{"subtitle languages must be BCP-47", "", func(m *MasterInfo) { m.Subtitles[0].Language = "english!" }, "BCP-47"},
		{"attribute lists must parse", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"avc1\n720p/index.m3u8\n", nil, "unterminated"},
		{"variants need a URI", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n", nil, "without a URI"},
	}
	for _, c := range cases {
		info := testMasterInfo()
		if c.change != nil {
			c.change(&info)
		}
		master := string(src)
		if c.master != "" {
			master = c.master
		}
		if _, err := RewriteMaster([]byte(master), info); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want error containing %q, got %v", c.rule, c.want, err)
		}
	}
}

func TestMeasureMediaPlaylist(t *testing.T) {
	const pl = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init_0.mp4"
#EXTINF:4.000000,
seg_00000.m4s
#EXTINF:4.000000,
seg_00001.m4s
#EXTINF:1.000000,
seg_00002.m4s
#EXT-X-ENDLIST
`
	sizes := map[string]int64{"seg_00000.m4s": 500000, "seg_00001.m4s": 1000000, "seg_00002.m4s": 400000, "init_0.mp4": 1 << 30}
	got, err := MeasureMediaPlaylist([]byte(pl), sizes)
	if err != nil {
		t.Fatal(err)
	}
	// Windows of 2 to 6 s: seg0 (1 Mb/s), seg1 (2 Mb/s), seg1+seg2 (2.24 Mb/s), seg2 alone is too short.
	if got.Peak != 2240000 {
		t.Errorf("peak must be the highest bitrate of any run of segments lasting 0.5–1.5 target durations: got %d, want 2240000", got.Peak)
	}
	if got.Average != 1688889 {
		t.Errorf("average must be all segment bytes over all segment time, init excluded: got %d", got.Average)
	}
	delete(sizes, "seg_00001.m4s")
	if _, err := MeasureMediaPlaylist([]byte(pl), sizes); err == nil {
		t.Errorf("a segment without a size must be an error")
	}
}
