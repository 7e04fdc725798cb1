package rights

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// inListMax is the most territories put in an IN list; a license covering
// more (ZZ, EU) reads all the title's windows and filters them itself.
const inListMax = 40

// conflicts returns every conflict of r with the licenses stored in q other
// than self (0 for a license not stored yet), ordered by other license,
// territory and kind. The rules are DESIGN.md's:
//
//   - exclusivity: same title and license type, different licensees, at
//     least one exclusive, windows overlapping in a shared territory (windows
//     are half-open, so touching windows do not overlap);
//   - holdback: a holdback of one license conflicts with another license of
//     the same title, of a held-back type, in a held-back territory, that
//     starts before the holdback's until, resolved in that territory. Both
//     directions are checked: r against stored holdbacks, r's holdbacks
//     against stored licenses.
func (s *Service) conflicts(ctx context.Context, q store.Querier, r *resolved, self int64) ([]Conflict, error) {
	l := r.l
	var out []Conflict

	// Exclusivity.
	query := `SELECT license_id, territory, starts_at, ends_at FROM license_windows
		WHERE title_id = $1 AND license_type = $2 AND licensee <> $3 AND license_id <> $4`
	args := []any{l.TitleID, string(l.Type), FoldName(l.Licensee), self}
	if !l.Exclusive {
		query += ` AND exclusive = TRUE`
	}
	if len(r.windows) <= inListMax {
		query += ` AND territory IN (` + store.Placeholders(len(args)+1, len(r.windows)) + `)`
		for _, w := range r.windows {
			args = append(args, w.territory)
		}
	}
	err := store.EachRow(ctx, q, query, args, func(rows *sql.Rows) error {
		var other int64
		var territory string
		var start, end int64
		if err := rows.Scan(&other, &territory, &start, &end); err != nil {
			return err
		}
		i, ok := r.index[territory]
		if !ok {
			return nil
		}
		w := r.windows[i]
		lo, hi := max(w.start, start), min(w.end, end)
		if lo < hi {
			out = append(out, conflict(Exclusivity, other, territory, lo, hi))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("exclusivity: %w", err)
	}

	// Stored holdbacks that hold r back.
	expanded := map[string][]string{}
	// A withdrawn license's holdbacks are kept for the record but hold
	// nothing back.
	err = store.EachRow(ctx, q, `SELECT h.license_id, h.license_types, h.territories, h.until_date, h.until_at
		FROM holdbacks h JOIN licenses l ON l.id = h.license_id
		WHERE h.title_id = $1 AND h.license_id <> $2 AND l.status <> 'withdrawn'`, []any{l.TitleID, self}, func(rows *sql.Rows) error {
		var other int64
		var types, terr string
		var untilDate sql.NullString
		var untilAt sql.NullInt64
		if err := rows.Scan(&other, &types, &terr, &untilDate, &untilAt); err != nil {
			return err
		}
		if !containsType(types, l.Type) {
			return nil
		}
		until := momentOf(untilDate, untilAt)
		cov, ok := expanded[terr]
		if !ok {
			cov, _ = Covered(splitList(terr), nil)
			expanded[terr] = cov
		}
		for _, c := range cov {
			i, ok := r.index[c]
			if !ok {
				continue
			}
			w := r.windows[i]
			if u := ms(until, c); w.start < u {
				out = append(out, conflict(HoldbackConflict, other, c, w.start, min(w.end, u)))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stored holdbacks: %w", err)
	}

	// r's holdbacks against stored licenses.
	if len(r.holdbacks) > 0 {
		held := map[LicenseType]bool{}
		for _, h := range r.holdbacks {
			for t := range h.types {
				held[t] = true
			}
		}
		args := []any{l.TitleID, self}
		for _, t := range LicenseTypes {
			if held[t] {
				args = append(args, string(t))
			}
		}
		query := `SELECT license_id, territory, license_type, starts_at, ends_at FROM license_windows
			WHERE title_id = $1 AND license_id <> $2 AND license_type IN (` + store.Placeholders(3, len(args)-2) + `)`
		err := store.EachRow(ctx, q, query, args, func(rows *sql.Rows) error {
			var other int64
			var territory, typ string
			var start, end int64
			if err := rows.Scan(&other, &territory, &typ, &start, &end); err != nil {
				return err
			}
			for _, h := range r.holdbacks {
				if !h.types[LicenseType(typ)] || !h.covered[territory] {
					continue
				}
				if u := ms(h.until, territory); start < u {
					out = append(out, conflict(HoldbackConflict, other, territory, start, min(end, u)))
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("holdbacks: %w", err)
		}
	}

	sortConflicts(out)
	return dedupConflicts(out), nil
}

func conflict(kind ConflictKind, other int64, territory string, start, end int64) Conflict {
	return Conflict{Kind: kind, OtherID: other, Territory: territory,
		OverlapStart: timeIn(start, territory), OverlapEnd: endIn(end, territory)}
}

func sortConflicts(cs []Conflict) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.OtherID != b.OtherID {
			return a.OtherID < b.OtherID
		}
		if a.Territory != b.Territory {
			return a.Territory < b.Territory
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if !a.OverlapStart.Equal(b.OverlapStart) {
			return a.OverlapStart.Before(b.OverlapStart)
		}
		return endMS(a.OverlapEnd) < endMS(b.OverlapEnd)
	})
}

func dedupConflicts(cs []Conflict) []Conflict {
	out := cs[:0]
	for i, c := range cs {
		if i > 0 {
			p := out[len(out)-1]
			if p.OtherID == c.OtherID && p.Territory == c.Territory && p.Kind == c.Kind &&
				p.OverlapStart.Equal(c.OverlapStart) && endMS(p.OverlapEnd) == endMS(c.OverlapEnd) {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func endMS(t *time.Time) int64 {
	if t == nil {
		return openEnd
	}
	return t.UnixMilli()
}

func containsType(list string, t LicenseType) bool {
	for _, s := range strings.Split(list, ",") {
		if s == string(t) {
			return true
		}
	}
	return false
}
