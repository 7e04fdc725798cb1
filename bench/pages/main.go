// Command pages measures the viewer's pages as a browser gets them, with
// artwork: the server time of the home page and of a title page (p50, p99)
// and their bytes on the wire with every image, script and style they load,
// on SQLite with -titles titles (each with a poster and a backdrop), and the
// first contentful paint of each in headless Chromium.
//
// The baseline, measured in the same run through the same server and
// middleware, is a handler that writes the home page's bytes as they are,
// already rendered: the ratio says what rendering a page costs over merely
// sending it. The targets: home p99 ≤ 20 ms with 1,000 titles,
// first contentful paint ≤ 1 s. Run it through scripts/bench pages.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/lineup/lineup/bench/internal/fixture"
	"github.com/lineup/lineup/bench/internal/timing"
	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/web"
)

const (
	email    = "bench@viewer.test"
	password = "correct horse battery"
	profile  = "Bench"
)

func main() {
	nTitles := flag.Int("titles", 1000, "titles in the catalogue")
	n := flag.Int("n", 300, "timed requests per page (after 20 to warm up)")
	rounds := flag.Int("rounds", 3, "rounds; figures are the medians of the rounds")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "lineup-bench-pages-")
	timing.Check(err)
	defer os.RemoveAll(dir)

	db, err := store.Open(ctx, filepath.Join(dir, "bench.db"))
	timing.Check(err)
	defer db.Close()
	_, err = db.Migrate(ctx)
	timing.Check(err)
	fixture.Titles(ctx, db, *nTitles, func(i int) int { return 90 + i%60 })
	cat := catalog.New(db)
	rts := rights.New(db, rights.Config{Licensee: "Lineup"})
	media, err := blob.NewFolder(filepath.Join(dir, "media"))
	timing.Check(err)

	// Every title is available everywhere, with a poster and a backdrop:
	// one pair of images, stored once per title, as an upload makes them.
	poster, posterR := artwork(1, catalog.Poster, 800, 1200)
	backdrop, backdropR := artwork(1, catalog.Backdrop, 1920, 1080)
	start := time.Now()
	for id := int64(1); id <= int64(*nTitles); id++ {
		_, _, err := rts.Add(ctx, rights.License{TitleID: id, Licensor: "R", Licensee: "Lineup", Type: rights.SVOD,
			Territories: []string{"ZZ"}, Start: rights.DateMoment(2018, 6, 22)}, false)
		timing.Check(err)
		for _, a := range []struct {
			art catalog.Artwork
			rs  []catalog.Rendition
		}{{poster, posterR}, {backdrop, backdropR}} {
			a.art.TitleID = id
			a.art.KeyPrefix = fmt.Sprintf("artwork/%d/bench/%s", id, a.art.Kind)
			for _, r := range a.rs {
				timing.Check(media.Put(ctx, a.art.Key(r.Width), bytes.NewReader(r.JPEG), int64(len(r.JPEG)), "image/jpeg"))
			}
			timing.Check(cat.SaveArtwork(ctx, a.art))
		}
		if id%50 == 0 {
			timing.Progress("titles", int(id), *nTitles, start)
		}
	}
	fmt.Fprintln(os.Stderr)

	acc, err := accounts.New(db, accounts.Config{SignUpOpen: true})
	timing.Check(err)
	u, err := acc.AddUser(ctx, accounts.NewUser{Email: email, Password: password, HomeTerritory: "US"})
	timing.Check(err)
	_, err = acc.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: profile, Language: "zh", MaxAge: 18})
	timing.Check(err)

	srv, err := web.New(web.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: db, Catalog: cat, Rights: rts, Accounts: acc,
		Blob: media, CSRFKey: []byte("bench-csrf-key"), ServiceName: "Lineup", DefaultTerritory: "US", Licensee: "Lineup"})
	timing.Check(err)
	var homeBytes []byte
	mux := http.NewServeMux()
	mux.Handle("/", srv)
	// The baseline: the home page's own bytes, sent by a handler that does
	// no work, through the same listener and client.
	mux.HandleFunc("GET /__baseline", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(homeBytes)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	timing.Check(err)
	hs := &http.Server{Handler: mux}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	client := signIn(base)
	get := func(path string) []byte {
		resp, err := client.Get(base + path)
		timing.Check(err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			timing.Check(fmt.Errorf("GET %s: %d", path, resp.StatusCode))
		}
		return b
	}
	homeBytes = get("/")
	titlePath := fmt.Sprintf("/titles/%d", *nTitles/2)
	fmt.Printf("pages bench: SQLite, %d titles with a poster and a backdrop each, %d requests a page, %d rounds (medians)\n", *nTitles, *n, *rounds)
	fmt.Printf("home page %d bytes of HTML, %d cards with artwork\n", len(homeBytes), strings.Count(string(homeBytes), "srcset="))

	type result struct{ p50, p99 []time.Duration }
	results := map[string]*result{"baseline": {}, "home": {}, "title": {}}
	for round := 0; round < *rounds; round++ {
		for _, page := range []struct{ name, path string }{{"baseline", "/__baseline"}, {"home", "/"}, {"title", titlePath}} {
			for i := 0; i < 20; i++ {
				get(page.path)
			}
			st := timing.Measure(*n, func() { get(page.path) })
			results[page.name].p50 = append(results[page.name].p50, st.P50)
			results[page.name].p99 = append(results[page.name].p99, st.P99)
		}
	}
	med := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	bp99 := med(results["baseline"].p99)
	fmt.Printf("\n%-10s %10s %10s %12s\n", "page", "p50", "p99", "p99/baseline")
	for _, name := range []string{"baseline", "home", "title"} {
		r := results[name]
		p99 := med(r.p99)
		fmt.Printf("%-10s %10s %10s %11.1fx\n", name, med(r.p50), p99, float64(p99)/float64(bp99))
	}
	homeP99 := med(results["home"].p99)
	verdict := "met"
	if homeP99 > 20*time.Millisecond {
		verdict = "NOT met"
	}
	fmt.Printf("target home p99 ≤ 20 ms: %s (%s)\n", verdict, homeP99)

	paint(base, []string{"/", titlePath}, *rounds)
}

