package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/store"
)

// TitleRefPrefix begins the identifier Lineup gives its titles in exchanged
// files (avails sheets): "lineup:title:42" is title 42.
const TitleRefPrefix = "lineup:title:"

// ResolveTitleRef finds the title an outside reference names, as an avails
// row gives it. A contentID or altID of the form "lineup:title:ID" names the
// title by ID. Otherwise alias must be exactly (after trimming spaces) the
// original title, an alternate title or a localized title of one title, and
// of one only. The catalogue keeps no other outside identifiers (EIDR, a
// licensor's own IDs), so those alone resolve to nothing.
//
// A reference that names no title is an error wrapping store.ErrNotFound; an
// alias shared by several titles is an error saying so. Both errors name
// what was looked for and are fit to show to the person importing.
func (s *Service) ResolveTitleRef(ctx context.Context, contentID, altID, alias string) (int64, error) {
	for _, ref := range []string{contentID, altID} {
		ref = strings.TrimSpace(ref)
		rest, ok := strings.CutPrefix(ref, TitleRefPrefix)
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			return 0, fmt.Errorf("catalog: resolve title %q: not a Lineup title ID: %w", ref, store.ErrNotFound)
		}
		var one int
		err = s.db.QueryRowContext(ctx, `SELECT 1 FROM titles WHERE id = $1`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("catalog: resolve title %q: no title %d: %w", ref, id, store.ErrNotFound)
		}
		if err != nil {
			return 0, fmt.Errorf("catalog: resolve title %q: %w", ref, err)
		}
		return id, nil
	}
	alias = strings.TrimSpace(alias)
	if alias == "" {
		return 0, fmt.Errorf("catalog: resolve title (content ID %q, alt ID %q): no Lineup title ID and no alias to match: %w",
			contentID, altID, store.ErrNotFound)
	}
	var ids []int64
	err := store.EachRow(ctx, s.db, `SELECT id FROM titles WHERE original_title = $1
UNION SELECT title_id FROM title_alternate_titles WHERE title = $1
UNION SELECT title_id FROM title_localizations WHERE title = $1
ORDER BY 1 LIMIT 3`, []any{alias}, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	switch {
	case err != nil:
		return 0, fmt.Errorf("catalog: resolve title %q: %w", alias, err)
	case len(ids) == 0:
		return 0, fmt.Errorf("catalog: resolve title %q: no title has this name: %w", alias, store.ErrNotFound)
	case len(ids) > 1:
		// No single title answers to the name: as far as the caller is
		// concerned the title is not found, and the message says why.
		return 0, fmt.Errorf("catalog: resolve title %q: several titles have this name (IDs %d, %d…); give %s<ID> as the ContentID: %w",
			alias, ids[0], ids[1], TitleRefPrefix, store.ErrNotFound)
	}
	return ids[0], nil
}

// ContentID returns the identifier Lineup gives the title in exchanged
// documents such as avails sheets ("lineup:title:42"); ResolveTitleRef
// reads it back.
func (t Title) ContentID() string { return TitleRefPrefix + strconv.FormatInt(t.ID, 10) }
