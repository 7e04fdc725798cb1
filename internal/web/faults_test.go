package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// lockedBuffer is a log destination several goroutines may write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines returns the log lines at level that contain text.
func (l *lockedBuffer) lines(level, text string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		if strings.Contains(line, "level="+level) && strings.Contains(line, text) {
			out = append(out, line)
		}
	}
	return out
}

// faultServer is the API over db with its log kept for the test to read.
func faultServer(t *testing.T, db *store.DB, d Deps) (string, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	d.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d.DB = db
	d.Catalog = catalog.New(db)
	d.Rights = rights.New(db, rights.Config{Licensee: "Lineup"})
	d.AdminToken = adminToken
	d.ServiceName = "Lineup"
	d.DefaultTerritory = "US"
	d.Licensee = "Lineup"
	s, err := New(d)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewServer(checkAPI(t, s))
	t.Cleanup(ts.Close)
	return ts.URL, logs
}

// answer is what a client saw.
type answer struct {
	status      int
	contentType string
	retryAfter  string
	body        string
}

func hit(method, url string, body string) answer {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{body: err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Retry-After"), string(b)}
}

// PostgreSQL stopped under load used to answer every request 500 "Internal
// Server Error", each logged at ERROR. It must answer 503 problem+json with
// Retry-After, log one WARN for the outage, and serve again once it is back.
func TestDatabaseStoppedUnderLoadAnswers503(t *testing.T) {
	pg := storetest.StartServer(t)
	ctx := context.Background()
	db, err := store.Open(ctx, pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	url, logs := faultServer(t, db, Deps{})

	var (
		stop                      atomic.Bool
		ok, unavailable, requests atomic.Int64
		badMu                     sync.Mutex
		bad                       []string
	)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				var a answer
				if i%2 == 0 {
					a = hit("GET", url+"/api/v1/titles", "")
				} else {
					a = hit("POST", url+"/api/v1/titles", fmt.Sprintf(`{"original_title":"t%d-%d","original_language":"zh"}`, w, i))
				}
				requests.Add(1)
				switch {
				case a.status == 200 || a.status == 201:
					ok.Add(1)
				case a.status == 503 && strings.HasPrefix(a.contentType, "application/problem+json") && a.retryAfter != "" && strings.Contains(a.body, "database"):
					unavailable.Add(1)
				default:
					badMu.Lock()
					if len(bad) < 5 {
						bad = append(bad, fmt.Sprintf("%d %s Retry-After=%q %s", a.status, a.contentType, a.retryAfter, a.body))
					}
					badMu.Unlock()
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	time.Sleep(time.Second)
	pg.Stop()
	time.Sleep(3 * time.Second)
	okDuringOutage := ok.Load()
	pg.Start()
	// Serving again within a few seconds of the restart.
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if a := hit("GET", url+"/api/v1/titles", ""); a.status == 200 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	before := ok.Load()
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()

	for _, b := range bad {
		t.Errorf("while the database was down every answer must be 2xx or 503 problem+json with Retry-After naming the database; got %s", b)
	}
	if unavailable.Load() == 0 {
		t.Errorf("no request saw the outage (%d requests, %d ok before the restart): the test did not stop the database", requests.Load(), okDuringOutage)
	}
	if ok.Load() == before {
		t.Error("after PostgreSQL came back, requests must succeed again")
	}
	if n := len(logs.lines("ERROR", "")); n > 0 {
		t.Errorf("an outage is not a server bug: %d ERROR lines, first: %s", n, logs.lines("ERROR", "")[0])
	}
	if warns := logs.lines("WARN", "unavailable"); len(warns) != 1 {
		t.Errorf("one WARN per outage, got %d:\n%s", len(warns), strings.Join(warns, "\n"))
	}
	if back := logs.lines("INFO", "available again"); len(back) != 1 {
		t.Errorf("the end of the outage must be logged once at INFO, got %d", len(back))
	}
}

// tinyDisk mounts a tmpfs of size bytes for the test (a real filesystem
// that really fills up) and unmounts it at the end. Mounting needs root;
// without it the test is skipped, unless LINEUP_TEST_REQUIRE_MOUNT=1 (set
// by scripts/test, which runs as root).
func tinyDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		if os.Getenv("LINEUP_TEST_REQUIRE_MOUNT") == "1" {
			t.Fatalf("LINEUP_TEST_REQUIRE_MOUNT=1 but mounting a tmpfs failed: %v %s", err, out)
		}
		t.Skipf("a full disk needs a tmpfs of its own, and mounting one failed (run as root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file into dir until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	// The last bytes: whatever a smaller write still fits.
	for n := len(chunk) / 2; n > 0; n /= 2 {
		f.Write(chunk[:n])
	}
	return path
}

// A full data folder used to answer every write 500 "something went wrong"
// while /readyz said ready. A write must be answered 507 naming the disk,
// /readyz must say not ready, nothing stored may be lost, and both must
// recover when space returns.
func TestFullDiskAnswers507AndNotReady(t *testing.T) {
	dir := tinyDisk(t, 8<<20)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "lineup.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	media, err := blob.NewFolder(filepath.Join(dir, "media"))
	if err != nil {
		t.Fatal(err)
	}
	url, logs := faultServer(t, db, Deps{Blob: media, MinFreeBytes: 1 << 20,
		Disks: []Disk{{Name: "database", Path: dir}, {Name: "media store", Path: filepath.Join(dir, "media")}}})
	title := func(name string) answer {
		return hit("POST", url+"/api/v1/titles", `{"original_title":"`+name+`","original_language":"zh"}`)
	}
	if a := title("before"); a.status != 201 {
		t.Fatalf("a title must be stored while there is space: %d %s", a.status, a.body)
	}
	if a := hit("GET", url+"/readyz", ""); a.status != 200 {
		t.Fatalf("/readyz with space left must be 200: %d %s", a.status, a.body)
	}

	filler := fill(t, dir)
	for i := 0; i < 3; i++ {
		a := title(strings.Repeat("满", 450))
		if a.status != http.StatusInsufficientStorage || !strings.HasPrefix(a.contentType, "application/problem+json") || !strings.Contains(a.body, "disk holding the database is full") {
			t.Errorf("a write on a full disk must be 507 problem+json naming the database's disk, got %d %s %s", a.status, a.contentType, a.body)
		}
	}
	a := hit("GET", url+"/readyz", "")
	if a.status != http.StatusServiceUnavailable || !strings.Contains(a.body, "disk holding the database is full") {
		t.Errorf("/readyz on a full disk must be 503 naming the disk, got %d %s", a.status, a.body)
	}
	err = media.Put(ctx, "assets/1/x.m4s", strings.NewReader(strings.Repeat("x", 1<<20)), 1<<20, "")
	if p := (&Server{Deps: Deps{Disks: []Disk{{Name: "database", Path: dir}, {Name: "media store", Path: filepath.Join(dir, "media")}}}}).problemFor(err); p.Status != http.StatusInsufficientStorage || !strings.Contains(p.Detail, "media store") {
		t.Errorf("a media store write on a full disk must be 507 naming the media store, got %d %q (err %v)", p.Status, p.Detail, err)
	}
	if n := len(logs.lines("ERROR", "")); n > 0 {
		t.Errorf("a full disk is not a server bug: %d ERROR lines, first: %s", n, logs.lines("ERROR", "")[0])
	}
	if warns := logs.lines("WARN", "unavailable"); len(warns) != 1 {
		t.Errorf("one WARN per full disk, got %d:\n%s", len(warns), strings.Join(warns, "\n"))
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if a := title("after"); a.status != 201 {
		t.Errorf("writes must succeed again once space returns: %d %s", a.status, a.body)
	}
	if a := hit("GET", url+"/readyz", ""); a.status != 200 {
		t.Errorf("/readyz must be ready again once space returns: %d %s", a.status, a.body)
	}
	var names []string
	rows, err := db.QueryContext(ctx, `SELECT original_title FROM titles ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	if strings.Join(names, ",") != "before,after" {
		t.Errorf("what was stored before the disk filled must be kept, and nothing half-written: %q", names)
	}
}
