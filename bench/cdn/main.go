// Command cdn measures Lineup's encrypted delivery behind the caching edge
// of deploy/nginx/: a Lineup on SQLite with one generated, encrypted 1080p
// film, Debian's nginx running deploy/nginx/lineup-edge.conf in front, and
// many simulated viewers (goroutines) each playing the whole film through
// the edge as a player does: start playback, fetch the master and media
// playlists, the key, every segment of the top rung and the audio, and
// refresh the playlist token once. Each run starts with an empty edge
// cache. It prints, as medians of the runs:
//
//   - origin segment requests ÷ distinct segments (Lineup's own access log):
//     target ≤ 1.01;
//   - the edge's hit ratio for segment bytes (the edge's access log):
//     target ≥ 99 %;
//   - the key request's p99 at the origin (Lineup's logged duration):
//     target ≤ 5 ms;
//   - the first frame in headless Chromium through the edge, from the
//     click on Play to the first frame presented, of the encrypted title
//     over the same film published clear (a second title, as published
//     before encryption existed), pressed alternately: target ≤ 1.10.
//
// Run it from the repository root as `scripts/bench cdn` (which installs
// nginx). -viewers, -seconds and -runs make it smaller.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lineup/lineup/bench/internal/firstframe"
	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/app"
	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

func main() {
	viewers := flag.Int("viewers", 200, "simulated viewers per run")
	seconds := flag.Int("seconds", 60, "length of the generated 1080p film")
	runs := flag.Int("runs", 3, "runs, each with an empty edge cache")
	plays := flag.Int("plays", 5, "presses of play per side in Chromium, encrypted and clear (the median is printed); 0 skips the browser")
	routes := flag.Bool("routes", false, "print each origin route's request count and latency (to see where the time goes)")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "lineup-bench-cdn-")
	check(err)
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)

	l := startLineup(ctx, dir, *seconds, *viewers)
	defer l.stop()
	var ratios, hitRatios, keyP99s []float64
	for run := 1; run <= *runs; run++ {
		e := startEdge(filepath.Join(dir, fmt.Sprintf("edge%d", run)), l.addr)
		mark := l.log.Len()
		start := time.Now()
		segs, errs := playAll(e.base, l, *viewers)
		took := time.Since(start)
		e.stop()
		if errs > 0 {
			say("run %d: %d of %d viewers failed", run, errs, *viewers)
		}
		originSegs, keyDurations := readOrigin(l.log.Bytes()[mark:])
		if *routes {
			printRoutes(l.log.Bytes()[mark:])
		}
		hit, total := edgeBytes(filepath.Join(e.dir, "access.log"))
		ratio := float64(originSegs) / float64(len(segs))
		hitRatio := float64(hit) / float64(max(total, 1))
		keyP99 := percentile(keyDurations, 0.99)
		say("run %d: %d viewers in %v; %d distinct segments, origin asked %d times; edge hit bytes %.2f%%; %d key requests, p99 %.2f ms",
			run, *viewers, took.Round(time.Millisecond), len(segs), originSegs, 100*hitRatio, len(keyDurations), keyP99)
		ratios, hitRatios, keyP99s = append(ratios, ratio), append(hitRatios, hitRatio), append(keyP99s, keyP99)
	}
	fmt.Printf("cdn bench: Lineup (SQLite, encrypted %d s 1080p film) behind deploy/nginx/lineup-edge.conf, %d viewers, medians of %d runs\n", *seconds, *viewers, *runs)
	fmt.Printf("%-46s %10s %10s\n", "measure", "median", "target")
	fmt.Printf("%-46s %10.3f %10s   (runs: %s)\n", "origin segment requests / distinct segments", median(ratios), "<= 1.01", join(ratios, "%.3f"))
	fmt.Printf("%-46s %9.2f%% %10s   (runs: %s)\n", "edge hit ratio, segment bytes", 100*median(hitRatios), ">= 99%", join(scale(hitRatios, 100), "%.2f%%"))
	fmt.Printf("%-46s %8.2fms %10s   (runs: %s)\n", "key request p99 at the origin", median(keyP99s), "<= 5 ms", join(keyP99s, "%.2fms"))
	if *plays > 0 {
		e := startEdge(filepath.Join(dir, "edge-browser"), l.addr)
		enc, clear := firstFrames(ctx, filepath.Join(dir, "chromium"), e.base, l, *plays)
		e.stop()
		ratio := median(enc) / median(clear)
		fmt.Printf("%-46s %9.2fx %10s   (encrypted %.0f ms, clear %.0f ms; presses: encrypted %s; clear %s)\n", "first frame in Chromium, encrypted / clear",
			ratio, "<= 1.10", median(enc), median(clear), join(enc, "%.0f"), join(clear, "%.0f"))
	}
}

