package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUnavailable reports whether err says the database could not be reached
// or went away: PostgreSQL refused or dropped the connection, is shutting
// down or starting up, has no connection slot left, or SQLite's file stayed
// locked past its busy timeout. Such a failure is the dependency's, not the
// request's: the web layer answers it with 503 and Retry-After. A nil err
// is not unavailable.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "57P01", // admin_shutdown
			pe.Code == "57P02", // crash_shutdown
			pe.Code == "57P03", // cannot_connect_now (starting up, shutting down)
			pe.Code == "53300": // too_many_connections
			return true
		}
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		return true
	}
	if code, ok := sqliteCode(err); ok && (code == sqliteBusy || code == sqliteLocked) {
		return true
	}
	return false
}

// FromDatabase reports whether an unavailable err came from the database
// itself (a PostgreSQL error or refused connection, a closed PostgreSQL
// connection, SQLite's busy file) rather than from a network call that
// could be the media store's. The web layer names the dependency that is
// down from it; only for the others does it have to ask the database.
func FromDatabase(err error) bool {
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	if errors.As(err, &ce) || errors.As(err, &pe) || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	_, ok := sqliteCode(err)
	return ok
}

// IsDiskFull reports whether err says a disk is full: ENOSPC or EDQUOT from
// the operating system, or SQLite's "database or disk is full". The web
// layer answers it with 507 naming the disk; nothing is lost, and writes
// succeed again once space returns.
func IsDiskFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	code, ok := sqliteCode(err)
	return ok && code == sqliteFull
}

// isRetryable reports whether a transaction failed only because it met a
// concurrent one: PostgreSQL's serialization failure (40001) or deadlock
// (40P01). Running the whole transaction again is then correct.
func isRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// SQLite's primary result codes that matter here.
const (
	sqliteBusy   = 5
	sqliteLocked = 6
	sqliteFull   = 13
)

// sqliteCode returns the primary result code of a SQLite error (the
// driver's extended codes carry it in the low byte).
func sqliteCode(err error) (int, bool) {
	var coder interface{ Code() int }
	if !errors.As(err, &coder) {
		return 0, false
	}
	return coder.Code() & 0xff, true
}
