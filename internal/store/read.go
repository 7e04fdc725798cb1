package store

import (
	"context"
	"database/sql"
	"net/url"
)

// readOnlyKey marks a context made by ReadOnly.
type readOnlyKey struct{}

// ReadOnly returns ctx marked so that the plain reads the DB runs with it
// (QueryContext and QueryRowContext; never ExecContext, never a
// transaction) may use the read-only connections of a SQLite database
// instead of waiting for its one connection, which every write and every
// other request shares. SQLite in WAL mode lets them read beside the
// writer; they see every committed write, so a read after a write made
// through the DB sees it. A request whose every database use is reading,
// and which must stay fast however busy the writer is (a content key
// request: issue 9), marks its context. On PostgreSQL, and for an
// in-memory SQLite database, it changes nothing.
func ReadOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, true)
}

func readOnly(ctx context.Context) bool {
	v, _ := ctx.Value(readOnlyKey{}).(bool)
	return v
}

// readers is how many read-only connections a SQLite database keeps.
const readers = 4

// openReader opens the read-only connections of the SQLite file at path.
func openReader(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	rdb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	rdb.SetMaxOpenConns(readers)
	rdb.SetMaxIdleConns(readers)
	rdb.SetConnMaxIdleTime(0)
	rdb.SetConnMaxLifetime(0)
	return rdb, nil
}

// QueryContext runs a query, on a read-only connection when ctx is marked
// by ReadOnly and the database has them.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.reader != nil && readOnly(ctx) {
		return db.reader.QueryContext(ctx, query, args...)
	}
	return db.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row, on a
// read-only connection when ctx is marked by ReadOnly and the database has
// them.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if db.reader != nil && readOnly(ctx) {
		return db.reader.QueryRowContext(ctx, query, args...)
	}
	return db.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the database's connections, the read-only ones too.
func (db *DB) Close() error {
	if db.reader != nil {
		db.reader.Close()
	}
	if db.checkpoints != nil {
		db.checkpoints.close()
	}
	return db.DB.Close()
}
