// Command serve measures how fast Lineup serves a film to viewers,
// against nginx serving the very same files in the same run.
//
// It builds a Lineup on SQLite with a folder media store in a temporary
// folder: one title licensed SVOD in the US from 2018-06-22 to the
// service, a viewer with a profile, and a generated 1920×1080 film (12 s by
// default, so a few 4-second 1080p segments) ingested with `lineup ingest`
// and served by `lineup serve`, both run in this process through app.Run.
// The bench signs a playback token itself (the keys are in the
// configuration it gives Lineup), as POST /api/v1/playback would.
// Debian's nginx serves the asset's published folder on another loopback
// port (two workers, sendfile, no access log; Lineup's request log is off
// too).
//
// Throughput: Debian's wrk (-t2 -c32, 10 s a run) fetches, again and
// again, one 4-second 1080p segment and the master and 1080p media
// playlists: from Lineup, the segment on its shared, token-free
// /media/{title}/{asset}/{version}/... path and the viewer's playlists on
// /stream/{token}/{asset}/... (the token is checked on every request, the
// media playlist rewritten for the viewer); from nginx, the same bytes at
// the same paths (the media folder, and Lineup's answers to the viewer
// written to files, content keys included). Each URL is run -runs times,
// Lineup and nginx alternating, and the median requests per second and
// transfer per second are printed with the ratio Lineup / nginx (the
// verdict), then each round's own ratio and their median. Targets: ≥ 0.9
// for segments, ≥ 0.5 for playlists.
//
// Time to first frame: headless Chromium signs in, picks the profile,
// opens the title page and clicks Play, which opens /watch/{id}; the time
// runs from the click to the first video frame presented
// (requestVideoFrameCallback), measured in the page. The baseline is the
// same click on a plain page served by nginx whose Play link opens a bare
// <video> playing the same HLS from nginx with the same hls.js. Lineup's
// time includes what a viewer's press of play costs: the player page, the
// entitlement check and token (POST /api/v1/playback), then the
// playlists and segments. The browser's cache is off for both. Median of
// -plays presses each, alternating; target ≤ 1 s on loopback.
//
// wrk, nginx, Chromium and Lineup share the machine's cores, so read the
// ratios, not the absolute figures, and expect noise on a busy machine: the
// bench prints the load average before and after. Run it from the
// repository root as `scripts/bench serve` (which installs nginx, wrk and
// Chromium when missing and builds hls.js into the pages) or
// `go run ./bench/serve`.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/bench/internal/firstframe"
)

// hlsJSPath is hls.js as scripts/build-assets places it for the binary to
// embed; the baseline page serves the same file.
const hlsJSPath = "internal/web/static/vendor/hls.min.js"

func main() {
	o := options{}
	flag.IntVar(&o.seconds, "seconds", 12, "length of the generated 1080p film")
	flag.IntVar(&o.runs, "runs", 3, "wrk runs per URL and server (the median is printed)")
	flag.DurationVar(&o.dur, "d", 10*time.Second, "length of one wrk run")
	flag.IntVar(&o.threads, "t", 2, "wrk threads")
	flag.IntVar(&o.conns, "c", 32, "wrk connections")
	flag.IntVar(&o.plays, "plays", 5, "presses of play per side in Chromium (the median is printed); 0 skips the browser")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary folder (printed) for a look afterwards")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, o)
	stop()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted")
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	seconds, runs, threads, conns, plays int
	dur                                  time.Duration
	keep                                 bool
}

