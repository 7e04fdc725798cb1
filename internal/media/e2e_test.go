package media_test

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// TestIngestEndToEnd is issue 3's end-to-end test: 6 s of generated 720p
// video with two audio tracks and one subtitle go through Ingest and the
// River worker; the published master and every media playlist are read
// back over HTTP and checked against RFC 8216, and every rendition is
// decoded by ffmpeg over HTTP. It runs on SQLite with the folder store (the
// second audio track a separate file), and on PostgreSQL with the S3 store
// and two worker processes sharing the queue (both audio tracks inside the
// source).
func TestIngestEndToEnd(t *testing.T) {
	cases := []struct {
		name    string
		opts    rigOptions
		workers int
		// separate: the Chinese audio arrives as its own file.
		separate bool
	}{
		{"sqlite+folder", rigOptions{}, 1, true},
		{"postgres+s3+two workers", rigOptions{postgres: true, s3: true}, 2, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.opts)
			dir := t.TempDir()
			sample, err := media.GenerateSample(t.Context(), r.cfg.FFmpegPath, dir, media.SampleOptions{
				Seconds: 6, Width: 1280, Height: 720, Label: "Us and Them", SeparateAudio: tc.separate})
			if err != nil {
				t.Fatal(err)
			}
			titleID := r.title(t, "后来的我们", "zh")
			req := media.IngestRequest{
				TitleID:   titleID,
				Source:    open(t, sample.Video),
				Filename:  "us-and-them.mp4",
				Subtitles: []media.Track{{Language: "en", Filename: "en.vtt", Reader: open(t, sample.Subtitles["en"])}},
			}
			if tc.separate {
				req.Audio = []media.Track{{Language: "zh", Filename: "zh.m4a", Reader: open(t, sample.Audio["zh"])}}
			}
			a, err := r.web.Ingest(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if a.State != media.StateQueued || a.JobID == 0 {
				t.Fatalf("a new asset must be queued with its job: %+v", a)
			}
			for range tc.workers {
				r.worker(t, jobs.Config{})
			}
			var states []media.State
			var sawProgress bool
			start := time.Now()
			a = r.wait(t, a.ID, 4*time.Minute, func(a media.Asset) {
				if len(states) == 0 || states[len(states)-1] != a.State {
					states = append(states, a.State)
				}
				if a.State == media.StateEncoding && a.Progress > 0 && a.Progress < 100 && a.Speed > 0 {
					sawProgress = true
				}
			})
			t.Logf("encoded in %v through states %v", time.Since(start).Round(time.Millisecond), states)
			if a.State != media.StateReady {
				t.Fatalf("the asset must become ready: state %s, error %q\n%s", a.State, a.Error, a.StderrTail)
			}
			if !sawProgress {
				t.Errorf("progress (percent and speed) must be written to the asset while encoding; states seen %v", states)
			}
			if a.Duration < 5900*time.Millisecond || a.Duration > 6100*time.Millisecond {
				t.Errorf("the asset must record the real duration of about 6 s, got %v", a.Duration)
			}
			if a.Width != 1280 || a.Height != 720 || len(a.Ladder) != 4 || a.Ladder[0].Name != "720p" {
				t.Errorf("a 720p source gets the 720p, 480p, 360p and 240p rungs and no taller: %dx%d %+v", a.Width, a.Height, a.Ladder)
			}
			p, err := r.web.PlayableAsset(t.Context(), titleID)
			if err != nil || p.ID != a.ID {
				t.Fatalf("the ready asset must be the title's playable one: %+v %v", p, err)
			}
			if _, err := blob.ReadManifest(t.Context(), r.blobs, a.PublishedPrefix); err != nil {
				t.Errorf("the published prefix must hold a manifest: %v", err)
			}
			if _, err := r.blobs.Stat(t.Context(), a.SourceKey); err != nil {
				t.Errorf("the source must be kept in the store: %v", err)
			}
			srv := serve(t, r.blobs)
			checkPublished(t, r, srv.URL+"/"+a.PublishedPrefix, 2, 1)
		})
	}
}

