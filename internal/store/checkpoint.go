package store

import (
	"context"
	"database/sql"
	"net/url"
	"sync"
	"time"
)

// A SQLite database in WAL mode copies its log back into the database file
// (a checkpoint) from time to time, and fsyncs both. By default the commit
// that crosses 1,000 pages of log does it, so one write in a few hundred
// waits for a checkpoint: tens of milliseconds on an ordinary disk, the
// whole p99 of a license insert (issue 12's bench: p50 0.3 ms, p99 20 ms).
// Here the writer never checkpoints (wal_autocheckpoint(0)); a connection
// of its own does, every checkpointEvery, in PASSIVE mode, which never
// blocks the writer or the readers. Commits then never fsync
// (synchronous(NORMAL) in WAL mode); what a crash can lose is unchanged:
// the last commits before a power cut, never the database's integrity.

// checkpointEvery is how often the checkpointer copies the log back.
const checkpointEvery = 500 * time.Millisecond

// checkpointer checkpoints one SQLite file until stopped.
type checkpointer struct {
	db     *sql.DB
	stop   chan struct{}
	done   chan struct{}
	closed sync.Once
}

// startCheckpoints opens the checkpointing connection of the SQLite file at
// path and starts its loop.
func startCheckpoints(path string) (*checkpointer, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	cdb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	cdb.SetMaxOpenConns(1)
	cdb.SetConnMaxIdleTime(0)
	cdb.SetConnMaxLifetime(0)
	c := &checkpointer{db: cdb, stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// A failed checkpoint (a reader holding an old snapshot)
			// leaves the log to the next one; nothing is lost.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			c.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
			cancel()
		}
	}
}

// close stops the loop, runs a last checkpoint and closes the connection.
// Closing again does nothing, as for the DB that holds it.
func (c *checkpointer) close() {
	c.closed.Do(func() {
		close(c.stop)
		<-c.done
		c.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		c.db.Close()
	})
}
