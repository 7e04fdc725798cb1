package ffmpeg

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hardSourceEncode is an interlaced HDR10 film with 5.1 sound, measured
// for loudness: every source rule of issue 13 at once.
func hardSourceEncode() Encode {
	m := &LoudnormMeasurement{InputI: -27.5, InputTP: -8.1, InputLRA: 6.2, InputThresh: -38, TargetOffset: 0.4, TargetLUFS: -16}
	return Encode{
		Inputs:      []string{"/work/src/hdr-1080i.mkv"},
		FrameRate:   Rate{25, 1},
		Rungs:       ChooseLadder(1920, 1080, 25)[:2],
		Deinterlace: true,
		ToneMap:     TransferPQ,
		Duration:    6 * time.Second,
		Audio: []AudioTrack{
			{Language: "en", Name: "English", Channels: 2, Loudnorm: m},
			{Language: "en", Name: "English 5.1", Channels: 6, Loudnorm: m},
		},
		OutDir: "/work/out/asset-2",
	}
}

func TestEncodeArgsSources(t *testing.T) {
	args, err := EncodeArgs(hardSourceEncode())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "encode_hdr_interlaced_surround.golden", argLines(args))
	fc := args[slices.Index(args, "-filter_complex")+1]
	video, _, _ := strings.Cut(fc, ";")
	for _, rule := range []struct{ name, want string }{
		{"deinterlace before anything else touches the frames", "[0:v:0]bwdif=mode=send_frame:parity=auto:deint=all,fps="},
		{"tone map PQ through linear light to BT.709, HDR reference white (203 cd/m²) at SDR white", "zscale=tin=smpte2084:pin=bt2020:min=bt2020nc:t=linear:npl=203"},
		{"light under 0.7 of the reference white is left alone; above it rolls off up to 1000 cd/m²", "tonemap=tonemap=mobius:param=0.7:peak=4.926:desat=0"},
		{"back to 8-bit BT.709 limited range", "zscale=t=bt709:m=bt709:r=tv,format=yuv420p"},
	} {
		if !strings.Contains(video, rule.want) {
			t.Errorf("%s: %q not in %s", rule.name, rule.want, video)
		}
	}
	for _, rule := range []struct{ name, want string }{
		{"stereo rendition downmixes", "[0:a:0]aformat=channel_layouts=stereo,loudnorm=I=-16:"},
		{"surround rendition is 5.1", "[0:a:0]aformat=channel_layouts=5.1,loudnorm="},
		{"second loudnorm pass uses the measurement, linearly", "measured_I=-27.5:measured_TP=-8.1:measured_LRA=6.2:measured_thresh=-38:offset=0.4:linear=true"},
		{"audio padded and cut to the video", "apad=whole_dur=6.000,atrim=end=6.000[a1]"},
	} {
		if !strings.Contains(fc, rule.want) {
			t.Errorf("%s: %q not in %s", rule.name, rule.want, fc)
		}
	}
	if i := slices.Index(args, "-b:a:1"); i < 0 || args[i+1] != "384000" {
		t.Errorf("the 5.1 rendition gets 384 kb/s")
	}

	for _, c := range []struct {
		rule   string
		change func(*Encode)
		want   string
	}{
		{"only PQ and HLG are tone-mapped", func(e *Encode) { e.ToneMap = "bt709" }, "tone map"},
		{"a field order is tff or bff", func(e *Encode) { e.FieldOrder = "top" }, "field order"},
		{"a field order only goes with deinterlacing", func(e *Encode) { e.FieldOrder, e.Deinterlace = "bff", false }, "only for Deinterlace"},
		{"renditions are stereo or 5.1", func(e *Encode) { e.Audio[1].Channels = 8 }, "channels"},
		{"a silent track's -inf is not a measurement", func(e *Encode) {
			e.Audio[0].Loudnorm = &LoudnormMeasurement{InputI: math.Inf(-1), TargetLUFS: -16}
		}, "not finite"},
	} {
		e := hardSourceEncode()
		c.change(&e)
		if _, err := EncodeArgs(e); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want error containing %q, got %v", c.rule, c.want, err)
		}
	}
}

// TestEncodeArgsHLGFoundInterlaced: an HLG film that idet found
// interlaced, bottom field first.
func TestEncodeArgsHLGFoundInterlaced(t *testing.T) {
	e := hardSourceEncode()
	e.ToneMap, e.FieldOrder = TransferHLG, "bff"
	args, err := EncodeArgs(e)
	if err != nil {
		t.Fatal(err)
	}
	video, _, _ := strings.Cut(args[slices.Index(args, "-filter_complex")+1], ";")
	for _, rule := range []struct{ name, want string }{
		{"the field order idet found is given to bwdif", "[0:v:0]bwdif=mode=send_frame:parity=bff:deint=all,fps="},
		{"HLG's reference white (203 cd/m²) becomes SDR white", "zscale=tin=arib-std-b67:pin=bt2020:min=bt2020nc:t=linear:npl=203"},
		{"light under 0.7 of the reference white is left alone; above it rolls off up to 1000 cd/m²", "tonemap=tonemap=mobius:param=0.7:peak=4.926:desat=0"},
		{"back to 8-bit BT.709 limited range", "zscale=t=bt709:m=bt709:r=tv,format=yuv420p"},
	} {
		if !strings.Contains(video, rule.want) {
			t.Errorf("%s: %q not in %s", rule.name, rule.want, video)
		}
	}
}