// artwork makes the renditions of a generated image, as an upload would.
func artwork(titleID int64, kind string, w, h int) (catalog.Artwork, []catalog.Rendition) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8((x + y) % 256), uint8(y * 255 / h), 255})
		}
	}
	var b bytes.Buffer
	timing.Check(png.Encode(&b, img))
	a, rs, err := catalog.PrepareArtwork(titleID, kind, &b)
	timing.Check(err)
	return a, rs
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
var selectAction = regexp.MustCompile(`action="(/profiles/\d+/select)"`)

// signIn returns a client signed in with the bench profile chosen.
func signIn(base string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(base+"/signin", url.Values{"email": {email}, "password": {password}})
	timing.Check(err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf, action := csrfField.FindSubmatch(page), selectAction.FindSubmatch(page)
	if csrf == nil || action == nil {
		timing.Check(fmt.Errorf("sign-in did not lead to the profile picker"))
	}
	resp, err = c.PostForm(base+string(action[1]), url.Values{"csrf": {string(csrf[1])}})
	timing.Check(err)
	resp.Body.Close()
	return c
}

// paint loads each page in headless Chromium at a desktop size with an
// empty cache, rounds times, and prints the median first contentful paint
// and bytes on the wire (the page and everything it loads).
func paint(base string, paths []string, rounds int) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		fmt.Println("first contentful paint: skipped, no chromium on PATH")
		return
	}
	dir, err := os.MkdirTemp("", "lineup-bench-chromium-")
	timing.Check(err)
	defer os.RemoveAll(dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.WindowSize(1366, 900), chromedp.UserDataDir(dir))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelT()
	timing.Check(chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(`input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, email),
		chromedp.SendKeys(`input[name=password]`, password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`button[data-profile="`+profile+`"]`),
		chromedp.Click(`button[data-profile="`+profile+`"]`),
		chromedp.WaitVisible(`#row-new`),
	))
	_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	timing.Check(err)
	_, err = chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
	timing.Check(err)
	fmt.Printf("\n%-10s %12s %14s   (headless Chromium, 1366×900, empty cache)\n", "page", "FCP", "bytes on wire")
	worst := 0.0
	for _, p := range paths {
		var fcps, bytes []float64
		for r := 0; r < rounds; r++ {
			timing.Check(chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitReady(`body`)))
			m, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`new Promise(done => {
				const read = () => {
					const fcp = performance.getEntriesByName("first-contentful-paint")[0];
					const imgs = [...document.images].filter(i => i.loading !== "lazy" || i.getBoundingClientRect().top < innerHeight);
					if ((!fcp || document.readyState !== "complete" || imgs.some(i => !i.complete)) && performance.now() < 15000) return setTimeout(read, 50);
					const nav = performance.getEntriesByType("navigation")[0];
					const res = performance.getEntriesByType("resource").reduce((s, e) => s + e.transferSize, 0);
					done({fcp: fcp ? fcp.startTime : -1, bytes: nav.transferSize + res});
				};
				read();
			})`, chromedp.EvalAwaitPromise))
			timing.Check(err)
			fcps = append(fcps, m["fcp"])
			bytes = append(bytes, m["bytes"])
		}
		slices.Sort(fcps)
		slices.Sort(bytes)
		name := "home"
		if p != "/" {
			name = "title"
		}
		fmt.Printf("%-10s %10.0f ms %14.0f\n", name, fcps[len(fcps)/2], bytes[len(bytes)/2])
		worst = max(worst, fcps[len(fcps)/2])
	}
	verdict := "met"
	if worst > 1000 {
		verdict = "NOT met"
	}
	fmt.Printf("target first contentful paint ≤ 1 s: %s\n", verdict)
}
