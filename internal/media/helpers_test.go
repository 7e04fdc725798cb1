package media_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/blob/blobtest"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// tools returns the paths of ffmpeg and ffprobe, skipping the test when
// they are missing unless LINEUP_TEST_REQUIRE_FFMPEG=1.
func tools(t testing.TB) (string, string) {
	t.Helper()
	ff, err1 := exec.LookPath("ffmpeg")
	fp, err2 := exec.LookPath("ffprobe")
	if err1 != nil || err2 != nil {
		if os.Getenv("LINEUP_TEST_REQUIRE_FFMPEG") == "1" {
			t.Fatal("ffmpeg and ffprobe must be on PATH")
		}
		t.Skip("ffmpeg or ffprobe not on PATH; install ffmpeg to run this test")
	}
	if testing.Short() {
		t.Skip("runs ffmpeg")
	}
	return ff, fp
}

// rig is one deployment under test: a database, a blob store, the service
// as the web role sees it (insert only) and its worker queues.
type rig struct {
	db    *store.DB
	dbURL string // PostgreSQL only
	blobs blob.Store
	// blobsURL is the S3 store's URL, for another process.
	blobsURL string
	cfg      media.Config
	web      *media.Service
	webQ     *jobs.Queue
}

type rigOptions struct {
	postgres bool
	s3       bool
	// s3At, when set, is the gateway the S3 store lives on (one the test
	// stops); otherwise s3 starts one.
	s3At string
	cfg  media.Config
}

func newRig(t *testing.T, o rigOptions) *rig {
	t.Helper()
	ff, fp := tools(t)
	r := &rig{}
	if o.postgres {
		r.dbURL = storetest.PostgresURL(t)
		db, err := store.Open(t.Context(), r.dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		r.db = db
	} else {
		r.db = storetest.SQLite(t)
	}
	if o.s3At != "" {
		r.blobs, r.blobsURL = blobtest.S3At(t, o.s3At)
	} else if o.s3 {
		r.blobs, r.blobsURL = blobtest.S3(t)
	} else {
		r.blobs = blobtest.Folder(t)
	}
	r.cfg = o.cfg
	r.cfg.FFmpegPath, r.cfg.FFprobePath = ff, fp
	r.cfg.TempDir = t.TempDir()
	r.cfg.ProgressInterval = 300 * time.Millisecond
	if os.Getenv("LINEUP_TEST_MEDIA_LOG") != "" {
		r.cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	r.webQ = r.queue(t, jobs.Config{})
	svc, err := media.New(r.db, r.blobs, r.webQ, r.cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.web = svc
	return r
}

// queue opens a Queue on the rig's database.
func (r *rig) queue(t *testing.T, cfg jobs.Config) *jobs.Queue {
	t.Helper()
	cfg.DatabaseURL = r.dbURL
	if cfg.FetchPollInterval == 0 {
		cfg.FetchPollInterval = 200 * time.Millisecond
	}
	q, err := jobs.New(t.Context(), r.db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	return q
}

// worker starts a worker process's worth of queue and service; it is
// stopped when the test ends.
func (r *rig) worker(t *testing.T, cfg jobs.Config) (*jobs.Queue, *media.Service) {
	t.Helper()
	cfg.Work = true
	q := r.queue(t, cfg)
	svc, err := media.New(r.db, r.blobs, q, r.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	return q, svc
}

// title inserts a title and returns its ID.
func (r *rig) title(t *testing.T, name, lang string) int64 {
	t.Helper()
	var id int64
	err := r.db.QueryRowContext(t.Context(), `INSERT INTO titles (original_title, original_language, created_at) VALUES ($1, $2, $3) RETURNING id`,
		name, lang, time.Now().UnixMilli()).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// wait waits for an asset to reach a final state.
func (r *rig) wait(t *testing.T, id int64, timeout time.Duration, report func(media.Asset)) media.Asset {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	a, err := r.web.WaitForAsset(ctx, id, report)
	if err != nil {
		t.Fatalf("asset %d did not finish (state %s, error %q): %v", id, a.State, a.Error, err)
	}
	return a
}

// keys lists the store's keys under prefix.
func keys(t *testing.T, s blob.Store, prefix string) []string {
	t.Helper()
	list, err := s.List(t.Context(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range list {
		out = append(out, o.Key)
	}
	return out
}

// serve serves the blob store over HTTP, as a CDN in front of it would.
func serve(t *testing.T, s blob.Store) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rc, info, err := s.Get(req.Context(), strings.TrimPrefix(req.URL.Path, "/"), 0, -1)
		if errors.Is(err, blob.ErrNotFound) || errors.Is(err, blob.ErrBadKey) {
			http.NotFound(w, req)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer rc.Close()
		ct := info.ContentType
		if ct == "" {
			ct = blob.ContentTypeFor(info.Key)
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Length", strconv.FormatInt(info.Size, 10))
		io.Copy(w, rc)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