// checkPublished reads a published asset over HTTP and checks it.
func checkPublished(t *testing.T, r *rig, base string, audioTracks, subtitles int) {
	t.Helper()
	master := string(get(t, base+ffmpeg.MasterName))
	t.Logf("master playlist:\n%s", master)
	variants, renditions := parseMaster(t, master)
	if len(variants) == 0 {
		t.Fatal("the master must list variants")
	}
	var audio, subs []map[string]string
	for _, m := range renditions {
		switch m["TYPE"] {
		case "AUDIO":
			audio = append(audio, m)
		case "SUBTITLES":
			subs = append(subs, m)
		}
	}
	if len(audio) != audioTracks || len(subs) != subtitles {
		t.Fatalf("the master must list %d audio and %d subtitle renditions, got %d and %d", audioTracks, subtitles, len(audio), len(subs))
	}
	langs := map[string]string{}
	for _, m := range audio {
		langs[m["LANGUAGE"]] = m["NAME"]
	}
	if langs["en"] != "English" || langs["zh"] != "中文" {
		t.Errorf("each audio rendition must carry its language and its name: %v", langs)
	}
	if subs[0]["LANGUAGE"] != "en" {
		t.Errorf("the subtitle rendition must carry its language: %v", subs[0])
	}

	// Every audio playlist: its peak, for the variants' BANDWIDTH.
	audioPeak := 0
	for _, m := range append(audio, subs...) {
		if m["AUTOSELECT"] != "YES" {
			t.Errorf("Apple HLS authoring: rendition %s must say AUTOSELECT=YES", m["URI"])
		}
	}
	for _, m := range audio {
		if m["CHANNELS"] != "2" {
			t.Errorf("a stereo source's rendition %s says CHANNELS=\"2\": %v", m["URI"], m)
		}
		pl := checkMediaPlaylist(t, base, m["URI"])
		audioPeak = max(audioPeak, pl.peak)
		decode(t, base+m["URI"])
	}
	var starts [][]string
	for _, v := range variants {
		for _, attr := range []string{"CODECS", "BANDWIDTH", "AVERAGE-BANDWIDTH", "RESOLUTION", "FRAME-RATE"} {
			if v.attrs[attr] == "" {
				t.Errorf("RFC 8216 4.3.4.2: variant %s must declare %s", v.uri, attr)
			}
		}
		if !strings.Contains(v.attrs["CODECS"], "avc1.64") || !strings.Contains(v.attrs["CODECS"], "mp4a.40.2") {
			t.Errorf("variant %s must be H.264 High and AAC-LC: CODECS=%s", v.uri, v.attrs["CODECS"])
		}
		if v.attrs["CLOSED-CAPTIONS"] != "NONE" || v.attrs["VIDEO-RANGE"] != "SDR" {
			t.Errorf("Apple HLS authoring: variant %s must say CLOSED-CAPTIONS=NONE and VIDEO-RANGE=SDR: %v", v.uri, v.attrs)
		}
		pl := checkMediaPlaylist(t, base, v.uri)
		bw, _ := strconv.Atoi(v.attrs["BANDWIDTH"])
		if want := (pl.peak + audioPeak) * 11 / 10; bw < want {
			t.Errorf("BANDWIDTH %d of %s must be its measured peak segment bitrate %d (video %d + audio %d) plus 10 %% headroom (%d)", bw, v.uri, pl.peak+audioPeak, pl.peak, audioPeak, want)
		}
		starts = append(starts, keyframeStarts(t, base, v.uri, pl))
		decode(t, base+v.uri)
	}
	for i := 1; i < len(starts); i++ {
		if strings.Join(starts[i], " ") != strings.Join(starts[0], " ") {
			t.Errorf("every segment of every rung must start with a keyframe at the same presentation time: %s starts %v, %s starts %v",
				variants[i].uri, starts[i], variants[0].uri, starts[0])
		}
	}
	for _, m := range subs {
		pl := checkMediaPlaylist(t, base, m["URI"])
		if pl.target > 4 || len(pl.segments) < 2 {
			t.Errorf("subtitle %s must be cut into segments as long as the video's (4 s), not one for the film: target %d, %d segments", m["URI"], pl.target, len(pl.segments))
		}
		for _, seg := range pl.segments {
			vtt := get(t, base+path.Join(path.Dir(m["URI"]), seg.uri))
			if !bytes.HasPrefix(vtt, []byte("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:")) {
				t.Errorf("every subtitle segment must be WebVTT with an X-TIMESTAMP-MAP: %s\n%s", seg.uri, vtt)
			}
		}
		decode(t, base+m["URI"])
	}
	// I-frame playlists: one per rung, each I-frame a keyframe file of its own.
	iframes := 0
	for _, l := range strings.Split(master, "\n") {
		if !strings.HasPrefix(l, "#EXT-X-I-FRAME-STREAM-INF:") {
			continue
		}
		iframes++
		a := attrs(strings.TrimPrefix(l, "#EXT-X-I-FRAME-STREAM-INF:"))
		body := string(get(t, base+a["URI"]))
		if !strings.Contains(body, "#EXT-X-I-FRAMES-ONLY") || strings.Contains(body, "BYTERANGE") {
			t.Errorf("%s must be an I-frame playlist of whole files:\n%s", a["URI"], body)
		}
		pl := checkMediaPlaylist(t, base, a["URI"])
		for _, start := range keyframeStarts(t, base, a["URI"], pl) {
			if start == "" {
				t.Errorf("%s: every I-frame file holds a keyframe", a["URI"])
			}
		}
	}
	if iframes != len(variants) {
		t.Errorf("every rung needs an I-frame playlist: %d for %d variants", iframes, len(variants))
	}
	// The whole presentation through the master, as a player reads it.
	decode(t, base+ffmpeg.MasterName)

	thumbs := string(get(t, base+media.ThumbnailsTrack))
	if !strings.HasPrefix(thumbs, "WEBVTT") || !strings.Contains(thumbs, "sheet_001.jpg#xywh=0,0,160,90") {
		t.Errorf("the thumbnail track must point at sprite sheet regions:\n%s", thumbs)
	}
	decode(t, base+ffmpeg.TrickplayDir+"/"+ffmpeg.SheetName(1))
}

