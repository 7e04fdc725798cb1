package rights

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// inListMax is the most territories put in an IN list; a license covering
// more (ZZ, EU) reads all the title's windows and filters them itself.
const inListMax = 40

// otherWindow is a stored window of another license of the same title, as
// the conflict rules see it.
type otherWindow struct {
	license    int64
	territory  string
	licensee   string // folded (see FoldName)
	typ        LicenseType
	exclusive  bool
	start, end int64
}

// otherHoldback is a stored holdback of another license of the same title.
type otherHoldback struct {
	license int64
	types   map[LicenseType]bool
	covered []string // expanded territories
	until   Moment
}

// findConflicts applies DESIGN.md's conflict rules to a resolved license
// and the stored windows and holdbacks of the other licenses of its title
// (withdrawn ones already left out), reading nothing else: it is the whole
// rule, table-tested without a database. The loaded sets may hold more than
// can conflict (the loaders narrow them for speed); every condition is
// checked here. Conflicts come ordered by other license, territory, kind and
// overlap, without repeats.
//
//   - exclusivity: same license type, different licensees (compared
//     folded), at least one of the two exclusive, windows overlapping in a
//     shared territory (half-open: touching windows do not overlap);
//   - holdback: a holdback conflicts with a license of a held-back type in a
//     held-back territory that starts before the holdback's until, resolved
//     in that territory. Both directions: r against the stored holdbacks,
//     r's holdbacks against the stored windows.
func findConflicts(r *resolved, windows []otherWindow, holdbacks []otherHoldback) []Conflict {
	l := r.l
	licensee := FoldName(l.Licensee)
	var out []Conflict
	for _, o := range windows {
		i, ok := r.index[o.territory]
		if !ok {
			continue
		}
		w := r.windows[i]
		if o.typ == l.Type && o.licensee != licensee && (o.exclusive || l.Exclusive) {
			if lo, hi := max(w.start, o.start), min(w.end, o.end); lo < hi {
				out = append(out, conflict(Exclusivity, o.license, o.territory, lo, hi))
			}
		}
	}
	for _, h := range holdbacks {
		if !h.types[l.Type] {
			continue
		}
		for _, c := range h.covered {
			i, ok := r.index[c]
			if !ok {
				continue
			}
			w := r.windows[i]
			if u := ms(h.until, c); w.start < u {
				out = append(out, conflict(HoldbackConflict, h.license, c, w.start, min(w.end, u)))
			}
		}
	}
	for _, h := range r.holdbacks {
		for _, o := range windows {
			if !h.types[o.typ] || !h.covered[o.territory] {
				continue
			}
			if u := ms(h.until, o.territory); o.start < u {
				out = append(out, conflict(HoldbackConflict, o.license, o.territory, o.start, min(o.end, u)))
			}
		}
	}
	sortConflicts(out)
	return dedupConflicts(out)
}

// conflicts loads what findConflicts needs about the licenses stored in q
// other than self (0 for a license not stored yet) and applies it. The
// loaders narrow by title, type, licensee and territory in SQL, so that a
// title with many licenses reads only the few windows that may clash.
func (s *Service) conflicts(ctx context.Context, q store.Querier, r *resolved, self int64) ([]Conflict, error) {
	l := r.l
	var windows []otherWindow
	scanWindow := func(rows *sql.Rows) error {
		var o otherWindow
		var typ string
		if err := rows.Scan(&o.license, &o.territory, &o.licensee, &typ, &o.exclusive, &o.start, &o.end); err != nil {
			return err
		}
		o.typ = LicenseType(typ)
		windows = append(windows, o)
		return nil
	}
	const cols = `SELECT license_id, territory, licensee, license_type, exclusive, starts_at, ends_at FROM license_windows`

	// Exclusivity candidates: same type, another licensee, and exclusive
	// unless r is.
	query := cols + ` WHERE title_id = $1 AND license_type = $2 AND licensee <> $3 AND license_id <> $4`
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
	if err := store.EachRow(ctx, q, query, args, scanWindow); err != nil {
		return nil, fmt.Errorf("exclusivity: %w", err)
	}

	// Windows of the types r's holdbacks hold back.
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
		query := cols + ` WHERE title_id = $1 AND license_id <> $2 AND license_type IN (` + store.Placeholders(3, len(args)-2) + `)`
		if err := store.EachRow(ctx, q, query, args, scanWindow); err != nil {
			return nil, fmt.Errorf("holdbacks: %w", err)
		}
	}

	// Stored holdbacks; a withdrawn license's are kept for the record but
	// hold nothing back.
	var holdbacks []otherHoldback
	expanded := map[string][]string{}
	err := store.EachRow(ctx, q, `SELECT h.license_id, h.license_types, h.territories, h.until_date, h.until_at
		FROM holdbacks h JOIN licenses l ON l.id = h.license_id
		WHERE h.title_id = $1 AND h.license_id <> $2 AND l.status <> 'withdrawn'`, []any{l.TitleID, self}, func(rows *sql.Rows) error {
		var h otherHoldback
		var types, terr string
		var untilDate sql.NullString
		var untilAt sql.NullInt64
		if err := rows.Scan(&h.license, &types, &terr, &untilDate, &untilAt); err != nil {
			return err
		}
		h.types = map[LicenseType]bool{}
		for _, t := range splitList(types) {
			h.types[LicenseType(t)] = true
		}
		cov, ok := expanded[terr]
		if !ok {
			cov, _ = Covered(splitList(terr), nil)
			expanded[terr] = cov
		}
		h.covered, h.until = cov, momentOf(untilDate, untilAt)
		holdbacks = append(holdbacks, h)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stored holdbacks: %w", err)
	}
	return findConflicts(r, windows, holdbacks), nil
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
