// Package firstframe times, in headless Chromium, the press of a title
// page's Play link to the first video frame its player page presents: what
// the benches that compare a player page with a baseline share.
package firstframe

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// firstFrameJS runs in every page before the page's own scripts. On a
// page with a #play link it notes, in sessionStorage, the instant the link
// is clicked; on the player page it notes the instant the first video
// frame is presented (requestVideoFrameCallback) and the instant the video
// is seen moving (a timeupdate with currentTime > 0), and publishes both,
// as milliseconds since the click, in window.__benchPlay. Instants are
// performance.timeOrigin + performance.now(), comparable across pages.
const firstFrameJS = `(function () {
  function at(t) { return performance.timeOrigin + (t === undefined ? performance.now() : t); }
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("#play") && e.target.closest("a")) {
      sessionStorage.setItem("benchPlayAt", String(at()));
    }
  }, true);
  document.addEventListener("DOMContentLoaded", function () {
    var video = document.getElementById("video");
    var clicked = Number(sessionStorage.getItem("benchPlayAt") || 0);
    if (!video || !clicked) return;
    sessionStorage.removeItem("benchPlayAt");
    var res = { nav: at(0) - clicked, frame: 0, moving: 0, how: "" };
    function publish() { if (res.frame && res.moving) window.__benchPlay = res; }
    if (video.requestVideoFrameCallback) {
      video.requestVideoFrameCallback(function (now) { res.frame = at(now) - clicked; res.how = "requestVideoFrameCallback"; publish(); });
    }
    video.addEventListener("timeupdate", function () {
      if (res.moving || !(video.currentTime > 0)) return;
      res.moving = at() - clicked;
      if (!res.frame) { res.frame = res.moving; res.how = "timeupdate"; }
      publish();
    });
  });
})();`

// Result is one press of play, in milliseconds from the click.
type Result struct {
	Nav    float64 `json:"nav"`    // the player page's navigation start
	Frame  float64 `json:"frame"`  // the first frame presented
	Moving float64 `json:"moving"` // currentTime past zero
	How    string  `json:"how"`
}

// FindChromium returns Debian's Chromium.
func FindChromium() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("missing: chromium (scripts/bench installs it, or apt-get install -y chromium)")
}

// NewBrowser starts headless Chromium with a profile in dir, the HTTP
// cache off (so that neither side plays from the cache) and firstFrameJS
// in every page. Cancel the returned function to end it.
func NewBrowser(ctx context.Context, dir string) (context.Context, context.CancelFunc, error) {
	bin, err := FindChromium()
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun, chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.WindowSize(1280, 800),
		chromedp.UserDataDir(dir),
	)
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	cancel := func() { cancelB(); cancelA() }
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("start chromium: %w", err)
	}
	if _, err := chromedp.Call(bctx, network.Enable, network.EnableParams{}); err != nil {
		cancel()
		return nil, nil, err
	}
	if _, err := chromedp.Call(bctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		cancel()
		return nil, nil, err
	}
	if _, err := chromedp.Call(bctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: firstFrameJS}); err != nil {
		cancel()
		return nil, nil, err
	}
	return bctx, cancel, nil
}

// SignIn signs a viewer in to the Lineup at base with email and password
// and picks the profile named profile.
func SignIn(ctx context.Context, base, email, password, profile string) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(`input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, email),
		chromedp.SendKeys(`input[name=password]`, password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`button[data-profile="`+profile+`"]`),
		chromedp.Click(`button[data-profile="`+profile+`"]`),
		chromedp.WaitVisible(`#row-new`),
	)
}

// PressPlay opens titleURL, clicks its #play link, and waits for the player
// page to show its first frame and start moving; then it leaves the page
// (about:blank), so that nothing plays on during the next measurement.
func PressPlay(ctx context.Context, titleURL string) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	defer func() {
		lctx, lcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		chromedp.Do(lctx, chromedp.Navigate("about:blank"))
		lcancel()
	}()
	if err := chromedp.Do(ctx, chromedp.Navigate(titleURL), chromedp.WaitVisible(`#play`), chromedp.Click(`#play`)); err != nil {
		return Result{}, fmt.Errorf("open %s and press play: %w", titleURL, err)
	}
	for {
		// While the player page loads, the evaluation may fail (the old
		// page's context is gone) or find the title page still there.
		r, err := chromedp.Run(ctx, chromedp.Evaluate[*Result](`window.__benchPlay || null`))
		if err == nil && r != nil {
			return *r, nil
		}
		select {
		case <-ctx.Done():
			sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			status, _ := chromedp.Run(sctx, chromedp.Evaluate[string](`(document.getElementById("status") || {}).textContent || location.href`))
			scancel()
			return Result{}, fmt.Errorf("no first frame within 60 s of pressing play on %s (page says %q)", titleURL, status)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