type variant struct {
	attrs map[string]string
	uri   string
}

func parseMaster(t *testing.T, master string) ([]variant, []map[string]string) {
	t.Helper()
	var vs []variant
	var media []map[string]string
	lines := strings.Split(master, "\n")
	if lines[0] != "#EXTM3U" {
		t.Fatal("RFC 8216 4.3.1.1: a playlist starts with #EXTM3U")
	}
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "#EXT-X-STREAM-INF:"):
			uri := ""
			for _, n := range lines[i+1:] {
				if n != "" && !strings.HasPrefix(n, "#") {
					uri = n
					break
				}
			}
			vs = append(vs, variant{attrs(strings.TrimPrefix(l, "#EXT-X-STREAM-INF:")), uri})
		case strings.HasPrefix(l, "#EXT-X-MEDIA:"):
			media = append(media, attrs(strings.TrimPrefix(l, "#EXT-X-MEDIA:")))
		}
	}
	return vs, media
}

// attrs parses an attribute list, unquoting quoted values.
func attrs(s string) map[string]string {
	m := map[string]string{}
	for s != "" {
		k, rest, _ := strings.Cut(s, "=")
		var v string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"') + 1
			v, rest = rest[1:end], rest[end+1:]
		} else {
			v, rest, _ = strings.Cut(rest, ",")
			rest = "," + rest
		}
		m[k] = v
		s = strings.TrimPrefix(rest, ",")
	}
	return m
}

type segment struct {
	dur float64
	uri string
}

type mediaPlaylist struct {
	target   int
	mapURI   string
	segments []segment
	peak     int
}

