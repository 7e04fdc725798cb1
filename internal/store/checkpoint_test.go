package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// TestCheckpointsLeaveTheCommits: on SQLite no commit copies the log back
// into the database file (that fsync was the p99 of every write); the
// checkpointer does it on its own connection within a second or so of the
// writes, so the log does not grow without end and the data reaches the
// database file.
func TestCheckpointsLeaveTheCommits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lineup.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	defer db.Close() // closing twice is allowed, as for sql.DB
	var auto int
	if err := db.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil {
		t.Fatal(err)
	}
	if auto != 0 {
		t.Fatalf("the writing connection checkpoints every %d pages: a commit would then wait for a checkpoint's fsync", auto)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE things (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	before := fileSize(t, path)
	body := strings.Repeat("x", 2000)
	for i := range 3000 {
		if _, err := db.ExecContext(ctx, `INSERT INTO things (id, body) VALUES ($1, $2)`, i, body); err != nil {
			t.Fatal(err)
		}
	}
	// 3,000 rows of 2 kB: about 6 MB, all of it in the log until a checkpoint.
	deadline := time.Now().Add(5 * time.Second)
	for fileSize(t, path) < before+5<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is still %d bytes (log %d bytes) 5 s after the writes: the checkpointer did not copy the log back",
				fileSize(t, path), fileSize(t, path+"-wal"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
