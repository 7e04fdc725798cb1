package media_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// The source table of issue 13: each kind of real source, generated with
// ffmpeg (a few seconds, small pictures), goes through Transcode, the
// pipeline the encode worker runs, and the published output is checked
// the way a viewer would notice it.

// makeSource runs ffmpeg with args and returns the file it wrote.
func makeSource(t *testing.T, name string, args ...string) string {
	t.Helper()
	ff, _ := tools(t)
	out := filepath.Join(t.TempDir(), name)
	full := append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"}, args...)
	full = append(full, out)
	if b, err := exec.CommandContext(t.Context(), ff, full...).CombinedOutput(); err != nil {
		t.Fatalf("generate %s: %v\n%s", name, err, b)
	}
	return out
}

// transcode runs the pipeline on req (Source set) into a fresh folder.
func transcode(t *testing.T, req media.TranscodeRequest) (media.Transcoded, string) {
	t.Helper()
	ff, fp := tools(t)
	req.OutDir = filepath.Join(t.TempDir(), "out")
	if req.DefaultLanguage == "" {
		req.DefaultLanguage = "en"
	}
	out, err := media.Transcode(t.Context(), media.Config{FFmpegPath: ff, FFprobePath: fp, Preset: "ultrafast"}, req)
	if err != nil {
		var ee *media.EncodeError
		if errors.As(err, &ee) {
			t.Fatalf("transcode: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("transcode: %v", err)
	}
	return out, req.OutDir
}

type probedStream struct {
	CodecType      string `json:"codec_type"`
	CodecName      string `json:"codec_name"`
	Width          int    `json:"width"`
	Height         int    `json:"height"`
	Channels       int    `json:"channels"`
	PixFmt         string `json:"pix_fmt"`
	ColorTransfer  string `json:"color_transfer"`
	ColorPrimaries string `json:"color_primaries"`
	Duration       string `json:"duration"`
}

// probeStreams describes the streams of file (a media playlist reads as
// the whole rendition) and its duration in seconds.
func probeStreams(t *testing.T, file string) ([]probedStream, float64) {
	t.Helper()
	_, fp := tools(t)
	b, err := exec.CommandContext(t.Context(), fp, "-v", "error", "-print_format", "json", "-show_streams", "-show_format", file).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", file, err)
	}
	var v struct {
		Streams []probedStream `json:"streams"`
		Format  struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	d, _ := strconv.ParseFloat(v.Format.Duration, 64)
	return v.Streams, d
}

// filterReport runs ffmpeg with a measuring filter on file and returns
// what it printed on stderr.
func filterReport(t *testing.T, file string, args ...string) string {
	t.Helper()
	ff, _ := tools(t)
	full := append([]string{"-hide_banner", "-nostdin", "-i", file}, args...)
	full = append(full, "-f", "null", "-")
	b, err := exec.CommandContext(t.Context(), ff, full...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, b)
	}
	return string(b)
}

func readMaster(t *testing.T, out string) ([]variant, []map[string]string, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, ffmpeg.MasterName))
	if err != nil {
		t.Fatal(err)
	}
	v, m := parseMaster(t, string(b))
	return v, m, string(b)
}

func TestSourcePortraitPhone(t *testing.T) {
	// A phone stores portrait video as 640x360 with a display rotation.
	stored := makeSource(t, "stored.mp4", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=4",
		"-f", "lavfi", "-i", "sine=d=4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")
	src := makeSource(t, "phone.mp4", "-i", stored, "-c", "copy", "-metadata:s:v:0", "rotate=90")
	out, dir := transcode(t, media.TranscodeRequest{Source: src})
	for _, r := range out.Encode.Rungs {
		if r.Height <= r.Width {
			t.Errorf("a portrait source needs portrait rungs: rung %s is %dx%d", r.Name, r.Width, r.Height)
		}
		streams, _ := probeStreams(t, filepath.Join(dir, r.Name, "index.m3u8"))
		if len(streams) == 0 || streams[0].Height <= streams[0].Width {
			t.Errorf("rung %s must decode to frames taller than wide: %+v", r.Name, streams)
		}
	}
	if top := out.Encode.Rungs[0]; top.Width != 360 || top.Height != 640 {
		t.Errorf("the top rung of a 360x640 portrait source is 360x640, not squeezed: %dx%d", top.Width, top.Height)
	}
}

