package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/store"
)

// The identifier schemes a title may carry.
const (
	// SchemeEIDR is an EIDR in canonical form ("10.5240/…"); its issuer is
	// always "".
	SchemeEIDR = "eidr"
	// SchemeContentID is a licensor's own ContentID (one that is not an
	// EIDR), as its avails give it.
	SchemeContentID = "content_id"
	// SchemeAltID is a licensor's own AltID.
	SchemeAltID = "alt_id"
)

// Identifier is an outside identifier of a title. Issuer is the licensor
// whose identifier it is (matched without regard to case or surrounding
// spaces), "" for an EIDR.
type Identifier struct {
	Scheme string `json:"scheme"`
	Issuer string `json:"issuer,omitempty"`
	Value  string `json:"value"`
}

func (id Identifier) normal() Identifier {
	id.Scheme = strings.TrimSpace(id.Scheme)
	id.Issuer = strings.ToLower(strings.TrimSpace(id.Issuer))
	id.Value = strings.TrimSpace(id.Value)
	if id.Scheme == SchemeEIDR {
		id.Issuer = ""
	}
	return id
}

// TitleLookup names a title the way an avails row does: by identifiers,
// and failing them by a name (an original, alternate or localized title)
// and a release year (0: not known).
type TitleLookup struct {
	Identifiers []Identifier
	Name        string
	Year        int
}

// Match is what FindTitles found for one lookup: the title's ID, or 0 with
// Why saying why no single title answers (empty when simply none does).
// ByName is true when the title was found by its name, not by an
// identifier: it may not carry the lookup's identifiers yet.
type Match struct {
	ID     int64
	Why    string
	ByName bool
}

