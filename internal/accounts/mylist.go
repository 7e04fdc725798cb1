package accounts

import (
	"context"
	"fmt"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// ListItem is a title on a profile's My List.
type ListItem struct {
	TitleID int64     `json:"title_id"`
	AddedAt time.Time `json:"added_at"`
}

// AddToList puts a title on a profile's My List. Adding a title already
// there keeps its place and is not an error. A missing profile or title is
// an error wrapping store.ErrNotFound. The caller has checked that the
// profile belongs to the signed-in user.
func (s *Service) AddToList(ctx context.Context, profileID, titleID int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO my_list (profile_id, title_id, added_at)
		SELECT p.id, t.id, $3 FROM profiles p, titles t WHERE p.id = $1 AND t.id = $2
		ON CONFLICT (profile_id, title_id) DO NOTHING`, profileID, titleID, millis(s.now()))
	if err != nil {
		return fmt.Errorf("accounts: add to my list: %w", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM my_list WHERE profile_id = $1 AND title_id = $2`, profileID, titleID).Scan(&n); err != nil {
		return fmt.Errorf("accounts: add to my list: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("accounts: add title %d to my list of profile %d: %w", titleID, profileID, store.ErrNotFound)
	}
	return nil
}

// RemoveFromList takes a title off a profile's My List; removing one that
// is not there is not an error.
func (s *Service) RemoveFromList(ctx context.Context, profileID, titleID int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM my_list WHERE profile_id = $1 AND title_id = $2`, profileID, titleID); err != nil {
		return fmt.Errorf("accounts: remove from my list: %w", err)
	}
	return nil
}

// InList reports whether a title is on a profile's My List (for the title
// page's button).
func (s *Service) InList(ctx context.Context, profileID, titleID int64) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM my_list WHERE profile_id = $1 AND title_id = $2`, profileID, titleID).Scan(&n); err != nil {
		return false, fmt.Errorf("accounts: in my list: %w", err)
	}
	return n > 0, nil
}

// List returns a profile's My List, most recently added first, at most
// limit items (limit ≤ 0 means all). The caller filters by what the
// profile may see in its territory.
func (s *Service) List(ctx context.Context, profileID int64, limit int) ([]ListItem, error) {
	q := `SELECT title_id, added_at FROM my_list WHERE profile_id = $1 ORDER BY added_at DESC, title_id DESC`
	args := []any{profileID}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("accounts: my list: %w", err)
	}
	defer rows.Close()
	var out []ListItem
	for rows.Next() {
		var it ListItem
		var added int64
		if err := rows.Scan(&it.TitleID, &added); err != nil {
			return nil, fmt.Errorf("accounts: my list: %w", err)
		}
		it.AddedAt = fromMillis(added)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts: my list: %w", err)
	}
	return out, nil
}