func TestSourceInterlaced(t *testing.T) {
	// 1080i25 in small (480 lines, so the top rung is not scaled and keeps
	// any combing): 50 fields a second woven into 25 frames, top field first.
	src := makeSource(t, "interlaced.mp4", "-f", "lavfi", "-i", "testsrc2=s=640x480:r=50:d=4",
		"-vf", "tinterlace=mode=interleave_top,setfield=tff",
		"-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme", "-x264opts", "tff=1")
	before := filterReport(t, src, "-vf", "idet", "-an")
	if tff, _ := idetCounts(before); tff < 50 {
		t.Fatalf("the generated source must be interlaced for idet:\n%s", before)
	}
	out, dir := transcode(t, media.TranscodeRequest{Source: src})
	top := out.Encode.Rungs[0]
	report := filterReport(t, filepath.Join(dir, top.Name, "index.m3u8"), "-vf", "idet", "-an")
	tff, progressive := idetCounts(report)
	if tff > progressive/10 {
		t.Errorf("the rungs must be deinterlaced: idet finds %d top-field-first frames and %d progressive on %s", tff, progressive, top.Name)
	}
}

// TestSourceInterlacedUnlabelled: interlaced frames in a file that does
// not say so (field_order "progressive" from an encoder told nothing, or
// unknown), so only idet can tell. Bottom field first is the case that
// needs idet's field order too: deinterlacing it as top field first
// shows the fields out of order.
func TestSourceInterlacedUnlabelled(t *testing.T) {
	for _, tc := range []struct {
		name, weave, codec, fieldOrder, parity string
	}{
		{"labelled progressive, bottom field first", "interleave_bottom", "libx264", "progressive", "bff"},
		{"field order unknown, top field first", "interleave_top", "mpeg4", "", "tff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fp := tools(t)
			src := makeSource(t, "woven.mp4", "-f", "lavfi", "-i", "testsrc2=s=640x480:r=50:d=4",
				"-vf", "tinterlace=mode="+tc.weave+",setfield=prog", "-c:v", tc.codec, "-q:v", "2")
			p, err := media.Probe(t.Context(), fp, src)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Video[0].FieldOrder; got != tc.fieldOrder {
				t.Fatalf("the generated source must say field_order %q, not %q", tc.fieldOrder, got)
			}
			if n, _ := idetCounts(filterReport(t, src, "-vf", "idet", "-an")); n < 90 {
				t.Fatalf("the generated source's frames must really be interlaced: idet finds %d of 100", n)
			}
			out, dir := transcode(t, media.TranscodeRequest{Source: src})
			if !out.Encode.Deinterlace || out.Encode.FieldOrder != tc.parity {
				t.Errorf("idet must find the source interlaced, %s: deinterlace %v, field order %q", tc.parity, out.Encode.Deinterlace, out.Encode.FieldOrder)
			}
			top := out.Encode.Rungs[0]
			interlaced, progressive := idetCounts(filterReport(t, filepath.Join(dir, top.Name, "index.m3u8"), "-vf", "idet", "-an"))
			if interlaced > progressive/10 {
				t.Errorf("the rungs must be deinterlaced in the right field order: idet finds %d interlaced frames and %d progressive on %s", interlaced, progressive, top.Name)
			}
		})
	}
}

// idetCounts returns idet's multi-frame counts of interlaced (either
// field order) and progressive frames.
func idetCounts(report string) (interlaced, progressive int) {
	m := regexp.MustCompile(`Multi frame detection: TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)`).FindStringSubmatch(report)
	if m == nil {
		return 0, 0
	}
	tff, _ := strconv.Atoi(m[1])
	bff, _ := strconv.Atoi(m[2])
	p, _ := strconv.Atoi(m[3])
	return tff + bff, p
}

