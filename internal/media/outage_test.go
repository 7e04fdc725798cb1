package media_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/blob/versitygw"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media"
)

// ingestAndWaitForEncoding ingests a short sample and waits until a worker
// is encoding it.
func ingestAndWaitForEncoding(t *testing.T, r *rig) media.Asset {
	t.Helper()
	ctx := t.Context()
	sample, err := media.GenerateSample(ctx, r.cfg.FFmpegPath, t.TempDir(), media.SampleOptions{Seconds: 6, Width: 1280, Height: 720})
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.web.Ingest(ctx, media.IngestRequest{TitleID: r.title(t, "后来的我们", "zh"), Source: open(t, sample.Video), Filename: "film.mp4"})
	if err != nil {
		t.Fatal(err)
	}
	r.worker(t, jobs.Config{})
	deadline := time.Now().Add(2 * time.Minute)
	for {
		a, err = r.web.Asset(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.State == media.StateEncoding && a.Progress > 0 {
			return a
		}
		if a.State.Final() || time.Now().After(deadline) {
			t.Fatalf("the worker must start encoding: state %s, error %q", a.State, a.Error)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The S3 store down for longer than a minute during an encode used to fail
// the asset for good: its three attempts went in 52 s. While the store is
// down the encode must wait and retry without using up its attempts, say so
// on the asset, and finish once the store is back; what the interrupted
// attempt left in the store is collected.
func TestEncodeWaitsForTheMediaStore(t *testing.T) {
	gw := versitygw.StartServer(t)
	r := newRig(t, rigOptions{s3At: gw.Addr, cfg: media.Config{StoreRetryWindow: 10 * time.Minute}})
	ctx := t.Context()
	a := ingestAndWaitForEncoding(t, r)
	first := a.StagingPrefix
	gw.Stop()
	sawWaiting := false
	down := time.Now()
	for time.Since(down) < 30*time.Second {
		a, _ = r.web.Asset(ctx, a.ID)
		if a.State.Final() {
			t.Fatalf("an encode must not fail while the media store is down for 30 s: %s %q", a.State, a.Error)
		}
		if a.State == media.StateQueued && strings.Contains(a.Error, "media store does not answer") {
			sawWaiting = true
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !sawWaiting {
		t.Errorf("while it waits, the asset must say the media store does not answer; it says %s %q", a.State, a.Error)
	}
	gw.Start()
	a = r.wait(t, a.ID, 3*time.Minute, nil)
	if a.State != media.StateReady {
		t.Fatalf("once the store is back the encode must finish: %s %q", a.State, a.Error)
	}
	if a.Attempt != 1 {
		t.Errorf("waiting for the store must not use up attempts: attempt %d", a.Attempt)
	}
	if n, err := r.web.Collect(ctx, 0); err != nil {
		t.Fatal(err)
	} else if k := keys(t, r.blobs, first); len(k) != 0 {
		t.Errorf("the interrupted attempt's staging must be collected (removed %d folders); left: %v", n, k)
	}
	if k := keys(t, r.blobs, a.PublishedPrefix); len(k) == 0 {
		t.Error("the published asset must be kept")
	}
}

// Past its retry window the encode fails; once the store is back a failed
// asset can be retried, and plays. A second, newer asset of the title
// supersedes it, and its files are collected.
func TestFailedEncodeRetriesAndSupersededFilesAreCollected(t *testing.T) {
	gw := versitygw.StartServer(t)
	r := newRig(t, rigOptions{s3At: gw.Addr, cfg: media.Config{StoreRetryWindow: time.Second, MaxAttempts: 1}})
	ctx := t.Context()
	a := ingestAndWaitForEncoding(t, r)
	gw.Stop()
	a = r.wait(t, a.ID, 2*time.Minute, nil)
	if a.State != media.StateFailed {
		t.Fatalf("past the retry window, with no attempts left, the encode fails: %s %q", a.State, a.Error)
	}
	gw.Start()
	if _, err := r.web.Retry(ctx, a.ID); err != nil {
		t.Fatalf("a failed asset must be retryable: %v", err)
	}
	a = r.wait(t, a.ID, 3*time.Minute, nil)
	if a.State != media.StateReady {
		t.Fatalf("the retried encode must finish: %s %q", a.State, a.Error)
	}
	if _, err := r.web.Retry(ctx, a.ID); err == nil {
		t.Error("a ready asset must not be retryable")
	}
	if p, err := r.web.PlayableAsset(ctx, a.TitleID); err != nil || p.ID != a.ID {
		t.Fatalf("the retried asset must play: %+v %v", p, err)
	}

	// A newer encode of the same title replaces it.
	sample, err := media.GenerateSample(ctx, r.cfg.FFmpegPath, t.TempDir(), media.SampleOptions{Seconds: 4, Width: 640, Height: 360})
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.web.Ingest(ctx, media.IngestRequest{TitleID: a.TitleID, Source: open(t, sample.Video), Filename: "film2.mp4"})
	if err != nil {
		t.Fatal(err)
	}
	if b = r.wait(t, b.ID, 3*time.Minute, nil); b.State != media.StateReady {
		t.Fatalf("second encode: %s %q", b.State, b.Error)
	}
	old := a.PublishedPrefix
	if _, err := r.web.Collect(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	if k := keys(t, r.blobs, old); len(k) == 0 {
		t.Error("a superseded asset's files must be kept for the grace period (viewers still watching it)")
	}
	if _, err := r.web.Collect(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if k := keys(t, r.blobs, old); len(k) != 0 {
		t.Errorf("a superseded asset's files must be collected after the grace period: %v", k)
	}
	if a, _ = r.web.Asset(ctx, a.ID); a.PublishedPrefix != "" || !strings.Contains(a.Error, "superseded") {
		t.Errorf("the collected asset must say it was superseded and point at no files: %q %q", a.PublishedPrefix, a.Error)
	}
	if k := keys(t, r.blobs, b.PublishedPrefix); len(k) == 0 {
		t.Error("the playing asset's files must be kept")
	}
}