// FindTitles looks up titles by identifiers and names, with a handful of
// queries whatever the number of lookups. For each lookup, the first of its
// identifiers that some title carries decides (a content ID
// "lineup:title:42" names title 42); without one, its name must be the
// original, an alternate or a localized title of exactly one title, of the
// same release year when both years are known, and that title must not
// carry another identifier of a scheme the lookup gives. A lookup that
// matches nothing gets Match{}; one whose name several titles share gets
// Why. The matches are in the order of lookups.
func (s *Service) FindTitles(ctx context.Context, lookups []TitleLookup) ([]Match, error) {
	out := make([]Match, len(lookups))
	var values []string
	var ownIDs []int64
	for _, l := range lookups {
		for _, id := range l.Identifiers {
			id = id.normal()
			if n, ok := lineupID(id); ok {
				ownIDs = append(ownIDs, n)
				continue
			}
			values = append(values, id.Value)
		}
	}
	byID, err := s.identifierTitles(ctx, values)
	if err != nil {
		return nil, fmt.Errorf("catalog: find titles: %w", err)
	}
	existing := map[int64]bool{}
	err = inBatches(uniqueIDs(ownIDs), func(list string, args []any) error {
		return store.EachRow(ctx, s.db, `SELECT id FROM titles WHERE id IN (`+list+`)`, args, func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			existing[id] = true
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: find titles: %w", err)
	}

	var names []string
	for i, l := range lookups {
		for _, id := range l.Identifiers {
			id = id.normal()
			if n, ok := lineupID(id); ok {
				if existing[n] {
					out[i].ID = n
					break
				}
				continue
			}
			if t, ok := byID[id]; ok {
				out[i].ID = t
				break
			}
		}
		if out[i].ID == 0 && strings.TrimSpace(l.Name) != "" {
			names = append(names, strings.TrimSpace(l.Name))
		}
	}
	if len(names) == 0 {
		return out, nil
	}
	cands, err := s.titlesNamed(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("catalog: find titles: %w", err)
	}
	var candIDs []int64
	for _, cs := range cands {
		for _, c := range cs {
			candIDs = append(candIDs, c.id)
		}
	}
	carried, err := s.identifiersOf(ctx, candIDs)
	if err != nil {
		return nil, fmt.Errorf("catalog: find titles: %w", err)
	}
	for i, l := range lookups {
		if out[i].ID != 0 {
			continue
		}
		var ids []int64
		for _, c := range cands[strings.TrimSpace(l.Name)] {
			if l.Year != 0 && c.year != 0 && l.Year != c.year {
				continue
			}
			if contradicts(l.Identifiers, carried[c.id]) || slices.Contains(ids, c.id) {
				continue
			}
			ids = append(ids, c.id)
		}
		switch {
		case len(ids) == 1:
			out[i].ID, out[i].ByName = ids[0], true
		case len(ids) > 1:
			slices.Sort(ids)
			out[i].Why = fmt.Sprintf("several titles are named %q (IDs %d, %d…): give an EIDR, or %s<ID> as the ContentID", strings.TrimSpace(l.Name), ids[0], ids[1], TitleRefPrefix)
		}
	}
	return out, nil
}

// lineupID reads a content ID "lineup:title:42".
func lineupID(id Identifier) (int64, bool) {
	if id.Scheme != SchemeContentID {
		return 0, false
	}
	rest, ok := strings.CutPrefix(id.Value, TitleRefPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil && n > 0
}

// contradicts reports whether a title carrying have is surely not the one
// want describes: it has another value for a scheme (and issuer) want gives.
func contradicts(want, have []Identifier) bool {
	for _, w := range want {
		w = w.normal()
		for _, h := range have {
			if h.Scheme == w.Scheme && h.Issuer == w.Issuer && h.Value != w.Value {
				return true
			}
		}
	}
	return false
}

// inStrings is inBatches for strings.
func inStrings(values []string, fn func(list string, args []any) error) error {
	seen := map[string]bool{}
	var uniq []string
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			uniq = append(uniq, v)
		}
	}
	for len(uniq) > 0 {
		n := min(len(uniq), batchSize)
		args := make([]any, n)
		for i := range n {
			args[i] = uniq[i]
		}
		if err := fn(store.Placeholders(1, n), args); err != nil {
			return err
		}
		uniq = uniq[n:]
	}
	return nil
}

// identifierTitles returns the title carrying each identifier whose value
// is among values.
func (s *Service) identifierTitles(ctx context.Context, values []string) (map[Identifier]int64, error) {
	out := map[Identifier]int64{}
	err := inStrings(values, func(list string, args []any) error {
		return store.EachRow(ctx, s.db, `SELECT title_id, scheme, issuer, value FROM title_identifiers WHERE value IN (`+list+`)`, args, func(rows *sql.Rows) error {
			var id Identifier
			var t int64
			if err := rows.Scan(&t, &id.Scheme, &id.Issuer, &id.Value); err != nil {
				return err
			}
			out[id] = t
			return nil
		})
	})
	return out, err
}

type namedTitle struct {
	id   int64
	year int
}

// titlesNamed returns, for each name, the titles that have it as original,
// alternate or localized title.
func (s *Service) titlesNamed(ctx context.Context, names []string) (map[string][]namedTitle, error) {
	out := map[string][]namedTitle{}
	err := inStrings(names, func(list string, args []any) error {
		q := `SELECT id, original_title, year FROM titles WHERE original_title IN (` + list + `)
UNION ALL SELECT t.id, a.title, t.year FROM title_alternate_titles a JOIN titles t ON t.id = a.title_id WHERE a.title IN (` + list + `)
UNION ALL SELECT t.id, l.title, t.year FROM title_localizations l JOIN titles t ON t.id = l.title_id WHERE l.title IN (` + list + `)`
		return store.EachRow(ctx, s.db, q, args, func(rows *sql.Rows) error {
			var n namedTitle
			var name string
			var year sql.NullInt64
			if err := rows.Scan(&n.id, &name, &year); err != nil {
				return err
			}
			n.year = int(year.Int64)
			out[name] = append(out[name], n)
			return nil
		})
	})
	return out, err
}

// identifiersOf returns the identifiers of titles.
func (s *Service) identifiersOf(ctx context.Context, ids []int64) (map[int64][]Identifier, error) {
	out := map[int64][]Identifier{}
	err := inBatches(uniqueIDs(ids), func(list string, args []any) error {
		return store.EachRow(ctx, s.db, `SELECT title_id, scheme, issuer, value FROM title_identifiers WHERE title_id IN (`+list+`)
ORDER BY title_id, scheme, issuer, value`, args, func(rows *sql.Rows) error {
			var id Identifier
			var t int64
			if err := rows.Scan(&t, &id.Scheme, &id.Issuer, &id.Value); err != nil {
				return err
			}
			out[t] = append(out[t], id)
			return nil
		})
	})
	return out, err
}

// Identifiers returns the outside identifiers of titles, by title ID, each
// title's sorted by scheme, issuer and value. Titles without any are
// absent; the map is never nil.
func (s *Service) Identifiers(ctx context.Context, ids []int64) (map[int64][]Identifier, error) {
	out, err := s.identifiersOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("catalog: identifiers: %w", err)
	}
	return out, nil
}

// PendingTitle is a title known only from an avails row: a name, perhaps a
// release year, a kind (movie or short), an alias (the licensor's working
// name, kept as an alternate title when it differs from Name) and
// identifiers.
type PendingTitle struct {
	Name        string
	Year        int
	Kind        string
	Alias       string
	Identifiers []Identifier
}

// UndeterminedLanguage is the original language of a title whose language
// is not known yet (BCP 47 "und").
const UndeterminedLanguage = "und"