// firstFrames presses play plays times on the encrypted title and on the
// clear one (the same film, published before encryption existed), in
// headless Chromium through the edge, alternating, and returns the
// milliseconds from each click to the first frame presented.
func firstFrames(ctx context.Context, profileDir, base string, l *lineup, plays int) (enc, clear []float64) {
	bctx, cancel, err := firstframe.NewBrowser(ctx, profileDir)
	check(err)
	defer cancel()
	check(firstframe.SignIn(bctx, base, "bench@viewer.test", "correct horse battery", "Bench"))
	for i := range plays {
		sides := []struct {
			name  string
			title int64
			into  *[]float64
		}{{"encrypted", l.titleID, &enc}, {"clear", l.clearTitleID, &clear}}
		if i%2 == 1 {
			slices.Reverse(sides)
		}
		for _, s := range sides {
			r, err := firstframe.PressPlay(bctx, fmt.Sprintf("%s/titles/%d", base, s.title))
			check(err)
			say("play %d/%d: %-9s first frame %4.0f ms after the click (%s)", i+1, plays, s.name, r.Frame, r.How)
			*s.into = append(*s.into, r.Frame)
		}
	}
	return enc, clear
}

// lineup is the origin under test.
type lineup struct {
	addr    string
	titleID int64
	// clearTitleID plays the same film, published clear (before
	// encryption existed), for the first-frame comparison.
	clearTitleID int64
	// sessions are signed-in viewers' session tokens, one per viewer.
	sessions []string
	csrf     []string
	log      *lockedBuffer
	stop     func()
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *lockedBuffer) Len() int { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.Len() }
func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.buf.Bytes())
}

func startLineup(ctx context.Context, dir string, seconds, viewers int) *lineup {
	data := filepath.Join(dir, "lineup")
	secret := make([]byte, 32)
	rand.Read(secret)
	port := freePort()
	env := map[string]string{
		"LINEUP_DATA_DIR": data, "LINEUP_ADDR": "127.0.0.1:" + strconv.Itoa(port), "LINEUP_LICENSEE": "Lineup",
		"LINEUP_DEFAULT_TERRITORY": "US", "LINEUP_SIGNUP": "false", "LINEUP_SECRET_KEY": hex.EncodeToString(secret),
		"LINEUP_TRUSTED_PROXIES": "127.0.0.1/32", "LINEUP_COUNTRY_HEADER": "X-Country",
		"LINEUP_MAX_STREAMS": strconv.Itoa(viewers + 10), "LINEUP_LOG_LEVEL": "info", "LINEUP_METRICS_ADDR": "off",
	}
	getenv := func(k string) string { return env[k] }
	check(os.MkdirAll(data, 0o755))
	db, err := store.Open(ctx, filepath.Join(data, "lineup.db"))
	check(err)
	_, err = db.Migrate(ctx)
	check(err)
	title, err := catalog.New(db).CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh", Year: 2018})
	check(err)
	_, _, err = rights.New(db, rights.Config{Licensee: "Lineup"}).Add(ctx, rights.License{TitleID: title.ID, Licensor: "Bench", Licensee: "Lineup",
		Type: rights.SVOD, Territories: []string{"US"}, Start: rights.DateMoment(2018, 6, 22)}, false)
	check(err)
	acc, err := accounts.New(db, accounts.Config{})
	check(err)
	user, err := acc.AddUser(ctx, accounts.NewUser{Email: "bench@viewer.test", Password: "correct horse battery", HomeTerritory: "US"})
	check(err)
	profile, err := acc.AddProfile(ctx, user.ID, accounts.ProfileInput{Name: "Bench", Language: "en", MaxAge: accounts.MaxMaturity})
	check(err)

	src := filepath.Join(dir, "source")
	check(os.MkdirAll(src, 0o755))
	say("generating a %d s 1920×1080 film with ffmpeg", seconds)
	files, err := media.GenerateSample(ctx, "ffmpeg", src, media.SampleOptions{Seconds: seconds, Width: 1920, Height: 1080, Label: "Us and Them"})
	check(err)
	say("lineup ingest (encodes and encrypts the whole ladder; a few minutes on a busy 2-core machine)")
	var out bytes.Buffer
	check(app.Run(ctx, []string{"ingest", files.Video, "--title", strconv.FormatInt(title.ID, 10), "--json"}, getenv, &out, io.Discard))
	var asset media.Asset
	check(json.Unmarshal(out.Bytes(), &asset))
	if asset.State != media.StateReady {
		check(fmt.Errorf("asset %d %s: %s", asset.ID, asset.State, asset.Error))
	}
	l := &lineup{addr: env["LINEUP_ADDR"], titleID: title.ID, clearTitleID: publishClear(ctx, db, data, files.Video), log: &lockedBuffer{}}
	say("signing in %d viewers", viewers)
	for range viewers {
		sess, err := acc.SignIn(ctx, "bench@viewer.test", "correct horse battery", "")
		check(err)
		check(acc.SelectProfile(ctx, sess.Token, profile.ID, ""))
		l.sessions = append(l.sessions, sess.Token)
	}
	db.Close()
	// The CSRF key is derived from the secret key as the server does; the
	// bench asks the server's own pages for it instead of deriving it.
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		if err := app.Run(sctx, []string{"serve"}, getenv, l.log, l.log); err != nil {
			say("lineup serve: %v", err)
		}
	}()
	l.stop = func() { cancel(); <-finished }
	waitHTTP("http://" + l.addr + "/readyz")
	for _, tok := range l.sessions {
		l.csrf = append(l.csrf, csrfOf("http://"+l.addr, tok))
	}
	say("lineup serving at http://%s", l.addr)
	return l
}