func TestParseLoudnorm(t *testing.T) {
	stderr := `[Parsed_loudnorm_1 @ 0x55d] 
{
	"input_i" : "-55.62",
	"input_tp" : "-43.04",
	"input_lra" : "0.00",
	"input_thresh" : "-65.62",
	"output_i" : "-16.66",
	"output_tp" : "-3.46",
	"output_lra" : "0.00",
	"output_thresh" : "-26.66",
	"normalization_type" : "dynamic",
	"target_offset" : "0.66"
}
`
	m, err := ParseLoudnorm(stderr, -16)
	if err != nil {
		t.Fatal(err)
	}
	if m.InputI != -55.62 || m.InputTP != -43.04 || m.InputThresh != -65.62 || m.TargetOffset != 0.66 || m.TargetLUFS != -16 {
		t.Errorf("the measurement must be read whole: %+v", m)
	}
	silent := strings.ReplaceAll(stderr, `"-55.62"`, `"-inf"`)
	if _, err := ParseLoudnorm(silent, -16); err == nil {
		t.Errorf("a silent track (-inf LUFS) cannot be normalised")
	}
	if _, err := ParseLoudnorm("no json here", -16); err == nil {
		t.Errorf("stderr without a measurement is an error")
	}
	args := LoudnessArgs("/src/film.mkv", 1, 6, -16, 90*time.Second)
	if got := strings.Join(args, " "); !strings.Contains(got, "-map 0:a:1 -t 90.000 -af aformat=channel_layouts=5.1,loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json") {
		t.Errorf("the first pass measures the mix the rendition will carry, over the video's duration: %s", got)
	}
}

func TestParseIdet(t *testing.T) {
	for _, c := range []struct {
		report, fieldOrder string
	}{
		{"[Parsed_idet_0 @ 0x1] Repeated Fields: Neither: 99\n[Parsed_idet_0 @ 0x1] Single frame detection: TFF: 80 BFF: 0 Progressive: 10 Undetermined: 10\n[Parsed_idet_0 @ 0x1] Multi frame detection: TFF: 97 BFF: 0 Progressive: 2 Undetermined: 1\n", "tff"},
		{"[Parsed_idet_0 @ 0x1] Multi frame detection: TFF: 3 BFF: 95 Progressive: 2 Undetermined: 0\n", "bff"},
		{"[Parsed_idet_0 @ 0x1] Multi frame detection: TFF: 0 BFF: 1 Progressive: 240 Undetermined: 9\n", ""},
	} {
		got, err := ParseIdet(c.report)
		if err != nil || got != c.fieldOrder {
			t.Errorf("idet %q: got %q %v, want field order %q", c.report, got, err, c.fieldOrder)
		}
	}
	if _, err := ParseIdet(""); err == nil {
		t.Errorf("no idet counts is an error")
	}
}

func TestChooseLadderPortrait(t *testing.T) {
	rungs := ChooseLadder(1080, 1920, 30)
	if len(rungs) != 5 || rungs[0].Width != 1080 || rungs[0].Height != 1920 || rungs[0].Name != "1080p" || rungs[4].Width != 240 || rungs[4].Height != 426 {
		t.Errorf("a portrait phone video gets portrait rungs named by their short side: %+v", rungs)
	}
	land := ChooseLadder(1920, 1080, 30)
	if rungs[0].Bitrate != land[0].Bitrate {
		t.Errorf("a portrait rung costs what its landscape twin costs: %d vs %d", rungs[0].Bitrate, land[0].Bitrate)
	}
	v := VideoStream{Width: 1920, Height: 1080, Rotation: -90}
	if w, h := v.DisplaySize(); w != 1080 || h != 1920 {
		t.Errorf("rotation -90 turns 1920x1080 into 1080x1920: %dx%d", w, h)
	}
	v = VideoStream{Width: 720, Height: 576, SampleAspect: Rate{16, 15}, Rotation: 180}
	if w, h := v.DisplaySize(); w != 768 || h != 576 {
		t.Errorf("sample aspect stretches the width; 180 keeps the shape: %dx%d", w, h)
	}
}

func TestMediaPlaylist(t *testing.T) {
	p := MediaPlaylist{Map: "init_0.mp4", IFramesOnly: true, Segments: []PlaylistSegment{{"iframe_00000.m4s", 2}, {"iframe_00001.m4s", 2.4}}}
	b, err := p.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "iframes.m3u8.golden", b)
	if strings.Contains(string(b), "BYTERANGE") {
		t.Errorf("every I-frame is a whole file, so whole-file encryption covers it")
	}
	for _, bad := range []MediaPlaylist{{}, {Segments: []PlaylistSegment{{"a.m4s", 0}}}, {Segments: []PlaylistSegment{{"a\n#EXT-X-KEY", 1}}}} {
		if _, err := bad.Bytes(); err == nil {
			t.Errorf("playlist %+v must be refused", bad)
		}
	}
}

func TestEncodeArgsConstrainedQuality(t *testing.T) {
	e := hardSourceEncode()
	args, err := EncodeArgs(e)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(args, " ")
	for i, r := range e.Rungs {
		n := strconv.Itoa(i)
		if !strings.Contains(joined, "-crf:v:"+n+" 23 -maxrate:v:"+n+" "+strconv.Itoa(r.MaxRate)+" -bufsize:v:"+n+" "+strconv.Itoa(r.BufSize)) {
			t.Errorf("rung %s is constant quality under its VBV cap: %s", r.Name, joined)
		}
		if strings.Contains(joined, "-b:v:"+n+" ") {
			t.Errorf("rung %s must not also have a target bitrate", r.Name)
		}
	}
	e.Rungs[0].CRF = 60
	if _, err := EncodeArgs(e); err == nil || !strings.Contains(err.Error(), "CRF") {
		t.Errorf("a CRF outside 0-51 must be refused: %v", err)
	}
}
