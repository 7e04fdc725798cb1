package ffmpeg

import (
	"errors"
	"testing"
	"time"
)

func TestParseProbe(t *testing.T) {
	// The container claims 100 s; the streams hold 4 s of video and 4.02 s of sound.
	const lying = `{"streams":[
	 {"index":0,"codec_name":"h264","codec_type":"video","width":720,"height":576,"sample_aspect_ratio":"16:11","r_frame_rate":"25/1","avg_frame_rate":"25/1","duration":"4.000000"},
	 {"index":1,"codec_name":"aac","codec_type":"audio","channels":6,"sample_rate":"48000","duration":"4.021333","tags":{"language":"chi","title":"Mandarin"},"disposition":{"default":1}},
	 {"index":2,"codec_name":"aac","codec_type":"audio","channels":2,"sample_rate":"44100","duration":"N/A","tags":{"language":"und"}},
	 {"index":3,"codec_name":"mjpeg","codec_type":"video","width":600,"height":600,"disposition":{"attached_pic":1}},
	 {"index":4,"codec_name":"subrip","codec_type":"subtitle","tags":{"language":"eng"}}
	],"format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"100.000000","size":"123456"}}`
	p, err := ParseProbe([]byte(lying))
	if err != nil {
		t.Fatal(err)
	}
	if p.Duration != 4*time.Second || p.ContainerDuration != 100*time.Second {
		t.Errorf("the real duration is the video stream's (the audio is cut or padded to it), not the container's claim: got %v (container %v)", p.Duration, p.ContainerDuration)
	}
	if len(p.Video) != 1 || p.Video[0].FrameRate != (Rate{25, 1}) || p.Video[0].DisplayWidth() != 1047 {
		t.Errorf("cover art is not video; anamorphic width must be stretched: %+v (display %d)", p.Video, p.Video[0].DisplayWidth())
	}
	if len(p.Audio) != 2 || p.Audio[0].Language != "chi" || p.Audio[0].Title != "Mandarin" || !p.Audio[0].Default || p.Audio[1].Language != "" {
		t.Errorf("audio streams must carry language, title and default; und means none: %+v", p.Audio)
	}
	if len(p.Subtitles) != 1 || p.Subtitles[0].Language != "eng" || p.Size != 123456 {
		t.Errorf("subtitle streams and size: %+v %d", p.Subtitles, p.Size)
	}

	// Matroska keeps stream durations in tags; a variable frame rate falls back to r_frame_rate.
	const mkv = `{"streams":[{"index":0,"codec_name":"hevc","codec_type":"video","width":1920,"height":1080,"r_frame_rate":"24000/1001","avg_frame_rate":"0/0","tags":{"DURATION":"00:01:02.500000000"}}],
	 "format":{"format_name":"matroska,webm","duration":"62.600000"}}`
	p, err = ParseProbe([]byte(mkv))
	if err != nil {
		t.Fatal(err)
	}
	if p.Duration != 62500*time.Millisecond || p.Video[0].FrameRate != (Rate{24000, 1001}) {
		t.Errorf("matroska duration tag and base frame rate: %v %v", p.Duration, p.Video[0].FrameRate)
	}

	const failed = `{"error":{"code":-1094995529,"string":"Invalid data found when processing input"}}`
	_, err = ParseProbe([]byte(failed))
	var pe *ProbeError
	if !errors.As(err, &pe) || pe.Message != "Invalid data found when processing input" {
		t.Errorf("ffprobe's own error must come back as a ProbeError: %v", err)
	}
	for _, bad := range []string{"", "{", `{"streams":[]}`} {
		if _, err := ParseProbe([]byte(bad)); err == nil {
			t.Errorf("%q must not parse", bad)
		}
	}
}

func TestParseRate(t *testing.T) {
	cases := map[string]Rate{"24000/1001": {24000, 1001}, "25": {25, 1}, "0/0": {}, "-1/2": {}, " 30/1 ": {30, 1}}
	for in, want := range cases {
		if got, err := ParseRate(in); err != nil || got != want {
			t.Errorf("rate %q: got %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseRate("fast"); err == nil {
		t.Errorf("a rate that is not a fraction must be an error")
	}
}
