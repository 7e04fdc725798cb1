package app

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestOtherPlayersPlayEncryptedStreams: players differ on encrypted
// streams (HLS AES-128 segments behind a clear CMAF init segment), so
// Shaka Player and video.js (npm, pinned; dev dependencies the pages never
// serve) each play Lineup's encrypted stream in headless Chromium, as a
// site built on either would: on Lineup's origin with the viewer's cookie,
// the playback grant from POST /api/v1/playback, the key from the viewer's
// key URI. Each must play past 3 s, with the key fetched.
func TestOtherPlayersPlayEncryptedStreams(t *testing.T) {
	players := []struct {
		name, lib string
		// start plays the stream URL in the page's #probe video and
		// resolves once it has been asked to.
		start string
	}{
		{"shaka-player", "shaka-player/dist/shaka-player.compiled.js", `(async (url) => {
			shaka.polyfill.installAll();
			const p = new shaka.Player();
			await p.attach(document.getElementById("probe"));
			window.__probeErr = "";
			p.addEventListener("error", e => { window.__probeErr = "shaka error " + (e.detail && e.detail.code); });
			await p.load(url);
			await document.getElementById("probe").play();
			return true;
		})`},
		{"video.js", "video.js/dist/video.min.js", `(async (url) => {
			window.__probeErr = "";
			// Its own HLS engine (VHS), not the browser's: Chromium's
			// native HLS would test Chromium, not video.js.
			const p = videojs(document.getElementById("probe"), {muted: true, html5: {vhs: {overrideNative: true}, nativeAudioTracks: false, nativeVideoTracks: false}});
			p.on("error", () => { window.__probeErr = "video.js error " + JSON.stringify(p.error()); });
			p.src({src: url, type: "application/x-mpegURL"});
			await p.play();
			return true;
		})`},
	}
	libs := map[string]string{}
	for _, p := range players {
		b, err := os.ReadFile("../../node_modules/" + p.lib)
		if err != nil {
			t.Fatalf("%s is not installed: run scripts/build-assets (scripts/test does), which runs npm ci", p.name)
		}
		libs[p.name] = string(b)
	}
	svc := startBrowserService(t, map[string]string{"LINEUP_LOG_LEVEL": "info"})
	for _, p := range players {
		t.Run(p.name, func(t *testing.T) {
			ctx := newBrowser(t, nil)
			signIn(t, ctx, svc.url, "us@viewer.test")
			// A page of Lineup's own origin, its CSP set aside for the
			// library injected into it (the pages never serve it).
			if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/titles/%d", svc.url, svc.titleID)), chromedp.WaitReady(`input[name=csrf]`)); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](libs[p.name]+`;
				const v = document.createElement("video"); v.id = "probe"; v.muted = true; v.setAttribute("playsinline", ""); document.body.appendChild(v); true`)); err != nil {
				t.Fatalf("inject %s: %v", p.name, err)
			}
			keysBefore := strings.Count(svc.log.String(), "route=/keys/{token}/{asset}/{n} status=200")
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`fetch("/api/v1/playback", {method: "POST", credentials: "same-origin",
				headers: {"Content-Type": "application/json", "X-CSRF-Token": document.querySelector("input[name=csrf]").value},
				body: JSON.stringify({title: `+fmt.Sprint(svc.titleID)+`})}).then(r => r.json()).then(g => (`+p.start+`)(g.stream_url))`, chromedp.EvalAwaitPromise)); err != nil {
				t.Fatalf("%s must load and start Lineup's encrypted stream: %v", p.name, err)
			}
			var pos float64
			var perr string
			for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
				// video.js wraps the video in a div that takes its id.
				pos, _ = chromedp.Run(ctx, chromedp.Evaluate[float64](`(document.getElementById("probe_html5_api") || document.getElementById("probe")).currentTime`))
				perr, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`window.__probeErr || ""`))
				if pos > 3 || perr != "" {
					break
				}
			}
			if pos <= 3 {
				dbg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const v = document.getElementById("probe_html5_api") || document.getElementById("probe"); return v ? "readyState " + v.readyState + " src " + (v.currentSrc || "") + " error " + (v.error && v.error.message) : "no video"; })()`))
				t.Logf("%s: %s\n%s", p.name, dbg, tail(svc.log.String(), 1500))
				t.Errorf("%s must play Lineup's encrypted stream past 3 s: at %.2f s (%s)", p.name, pos, perr)
			}
			if strings.Count(svc.log.String(), "route=/keys/{token}/{asset}/{n} status=200") == keysBefore {
				t.Errorf("%s must have fetched the content key from the viewer's key URI", p.name)
			}
		})
	}
}