func TestSourceHDR10(t *testing.T) {
	src := makeSource(t, "hdr10.mp4", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=4",
		"-pix_fmt", "yuv420p10le", "-c:v", "libx265", "-preset", "ultrafast",
		"-x265-params", "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:hdr10=1",
		"-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", "-tag:v", "hvc1")
	out, dir := transcode(t, media.TranscodeRequest{Source: src})
	for _, r := range out.Encode.Rungs {
		streams, _ := probeStreams(t, filepath.Join(dir, r.Name, "index.m3u8"))
		if len(streams) == 0 || streams[0].PixFmt != "yuv420p" || streams[0].ColorTransfer != "bt709" {
			t.Errorf("rung %s must be 8-bit SDR tagged BT.709, not PQ: %+v", r.Name, streams)
		}
	}
	variants, _, master := readMaster(t, dir)
	for _, v := range variants {
		if v.attrs["VIDEO-RANGE"] != "SDR" {
			t.Errorf("every variant of a tone-mapped ladder says VIDEO-RANGE=SDR:\n%s", master)
			break
		}
	}
}

// TestSourceHDRToneMapped: an HLG film and an HDR10 (PQ) film (BT.2020,
// 10-bit HEVC) made from an SDR picture the way BT.2408 converts SDR to
// HDR: SDR white at the HDR reference white (203 cd/m², 75 % HLG signal).
// Tone-mapped back for the SDR ladder each must look like that picture
// again, neither dimmed nor washed out.
func TestSourceHDRToneMapped(t *testing.T) {
	for _, tc := range []struct{ name, transfer string }{{"HLG", ffmpeg.TransferHLG}, {"HDR10 PQ", ffmpeg.TransferPQ}} {
		t.Run(tc.name, func(t *testing.T) {
			sdr := makeSource(t, "sdr.mkv", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=4",
				"-vf", "format=yuv420p,setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv",
				"-c:v", "libx264", "-preset", "ultrafast", "-qp", "0")
			src := makeSource(t, "hdr.mp4", "-i", sdr,
				"-vf", "zscale=t=linear,format=gbrpf32le,zscale=p=bt2020,zscale=t="+tc.transfer+":m=bt2020nc:r=tv:npl=203,format=yuv420p10le",
				"-c:v", "libx265", "-preset", "ultrafast", "-crf", "8",
				"-x265-params", "log-level=error:colorprim=bt2020:transfer="+tc.transfer+":colormatrix=bt2020nc",
				"-color_primaries", "bt2020", "-color_trc", tc.transfer, "-colorspace", "bt2020nc", "-tag:v", "hvc1")
			out, dir := transcode(t, media.TranscodeRequest{Source: src})
			if out.Probe.Video[0].ColorTransfer != tc.transfer {
				t.Fatalf("the generated source must be %s: %+v", tc.transfer, out.Probe.Video[0])
			}
			for _, r := range out.Encode.Rungs {
				streams, _ := probeStreams(t, filepath.Join(dir, r.Name, "index.m3u8"))
				if len(streams) == 0 || streams[0].PixFmt != "yuv420p" || streams[0].ColorTransfer != "bt709" || streams[0].ColorPrimaries != "bt709" {
					t.Errorf("rung %s must be 8-bit SDR tagged BT.709, not %s/BT.2020: %+v", r.Name, tc.transfer, streams)
				}
			}
			variants, _, master := readMaster(t, dir)
			for _, v := range variants {
				if v.attrs["VIDEO-RANGE"] != "SDR" {
					t.Errorf("every variant of a tone-mapped ladder says VIDEO-RANGE=SDR:\n%s", master)
					break
				}
			}
			// The top rung (640x360, not scaled) against the SDR picture.
			top := filepath.Join(dir, out.Encode.Rungs[0].Name, "index.m3u8")
			report := filterReport(t, top, "-i", sdr, "-lavfi", "[0:v][1:v]psnr", "-an")
			m := regexp.MustCompile(`PSNR y:([\d.]+)`).FindStringSubmatch(report)
			if m == nil {
				t.Fatalf("psnr printed nothing:\n%s", report)
			}
			if y, _ := strconv.ParseFloat(m[1], 64); y < 25 {
				t.Errorf("the tone-mapped picture must look like the SDR picture the %s source was made from: luma PSNR %.1f dB, want ≥ 25", tc.name, y)
			}
		})
	}
}

