package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lineup/lineup/internal/store"
)

// MinAge returns a title's minimum age (its maturity rating) and nothing
// else: one indexed read, for the checks made at each playback use. A
// missing title is an error wrapping store.ErrNotFound.
func (s *Service) MinAge(ctx context.Context, id int64) (int, error) {
	var age int
	err := s.db.QueryRowContext(ctx, `SELECT min_age FROM titles WHERE id = $1`, id).Scan(&age)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("catalog: title %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("catalog: title %d: %w", id, err)
	}
	return age, nil
}
