package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/store/storetest"
)

// TestMediaProtectAll is `lineup media protect --all` against a running
// service (issue 9), on SQLite and PostgreSQL, with a film ffmpeg encoded
// before encryption existed: the command queues one job for the clear
// asset and says so; a viewer who started before the switch keeps playing
// the clear version; once the job is done a new start gets the encrypted
// asset, whose segments fetched alone do not parse as MP4 and which ffmpeg
// plays with the viewer's cookie; the command then finds nothing to do.
func TestMediaProtectAll(t *testing.T) {
	ffmpegPath, err := exec.LookPath("ffmpeg")
	if err != nil {
		if os.Getenv("LINEUP_TEST_REQUIRE_FFMPEG") == "1" {
			t.Fatal("ffmpeg must be on PATH")
		}
		t.Skip("no ffmpeg on PATH")
	}
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			extra := map[string]string{"LINEUP_SIGNUP": "false", "LINEUP_LOG_LEVEL": "info"}
			if db == "postgres" {
				extra["LINEUP_DATABASE_URL"] = storetest.PostgresURL(t)
			}
			svc := startService(t, extra, true)
			v := signInViewer(t, svc, "us@viewer.test", "US")
			before := v.start(svc.titleID)
			clearURL, clearPL := v.mediaPlaylist(before)
			if strings.Contains(clearPL, "#EXT-X-KEY") {
				t.Fatalf("the film published before encryption must be clear:\n%s", clearPL)
			}

			run := func(args ...string) (string, string) {
				t.Helper()
				var out, errOut bytes.Buffer
				if err := Run(context.Background(), args, func(k string) string { return svc.env[k] }, &out, &errOut); err != nil {
					t.Fatalf("lineup %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
				}
				return out.String(), errOut.String()
			}
			out, progress := run("media", "protect", "--all", "--wait=false")
			m := regexp.MustCompile(`title (\d+): asset (\d+) is clear; encrypting it as asset (\d+) \(job \d+\)`).FindStringSubmatch(progress)
			if m == nil || m[1] != strconv.FormatInt(svc.titleID, 10) || !strings.Contains(out, "1 asset(s) being encrypted") {
				t.Fatalf("protect --all must say which asset it encrypts, as which, and how to follow it:\n%s%s", progress, out)
			}
			newID, _ := strconv.ParseInt(m[3], 10, 64)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			a, err := svc.rt.media.WaitForAsset(ctx, newID, nil)
			if err != nil || a.State != media.StateReady {
				t.Fatalf("the job must encrypt the asset: %v %s %s\n%s", err, a.State, a.Error, tail(svc.log.String(), 2000))
			}
			if out, _ := run("media", "protect", "--all"); !strings.Contains(out, "nothing to do") {
				t.Errorf("a second run must find nothing to do: %s", out)
			}

			// The viewer who started before the switch keeps playing the
			// clear version, playlist and segments alike: never a mix.
			status, _, pl := v.do("GET", clearURL, nil, true)
			if status != 200 || string(pl) != clearPL {
				t.Errorf("a viewer mid-play keeps the clear playlist: %d\n%s", status, pl)
			}
			for _, s := range segmentURIs(string(pl)) {
				u := path.Dir(clearURL) + "/" + s
				status, _, seg := v.do("GET", u, nil, true)
				if box := string(seg[4:min(8, len(seg))]); status != 200 || box != "moof" && box != "ftyp" && box != "styp" {
					t.Errorf("a viewer mid-play keeps getting the clear segments (MP4 boxes): %s %d %q", s, status, box)
				}
			}

			// A new start plays the encrypted asset.
			after := v.start(svc.titleID)
			if !strings.Contains(after.StreamURL, "/"+m[3]+"/") {
				t.Fatalf("a start after the switch plays asset %s: %s", m[3], after.StreamURL)
			}
			u, encPL := v.mediaPlaylist(after)
			keys, segs := keyLine.FindAllStringSubmatch(encPL, -1), segmentURIs(encPL)
			if len(keys) == 0 || len(keys) != len(segs)-1 {
				t.Fatalf("every segment of the protected asset is under an EXT-X-KEY:\n%s", encPL)
			}
			anon := &viewerClient{t: t, base: svc.url}
			status, _, seg := anon.do("GET", segs[0], nil, true)
			if status != 200 || !strings.HasPrefix(segs[0], "/media/") {
				t.Fatalf("the protected segments are shared, token-free: %d %s", status, segs[0])
			}
			if box := string(seg[4:8]); box == "moof" || box == "styp" || box == "ftyp" {
				t.Errorf("a segment fetched alone must not parse as MP4, it starts with %q", box)
			}
			probe := exec.Command("ffprobe", "-v", "error", "-i", "pipe:0")
			probe.Stdin = bytes.NewReader(seg)
			if out, err := probe.CombinedOutput(); err == nil {
				t.Errorf("ffprobe must not read a protected segment fetched alone: %s", out)
			}
			cmd := exec.Command(ffmpegPath, "-hide_banner", "-nostdin",
				"-headers", "Cookie: lineup_session="+v.session.Token+"\r\nX-Test-Country: US\r\n",
				"-i", svc.url+u, "-map", "0:v:0", "-f", "null", "-")
			ffout, err := cmd.CombinedOutput()
			times := regexp.MustCompile(`time=(\d+):(\d+):(\d+\.\d+)`).FindAllStringSubmatch(string(ffout), -1)
			var played float64
			if len(times) > 0 {
				tm := times[len(times)-1]
				h, _ := strconv.Atoi(tm[1])
				mi, _ := strconv.Atoi(tm[2])
				s, _ := strconv.ParseFloat(tm[3], 64)
				played = float64(h*3600+mi*60) + s
			}
			if err != nil || played < 7.5 {
				t.Fatalf("ffmpeg must play the protected film start to end with the viewer's cookie (8 s), played %.2f s: %v\n%s", played, err, tail(string(ffout), 2000))
			}
		})
	}
}

