package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// TitleExists reports whether a title with this ID exists. Other domains
// (rights) ask it instead of reading the titles table.
func (s *Service) TitleExists(ctx context.Context, id int64) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM titles WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("catalog: title %d exists: %w", id, err)
	}
	return true, nil
}