// publishClear publishes the film clear, as a Lineup did before encryption
// existed (a media service without content keys), as a second title
// licensed like the first, and returns that title.
func publishClear(ctx context.Context, db *store.DB, data, film string) int64 {
	say("publishing the same film clear, as a second title")
	title, err := catalog.New(db).CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们 (clear)", OriginalLanguage: "zh", Year: 2018})
	check(err)
	_, _, err = rights.New(db, rights.Config{Licensee: "Lineup"}).Add(ctx, rights.License{TitleID: title.ID, Licensor: "Bench", Licensee: "Lineup",
		Type: rights.SVOD, Territories: []string{"US"}, Start: rights.DateMoment(2018, 6, 22)}, false)
	check(err)
	blobs, err := blob.NewFolder(filepath.Join(data, "media"))
	check(err)
	q, err := jobs.New(ctx, db, jobs.Config{Work: true})
	check(err)
	m, err := media.New(db, blobs, q, media.Config{})
	check(err)
	check(q.Start(ctx))
	defer func() { q.Stop(ctx); q.Close() }()
	f, err := os.Open(film)
	check(err)
	defer f.Close()
	a, err := m.Ingest(ctx, media.IngestRequest{TitleID: title.ID, Source: f, Filename: "clear.mp4"})
	check(err)
	a, err = m.WaitForAsset(ctx, a.ID, nil)
	check(err)
	if a.State != media.StateReady {
		check(fmt.Errorf("clear asset %d %s: %s", a.ID, a.State, a.Error))
	}
	return title.ID
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"|data-csrf="([^"]+)"`)

// csrfOf reads a session's CSRF token from a page it is shown on.
func csrfOf(base, session string) string {
	req, _ := http.NewRequest("GET", base+"/profiles", nil)
	req.AddCookie(&http.Cookie{Name: "lineup_session", Value: session})
	resp, err := http.DefaultClient.Do(req)
	check(err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(b)
	if m == nil {
		check(fmt.Errorf("no CSRF token on /profiles (status %d)", resp.StatusCode))
	}
	return string(append(m[1], m[2]...))
}

// edge is nginx running deploy/nginx/lineup-edge.conf.
type edge struct {
	base, dir string
	cmd       *exec.Cmd
}

func startEdge(dir, origin string) *edge {
	bin := "/usr/sbin/nginx"
	if p, err := exec.LookPath("nginx"); err == nil {
		bin = p
	}
	conf, err := os.ReadFile("deploy/nginx/lineup-edge.conf")
	check(err)
	check(os.MkdirAll(filepath.Join(dir, "tmp"), 0o755))
	port := freePort()
	edited := strings.NewReplacer(
		"/var/cache/nginx/lineup", filepath.Join(dir, "cache"),
		"server 127.0.0.1:8080;", "server "+origin+";",
		"listen 80;", "listen 127.0.0.1:"+strconv.Itoa(port)+" backlog=4096;",
		"/var/log/nginx/lineup-edge.log", filepath.Join(dir, "access.log"),
	).Replace(string(conf))
	check(os.WriteFile(filepath.Join(dir, "lineup-edge.conf"), []byte(edited), 0o644))
	user := ""
	if os.Getuid() == 0 {
		user = "user root;\n"
	}
	main := fmt.Sprintf("%sworker_processes 2;\npid %[2]s/nginx.pid;\nerror_log %[2]s/error.log;\nevents { worker_connections 4096; }\nhttp {\n"+
		"client_body_temp_path %[2]s/tmp/body; proxy_temp_path %[2]s/tmp/proxy; fastcgi_temp_path %[2]s/tmp/f; uwsgi_temp_path %[2]s/tmp/u; scgi_temp_path %[2]s/tmp/s;\n"+
		"include %[2]s/lineup-edge.conf;\n}\n", user, dir)
	check(os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644))
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = os.Stderr
	check(cmd.Start())
	e := &edge{base: "http://127.0.0.1:" + strconv.Itoa(port), dir: dir, cmd: cmd}
	waitHTTP(e.base + "/healthz")
	return e
}

func (e *edge) stop() {
	syscall.Kill(-e.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { e.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

var (
	keyURI  = regexp.MustCompile(`#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)"`)
	mapURI  = regexp.MustCompile(`#EXT-X-MAP:URI="([^"]+)"`)
	audioRe = regexp.MustCompile(`#EXT-X-MEDIA:TYPE=AUDIO[^\n]*URI="([^"]+)"`)
)

// playAll runs the viewers at once and returns the distinct segment paths
// they fetched and how many failed.
func playAll(base string, l *lineup, viewers int) (map[string]bool, int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, MaxConnsPerHost: 0}, Timeout: 60 * time.Second}
	var mu sync.Mutex
	segs := map[string]bool{}
	errs := 0
	var wg sync.WaitGroup
	for i := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := play(client, base, l, i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs++
				if errs <= 3 {
					say("viewer %d: %v", i, err)
				}
			}
			for s := range got {
				segs[s] = true
			}
		}()
	}
	wg.Wait()
	return segs, errs
}

