// Package store opens Lineup's database (SQLite by default, PostgreSQL when
// scaled out), runs its embedded migrations and keeps the few things that
// differ between the two engines in one place, the Dialect.
//
// Every domain package writes plain SQL with $1-style placeholders; the same
// text runs on both engines.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// ErrNotFound is returned (wrapped) by lookups that find no row.
var ErrNotFound = errors.New("not found")

// Dialect names the database engine behind a DB.
type Dialect int

const (
	// SQLite is the embedded default: one file, WAL, one open connection.
	SQLite Dialect = iota
	// Postgres is the scaled-out engine, reached through pgx.
	Postgres
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is an open database with its dialect. It is safe for concurrent use.
// On SQLite it holds a single connection, so a caller inside InTx must use
// the *sql.Tx it is given, never the DB, or it waits for itself.
type DB struct {
	*sql.DB
	Dialect Dialect
	// Location is where the data lives: the SQLite file path, or the
	// PostgreSQL URL with its password masked.
	Location string
	// reader holds a SQLite file's read-only connections (see ReadOnly);
	// nil for PostgreSQL and in-memory SQLite.
	reader      *sql.DB
	checkpoints *checkpointer // SQLite files only: see checkpoint.go
}

// IsPostgres reports whether the URL names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database that dsn names: a postgres:// or postgresql:// URL
// for PostgreSQL; otherwise a SQLite file, given as a path, a sqlite:// URL
// or a file: URI. The SQLite file's folder is created when missing. Open
// pings the database but does not migrate it; call Migrate for that. The
// caller closes the DB.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		sdb, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		sdb.SetMaxOpenConns(20)
		sdb.SetMaxIdleConns(10)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
		db := &DB{DB: sdb, Dialect: Postgres, Location: MaskURL(dsn)}
		if err := db.PingContext(ctx); err != nil {
			sdb.Close()
			return nil, fmt.Errorf("store: reach postgres at %s: %w", db.Location, err)
		}
		return db, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("store: empty database location; give a SQLite path or a postgres:// URL")
	}
	if path != ":memory:" {
		if err := privateFiles(path); err != nil {
			return nil, err
		}
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// The checkpointer does the checkpoints, off the commits' path (see
	// checkpoint.go).
	q.Add("_pragma", "wal_autocheckpoint(0)")
	q.Set("_txlock", "immediate")
	sdb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and River on SQLite
	// wants a single connection so that its own locking is the only one.
	sdb.SetMaxOpenConns(1)
	sdb.SetConnMaxIdleTime(0)
	sdb.SetConnMaxLifetime(0)
	db := &DB{DB: sdb, Dialect: SQLite, Location: path}
	if err := db.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	if path != ":memory:" && !strings.Contains(dsn, "mode=memory") {
		if db.reader, err = openReader(path); err != nil {
			sdb.Close()
			return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
		}
		if db.checkpoints, err = startCheckpoints(path); err != nil {
			db.reader.Close()
			sdb.Close()
			return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
		}
	}
	return db, nil
}

// privateFiles makes a SQLite database readable by its owner only: the
// folder is created 0700, the file created 0600 before SQLite opens it
// (SQLite gives its -wal and -shm files the database file's mode), and an
// existing database, WAL or shared-memory file that others could read is
// made 0600. The database holds emails and password hashes.
func privateFiles(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("store: create folder for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		info, err := os.Stat(p)
		if err != nil {
			continue
		}
		if info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, info.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("store: make %s private: %w", p, err)
			}
		}
	}
	return nil
}

// MaskURL hides the password of a database URL, for logs and `lineup config`.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// InTx runs fn inside a transaction, committing when fn returns nil and
// rolling back otherwise (or when fn panics).
//
// When PostgreSQL aborts the transaction because it met a concurrent one (a
// deadlock, 40P01, or a serialization failure, 40001), InTx rolls back and
// runs fn again in a new transaction, up to txAttempts times with a short
// random pause between, so that callers never see an error that only says
// two requests crossed. fn must therefore do nothing but its work in tx:
// whatever it records outside tx it must set afresh on each run, not
// accumulate.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return RetryConflicts(ctx, func() error { return db.inTxOnce(ctx, fn) })
}

// RetryConflicts runs tx, a whole transaction from begin to commit, again
// while it fails only because it met a concurrent one (see InTx), up to
// txAttempts times. Transactions that do not go through InTx (River's, on
// its own pool) use it directly.
func RetryConflicts(ctx context.Context, tx func() error) error {
	for attempt := 1; ; attempt++ {
		err := tx()
		if err == nil || !isRetryable(err) || attempt >= txAttempts {
			return err
		}
		// Back off a little, longer each time, jittered so that the two
		// transactions that met do not meet again.
		pause := time.Duration(attempt) * time.Duration(5+mrand.IntN(20)) * time.Millisecond
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// txAttempts bounds how often InTx runs a transaction that keeps meeting
// concurrent ones.
const txAttempts = 8

func (db *DB) inTxOnce(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Querier is what *sql.DB, *sql.Tx and *DB have in common; functions that
// may run inside or outside a transaction take one.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// IsUniqueViolation reports whether err is a unique or primary key violation,
// on either engine.
func (d Dialect) IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	if d == Postgres {
		return strings.Contains(msg, "SQLSTATE 23505")
	}
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "PRIMARY KEY")
}
