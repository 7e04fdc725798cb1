package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// Placeholders returns "$from, $from+1, …" for n parameters, for an IN list
// or a VALUES row. Only placeholders go into SQL text, never values.
func Placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

// EachRow runs a query and calls fn for every row, closing the rows before
// it returns. The rows are read to the end (or to fn's first error) before
// the next query can start: on SQLite the one connection is busy until
// then. An error from fn stops the loop and is returned as it is.
func EachRow(ctx context.Context, q Querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RowsPerStatement returns how many rows of cols columns one multi-row
// INSERT carries. PostgreSQL takes many; SQLite resolves each $N name by a
// linear search of the statement's names, so its cost grows with the square
// of the placeholders and it is fastest with a few hundred at most.
func (d Dialect) RowsPerStatement(cols int) int {
	if d == Postgres {
		return 16000 / cols
	}
	return max(1, 240/cols)
}

// InsertRows inserts rows (each of cols values) with multi-row INSERT
// statements inside tx: head is "INSERT INTO t (a, b, c)", tail an optional
// suffix such as "RETURNING id", whose first column of every returned row is
// passed to scan (scan may be nil when tail is ""). When several full chunks
// follow each other they share one prepared statement; a lone statement is
// sent as it is (pgx caches it), which saves the round trips of preparing and
// closing it. On both engines ids are handed out in VALUES order, but
// RETURNING may yield them in another: sort them to pair them with rows.
func (d Dialect) InsertRows(ctx context.Context, tx *sql.Tx, head, tail string, cols int, rows [][]any, scan func(int64)) error {
	per := d.RowsPerStatement(cols)
	var full *sql.Stmt
	if len(rows) >= 2*per {
		var err error
		if full, err = tx.PrepareContext(ctx, valuesSQL(head, tail, cols, per)); err != nil {
			return err
		}
		defer full.Close()
	}
	args := make([]any, 0, min(per, len(rows))*cols)
	for len(rows) > 0 {
		n := min(per, len(rows))
		chunk := rows[:n]
		rows = rows[n:]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		var q interface {
			ExecContext(context.Context, ...any) (sql.Result, error)
			QueryContext(context.Context, ...any) (*sql.Rows, error)
		}
		if n == per && full != nil {
			q = full
		} else {
			q = adhoc{tx, valuesSQL(head, tail, cols, n)}
		}
		if tail == "" {
			if _, err := q.ExecContext(ctx, args...); err != nil {
				return err
			}
			continue
		}
		res, err := q.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		for res.Next() {
			var id int64
			if err := res.Scan(&id); err != nil {
				res.Close()
				return err
			}
			scan(id)
		}
		res.Close()
		if err := res.Err(); err != nil {
			return err
		}
	}
	return nil
}

// adhoc runs one statement text on a transaction, shaped like a *sql.Stmt.
type adhoc struct {
	tx    *sql.Tx
	query string
}

func (a adhoc) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return a.tx.ExecContext(ctx, a.query, args...)
}

func (a adhoc) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return a.tx.QueryContext(ctx, a.query, args...)
}

// valuesSQL writes "head VALUES ($1,…),(…) tail" for n rows of cols.
func valuesSQL(head, tail string, cols, n int) string {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(" VALUES ")
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(p))
			p++
		}
		b.WriteByte(')')
	}
	if tail != "" {
		b.WriteString(" ")
		b.WriteString(tail)
	}
	return b.String()
}
