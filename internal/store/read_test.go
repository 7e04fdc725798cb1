package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// TestReadOnlyReadsBesideTheWriter: on SQLite a read made with a context
// marked ReadOnly does not wait for the one writing connection (which a
// long transaction holds here), sees what is committed and nothing that is
// not; an unmarked read waits for the writer, as before.
func TestReadOnlyReadsBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "lineup.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO things (id, name) VALUES (1, 'committed')`); err != nil {
		t.Fatal(err)
	}
	inTx, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO things (id, name) VALUES (2, 'pending')`); err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	count := func(ctx context.Context) (int, error) {
		var n int
		err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM things`).Scan(&n)
		return n, err
	}
	rctx, cancel := context.WithTimeout(store.ReadOnly(ctx), 2*time.Second)
	n, err := count(rctx)
	cancel()
	if err != nil || n != 1 {
		t.Fatalf("a ReadOnly read must answer while a transaction holds the writer, seeing the committed row only: %d %v", n, err)
	}
	rows, err := db.QueryContext(store.ReadOnly(ctx), `SELECT name FROM things`)
	if err != nil {
		t.Fatalf("ReadOnly QueryContext must not wait for the writer either: %v", err)
	}
	rows.Close()
	wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	if _, err := count(wctx); err == nil {
		t.Errorf("an unmarked read goes through the one connection the transaction holds, and waits")
	}
	cancel()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, err := count(store.ReadOnly(ctx)); err != nil || n != 2 {
		t.Errorf("a ReadOnly read sees what was committed since: %d %v", n, err)
	}
}