// CreatePendingTitles creates titles from what avails rows say of them, all
// in one transaction, marked MetadataPending, with the original language
// undetermined; it returns their IDs in order. An identifier another title
// already carries, or an invalid name or year, fails the whole batch with a
// *FieldError naming the entry, and nothing is stored.
func (s *Service) CreatePendingTitles(ctx context.Context, ts []PendingTitle) ([]int64, error) {
	type norm struct {
		t     Title
		alias string
		ids   []Identifier
	}
	ns := make([]norm, len(ts))
	for i, p := range ts {
		n, err := normalizeTitle(Title{OriginalTitle: p.Name, OriginalLanguage: UndeterminedLanguage, Year: p.Year, Kind: p.Kind})
		if err != nil {
			return nil, fmt.Errorf("catalog: create pending title %d (%q): %w", i+1, p.Name, err)
		}
		alias := strings.TrimSpace(p.Alias)
		if alias == n.OriginalTitle {
			alias = ""
		}
		if alias != "" {
			if alias, err = text("alternate_titles[0].title", alias, maxTitleLen, true); err != nil {
				return nil, fmt.Errorf("catalog: create pending title %d (%q): %w", i+1, p.Name, err)
			}
		}
		var ids []Identifier
		for _, id := range p.Identifiers {
			id = id.normal()
			if id.Value != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		ns[i] = norm{n, alias, ids}
	}
	out := make([]int64, len(ts))
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixMilli()
		for i, n := range ns {
			err := tx.QueryRowContext(ctx, `INSERT INTO titles (original_title, original_language, year, kind, min_age, source_work, created_at, metadata_pending)
VALUES ($1, $2, $3, $4, 0, '', $5, TRUE) RETURNING id`, n.t.OriginalTitle, n.t.OriginalLanguage, nullZero(n.t.Year), n.t.Kind, now).Scan(&out[i])
			if err != nil {
				return fmt.Errorf("insert title: %w", err)
			}
			if n.alias != "" {
				if _, err := tx.ExecContext(ctx, `INSERT INTO title_alternate_titles (title_id, title, language) VALUES ($1, $2, '')`, out[i], n.alias); err != nil {
					return fmt.Errorf("insert alternate title: %w", err)
				}
			}
			for _, id := range n.ids {
				if _, err := tx.ExecContext(ctx, `INSERT INTO title_identifiers (title_id, scheme, issuer, value) VALUES ($1, $2, $3, $4)`,
					out[i], id.Scheme, id.Issuer, id.Value); err != nil {
					if s.db.Dialect.IsUniqueViolation(err) {
						return fieldErr(fmt.Sprintf("titles[%d].identifiers", i), id.Value, "another title already carries this identifier")
					}
					return fmt.Errorf("insert identifier: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: create pending titles: %w", err)
	}
	return out, nil
}

// AddIdentifiers gives a title identifiers it did not carry yet (those it
// carries already are left as they are). An identifier another title
// carries is a *FieldError, and then nothing is added. A missing title is
// an error wrapping store.ErrNotFound.
func (s *Service) AddIdentifiers(ctx context.Context, titleID int64, ids []Identifier) error {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM titles WHERE id = $1`, titleID).Scan(&one); err != nil {
			if err == sql.ErrNoRows {
				return store.ErrNotFound
			}
			return err
		}
		for _, id := range ids {
			id = id.normal()
			if id.Value == "" {
				continue
			}
			var owner int64
			err := tx.QueryRowContext(ctx, `SELECT title_id FROM title_identifiers WHERE scheme = $1 AND issuer = $2 AND value = $3`,
				id.Scheme, id.Issuer, id.Value).Scan(&owner)
			switch {
			case err == sql.ErrNoRows:
				if _, err := tx.ExecContext(ctx, `INSERT INTO title_identifiers (title_id, scheme, issuer, value) VALUES ($1, $2, $3, $4)`,
					titleID, id.Scheme, id.Issuer, id.Value); err != nil {
					return err
				}
			case err != nil:
				return err
			case owner != titleID:
				return fieldErr("identifiers", id.Value, fmt.Sprintf("title %d already carries this identifier", owner))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("catalog: add identifiers to title %d: %w", titleID, err)
	}
	return nil
}

// CompleteMetadata marks a title's metadata as complete: it no longer shows
// as pending. A missing title is an error wrapping store.ErrNotFound.
func (s *Service) CompleteMetadata(ctx context.Context, titleID int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE titles SET metadata_pending = FALSE WHERE id = $1`, titleID)
	if err != nil {
		return fmt.Errorf("catalog: complete title %d: %w", titleID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("catalog: complete title %d: %w", titleID, store.ErrNotFound)
	}
	return nil
}