func TestSourceSurround(t *testing.T) {
	for _, tc := range []struct{ layout, name string }{{"5.1", "5.1"}, {"7.1", "7.1"}} {
		t.Run(tc.name, func(t *testing.T) {
			src := makeSource(t, "surround.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4",
				"-f", "lavfi", "-i", "sine=f=440:d=4", "-filter_complex", "[1:a]aformat=channel_layouts="+tc.layout+"[a]",
				"-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-metadata:s:a:0", "language=eng")
			_, dir := transcode(t, media.TranscodeRequest{Source: src})
			variants, renditions, master := readMaster(t, dir)
			channels := map[string]string{}
			for _, m := range renditions {
				if m["TYPE"] != "AUDIO" {
					continue
				}
				channels[m["CHANNELS"]] = m["URI"]
				if m["AUTOSELECT"] != "YES" {
					t.Errorf("audio rendition %s must say AUTOSELECT=YES", m["URI"])
				}
			}
			if channels["2"] == "" || channels["6"] == "" {
				t.Fatalf("a %s source gets a stereo rendition (CHANNELS=\"2\") and a 5.1 one (CHANNELS=\"6\"):\n%s", tc.name, master)
			}
			for want, uri := range map[int]string{2: channels["2"], 6: channels["6"]} {
				streams, _ := probeStreams(t, filepath.Join(dir, uri))
				if len(streams) == 0 || streams[0].Channels != want {
					t.Errorf("rendition %s must hold %d channels: %+v", uri, want, streams)
				}
			}
			groups := map[string]bool{}
			for _, v := range variants {
				groups[v.attrs["AUDIO"]] = true
			}
			if len(groups) != 2 {
				t.Errorf("each rung is offered with the stereo group and with the surround group (got groups %v)", groups)
			}
		})
	}
}