// checkMediaPlaylist reads a media playlist and checks the target
// duration rule; it measures the peak segment bitrate from the segments'
// real sizes.
func checkMediaPlaylist(t *testing.T, base, uri string) mediaPlaylist {
	t.Helper()
	body := get(t, base+uri)
	var pl mediaPlaylist
	dur := -1.0
	for _, l := range strings.Split(string(body), "\n") {
		switch {
		case strings.HasPrefix(l, "#EXT-X-TARGETDURATION:"):
			pl.target, _ = strconv.Atoi(strings.TrimPrefix(l, "#EXT-X-TARGETDURATION:"))
		case strings.HasPrefix(l, "#EXT-X-MAP:"):
			pl.mapURI = attrs(strings.TrimPrefix(l, "#EXT-X-MAP:"))["URI"]
		case strings.HasPrefix(l, "#EXTINF:"):
			d, _, _ := strings.Cut(strings.TrimPrefix(l, "#EXTINF:"), ",")
			dur, _ = strconv.ParseFloat(d, 64)
		case l != "" && !strings.HasPrefix(l, "#"):
			pl.segments = append(pl.segments, segment{dur, l})
		}
	}
	if !strings.Contains(string(body), "#EXT-X-ENDLIST") {
		t.Errorf("%s: a VOD playlist must end with EXT-X-ENDLIST", uri)
	}
	if pl.target <= 0 || len(pl.segments) == 0 {
		t.Fatalf("%s: RFC 8216 4.3.3.1: a media playlist needs EXT-X-TARGETDURATION and segments:\n%s", uri, body)
	}
	sizes := map[string]int64{}
	for _, s := range pl.segments {
		if r := int(math.Round(s.dur)); r > pl.target {
			t.Errorf("%s: RFC 8216 4.3.3.1: EXT-X-TARGETDURATION %d must be at least every segment's rounded duration (%s lasts %v)", uri, pl.target, s.uri, s.dur)
		}
		sizes[s.uri] = int64(len(get(t, base+path.Join(path.Dir(uri), s.uri))))
	}
	b, err := ffmpeg.MeasureMediaPlaylist(body, sizes)
	if err != nil {
		t.Fatal(err)
	}
	pl.peak = b.Peak
	return pl
}

// keyframeStarts returns, for each segment of a rung, the presentation
// time of its first frame, checking that the frame is a keyframe.
func keyframeStarts(t *testing.T, base, uri string, pl mediaPlaylist) []string {
	t.Helper()
	_, ffprobe := tools(t)
	dir := path.Dir(uri)
	init := get(t, base+path.Join(dir, pl.mapURI))
	var out []string
	for _, s := range pl.segments {
		file := filepath.Join(t.TempDir(), "seg.mp4")
		data := append(append([]byte(nil), init...), get(t, base+path.Join(dir, s.uri))...)
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := exec.CommandContext(t.Context(), ffprobe, "-v", "error", "-select_streams", "v:0",
			"-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", file).Output()
		if err != nil {
			t.Fatalf("ffprobe %s/%s: %v", dir, s.uri, err)
		}
		lines := strings.Fields(string(res))
		if len(lines) == 0 {
			t.Fatalf("%s/%s holds no video packets", dir, s.uri)
		}
		minPTS, first := math.Inf(1), ""
		for i, l := range lines {
			pts, flags, _ := strings.Cut(l, ",")
			v, _ := strconv.ParseFloat(pts, 64)
			if i == 0 {
				first = pts
				if !strings.Contains(flags, "K") {
					t.Errorf("%s/%s must start with a keyframe (first packet flags %q)", dir, s.uri, flags)
				}
			}
			minPTS = min(minPTS, v)
		}
		if f, _ := strconv.ParseFloat(first, 64); f != minPTS {
			t.Errorf("%s/%s: the keyframe it starts with must be its first frame shown (pts %s, earliest %v)", dir, s.uri, first, minPTS)
		}
		out = append(out, first)
	}
	return out
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return body
}

// decode has ffmpeg read and decode everything at url, over HTTP.
func decode(t *testing.T, url string) {
	t.Helper()
	ff, _ := tools(t)
	out, err := exec.CommandContext(t.Context(), ff, "-hide_banner", "-nostdin", "-v", "error", "-xerror",
		"-i", url, "-map", "0", "-c:s", "webvtt", "-f", "null", "-").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("ffmpeg must decode %s cleanly: %v\n%s", url, err, out)
	}
}
