package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/lineup/lineup/internal/store"
)

// CreateTitle validates t and stores it with everything it carries (genres,
// alternate titles, localizations, credits, and the new people those credits
// bring) in one transaction, then returns it as GetTitle would. The IDs and
// CreatedAt of t are ignored; an empty Kind means movie.
//
// A credit names an existing person by PersonID or carries a new Person to
// create; a new person given identically on several credits (director and
// writer, say) is created once. Invalid input, including a PersonID that
// names no one, returns a *FieldError, and then nothing is stored.
func (s *Service) CreateTitle(ctx context.Context, t Title) (Title, error) {
	n, err := normalizeTitle(t)
	if err != nil {
		return Title{}, fmt.Errorf("catalog: create title: %w", err)
	}
	var out Title
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO titles (original_title, original_language, year, runtime_minutes, kind, min_age, source_work, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			n.OriginalTitle, n.OriginalLanguage, nullZero(n.Year), nullZero(n.RuntimeMinutes), n.Kind, n.MinAge, n.SourceWork, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert title: %w", err)
		}
		for _, g := range n.Genres {
			if _, err := tx.ExecContext(ctx, `INSERT INTO title_genres (title_id, genre) VALUES ($1, $2)`, id, g); err != nil {
				return fmt.Errorf("insert genre: %w", err)
			}
		}
		for _, a := range n.AlternateTitles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO title_alternate_titles (title_id, title, language) VALUES ($1, $2, $3)`,
				id, a.Title, a.Language); err != nil {
				return fmt.Errorf("insert alternate title: %w", err)
			}
		}
		for _, l := range n.Localizations {
			if _, err := tx.ExecContext(ctx, `INSERT INTO title_localizations (title_id, language, title, synopsis) VALUES ($1, $2, $3, $4)`,
				id, l.Language, l.Title, l.Synopsis); err != nil {
				return fmt.Errorf("insert localization: %w", err)
			}
		}
		created := map[string]int64{}
		for i, c := range n.Credits {
			if c.PersonID, err = resolvePerson(ctx, tx, fmt.Sprintf("credits[%d].person_id", i), c, created, now); err != nil {
				return err
			}
			if _, err := insertCredit(ctx, tx, id, c); err != nil {
				return err
			}
		}
		if err := noteChange(ctx, tx, id); err != nil {
			return err
		}
		out, err = getTitle(ctx, tx, id)
		return err
	})
	if err != nil {
		return Title{}, fmt.Errorf("catalog: create title: %w", err)
	}
	return out, nil
}

// nullZero stores 0, "unknown", as NULL.
func nullZero(v int) sql.NullInt64 {
	return sql.NullInt64{Int64: int64(v), Valid: v != 0}
}

// GetTitle returns the title with everything it carries: genres, alternate
// titles, localizations and credits in billing order, each with its person
// and their localized names. A missing title is an error wrapping
// store.ErrNotFound.
func (s *Service) GetTitle(ctx context.Context, id int64) (Title, error) {
	t, err := getTitle(ctx, s.db, id)
	if err != nil {
		return Title{}, fmt.Errorf("catalog: get title %d: %w", id, err)
	}
	return t, nil
}

func getTitle(ctx context.Context, q store.Querier, id int64) (Title, error) {
	ts, err := readTitles(ctx, q, `SELECT `+titleColumns+` FROM titles WHERE id = $1`, id)
	if err != nil {
		return Title{}, err
	}
	if len(ts) == 0 {
		return Title{}, store.ErrNotFound
	}
	if err := fillTitles(ctx, q, ts, true); err != nil {
		return Title{}, err
	}
	return ts[0], nil
}

// ListTitles returns a page of titles in ID order, read light: genres,
// alternate titles and localizations, but no credits. The next page starts
// After the last ID returned; a page shorter than the limit is the last.
// An empty page is an empty slice, not an error.
func (s *Service) ListTitles(ctx context.Context, q ListQuery) ([]Title, error) {
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = 50
	case limit > 200:
		limit = 200
	}
	after := max(q.After, 0)
	var ts []Title
	var err error
	if genre := strings.ToLower(strings.TrimSpace(q.Genre)); genre != "" {
		ts, err = readTitles(ctx, s.db, `SELECT `+titleColumns+` FROM titles
WHERE id > $1 AND id IN (SELECT title_id FROM title_genres WHERE genre = $2)
ORDER BY id LIMIT $3`, after, genre, limit)
	} else {
		ts, err = readTitles(ctx, s.db, `SELECT `+titleColumns+` FROM titles WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	}
	if err == nil {
		err = fillTitles(ctx, s.db, ts, false)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: list titles: %w", err)
	}
	if ts == nil {
		ts = []Title{}
	}
	return ts, nil
}

// GetTitles returns the titles of ids by ID, read light as ListTitles reads
// them, with a handful of queries whatever the number of ids (hundreds are
// fine). IDs that name no title are absent from the map; repeats are
// harmless. The map is never nil.
func (s *Service) GetTitles(ctx context.Context, ids []int64) (map[int64]Title, error) {
	out := map[int64]Title{}
	var ts []Title
	err := inBatches(uniqueIDs(ids), func(list string, args []any) error {
		batch, err := readTitles(ctx, s.db, `SELECT `+titleColumns+` FROM titles WHERE id IN (`+list+`)`, args...)
		ts = append(ts, batch...)
		return err
	})
	if err == nil {
		err = fillTitles(ctx, s.db, ts, false)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: get titles: %w", err)
	}
	for _, t := range ts {
		out[t.ID] = t
	}
	return out, nil
}

// Genres returns every genre some title has, each once, sorted.
func (s *Service) Genres(ctx context.Context) ([]string, error) {
	out := []string{}
	err := store.EachRow(ctx, s.db, `SELECT DISTINCT genre FROM title_genres`, nil, func(rows *sql.Rows) error {
		var g string
		if err := rows.Scan(&g); err != nil {
			return err
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: genres: %w", err)
	}
	slices.Sort(out)
	return out, nil
}