func TestSourceAudioLongerThanVideo(t *testing.T) {
	src := makeSource(t, "long-audio.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4",
		"-f", "lavfi", "-i", "sine=d=7", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")
	out, dir := transcode(t, media.TranscodeRequest{Source: src})
	_, video := probeStreams(t, filepath.Join(dir, out.Encode.Rungs[0].Name, "index.m3u8"))
	_, audio := probeStreams(t, filepath.Join(dir, ffmpeg.AudioDir(0), "index.m3u8"))
	if diff := audio - video; diff > 0.1 || diff < -0.1 {
		t.Errorf("audio must be trimmed to the video's duration: audio %.3f s, video %.3f s", audio, video)
	}
	if out.Duration.Seconds() > 4.1 {
		t.Errorf("the asset's duration is the video's (4 s), not the longer audio's: %v", out.Duration)
	}
}

func TestSourceAudioShorterThanVideo(t *testing.T) {
	src := makeSource(t, "short-audio.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=6",
		"-f", "lavfi", "-i", "sine=d=3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")
	out, dir := transcode(t, media.TranscodeRequest{Source: src})
	_, video := probeStreams(t, filepath.Join(dir, out.Encode.Rungs[0].Name, "index.m3u8"))
	_, audio := probeStreams(t, filepath.Join(dir, ffmpeg.AudioDir(0), "index.m3u8"))
	if diff := audio - video; diff > 0.1 || diff < -0.1 {
		t.Errorf("audio must be padded with silence to the video's duration: audio %.3f s, video %.3f s", audio, video)
	}
}

func TestSourceLoudness(t *testing.T) {
	// A quiet film: a tone about 30 LU under the target.
	src := makeSource(t, "quiet.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=5",
		"-f", "lavfi", "-i", "sine=f=440:d=5", "-af", "volume=-40dB",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")
	out, dir := transcode(t, media.TranscodeRequest{Source: src})
	report := filterReport(t, filepath.Join(dir, ffmpeg.AudioDir(0), "index.m3u8"), "-af", "ebur128", "-vn")
	m := regexp.MustCompile(`(?s)Summary:.*?I:\s*(-?[\d.]+) LUFS`).FindStringSubmatch(report)
	if m == nil {
		t.Fatalf("ebur128 printed no integrated loudness:\n%s", report)
	}
	got, _ := strconv.ParseFloat(m[1], 64)
	if got < media.DefaultLoudnessLUFS-1 || got > media.DefaultLoudnessLUFS+1 {
		t.Errorf("the audio rendition must be normalised to %v LUFS ±1 LU, measured %v", media.DefaultLoudnessLUFS, got)
	}
	if len(out.Loudness) != 1 || out.Loudness[0].InputLUFS > -45 || out.Loudness[0].InputLUFS < -70 {
		t.Errorf("the source's measured loudness (about -55 LUFS) must be reported: %+v", out.Loudness)
	}
}

func TestSourceEmbeddedSubtitles(t *testing.T) {
	srt := filepath.Join(t.TempDir(), "zh.srt")
	os.WriteFile(srt, []byte("1\n00:00:01,000 --> 00:00:02,500\n林志玲\n\n2\n00:00:05,000 --> 00:00:06,000\n劉德華　郭富城\n"), 0o644)
	src := makeSource(t, "subbed.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=7",
		"-f", "lavfi", "-i", "sine=d=7", "-i", srt, "-i", srt,
		"-map", "0:v", "-map", "1:a", "-map", "2:s", "-map", "3:s",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-c:s", "mov_text",
		"-metadata:s:s:0", "language=chi", "-metadata:s:s:1", "language=eng",
		"-disposition:s:0", "default", "-disposition:s:1", "forced+hearing_impaired")
	_, dir := transcode(t, media.TranscodeRequest{Source: src})
	variants, renditions, master := readMaster(t, dir)
	var subs []map[string]string
	for _, m := range renditions {
		if m["TYPE"] == "SUBTITLES" {
			subs = append(subs, m)
		}
	}
	if len(subs) != 2 {
		t.Fatalf("both embedded mov_text subtitles must become WebVTT renditions:\n%s", master)
	}
	if subs[0]["LANGUAGE"] != "zh" || subs[0]["DEFAULT"] != "YES" || subs[1]["LANGUAGE"] != "en" {
		t.Errorf("subtitle renditions keep their language and default disposition: %v", subs)
	}
	if subs[1]["FORCED"] != "YES" || !strings.Contains(subs[1]["CHARACTERISTICS"], "public.accessibility.describes-music-and-sound") {
		t.Errorf("forced and hearing-impaired dispositions become FORCED and CHARACTERISTICS: %v", subs[1])
	}
	for _, v := range variants {
		if v.attrs["SUBTITLES"] == "" {
			t.Errorf("every variant refers to the subtitle group: %v", v.attrs)
		}
	}
	var text strings.Builder
	for _, seg := range mediaSegments(t, filepath.Join(dir, subs[0]["URI"])) {
		b, _ := os.ReadFile(seg)
		text.Write(b)
	}
	if !strings.Contains(text.String(), "林志玲") || !strings.Contains(text.String(), "劉德華　郭富城") {
		t.Errorf("the Chinese cues must survive intact:\n%s", text.String())
	}
}

// mediaSegments lists the segment files of a media playlist.
func mediaSegments(t *testing.T, playlist string) []string {
	t.Helper()
	b, err := os.ReadFile(playlist)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, filepath.Join(filepath.Dir(playlist), l))
		}
	}
	return out
}

func TestSourceImageSubtitlesListed(t *testing.T) {
	// ffmpeg cannot draw text into DVD or PGS bitmaps, so the image
	// subtitle stream is added to the real source's probe, as ffprobe
	// reports one in a Blu-ray rip.
	_, fp := tools(t)
	src := makeSource(t, "rip.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4",
		"-c:v", "libx264", "-preset", "ultrafast")
	p, err := media.Probe(t.Context(), fp, src)
	if err != nil {
		t.Fatal(err)
	}
	p.Subtitles = append(p.Subtitles, ffmpeg.SubtitleStream{Index: 1, Codec: "hdmv_pgs_subtitle", Language: "fre"})
	out, dir := transcode(t, media.TranscodeRequest{Source: src, Probe: &p})
	if len(out.NotConverted) != 1 || out.NotConverted[0].Codec != "hdmv_pgs_subtitle" || out.NotConverted[0].Language != "fre" {
		t.Errorf("image subtitles are listed as not converted: %+v", out.NotConverted)
	}
	if _, renditions, _ := readMaster(t, dir); len(renditions) != 0 {
		t.Errorf("image subtitles get no rendition: %v", renditions)
	}
}