// TestBrowserSwitchesToTheProtectedAsset: a viewer is watching the clear
// version when `lineup media protect --all` switches the title; at its next
// token refresh the player moves to the encrypted asset where the viewer
// was, and plays on (a clean switch, never the new token in the old
// asset's URLs, which the service would refuse).
func TestBrowserSwitchesToTheProtectedAsset(t *testing.T) {
	if _, err := os.Stat("../web/static/vendor/hls.min.js"); err != nil {
		t.Fatal("hls.js is not built into the pages: run scripts/build-assets (scripts/test does)")
	}
	svc := startService(t, map[string]string{"LINEUP_SIGNUP": "false", "LINEUP_LOG_LEVEL": "info", "LINEUP_PLAYLIST_TTL": "10s"}, true)
	ctx := newBrowser(t, nil)
	signIn(t, ctx, svc.url, "us@viewer.test")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/titles/%d", svc.url, svc.titleID)), chromedp.Click(`#play`), chromedp.WaitVisible(`#video`)); err != nil {
		t.Fatal(err)
	}
	eval := func(js string) float64 {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Play a little of the clear version, then hold there.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && eval(`document.getElementById("video").currentTime`) < 1; {
		time.Sleep(100 * time.Millisecond)
	}
	eval(`document.getElementById("video").pause(), 0`)
	held := eval(`document.getElementById("video").currentTime`)
	if held < 1 {
		t.Fatalf("the clear version must play first; at %.2f s", held)
	}
	list, err := svc.rt.media.ProtectAll(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("protect: %+v %v", list, err)
	}
	wctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if a, err := svc.rt.media.WaitForAsset(wctx, list[0].Asset, nil); err != nil || a.State != media.StateReady {
		t.Fatalf("the job must encrypt the asset: %v %s %s", err, a.State, a.Error)
	}
	// The refresh comes 8 s into the 10 s token; the player then loads the
	// encrypted asset's shared /media segments and its key.
	mediaJS := `performance.getEntriesByType("resource").filter(e => e.name.includes("/media/")).length`
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && eval(mediaJS) == 0; {
		time.Sleep(250 * time.Millisecond)
	}
	if eval(mediaJS) == 0 {
		st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent`))
		t.Fatalf("after the switch the player must load the encrypted asset's segments (status %q)\n%s", st, tail(svc.log.String(), 2000))
	}
	// hls.js seeks to the position once the new asset's media is attached.
	var at float64
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && at == 0; time.Sleep(100 * time.Millisecond) {
		at = eval(`document.getElementById("video").currentTime`)
	}
	if at < held-0.5 || at > held+0.5 {
		t.Errorf("the switch must keep the viewer's position %.2f s, the player is at %.2f s", held, at)
	}
	eval(`document.getElementById("video").play(), 0`)
	var pos float64
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if pos = eval(`document.getElementById("video").currentTime`); pos > held+2 {
			break
		}
	}
	st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent`))
	if pos <= held+2 || strings.Contains(st, "stopped") {
		t.Errorf("after the switch the encrypted asset must play on from %.2f s: at %.2f s, status %q", held, pos, st)
	}
	if !strings.Contains(svc.log.String(), "route=/keys/{token}/{asset}/{n} status=200") {
		t.Errorf("the encrypted asset's key must have been fetched")
	}
	if strings.Contains(svc.log.String(), "status=403") {
		t.Errorf("no request may be refused during the switch:\n%s", tail(svc.log.String(), 2000))
	}
}
