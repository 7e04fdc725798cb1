package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// chromium finds Debian's headless Chromium, or skips (fails under
// LINEUP_TEST_REQUIRE_BROWSER=1, as scripts/test sets).
func chromium(t *testing.T) string {
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

// browserService is a whole Lineup on SQLite with one playable title,
// serving on a free loopback port.
type browserService struct {
	url     string
	titleID int64
	rt      *runtime
	// log holds everything the service logged.
	log *lockedBuffer
	// env is the service's settings, for a CLI run beside it.
	env map[string]string
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startBrowserService starts the service; extra settings (environment
// names and values) override the test's own.
func startBrowserService(t *testing.T, extra ...map[string]string) browserService {
	t.Helper()
	env := map[string]string{"LINEUP_SIGNUP": "false"}
	for _, m := range extra {
		maps.Copy(env, m)
	}
	return startBrowserServiceWith(t, env)
}

// startBrowserServiceWith starts the browser tests' service with env added
// to (or replacing) its environment.
func startBrowserServiceWith(t *testing.T, extra map[string]string) browserService {
	t.Helper()
	return startService(t, extra, false)
}

// startService starts the browser tests' service. clearMedia publishes the
// title's film clear, as a service did before encryption existed (issue
// 9's `lineup media protect --all` then has something to encrypt).
func startService(t *testing.T, extra map[string]string, clearMedia bool) browserService {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	c := newCLI(t, filepath.Join(dir, "lineup.db"))
	for k, v := range map[string]string{
		"LINEUP_DATA_DIR": dir, "LINEUP_ADDR": "127.0.0.1:0", "LINEUP_METRICS_ADDR": "127.0.0.1:0", "LINEUP_SIGNUP": "false",
		"LINEUP_TRUSTED_PROXIES": "127.0.0.1/32, ::1/128", "LINEUP_COUNTRY_HEADER": "X-Test-Country",
		"LINEUP_DEFAULT_TERRITORY": "US",
	} {
		c.env[k] = v
	}
	maps.Copy(c.env, extra)
	logs := &lockedBuffer{}
	e := &env{stdout: io.Discard, stderr: logs, getenv: func(k string) string { return c.env[k] }}
	_, parse := e.flags("serve")
	if err := parse(nil); err != nil {
		t.Fatal(err)
	}
	rt, err := e.openRuntime(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if !clearMedia {
		if err := rt.queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	title, err := rt.catalog.CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh", Year: 2018,
		Localizations: []catalog.Localization{{Language: "en", Title: "Us and Them", Synopsis: "Two strangers meet on a train home."},
			{Language: "zh", Title: "后来的我们", Synopsis: "春节回家的火车上，一对年轻男女相遇。"},
			{Language: "zh-Hant", Title: "後來的我們", Synopsis: "春節回家的火車上，一對年輕男女相遇。"}}})
	if err != nil {
		t.Fatal(err)
	}
	next := time.Now().AddDate(0, 1, 0)
	for _, l := range []rights.License{
		{TitleID: title.ID, Licensor: "R", Licensee: e.cfg.Licensee, Type: rights.SVOD, Territories: []string{"US"}, Start: rights.DateMoment(2018, 6, 22)},
		{TitleID: title.ID, Licensor: "R", Licensee: e.cfg.Licensee, Type: rights.SVOD, Territories: []string{"FR"}, Start: rights.DateMoment(next.Year(), next.Month(), next.Day())},
	} {
		if _, _, err := rt.rights.Add(ctx, l, false); err != nil {
			t.Fatal(err)
		}
	}
	// Three reported days of its run in China, for the title page's chart.
	if _, err := rt.boxoffice.Add(ctx, []charts.Gross{
		{TitleID: title.ID, Territory: "CN", Day: "2018-04-28", Amount: 28_000_000_000, Currency: "CNY", Source: "test"},
		{TitleID: title.ID, Territory: "CN", Day: "2018-04-29", Amount: 25_000_000_000, Currency: "CNY", Source: "test"},
		{TitleID: title.ID, Territory: "CN", Day: "2018-04-30", Amount: 22_000_000_000, Currency: "CNY", Source: "test"},
	}, "browser test"); err != nil {
		t.Fatal(err)
	}
	files, err := media.GenerateSample(ctx, e.cfg.FFmpeg, t.TempDir(), media.SampleOptions{Seconds: 8, Width: 640, Height: 360, Label: "Us and Them"})
	if err != nil {
		t.Fatalf("generate sample video: %v", err)
	}
	keyed := rt.media
	var clearQ *jobs.Queue
	if clearMedia {
		// A worker of its own, without content keys, encodes it; the
		// service's queue starts once it is done.
		dsn := ""
		if rt.db.Dialect == store.Postgres {
			dsn = e.cfg.DatabaseURL
		}
		if clearQ, err = jobs.New(ctx, rt.db, jobs.Config{DatabaseURL: dsn, Work: true}); err != nil {
			t.Fatal(err)
		}
		if rt.media, err = media.New(rt.db, rt.blob, clearQ, media.Config{FFmpegPath: e.cfg.FFmpeg, FFprobePath: e.cfg.FFprobe}); err != nil {
			t.Fatal(err)
		}
		if err := clearQ.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	a, err := ingestFiles(ctx, rt, title.ID, files)
	if err != nil {
		t.Fatal(err)
	}
	if a, err = rt.media.WaitForAsset(ctx, a.ID, nil); err != nil || a.State != media.StateReady {
		t.Fatalf("the sample must encode: %v %s %s", err, a.State, a.Error)
	}
	rt.media = keyed
	if clearMedia {
		clearQ.Stop(ctx)
		clearQ.Close()
		if err := rt.queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, email := range []string{"us@viewer.test", "fr@viewer.test", "admin@viewer.test"} {
		role := accounts.RoleViewer
		if strings.HasPrefix(email, "admin@") {
			role = accounts.RoleAdmin
		}
		u, err := rt.accounts.AddUser(ctx, accounts.NewUser{Email: email, Password: "correct horse battery", HomeTerritory: "US", Role: role})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rt.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Alex", Language: "en", MaxAge: 18}); err != nil {
			t.Fatal(err)
		}
	}
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- e.serve(ctx, rt, func(a string) { addrc <- a }) }()
	t.Cleanup(func() {
		cancel()
		<-done
		rt.close(context.Background())
	})
	select {
	case addr := <-addrc:
		return browserService{url: "http://" + addr, titleID: title.ID, rt: rt, log: logs, env: c.env}
	case err := <-done:
		done <- err // for the cleanup
		t.Fatalf("the service must start serving: %v\n%s", err, tail(logs.String(), 1500))
		return browserService{}
	}
}

func newBrowser(t *testing.T, headers map[string]any) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun, chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if headers != nil {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers(headers)}); err != nil {
			t.Fatal(err)
		}
	}
	return ctx
}

func signIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(`input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, email),
		chromedp.SendKeys(`input[name=password]`, "correct horse battery"),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`button[data-profile="Alex"]`),
		chromedp.Click(`button[data-profile="Alex"]`),
		chromedp.WaitVisible(`#row-new`),
	)
	if err != nil {
		t.Fatalf("signing in as %s and picking a profile must land on the home page: %v", email, err)
	}
}

func TestBrowserWatchesAFilm(t *testing.T) {
	if _, err := os.Stat("../web/static/vendor/hls.min.js"); err != nil {
		t.Fatal("hls.js is not built into the pages: run scripts/build-assets (scripts/test does)")
	}
	// Tokens live 10 s, so the player must refresh its token while it plays.
	svc := startBrowserService(t, map[string]string{"LINEUP_LOG_LEVEL": "info", "LINEUP_PLAYLIST_TTL": "10s"})
	ctx := newBrowser(t, nil)
	signIn(t, ctx, svc.url, "us@viewer.test")
	shot(t, ctx, "home")
	title := fmt.Sprintf("%s/titles/%d", svc.url, svc.titleID)
	if err := chromedp.Do(ctx, chromedp.Navigate(title)); err != nil {
		t.Fatal(err)
	}
	availability, err := chromedp.Run(ctx, chromedp.Text(`#availability`))
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "title")
	// The box-office chart is drawn into the page, under its strict
	// Content-Security-Policy: its looks must survive it.
	chart, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => {
		const svg = document.querySelector(".chart svg"), label = svg && svg.querySelector("text.label"), line = svg && svg.querySelector("polyline");
		if (!label || !line) return {};
		return {font: getComputedStyle(label).fontSize, fill: getComputedStyle(label).fill, line: getComputedStyle(line).fill};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if chart["font"] != "12px" || chart["line"] != "none" {
		t.Errorf("the box-office chart must be drawn with its own sizes and strokes under the page's CSP (12px labels, unfilled lines), got %v", chart)
	}
	if chart["fill"] != "rgb(163, 168, 180)" {
		t.Errorf("the box-office chart's labels must take the dark page's muted colour, not the light default, got %v", chart)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#play`), chromedp.WaitVisible(`#video`)); err != nil {
		t.Fatalf("the title page must offer play: %v", err)
	}
	if !strings.Contains(availability, "Available now") {
		t.Errorf("a licensed title's page must say it is available: %q", availability)
	}
	deadline := time.Now().Add(45 * time.Second)
	var pos float64
	for time.Now().Before(deadline) {
		if pos, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("video").currentTime`)); err != nil {
			t.Fatal(err)
		}
		if pos > 3 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent`))
	if pos <= 3 {
		t.Fatalf("pressing play must play the film: video.currentTime is %.2f after 45 s (status %q)", pos, status)
	}
	audioTracks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.getElementById("audio").options.length`))
	if err != nil {
		t.Fatal(err)
	}
	subtitleTracks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.getElementById("subtitles").options.length - 1`))
	if err != nil {
		t.Fatal(err)
	}
	if audioTracks != 2 {
		t.Errorf("the player must offer both audio tracks, offers %d", audioTracks)
	}
	if subtitleTracks < 1 {
		t.Errorf("the player must offer the subtitle track, offers %d", subtitleTracks)
	}
	shot(t, ctx, "watch")

	// What played was encrypted: the asset is published protected, and
	// hls.js fetched the key from the viewer's key URI.
	a, err := svc.rt.media.PlayableAsset(context.Background(), svc.titleID)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := blob.ReadManifest(context.Background(), svc.rt.blob, a.PublishedPrefix); err != nil || m.Meta[media.MetaProtection] != media.ProtectionAES128 {
		t.Errorf("the title played must be encrypted (HLS AES-128): %v %v", m.Meta, err)
	}
	if !strings.Contains(svc.log.String(), "route=/keys/{token}/{asset}/{n} status=200") {
		t.Errorf("the player must have fetched the content key from its key URI")
	}
	// The player refreshes its 10-second token before it expires.
	refreshed := 0
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && refreshed < 2; time.Sleep(250 * time.Millisecond) {
		refreshed = strings.Count(svc.log.String(), "route=/api/v1/playback status=200")
	}
	if refreshed < 2 {
		t.Errorf("the player must refresh its 10-second playlist token while it plays; POST /api/v1/playback succeeded %d time(s)", refreshed)
	}
	if st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent`)); strings.Contains(st, "stopped") {
		t.Errorf("a refreshed token must keep the stream going: %q", st)
	}
	// The viewer moves to a country outside the license: the service stops
	// the stream at its next heartbeat and the page says why.
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"X-Test-Country": "CN"}}); err != nil {
		t.Fatal(err)
	}
	var moved string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		moved, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent`))
		if strings.Contains(moved, "China") {
			break
		}
	}
	shot(t, ctx, "watch-moved")
	if !strings.Contains(moved, "you are now in China") {
		t.Errorf("a viewer who moves to a country outside the license must see why playback stopped, not a stalled spinner; status %q", moved)
	}
	if paused, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("video").paused`)); !paused {
		t.Errorf("playback must stop when the service refuses the stream")
	}

	// A second viewer, placed in France, where the license opens next month.
	ctx2 := newBrowser(t, map[string]any{"X-Test-Country": "FR"})
	signIn(t, ctx2, svc.url, "fr@viewer.test")
	if err := chromedp.Do(ctx2, chromedp.Navigate(title)); err != nil {
		t.Fatal(err)
	}
	line, err := chromedp.Run(ctx2, chromedp.Text(`#availability`))
	if err != nil {
		t.Fatal(err)
	}
	territory, _ := chromedp.Run(ctx2, chromedp.Text(`.territory strong`))
	hasPlay, _ := chromedp.Run(ctx2, chromedp.Evaluate[bool](`!!document.getElementById("play")`))
	shot(t, ctx2, "title-fr")
	next := time.Now().AddDate(0, 1, 0)
	if !strings.Contains(line, "Available from") || !strings.Contains(line, next.Format("January")) {
		t.Errorf("a viewer in a territory whose license has not opened must see when it comes: %q", line)
	}
	if hasPlay {
		t.Errorf("a title that is not available must not show a player button")
	}
	if territory != "France" {
		t.Errorf("every page must say which territory it shows: %q", territory)
	}
}

