package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

type longArgs struct {
	For time.Duration `json:"for"`
}

func (longArgs) Kind() string { return "test_long" }

// longWorker sleeps for the job's duration and records each attempt.
type longWorker struct {
	river.WorkerDefaults[longArgs]
	mu       sync.Mutex
	attempts []int
	done     chan int
}

func (w *longWorker) Work(ctx context.Context, job *river.Job[longArgs]) error {
	w.mu.Lock()
	w.attempts = append(w.attempts, job.Attempt)
	w.mu.Unlock()
	select {
	case <-time.After(job.Args.For):
	case <-ctx.Done():
		return ctx.Err()
	}
	w.done <- job.Attempt
	return nil
}

// A job that runs much longer than RescueStuckJobsAfter is left alone while
// its worker beats its heartbeat; a job whose worker died (running, with no
// heartbeat since) is put back in the queue within RescueStuckJobsAfter and
// a rescue interval, and runs again as its next attempt.
func TestHeartbeatKeepsLongJobsAndDeadWorkersJobsAreRescued(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, url string) {
		ctx := t.Context()
		cfg := jobs.Config{Work: true, Heartbeat: 200 * time.Millisecond, RescueStuckJobsAfter: 900 * time.Millisecond}
		q := open(t, db, url, cfg)
		w := &longWorker{done: make(chan int, 4)}
		if err := jobs.AddWorker(q, river.Worker[longArgs](w)); err != nil {
			t.Fatal(err)
		}

		// A job "claimed by a worker that was killed": running, attempt 1,
		// its last sign of life long ago.
		dead, err := q.Insert(ctx, longArgs{For: 10 * time.Millisecond}, &river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		old := `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 hour' WHERE id = $1`
		if db.Dialect == store.SQLite {
			old = `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hour') WHERE id = $1`
		}
		if _, err := db.ExecContext(ctx, old, dead); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Insert(ctx, longArgs{For: 3 * time.Second}, nil); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			q.Stop(stop)
		})
		var got []int
		for len(got) < 2 {
			select {
			case a := <-w.done:
				got = append(got, a)
			case <-time.After(30 * time.Second):
				t.Fatalf("both jobs must finish; finished attempts %v", got)
			}
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		ones, twos := 0, 0
		for _, a := range w.attempts {
			switch a {
			case 1:
				ones++
			case 2:
				twos++
			}
		}
		if ones != 1 || twos != 1 || len(w.attempts) != 2 {
			t.Errorf("the long job must run once as attempt 1 (its heartbeat kept it), the dead worker's job once as attempt 2; attempts run: %v", w.attempts)
		}
	})
}

// eachEngine runs fn on a fresh SQLite and a fresh PostgreSQL database;
// url is PostgreSQL's, which River's pool needs ("" on SQLite).
func eachEngine(t *testing.T, fn func(t *testing.T, db *store.DB, url string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storetest.SQLite(t), "") })
	t.Run("postgres", func(t *testing.T) {
		url := storetest.PostgresURL(t)
		db, err := store.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		fn(t, db, url)
	})
}
