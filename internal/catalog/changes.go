package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Change is one recorded change to a title: it was created, or a credit
// was added to it.
type Change struct {
	// ID orders and identifies the change; a reader remembers the IDs it
	// has handled.
	ID      int64
	TitleID int64
	At      time.Time
}

// noteChange records, inside the transaction that made it, that a title
// changed. The time is the wall clock's, never the Service's Now (a test's
// fixed clock would put every change in the past).
func noteChange(ctx context.Context, tx *sql.Tx, titleID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_changes (title_id, changed_at) VALUES ($1, $2)`,
		titleID, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("note change: %w", err)
	}
	return nil
}

// Changes returns the changes recorded at or after since, oldest first.
// A change becomes visible when its transaction commits, which may be a
// moment after its At: a reader that polls should ask again from a little
// before its previous poll and skip the IDs it has seen (see search's
// follower in package app).
func (s *Service) Changes(ctx context.Context, since time.Time) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, title_id, changed_at FROM catalog_changes WHERE changed_at >= $1 ORDER BY id`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("catalog: changes: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at int64
		if err := rows.Scan(&c.ID, &c.TitleID, &at); err != nil {
			return nil, fmt.Errorf("catalog: changes: %w", err)
		}
		c.At = time.UnixMilli(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("catalog: changes: %w", err)
	}
	return out, nil
}

// PruneChanges forgets the changes recorded before before.
func (s *Service) PruneChanges(ctx context.Context, before time.Time) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM catalog_changes WHERE changed_at < $1`, before.UnixMilli()); err != nil {
		return fmt.Errorf("catalog: prune changes: %w", err)
	}
	return nil
}
