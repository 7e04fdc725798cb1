package media_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// dashJS is the pinned dash.js (package.json) that npm installs; the
// browser test loads it as a page would.
const dashJS = "../../node_modules/dashjs/dist/modern/umd/dash.all.min.js"

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("LINEUP_TEST_REQUIRE_BROWSER") == "1" {
		t.Fatal("LINEUP_TEST_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH; run scripts/test, which installs it")
	return ""
}

// TestDASHPlaysInDashJS publishes a clear asset (no AES-128: DASH players
// decrypt only CENC) and has dash.js in headless Chromium play its
// manifest.mpd: the picture advances, both audio languages and the
// subtitles are offered, and dash.js reports no error.
func TestDASHPlaysInDashJS(t *testing.T) {
	browser := chromiumPath(t)
	ff, _ := tools(t)
	if _, err := os.Stat(dashJS); err != nil {
		t.Fatalf("dash.js is not installed: run scripts/build-assets (scripts/test does): %v", err)
	}
	dir := t.TempDir()
	sample, err := media.GenerateSample(t.Context(), ff, dir, media.SampleOptions{Seconds: 8, Width: 640, Height: 360})
	if err != nil {
		t.Fatal(err)
	}
	_, out := transcode(t, media.TranscodeRequest{Source: sample.Video,
		Subtitles: []media.TrackFile{{Language: "zh", Path: sample.Subtitles["zh"]}}})
	mpd, err := os.ReadFile(filepath.Join(out, ffmpeg.DASHName))
	if err != nil {
		t.Fatalf("the encode must write %s: %v", ffmpeg.DASHName, err)
	}
	t.Logf("manifest.mpd:\n%s", mpd)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /dash.js", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, dashJS) })
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><video id="v" muted></video><script src="/dash.js"></script><script>
window.dashErrors = [];
const p = dashjs.MediaPlayer().create();
p.on(dashjs.MediaPlayer.events.ERROR, e => window.dashErrors.push(JSON.stringify(e.error || e)));
p.initialize(document.getElementById("v"), "/asset/manifest.mpd", true);
window.player = p;
</script>`))
	})
	mux.Handle("GET /asset/", http.StripPrefix("/asset/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", blob.ContentTypeFor(r.URL.Path))
		http.ServeFile(w, r, filepath.Join(out, filepath.FromSlash(r.URL.Path)))
	})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	var pos float64
	var errs []string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if pos, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("v").currentTime`)); err != nil {
			t.Fatal(err)
		}
		if errs, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.dashErrors`)); err != nil {
			t.Fatal(err)
		}
		if pos > 2 || len(errs) > 0 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if len(errs) > 0 {
		t.Fatalf("dash.js reported errors playing manifest.mpd: %s", strings.Join(errs, "; "))
	}
	if pos <= 2 {
		t.Fatalf("dash.js must play the manifest: the picture is at %.2f s after a minute", pos)
	}
	langs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.player.getTracksFor("audio").map(t => t.lang)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(langs, ",") != "en,zh" {
		t.Errorf("dash.js must offer the English and Chinese audio: %v", langs)
	}
	texts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.player.getTracksFor("text").map(t => t.lang)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(texts, ",") != "zh" {
		t.Errorf("dash.js must offer the Chinese subtitles: %v", texts)
	}
}