// run does the whole bench; whatever it started is stopped and its
// temporary folder removed when it returns, on failure too.
func run(ctx context.Context, o options) error {
	if err := needTools(o.plays > 0); err != nil {
		return err
	}
	hlsJS, err := os.ReadFile(hlsJSPath)
	if err != nil {
		return fmt.Errorf("%s: %w (run from the repository root, after scripts/build-assets; scripts/bench serve does both)", hlsJSPath, err)
	}
	dir, err := os.MkdirTemp("", "lineup-bench-serve-")
	if err != nil {
		return err
	}
	if o.keep {
		say("keeping %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	loadBefore := loadAverage()
	start := time.Now()

	l, err := startLineup(ctx, dir, o.seconds)
	if err != nil {
		return err
	}
	defer l.stop()
	files, err := findFiles(l.assetDir)
	if err != nil {
		return err
	}
	root := filepath.Join(dir, "mirror")
	if err := mirror(l, root); err != nil {
		return err
	}
	n, err := startNginx(ctx, dir, root, l.mediaDir, map[string][]byte{
		"title.html": []byte(baselineTitleHTML), "watch.html": []byte(strings.ReplaceAll(baselineWatchHTML, "{{MASTER}}", l.streamPath+"master.m3u8")), "hls.min.js": hlsJS,
	})
	if err != nil {
		return err
	}
	defer n.stop()

	targets := []target{
		{what: fmt.Sprintf("4 s 1080p segment (%s)", size(files.segmentSize)), path: l.mediaPath + files.segment, goal: 0.9},
		{what: "master playlist", path: l.streamPath + files.master, goal: 0.5},
		{what: "1080p media playlist", path: l.streamPath + files.media, goal: 0.5},
	}
	for _, t := range targets {
		if err := sameBytes(l.base+t.path, n.base+t.path); err != nil {
			return err
		}
	}
	say("both servers answer the same bytes for the shared segment %s and the viewer's playlists %s and %s", files.segment, files.master, files.media)

	fmt.Printf("serve bench: Lineup (SQLite, folder store; encrypted segments on the shared /media/ path, per-viewer playlists with the token checked per request) vs nginx %s serving the same bytes at the same paths\n", nginxVersion())
	fmt.Printf("machine: %d cores, load average %s at start; wrk, both servers and Chromium share it, so figures are noisy: read ratios and medians\n",
		goruntime.NumCPU(), loadBefore)
	fmt.Printf("wrk -t%d -c%d -d%s, %d runs per URL per server, alternating; medians shown\n\n", o.threads, o.conns, o.dur, o.runs)

	for r := range o.runs {
		for i := range targets {
			t := &targets[i]
			sides := []struct {
				name string
				url  string
				into *[]wrkResult
			}{{"lineup", l.base + t.path, &t.lineup}, {"nginx", n.base + t.path, &t.nginx}}
			if r%2 == 1 {
				slices.Reverse(sides) // the other one goes first this round
			}
			for _, s := range sides {
				fmt.Fprintf(os.Stderr, "wrk run %d/%d: %-6s %-32s ", r+1, o.runs, s.name, t.what)
				res, err := runWrk(ctx, s.url, o.threads, o.conns, o.dur)
				if err != nil {
					fmt.Fprintln(os.Stderr)
					return err
				}
				fmt.Fprintf(os.Stderr, "%8.0f req/s %12s/s\n", res.rps, size(int64(res.bps)))
				if res.non2xx > 0 || res.sockErrors != "" {
					return fmt.Errorf("%s, %s: %d non-2xx responses, socket errors %q: the measure is void", s.name, t.what, res.non2xx, res.sockErrors)
				}
				*s.into = append(*s.into, res)
			}
		}
	}

	fmt.Printf("%-34s %14s %14s %8s %8s\n", "URL", "Lineup", "nginx", "ratio", "target")
	for _, t := range targets {
		rps := func(r wrkResult) float64 { return r.rps }
		bps := func(r wrkResult) float64 { return r.bps }
		lr, nr := median(t.lineup, rps), median(t.nginx, rps)
		lb, nb := median(t.lineup, bps), median(t.nginx, bps)
		verdict := "ok"
		if lr/nr < t.goal {
			verdict = "MISSED"
		}
		fmt.Printf("%-34s %10.0f r/s %10.0f r/s %7.2fx %8s  %s\n", t.what, lr, nr, lr/nr, "≥ "+strconv.FormatFloat(t.goal, 'f', -1, 64), verdict)
		fmt.Printf("%-34s %12s/s %12s/s %7.2fx\n", "  transfer", size(int64(lb)), size(int64(nb)), lb/nb)
		fmt.Printf("%-34s Lineup %s; nginx %s\n", "  each run, req/s", joinRPS(t.lineup), joinRPS(t.nginx))
		paired := pairedRatios(t.lineup, t.nginx)
		fmt.Printf("%-34s %s (median %.2fx)\n", "  each round, Lineup / nginx", joinRatios(paired), median(paired, func(x float64) float64 { return x }))
	}

	if o.plays > 0 {
		fmt.Println()
		if err := timeToFirstFrame(ctx, dir, l, n, o.plays); err != nil {
			return err
		}
	}
	fmt.Printf("\nload average %s at the end; %s in all\n", loadAverage(), time.Since(start).Round(time.Second))
	return nil
}

// mirror writes into root what Lineup answers the bench's viewer on the
// per-viewer paths (the master playlist, every media playlist and every
// content key it names), at the same paths, so that nginx serves the very
// bytes Lineup does: the baseline is Lineup's delivery with every check
// taken away.
func mirror(l *lineup, root string) error {
	get := func(p string, cookie bool) ([]byte, error) {
		req, _ := http.NewRequest("GET", l.base+p, nil)
		if cookie {
			req.AddCookie(&http.Cookie{Name: "lineup_session", Value: l.session})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s %s", p, resp.Status, b)
		}
		return b, err
	}
	put := func(p string, b []byte) error {
		f := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(p, "/")))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return err
		}
		return os.WriteFile(f, b, 0o644)
	}
	master, err := get(l.streamPath+"master.m3u8", false)
	if err != nil {
		return err
	}
	if err := put(l.streamPath+"master.m3u8", master); err != nil {
		return err
	}
	keys := map[string]bool{}
	for _, uri := range playlistURIs(string(master)) {
		pl, err := get(l.streamPath+uri, false)
		if err != nil {
			return err
		}
		if err := put(l.streamPath+uri, pl); err != nil {
			return err
		}
		for _, m := range keyURI.FindAllStringSubmatch(string(pl), -1) {
			keys[m[1]] = true
		}
	}
	if len(keys) == 0 {
		return errors.New("the viewer's media playlists name no content key: the asset is not encrypted")
	}
	for k := range keys {
		b, err := get(k, true)
		if err != nil {
			return fmt.Errorf("the viewer's key: %w", err)
		}
		if err := put(k, b); err != nil {
			return err
		}
	}
	return nil
}

