package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/store/storetest"
)

type blockArgs struct{}

func (blockArgs) Kind() string { return "test_block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	started, cancelled chan struct{}
}

func (w *blockWorker) Work(ctx context.Context, job *river.Job[blockArgs]) error {
	w.started <- struct{}{}
	select {
	case <-ctx.Done():
		w.cancelled <- struct{}{}
		return ctx.Err()
	case <-time.After(20 * time.Second):
		return nil
	}
}

// TestStopCancelsRunningJobs checks that Stop, once its context is done,
// cancels the jobs still running, so that their attempt fails and another
// worker retries them.
func TestStopCancelsRunningJobs(t *testing.T) {
	db := storetest.SQLite(t)
	q := open(t, db, "", jobs.Config{Work: true})
	w := &blockWorker{started: make(chan struct{}, 1), cancelled: make(chan struct{}, 1)}
	if err := jobs.AddWorker(q, river.Worker[blockArgs](w)); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Insert(t.Context(), blockArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	<-w.started
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := q.Stop(ctx)
	t.Logf("stop returned %v after %v", err, time.Since(start))
	select {
	case <-w.cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("a job still running when Stop's context ends must be cancelled")
	}
}