func play(client *http.Client, base string, l *lineup, i int) (map[string]bool, error) {
	do := func(method, u string, body any, cookie bool) ([]byte, error) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+u, rd)
		req.Header.Set("X-Country", "US")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", l.csrf[i])
		}
		if cookie {
			req.AddCookie(&http.Cookie{Name: "lineup_session", Value: l.sessions[i]})
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("%s %s: %d %s", method, redact(u), resp.StatusCode, b)
		}
		return b, err
	}
	type grant struct {
		StreamURL string `json:"stream_url"`
		Lease     int64  `json:"lease"`
		Token     string `json:"token"`
	}
	start := func(lease int64) (grant, error) {
		var g grant
		b, err := do("POST", "/api/v1/playback", map[string]any{"title": l.titleID, "lease": lease}, true)
		if err == nil {
			err = json.Unmarshal(b, &g)
		}
		return g, err
	}
	g, err := start(0)
	if err != nil {
		return nil, err
	}
	// Leaving, the player releases its stream (as the page does on
	// pagehide), so the next run's viewers find their places free.
	defer do("POST", "/api/v1/playback/stop", map[string]any{"title": l.titleID, "lease": g.Lease}, true)
	master, err := do("GET", g.StreamURL, nil, false)
	if err != nil {
		return nil, err
	}
	dir := strings.TrimSuffix(g.StreamURL, "master.m3u8")
	var top string
	for _, line := range strings.Split(string(master), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			top = line
			break
		}
	}
	lists := []string{top}
	if m := audioRe.FindSubmatch(master); m != nil {
		lists = append(lists, string(m[1]))
	}
	seen := map[string]bool{}
	for _, pl := range lists {
		b, err := do("GET", dir+pl, nil, false)
		if err != nil {
			return seen, err
		}
		if k := keyURI.FindSubmatch(b); k != nil {
			if key, err := do("GET", string(k[1]), nil, true); err != nil || len(key) != 16 {
				return seen, fmt.Errorf("key: %v", err)
			}
		}
		uris := []string{}
		if m := mapURI.FindSubmatch(b); m != nil {
			uris = append(uris, string(m[1]))
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line != "" && !strings.HasPrefix(line, "#") {
				uris = append(uris, line)
			}
		}
		for n, u := range uris {
			if _, err := do("GET", u, nil, false); err != nil {
				return seen, err
			}
			seen[u] = true
			if pl == top && n == len(uris)/2 {
				// Half way through: the player refreshes its token and
				// fetches the playlist again with it.
				g2, err := start(g.Lease)
				if err != nil {
					return seen, err
				}
				if _, err := do("GET", strings.Replace(dir+pl, g.Token, g2.Token, 1), nil, false); err != nil {
					return seen, err
				}
			}
		}
	}
	return seen, nil
}

