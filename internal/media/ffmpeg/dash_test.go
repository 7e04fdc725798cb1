package ffmpeg

import (
	"strings"
	"testing"
	"time"
)

func testDASH() DASH {
	seg := func(n int, d uint64) []DASHSegment {
		var out []DASHSegment
		for i := range n {
			out = append(out, DASHSegment{Start: uint64(i) * d, Duration: d})
		}
		return out
	}
	return DASH{
		Duration: 8 * time.Second,
		Video: []DASHVideo{
			{DASHTrack: DASHTrack{ID: "720p", Bandwidth: 2200000, Codecs: "avc1.64001f", Timescale: 12288, Init: "720p/init_0.mp4", Media: "720p/seg_$Number%05d$.m4s", Segments: seg(2, 49152)},
				Width: 1280, Height: 720, FrameRate: Rate{24, 1}},
		},
		Audio: []DASHAudio{
			{DASHTrack: DASHTrack{ID: "audio_0", Bandwidth: 130000, Codecs: "mp4a.40.2", Timescale: 48000, Init: "audio_0/init_1.mp4", Media: "audio_0/seg_$Number%05d$.m4s",
				Segments: []DASHSegment{{0, 192512}, {192512, 191488}, {384000, 1024}}}, Language: "zh", Channels: 2, SampleRate: 48000, Default: true},
			{DASHTrack: DASHTrack{ID: "audio_1", Bandwidth: 390000, Codecs: "mp4a.40.2", Timescale: 48000, Init: "audio_1/init_2.mp4", Media: "audio_1/seg_$Number%05d$.m4s",
				Segments: seg(2, 192000)}, Language: "zh", Channels: 6, SampleRate: 48000},
		},
		Text: []DASHText{{ID: "sub_0", Language: "en", URL: "subs/sub_0.vtt", Forced: true}},
	}
}

func TestDASHManifest(t *testing.T) {
	b, err := DASHManifest(testDASH())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "manifest.mpd.golden", b)
	s := string(b)
	for _, rule := range []struct{ name, want string }{
		{"a static presentation of the film's length", `type="static" mediaPresentationDuration="PT8.000S"`},
		{"equal segments fold into one S with repeats", `<S t="0" d="49152" r="1"></S>`},
		{"the stereo and 5.1 renditions are separate adaptation sets", `value="6"></AudioChannelConfiguration>`},
		{"the same files as HLS: the segment template names the CMAF segments", `media="720p/seg_$Number%05d$.m4s" startNumber="0"`},
		{"forced subtitles say so", `value="forced-subtitle"`},
	} {
		if !strings.Contains(s, rule.want) {
			t.Errorf("%s: %q missing", rule.name, rule.want)
		}
	}
	bad := testDASH()
	bad.Audio[0].Segments = nil
	if _, err := DASHManifest(bad); err == nil {
		t.Errorf("a representation without segments must be refused")
	}
}

func TestCheckMPD(t *testing.T) {
	good, err := DASHManifest(testDASH())
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckMPD(good); err != nil {
		t.Fatalf("Lineup's own manifest must pass: %v", err)
	}
	for _, c := range []struct{ rule, from, to, want string }{
		{"elements follow the schema's sequence", `<AudioChannelConfiguration schemeIdUri="urn:mpeg:mpegB:cicp:ChannelConfiguration" value="2"></AudioChannelConfiguration>
      <Role schemeIdUri="urn:mpeg:dash:role:2011" value="main"></Role>`, `<Role schemeIdUri="urn:mpeg:dash:role:2011" value="main"></Role>
      <AudioChannelConfiguration schemeIdUri="urn:mpeg:mpegB:cicp:ChannelConfiguration" value="2"></AudioChannelConfiguration>`, "sequence"},
		{"durations are xs:duration", `mediaPresentationDuration="PT8.000S"`, `mediaPresentationDuration="8s"`, "schema type"},
		{"a Representation needs a bandwidth", `bandwidth="2200000" `, ``, "bandwidth"},
		{"Representation IDs are unique", `id="audio_1"`, `id="audio_0"`, "twice"},
		{"MPD elements live in the MPD namespace", `xmlns="urn:mpeg:dash:schema:mpd:2011"`, `xmlns="urn:example"`, "namespace"},
		{"a static MPD has a duration", ` mediaPresentationDuration="PT8.000S"`, ``, "static"},
		{"a template names its segment numbers", `media="720p/seg_$Number%05d$.m4s"`, `media="720p/seg.m4s"`, "$Number$"},
		{"S needs a duration", `<S t="0" d="49152" r="1">`, `<S t="0" r="1">`, "valid d"},
	} {
		doc := strings.Replace(string(good), c.from, c.to, 1)
		if doc == string(good) {
			t.Fatalf("%s: the test's edit did not apply", c.rule)
		}
		if err := CheckMPD([]byte(doc)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want an error naming %q, got %v", c.rule, c.want, err)
		}
	}
}
