package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// Two transactions that lock the same two rows in opposite orders deadlock
// on PostgreSQL; one of them is aborted (40P01). InTx runs the aborted one
// again, so neither caller sees an error that only says they crossed.
func TestInTxRetriesDeadlocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var a, b int64
		for _, p := range []*int64{&a, &b} {
			if err := db.QueryRowContext(ctx, `INSERT INTO titles (original_title, original_language, created_at) VALUES ('t', 'zh', 1) RETURNING id`).Scan(p); err != nil {
				t.Fatal(err)
			}
		}
		lock := `UPDATE titles SET year = 2018 WHERE id = $1`
		// Pairs one after the other, like two imports run at once: each
		// pair deadlocks (PostgreSQL notices after its deadlock_timeout,
		// 1 s) unless the first takes both locks before the second starts.
		const pairs = 4
		for i := 0; i < pairs; i++ {
			var wg sync.WaitGroup
			errs := make(chan error, 2)
			for _, order := range [][2]int64{{a, b}, {b, a}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- db.InTx(ctx, func(tx *sql.Tx) error {
						if _, err := tx.ExecContext(ctx, lock, order[0]); err != nil {
							return err
						}
						time.Sleep(20 * time.Millisecond) // let the other side take its first lock
						_, err := tx.ExecContext(ctx, lock, order[1])
						return err
					})
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Errorf("pair %d: a transaction that only crossed another one must be retried, not fail: %v", i, err)
				}
			}
		}
	})
}

func TestFaultKinds(t *testing.T) {
	pathErr := fmt.Errorf("blob: put: %w", &fsPathError{syscall.ENOSPC})
	if !store.IsDiskFull(pathErr) {
		t.Error("ENOSPC is a full disk")
	}
	if store.IsDiskFull(errors.New("no space left on device")) {
		t.Error("the kind comes from the error's type, never its text")
	}
	if !store.IsUnavailable(fmt.Errorf("x: %w", syscall.ECONNREFUSED)) {
		t.Error("a refused connection is an unavailable database")
	}
	if store.IsUnavailable(store.ErrNotFound) || store.IsUnavailable(nil) {
		t.Error("not found and nil are not unavailable")
	}
	shutdown := fmt.Errorf("catalog: create title: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"})
	if !store.IsUnavailable(shutdown) || !store.FromDatabase(shutdown) {
		t.Error("PostgreSQL shutting down is the database unavailable, whatever a ping says a moment later")
	}
	if store.FromDatabase(fmt.Errorf("blob: put: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED})) {
		t.Error("a refused network call is not known to be the database's (it may be the media store's)")
	}
}

type fsPathError struct{ err error }

func (e *fsPathError) Error() string { return "write /x: " + e.err.Error() }
func (e *fsPathError) Unwrap() error { return e.err }
