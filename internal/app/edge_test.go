package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// nginxBinary finds Debian's nginx, or skips (fails under
// LINEUP_TEST_REQUIRE_NGINX=1, as scripts/test sets).
func nginxBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	if os.Getenv("LINEUP_TEST_REQUIRE_NGINX") == "1" {
		t.Fatal("LINEUP_TEST_REQUIRE_NGINX=1 but nginx is not installed (apt-get install nginx)")
	}
	t.Skip("nginx is not installed; run scripts/test, which installs it")
	return ""
}

// startEdge runs deploy/nginx/lineup-edge.conf in front of origin (host:port)
// with its EDIT values pointed at a temporary folder and a free port, and
// returns the edge's base URL and the folder.
func startEdge(t *testing.T, origin string) (string, string) {
	t.Helper()
	bin := nginxBinary(t)
	conf, err := os.ReadFile("../../deploy/nginx/lineup-edge.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	edited := string(conf)
	for _, r := range [][2]string{
		{"/var/cache/nginx/lineup", filepath.Join(dir, "cache")},
		{"server 127.0.0.1:8080;", "server " + origin + ";"},
		{"listen 80;", "listen 127.0.0.1:" + strconv.Itoa(port) + ";"},
		{"/var/log/nginx/lineup-edge.log", filepath.Join(dir, "access.log")},
	} {
		if !strings.Contains(edited, r[0]) {
			t.Fatalf("deploy/nginx/lineup-edge.conf no longer holds %q, which the operator edits (and this test replaces)", r[0])
		}
		edited = strings.ReplaceAll(edited, r[0], r[1])
	}
	os.WriteFile(filepath.Join(dir, "lineup-edge.conf"), []byte(edited), 0o644)
	user := ""
	if os.Getuid() == 0 {
		user = "user root;\n" // the workers write the cache in the test's folder
	}
	main := fmt.Sprintf(`%sworker_processes 2;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 512; }
http {
	client_body_temp_path %[2]s/tmp/body;
	proxy_temp_path %[2]s/tmp/proxy;
	fastcgi_temp_path %[2]s/tmp/fastcgi;
	uwsgi_temp_path %[2]s/tmp/uwsgi;
	scgi_temp_path %[2]s/tmp/scgi;
	include %[2]s/lineup-edge.conf;
}
`, user, dir)
	os.MkdirAll(filepath.Join(dir, "tmp"), 0o755)
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644)
	if out, err := exec.Command(bin, "-t", "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log")).CombinedOutput(); err != nil {
		t.Fatalf("deploy/nginx/lineup-edge.conf must be a valid configuration for Debian's nginx: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	// nginx's workers inherit the output pipe: Wait must not wait on them
	// for ever should the master go first.
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGTERM is nginx's fast stop; it goes to the whole process group
		// nginx was started in (master, workers, cache manager), so that
		// none is left behind whatever the master does.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s%s", stderr.Bytes(), log)
		}
	}
	return base, dir
}

var mediaURI = regexp.MustCompile(`URI="([^"]+)"`)

// watchThroughEdge plays a title as a player does, through the edge: start,
// master, every media playlist, its key, every segment. It returns the
// segment paths fetched and the cache status the edge gave each.
func watchThroughEdge(v *viewerClient, title int64) (map[string]string, error) {
	status, _, body := v.do("POST", "/api/v1/playback", map[string]any{"title": title}, false)
	if status != 200 {
		return nil, fmt.Errorf("start: %d %s", status, body)
	}
	var g grant
	if err := json.Unmarshal(body, &g); err != nil {
		return nil, err
	}
	get := func(u string, cookie bool) (int, http.Header, []byte, error) {
		req, _ := http.NewRequest("GET", v.base+u, nil)
		if cookie {
			req.AddCookie(&http.Cookie{Name: "lineup_session", Value: v.session.Token})
		}
		req.Header.Set(v.countryHeader, v.country)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, b, err
	}
	base := strings.TrimSuffix(g.StreamURL, "master.m3u8")
	st, _, master, err := get(g.StreamURL, false)
	if err != nil || st != 200 {
		return nil, fmt.Errorf("master: %d %v", st, err)
	}
	var playlists []string
	for _, l := range strings.Split(string(master), "\n") {
		if strings.HasPrefix(l, "#EXT-X-MEDIA:") && strings.Contains(l, "TYPE=AUDIO") {
			playlists = append(playlists, mediaURI.FindStringSubmatch(l)[1])
		} else if l != "" && !strings.HasPrefix(l, "#") {
			playlists = append(playlists, l)
		}
	}
	seen := map[string]string{}
	for _, p := range playlists {
		st, _, pl, err := get(base+p, false)
		if err != nil || st != 200 {
			return nil, fmt.Errorf("playlist %s: %d %v", p, st, err)
		}
		if refresh, _, _, err := get(base+p, false); err != nil || refresh != 200 {
			return nil, fmt.Errorf("playlist refresh %s: %d %v", p, refresh, err)
		}
		if m := keyLine.FindStringSubmatch(string(pl)); m != nil {
			if st, _, k, err := get(m[1], true); err != nil || st != 200 || len(k) != 16 {
				return nil, fmt.Errorf("key: %d %v", st, err)
			}
		}
		for _, s := range segmentURIs(string(pl)) {
			st, h, _, err := get(s, false)
			if err != nil || st != 200 {
				return nil, fmt.Errorf("segment %s: %d %v", s, st, err)
			}
			seen[s] = h.Get("X-Cache-Status")
		}
	}
	return seen, nil
}