var origLine = regexp.MustCompile(`msg=request method=GET path=(\S+) route=(\S+) status=(\d+) bytes=\d+ duration_ms=([0-9.]+)`)

// readOrigin counts the origin's /media/ requests and collects the key
// requests' durations (ms) from Lineup's access log.
func readOrigin(log []byte) (int, []float64) {
	segs := 0
	var keys []float64
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := origLine.FindSubmatch(sc.Bytes())
		if m == nil {
			continue
		}
		switch {
		case bytes.HasPrefix(m[1], []byte("/media/")):
			segs++
		case bytes.HasPrefix(m[1], []byte("/keys/")):
			d, _ := strconv.ParseFloat(string(m[4]), 64)
			keys = append(keys, d)
		}
	}
	return segs, keys
}

var routeLine = regexp.MustCompile(`msg=request method=(\S+) path=\S+ route=(\S+) status=\d+ bytes=\d+ duration_ms=([0-9.]+)`)

// printRoutes prints, per origin route, how many requests it served and
// their median, p99 and total time.
func printRoutes(log []byte) {
	byRoute := map[string][]float64{}
	for _, m := range routeLine.FindAllSubmatch(log, -1) {
		d, _ := strconv.ParseFloat(string(m[3]), 64)
		k := string(m[1]) + " " + string(m[2])
		byRoute[k] = append(byRoute[k], d)
	}
	var names []string
	for k := range byRoute {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		xs := byRoute[k]
		total := 0.0
		for _, x := range xs {
			total += x
		}
		say("  %-48s %5d requests, p50 %8.2f ms, p99 %8.2f ms, total %8.0f ms", k, len(xs), median(xs), percentile(xs, 0.99), total)
	}
}

var edgeLine = regexp.MustCompile(`"GET (/media/\S+)" (\d+) (\d+) cache=(\S+)`)

// edgeBytes sums the segment bytes the edge sent, and those it sent from
// its cache.
func edgeBytes(file string) (hit, total int64) {
	b, err := os.ReadFile(file)
	check(err)
	for _, m := range edgeLine.FindAllSubmatch(b, -1) {
		n, _ := strconv.ParseInt(string(m[3]), 10, 64)
		total += n
		if string(m[4]) == "HIT" {
			hit += n
		}
	}
	return hit, total
}

func redact(u string) string {
	return regexp.MustCompile(`^/(stream|keys)/[^/]+/`).ReplaceAllString(u, "/$1/REDACTED/")
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func median(xs []float64) float64 { return percentile(xs, 0.5) }

func scale(xs []float64, k float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x * k
	}
	return out
}

func join(xs []float64, f string) string {
	var s []string
	for _, x := range xs {
		s = append(s, fmt.Sprintf(f, x))
	}
	return strings.Join(s, ", ")
}

func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitHTTP(u string) {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
	}
	check(fmt.Errorf("%s did not answer within 30 s", u))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "cdn bench:", err)
		os.Exit(1)
	}
}

func say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cdn bench: "+format+"\n", args...)
}
