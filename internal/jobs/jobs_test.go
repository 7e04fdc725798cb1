package jobs_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

type pingArgs struct {
	N int `json:"n"`
}

func (pingArgs) Kind() string { return "test_ping" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	sum  *atomic.Int64
	done chan struct{}
}

func (w *pingWorker) Work(ctx context.Context, job *river.Job[pingArgs]) error {
	w.sum.Add(int64(job.Args.N))
	w.done <- struct{}{}
	return nil
}

// open returns a Queue on db; on PostgreSQL it needs the URL too.
func open(t *testing.T, db *store.DB, url string, cfg jobs.Config) *jobs.Queue {
	t.Helper()
	cfg.DatabaseURL = url
	cfg.FetchPollInterval = 100 * time.Millisecond
	q, err := jobs.New(t.Context(), db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	return q
}

func TestQueue(t *testing.T) {
	engines := map[string]func(t *testing.T) (*store.DB, string){
		"sqlite": func(t *testing.T) (*store.DB, string) { return storetest.SQLite(t), "" },
		"postgres": func(t *testing.T) (*store.DB, string) {
			url := storetest.PostgresURL(t)
			db, err := store.Open(t.Context(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			return db, url
		},
	}
	for name, openDB := range engines {
		t.Run(name, func(t *testing.T) {
			db, url := openDB(t)
			ctx := t.Context()

			// Migrating twice is harmless: a second process starting.
			web := open(t, db, url, jobs.Config{})
			_ = open(t, db, url, jobs.Config{})
			if err := web.Start(ctx); err != nil {
				t.Fatalf("an insert-only queue starts without workers: %v", err)
			}

			var sum atomic.Int64
			w := &pingWorker{sum: &sum, done: make(chan struct{}, 10)}
			worker := open(t, db, url, jobs.Config{Work: true})
			if err := jobs.AddWorker(worker, river.Worker[pingArgs](w)); err != nil {
				t.Fatal(err)
			}

			// A rolled-back transaction queues nothing.
			boom := errors.New("boom")
			err := web.InTx(ctx, func(tx jobs.Tx) error {
				if _, err := tx.Insert(ctx, pingArgs{N: 100}, nil); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("InTx must return fn's error: %v", err)
			}
			// A committed one queues its job with the caller's rows.
			err = web.InTx(ctx, func(tx jobs.Tx) error {
				var one int64
				if err := tx.QueryRow(ctx, `SELECT $1 + 0`, int64(1)).Scan(&one); err != nil || one != 1 {
					return errors.Join(err, errors.New("QueryRow inside the transaction"))
				}
				_, err := tx.Insert(ctx, pingArgs{N: 2}, nil)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := worker.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if err := jobs.AddWorker(worker, river.Worker[pingArgs](w)); err == nil {
				t.Error("adding a worker after Start must fail")
			}
			select {
			case <-w.done:
			case <-time.After(20 * time.Second):
				t.Fatal("a committed job must be worked")
			}
			stop, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := worker.Stop(stop); err != nil {
				t.Fatal(err)
			}
			if got := sum.Load(); got != 2 {
				t.Errorf("only the committed job runs: sum %d, want 2", got)
			}
		})
	}
}

func TestConfigRejectsRescueShorterThanThreeHeartbeats(t *testing.T) {
	db := storetest.SQLite(t)
	_, err := jobs.New(t.Context(), db, jobs.Config{Heartbeat: 20 * time.Second, RescueStuckJobsAfter: 30 * time.Second})
	if err == nil {
		t.Fatal("RescueStuckJobsAfter shorter than three heartbeats would run live jobs twice; New must refuse it")
	}
}