// shot saves a screenshot of the page into LINEUP_SCREENSHOTS, when set,
// for a person to look at.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("LINEUP_SCREENSHOTS")
	if dir == "" {
		return
	}
	if jpg, err := chromedp.Run(ctx, chromedp.FullScreenshot(85)); err == nil {
		os.WriteFile(filepath.Join(dir, name+".jpg"), jpg, 0o644)
	}
}

func TestBrowserAdminIngestsAFilmAndWatchesItEncode(t *testing.T) {
	svc := startBrowserService(t)
	files, err := media.GenerateSample(context.Background(), "ffmpeg", t.TempDir(), media.SampleOptions{Seconds: 6, Width: 640, Height: 360, Label: "Us and Them"})
	if err != nil {
		t.Fatalf("generate sample video: %v", err)
	}
	ctx := newBrowser(t, nil)
	signIn(t, ctx, svc.url, "admin@viewer.test")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(svc.url+"/admin/ingest"),
		chromedp.WaitVisible(`#ingest`),
		chromedp.SetUploadFiles(`input[name=video]`, []string{files.Video}),
		chromedp.Click(`#ingest button[type=submit]`),
		chromedp.WaitVisible(`#jobs tr[data-asset]`),
	); err != nil {
		t.Fatalf("the admin's ingest form must upload the film and open the jobs page: %v", err)
	}
	// The jobs page follows the encode without being reloaded.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.stillThisPage = true`)); err != nil {
		t.Fatal(err)
	}
	type row struct {
		State  string `json:"state"`
		Figure string `json:"figure"`
	}
	var seen []row
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		r, err := chromedp.Run(ctx, chromedp.Evaluate[row](`(() => {
			const tr = document.querySelector("#jobs tr[data-asset]");
			return {state: tr.querySelector(".state").textContent, figure: tr.querySelector(".figure").textContent};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[len(seen)-1] != r {
			seen = append(seen, r)
		}
		if r.State == "ready" || r.State == "failed" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	shot(t, ctx, "admin-jobs")
	last := seen[len(seen)-1]
	if last.State != "ready" || last.Figure != "100%" {
		t.Fatalf("the jobs page must show the encode finish (ready, 100%%) within a minute; it showed %v", seen)
	}
	if seen[0].State == "ready" {
		t.Errorf("the encode was already over when the jobs page opened; its live progress went unseen: %v", seen)
	}
	if still, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.stillThisPage === true`)); !still {
		t.Errorf("the jobs page must follow the encode live, not by reloading: %v", seen)
	}
	t.Logf("jobs page showed %v", seen)
}