// TestEdgeCachesSegmentsOnce runs deploy/nginx/lineup-edge.conf in front of
// Lineup: several viewers play the same title at once through it, each
// with their own playlists and key, and Lineup's origin is asked for each
// segment exactly once.
func TestEdgeCachesSegmentsOnce(t *testing.T) {
	svc := startBrowserService(t, map[string]string{"LINEUP_LOG_LEVEL": "info", "LINEUP_COUNTRY_HEADER": "X-Country", "LINEUP_MAX_STREAMS": "8"})
	edge, dir := startEdge(t, strings.TrimPrefix(svc.url, "http://"))
	const viewers = 6
	var clients []*viewerClient
	for i := range viewers {
		email := []string{"us@viewer.test", "fr@viewer.test", "admin@viewer.test"}[i%3]
		v := signInViewer(t, svc, email, "US")
		v.base, v.countryHeader = edge, "X-Country"
		clients = append(clients, v)
	}
	results := make([]map[string]string, viewers)
	errs := make([]error, viewers)
	var wg sync.WaitGroup
	for i, v := range clients {
		wg.Add(1)
		go func() { defer wg.Done(); results[i], errs[i] = watchThroughEdge(v, svc.titleID) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("viewer %d must play through the edge: %v", i, err)
		}
	}
	segments := map[string]bool{}
	hits := 0
	for _, r := range results {
		for s, status := range r {
			segments[s] = true
			if status == "HIT" {
				hits++
			}
		}
	}
	if len(segments) < 4 {
		t.Fatalf("the viewers must have fetched the film's segments: %v", segments)
	}
	// What the origin was asked, from Lineup's own access log.
	origin := map[string]int{}
	playlists := 0
	for _, m := range regexp.MustCompile(`msg=request method=GET path=(\S+) route=(\S+) status=(\d+)`).FindAllStringSubmatch(svc.log.String(), -1) {
		switch {
		case strings.HasPrefix(m[1], "/media/"):
			origin[m[1]]++
		case strings.HasPrefix(m[1], "/stream/") && strings.HasSuffix(m[1], ".m3u8"):
			playlists++
		}
	}
	for s := range segments {
		if origin[s] != 1 {
			t.Errorf("the origin must be asked for each segment once through the edge; %s was asked %d times", s, origin[s])
		}
	}
	if len(origin) != len(segments) {
		t.Errorf("the origin served %d segment paths for %d distinct segments", len(origin), len(segments))
	}
	if want := viewers * (1 + 2*(len(results[0])/len(segments)+1)); playlists < viewers*3 {
		t.Errorf("per-viewer playlists must pass through the edge uncached: the origin saw %d playlist requests (want at least %d; about %d)", playlists, viewers*3, want)
	}
	if hits < (viewers-1)*len(segments)/2 {
		t.Errorf("most segment requests after the first viewer's must be edge hits: %d hits", hits)
	}
	access, _ := os.ReadFile(filepath.Join(dir, "access.log"))
	if !bytes.Contains(access, []byte("/stream/REDACTED/")) || !bytes.Contains(access, []byte("/keys/REDACTED/")) {
		t.Errorf("the edge's access log shows token paths redacted:\n%s", tail(string(access), 1500))
	}
	for _, v := range clients {
		if bytes.Contains(access, []byte(v.session.Token)) {
			t.Errorf("the edge's access log must not hold a session")
		}
	}
	if tok := regexp.MustCompile(`/stream/([A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]+)/`).Find(access); tok != nil {
		t.Errorf("the edge's access log must never hold a playback token: %s", tok)
	}
	t.Logf("%d viewers, %d distinct segments, origin segment requests %d, edge hits %d", viewers, len(segments), len(origin), hits)
}