var (
	keyURI  = regexp.MustCompile(`#EXT-X-KEY:METHOD=AES-128,URI="(/keys/[^"]+)"`)
	uriAttr = regexp.MustCompile(`URI="([^"]+)"`)
)

// playlistURIs lists the relative playlist URIs of a master playlist.
func playlistURIs(master string) []string {
	var out []string
	for _, l := range strings.Split(master, "\n") {
		switch {
		case strings.HasPrefix(l, "#"):
			if m := uriAttr.FindStringSubmatch(l); m != nil {
				out = append(out, m[1])
			}
		case strings.TrimSpace(l) != "":
			out = append(out, strings.TrimSpace(l))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// target is one URL path measured on both servers.
type target struct {
	what          string
	path          string // relative to the asset's folder
	goal          float64
	lineup, nginx []wrkResult
}

// timeToFirstFrame presses play plays times on Lineup and on the nginx
// baseline, alternating, and prints each press and the medians.
func timeToFirstFrame(ctx context.Context, dir string, l *lineup, n *nginxServer, plays int) error {
	say("starting headless Chromium")
	bctx, cancel, err := firstframe.NewBrowser(ctx, filepath.Join(dir, "chromium"))
	if err != nil {
		return err
	}
	defer cancel()
	if err := firstframe.SignIn(bctx, l.base, viewerEmail, viewerPassword, viewerProfile); err != nil {
		return fmt.Errorf("sign in to Lineup and pick a profile: %w", err)
	}
	var lineupRuns, nginxRuns []firstframe.Result
	sides := []struct {
		name, url string
		into      *[]firstframe.Result
	}{
		{"lineup", fmt.Sprintf("%s/titles/%d", l.base, l.titleID), &lineupRuns},
		{"nginx", n.base + "/bench-page/title.html", &nginxRuns},
	}
	for i := range plays {
		for _, s := range sides {
			r, err := firstframe.PressPlay(bctx, s.url)
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			say("play %d/%d: %-6s first frame %4.0f ms after the click (player page at %3.0f ms, moving at %4.0f ms; %s)",
				i+1, plays, s.name, r.Frame, r.Nav, r.Moving, r.How)
			*s.into = append(*s.into, r)
		}
	}
	frame := func(r firstframe.Result) float64 { return r.Frame }
	moving := func(r firstframe.Result) float64 { return r.Moving }
	lf, nf := median(lineupRuns, frame), median(nginxRuns, frame)
	verdict := "ok"
	if lf > 1000 {
		verdict = "MISSED"
	}
	fmt.Printf("time to first frame in headless Chromium, click on Play → first frame presented, median of %d, browser cache off\n", plays)
	fmt.Printf("%-34s %14s %14s %8s %8s\n", "", "Lineup", "nginx+hls.js", "ratio", "target")
	fmt.Printf("%-34s %11.0f ms %11.0f ms %7.2fx %8s  %s\n", "first frame", lf, nf, lf/nf, "≤ 1000 ms", verdict)
	fmt.Printf("%-34s %11.0f ms %11.0f ms %7.2fx\n", "  playing (currentTime > 0)", median(lineupRuns, moving), median(nginxRuns, moving), median(lineupRuns, moving)/median(nginxRuns, moving))
	fmt.Printf("%-34s Lineup %s; nginx %s\n", "  each press, first frame, ms", joinMS(lineupRuns), joinMS(nginxRuns))
	fmt.Println("(the target is on Lineup's absolute median; the baseline plays the same files from nginx with no sign-in, entitlement or token)")
	return nil
}

// assetFiles are the files of the published asset the bench fetches,
// relative to its folder.
type assetFiles struct {
	master, media, segment string
	segmentSize            int64
}

// findFiles reads the asset's master playlist for the 1080p rendition and
// that rendition's playlist for its first full 4-second segment.
func findFiles(dir string) (assetFiles, error) {
	f := assetFiles{master: "master.m3u8"}
	master, err := os.ReadFile(filepath.Join(dir, f.master))
	if err != nil {
		return f, err
	}
	lines := strings.Split(string(master), "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "#EXT-X-STREAM-INF:") && strings.Contains(line, "RESOLUTION=1920x1080") && i+1 < len(lines) {
			f.media = strings.TrimSpace(lines[i+1])
			break
		}
	}
	if f.media == "" {
		return f, fmt.Errorf("no 1920x1080 rendition in %s:\n%s", filepath.Join(dir, f.master), master)
	}
	media, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.media)))
	if err != nil {
		return f, err
	}
	lines = strings.Split(string(media), "\n")
	for i, line := range lines {
		secs, ok := strings.CutPrefix(line, "#EXTINF:")
		if !ok || i+1 >= len(lines) {
			continue
		}
		secs, _, _ = strings.Cut(secs, ",")
		if d, err := strconv.ParseFloat(secs, 64); err == nil && d >= 3.9 {
			f.segment = path.Join(path.Dir(f.media), strings.TrimSpace(lines[i+1]))
			break
		}
	}
	if f.segment == "" {
		return f, fmt.Errorf("no 4-second segment in %s:\n%s", f.media, media)
	}
	info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.segment)))
	if err != nil {
		return f, err
	}
	f.segmentSize = info.Size()
	return f, nil
}

