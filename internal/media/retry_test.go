package media_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/blob/blobtest"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/store"
)

// Environment of the helper worker process TestWorkerDies starts.
const (
	helperDB    = "LINEUP_TEST_HELPER_WORKER_DB"
	helperStore = "LINEUP_TEST_HELPER_WORKER_STORE"
	helperTemp  = "LINEUP_TEST_HELPER_WORKER_TEMP"
)

// TestHelperWorker is not a test: it is the worker process that
// TestWorkerDies starts and kills. It does nothing unless started so.
func TestHelperWorker(t *testing.T) {
	dsn := os.Getenv(helperDB)
	if dsn == "" {
		t.Skip("helper process for TestWorkerDies")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LINEUP_S3_ACCESS_KEY": blobtest.AccessKey, "LINEUP_S3_SECRET_KEY": blobtest.SecretKey}
	blobs, err := blob.Open(ctx, os.Getenv(helperStore), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg := jobs.Config{Work: true, FetchPollInterval: 100 * time.Millisecond}
	if store.IsPostgres(dsn) {
		cfg.DatabaseURL = dsn
	}
	q, err := jobs.New(ctx, db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := media.New(db, blobs, q, media.Config{ProgressInterval: 200 * time.Millisecond, TempDir: os.Getenv(helperTemp)}); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {} // until killed
}

// TestWorkerDies stops the worker in the middle of an encode, by killing
// its process (SIGKILL: nobody fails the attempt, River's rescuer must
// notice) or by stopping it (its attempt is cancelled and fails), then
// starts another worker. The job is retried and completes; the retry
// starts clean, with a new staging prefix, the first attempt's staging
// discarded.
//
// A killed worker's ffmpeg used to run on as an orphan, its temporary
// folder stayed, and its job stayed "encoding" until River's 6-hour rescue.
// Now ffmpeg dies with its worker, the next worker removes the folder when
// it starts, and the job runs again within two minutes of the kill with
// the default configuration.
func TestWorkerDies(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts rigOptions
		kill bool
	}{
		{"sqlite+folder killed", rigOptions{}, true},
		{"postgres+s3 killed", rigOptions{postgres: true, s3: true}, true},
		{"sqlite+folder stopped", rigOptions{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.opts)
			ctx := t.Context()
			dir := t.TempDir()
			sample, err := media.GenerateSample(ctx, r.cfg.FFmpegPath, dir, media.SampleOptions{Seconds: 6, Width: 1280, Height: 720})
			if err != nil {
				t.Fatal(err)
			}
			titleID := r.title(t, "Us and Them", "zh")
			a, err := r.web.Ingest(ctx, media.IngestRequest{TitleID: titleID, Source: open(t, sample.Video), Filename: "film.mp4"})
			if err != nil {
				t.Fatal(err)
			}

			var stopFirst func()
			if tc.kill {
				storeURL := ""
				switch s := r.blobs.(type) {
				case *blob.Folder:
					storeURL = "file://" + s.Dir()
				default:
					storeURL = tc.opts.s3URL(t, r)
				}
				dsn := r.dbURL
				if dsn == "" {
					dsn = r.db.Location
				}
				cmd := exec.Command(os.Args[0], "-test.run", "^TestHelperWorker$", "-test.v")
				cmd.Env = append(os.Environ(), helperDB+"="+dsn, helperStore+"="+storeURL, helperTemp+"="+r.cfg.TempDir)
				out := &strings.Builder{}
				cmd.Stdout, cmd.Stderr = out, out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				stopFirst = func() {
					cmd.Process.Kill()
					cmd.Wait()
					t.Logf("helper worker output:\n%s", out)
				}
				t.Cleanup(func() { cmd.Process.Kill() })
			} else {
				q, _ := r.worker(t, jobs.Config{})
				stopFirst = func() {
					stop, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
					defer cancel()
					q.Stop(stop)
				}
			}

			// Wait until the first worker is encoding, then stop it.
			deadline := time.Now().Add(time.Minute)
			for {
				a, err = r.web.Asset(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if a.State == media.StateEncoding && a.Progress > 0 {
					break
				}
				if a.State.Final() || time.Now().After(deadline) {
					t.Fatalf("the first worker must start encoding: state %s, error %q", a.State, a.Error)
				}
				time.Sleep(50 * time.Millisecond)
			}
			stopFirst()
			killed := time.Now()
			first := a.StagingPrefix
			if tc.kill {
				// ffmpeg reads its input from the worker's temporary folder,
				// so its command line names that folder.
				deadline := time.Now().Add(3 * time.Second)
				for orphans := processesNaming(t, r.cfg.TempDir); len(orphans) > 0; orphans = processesNaming(t, r.cfg.TempDir) {
					if time.Now().After(deadline) {
						t.Errorf("ffmpeg must die with its worker; still running: %v", orphans)
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
				if left, _ := filepath.Glob(filepath.Join(r.cfg.TempDir, "lineup-encode-*")); len(left) == 0 {
					t.Error("the killed worker must have left its temporary folder (the fault this test repairs)")
				}
			}
			// What a worker that dies during its upload leaves behind.
			leftover := first + "720p/seg_00000.m4s"
			if err := r.blobs.Put(ctx, leftover, strings.NewReader("half"), 4, ""); err != nil {
				t.Fatal(err)
			}
			a, _ = r.web.Asset(ctx, a.ID)
			if a.State.Final() {
				t.Fatalf("the first attempt must not have finished: %s", a.State)
			}

			// A second worker, configured as in production; it rescues a
			// killed worker's job once its heartbeat has stopped for
			// RescueStuckJobsAfter.
			r.worker(t, jobs.Config{})
			if left, _ := filepath.Glob(filepath.Join(r.cfg.TempDir, "lineup-encode-*")); tc.kill && len(left) != 0 {
				t.Errorf("a starting worker must remove the temporary folders of dead workers: %v", left)
			}
			t.Cleanup(func() {
				if !t.Failed() {
					return
				}
				var state string
				var attempt int
				var errs string
				r.db.QueryRowContext(context.Background(), `SELECT state, attempt, CAST(errors AS TEXT) FROM river_job WHERE id = $1`, a.JobID).Scan(&state, &attempt, &errs)
				t.Logf("river job %d: state %s attempt %d errors %s", a.JobID, state, attempt, errs)
				a, _ := r.web.Asset(context.Background(), a.ID)
				t.Logf("asset: %s attempt %d error %q", a.State, a.Attempt, a.Error)
			})
			var rescued time.Duration
			a = r.wait(t, a.ID, 3*time.Minute, func(a media.Asset) {
				if rescued == 0 && a.Attempt >= 2 {
					rescued = time.Since(killed)
				}
			})
			if tc.kill {
				t.Logf("the job ran again %v after its worker was killed", rescued.Round(time.Second))
				if rescued == 0 || rescued > 2*time.Minute {
					t.Errorf("a killed worker's job must run again within 2 minutes, took %v", rescued)
				}
			}
			if a.State != media.StateReady {
				t.Fatalf("the retried job must complete: state %s, error %q\n%s", a.State, a.Error, a.StderrTail)
			}
			if tc.kill && a.Attempt < 2 {
				t.Errorf("a rescued job runs as a second attempt, got attempt %d", a.Attempt)
			}
			if a.PublishedPrefix == first {
				t.Errorf("the retry must write under a new staging prefix, not %s", first)
			}
			if k := keys(t, r.blobs, first); len(k) != 0 {
				t.Errorf("the retry must discard the first attempt's staging: %v", k)
			}
			if p, err := r.web.PlayableAsset(ctx, titleID); err != nil || p.ID != a.ID {
				t.Errorf("the retried asset must play: %+v %v", p, err)
			}
		})
	}
}

// processesNaming lists the processes whose command line contains text.
func processesNaming(t *testing.T, text string) []string {
	t.Helper()
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), text) {
			continue
		}
		out = append(out, filepath.Base(filepath.Dir(p))+": "+strings.ReplaceAll(string(b), "\x00", " "))
	}
	return out
}

// s3URL returns the URL of the rig's S3 store.
func (o rigOptions) s3URL(t *testing.T, r *rig) string {
	t.Helper()
	if r.blobsURL == "" {
		t.Fatal("the rig's store has no URL")
	}
	return r.blobsURL
}