func TestSourceRefusedAtProbe(t *testing.T) {
	_, fp := tools(t)
	full := makeSource(t, "full.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=6",
		"-f", "lavfi", "-i", "sine=d=6", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-movflags", "+faststart")
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.mp4")
	os.WriteFile(cut, data[:len(data)/2], 0o644) // head -c: the index at the front promises 6 s
	oneFrame := makeSource(t, "one.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25", "-frames:v", "1", "-c:v", "libx264")
	short := makeSource(t, "short.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2", "-c:v", "libx264", "-preset", "ultrafast")
	for _, tc := range []struct {
		name, file, want string
	}{
		{"cut short", cut, "cut short"},
		{"one frame", oneFrame, "one frame"},
		{"shorter than a segment", short, "shorter than one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := media.Probe(t.Context(), fp, tc.file)
			var refused *media.RefusedError
			if !errors.As(err, &refused) || !strings.Contains(refused.Reason, tc.want) {
				t.Errorf("the source must be refused at probe with a reason saying %q: %v", tc.want, err)
			}
		})
	}
}

// TestConstrainedQuality: a calm picture takes far fewer bits than the
// rung's budget, and a noisy one stays within the rung's cap.
func TestConstrainedQuality(t *testing.T) {
	calm := makeSource(t, "calm.mp4", "-f", "lavfi", "-i", "gradients=s=640x360:r=25:d=4:speed=0.005",
		"-c:v", "libx264", "-preset", "ultrafast", "-qp", "10")
	noisy := makeSource(t, "noisy.mp4", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=4,noise=alls=60:allf=t",
		"-c:v", "libx264", "-preset", "ultrafast", "-qp", "10")
	for _, tc := range []struct {
		name, src string
		check     func(t *testing.T, r ffmpeg.Rung, b ffmpeg.Bitrates)
	}{
		{"calm", calm, func(t *testing.T, r ffmpeg.Rung, b ffmpeg.Bitrates) {
			if b.Average > r.Bitrate/2 {
				t.Errorf("a calm picture must take well under the formula's %d b/s on %s: %d", r.Bitrate, r.Name, b.Average)
			}
		}},
		{"noisy", noisy, func(t *testing.T, r ffmpeg.Rung, b ffmpeg.Bitrates) {
			// VBV: any 4 s holds at most MaxRate·4 + BufSize bits.
			if limit := r.MaxRate + r.BufSize/4; b.Peak > limit*105/100 {
				t.Errorf("a noisy picture must stay within the cap on %s: peak %d b/s, cap %d", r.Name, b.Peak, limit)
			}
			if b.Average < r.Bitrate/2 {
				t.Errorf("a noisy picture needs its bits (%d b/s on %s); is the cap applied to the wrong rung?", b.Average, r.Name)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, dir := transcode(t, media.TranscodeRequest{Source: tc.src})
			r := out.Encode.Rungs[0]
			pl, err := os.ReadFile(filepath.Join(dir, r.Name, "index.m3u8"))
			if err != nil {
				t.Fatal(err)
			}
			sizes := map[string]int64{}
			for _, seg := range mediaSegments(t, filepath.Join(dir, r.Name, "index.m3u8")) {
				fi, _ := os.Stat(seg)
				sizes[filepath.Base(seg)] = fi.Size()
			}
			b, err := ffmpeg.MeasureMediaPlaylist(pl, sizes)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s on %s: average %d b/s, peak %d b/s (formula %d, cap %d)", tc.name, r.Name, b.Average, b.Peak, r.Bitrate, r.MaxRate)
			tc.check(t, r, b)
		})
	}
}