// sameBytes checks that both URLs answer 200 with the same body.
func sameBytes(a, b string) error {
	get := func(u string) ([]byte, error) {
		resp, err := http.Get(u)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
		}
		return body, err
	}
	x, err := get(a)
	if err != nil {
		return err
	}
	y, err := get(b)
	if err != nil {
		return err
	}
	if !bytes.Equal(x, y) {
		return fmt.Errorf("%s and %s differ (%d and %d bytes)", a, b, len(x), len(y))
	}
	return nil
}

// needTools fails early, naming what is missing.
func needTools(browser bool) error {
	var missing []string
	for _, name := range []string{"ffmpeg", "ffprobe", "wrk"} {
		if _, err := exec.LookPath(name); err != nil {
			missing = append(missing, name)
		}
	}
	if _, err := findNginx(); err != nil {
		missing = append(missing, "nginx")
	}
	if browser {
		if _, err := firstframe.FindChromium(); err != nil {
			missing = append(missing, "chromium")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing: %s (scripts/bench serve installs them; or apt-get install -y %s)", strings.Join(missing, ", "), strings.Join(missing, " "))
	}
	return nil
}

func nginxVersion() string {
	bin, err := findNginx()
	if err != nil {
		return ""
	}
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	_, v, _ := strings.Cut(strings.TrimSpace(string(out)), "nginx/")
	return v
}

// loadAverage is the first three fields of /proc/loadavg, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// freePort returns a TCP port on 127.0.0.1 that nothing listened on a
// moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func median[T any](xs []T, f func(T) float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = f(x)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func joinRPS(rs []wrkResult) string {
	var s []string
	for _, r := range rs {
		s = append(s, strconv.FormatFloat(r.rps, 'f', 0, 64))
	}
	return strings.Join(s, " ")
}

// pairedRatios divides each round's Lineup figure by the nginx figure of
// the same round: the two ran back to back, so a change in the machine's
// load over the bench touches both.
func pairedRatios(lineup, nginx []wrkResult) []float64 {
	var r []float64
	for i := range min(len(lineup), len(nginx)) {
		r = append(r, lineup[i].rps/nginx[i].rps)
	}
	return r
}

func joinRatios(rs []float64) string {
	var s []string
	for _, r := range rs {
		s = append(s, strconv.FormatFloat(r, 'f', 2, 64))
	}
	return strings.Join(s, " ")
}

func joinMS(rs []firstframe.Result) string {
	var s []string
	for _, r := range rs {
		s = append(s, strconv.FormatFloat(r.Frame, 'f', 0, 64))
	}
	return strings.Join(s, " ")
}

// size prints a byte count in binary units.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// say prints a line of progress on standard error.
func say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "serve bench: "+format+"\n", args...)
}
