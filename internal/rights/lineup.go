package rights

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// The names of the lineup rows, as LineupQuery.Row takes them.
const (
	RowAvailableNow = "available_now"
	RowComingSoon   = "coming_soon"
	RowLeavingSoon  = "leaving_soon"
)

// LineupQuery asks for the lineup rows of one country at one instant.
type LineupQuery struct {
	// Territory is one country code, such as "PH".
	Territory string
	// At is the instant the rows describe; the zero time means now.
	At time.Time
	// Limit is the page size of each row: 20 when zero or less, at most 100.
	Limit int
	// Row is "" for all three rows, or one of RowAvailableNow,
	// RowComingSoon, RowLeavingSoon for that row alone.
	Row string
	// Cursor is a Row.NextCursor from an earlier answer to the same
	// question; it pages through the row it came from (with Row "", only
	// that row is returned).
	Cursor string
	// AsOf, when not zero, asks for the rows as Lineup would have shown
	// them at that recorded moment (see AvailabilityQuery.AsOf).
	AsOf time.Time
}

// Lineup is the three rows of a country's lineup.
type Lineup struct {
	AvailableNow Row `json:"available_now"`
	ComingSoon   Row `json:"coming_soon"`
	LeavingSoon  Row `json:"leaving_soon"`
}

// Row is one page of a lineup row. NextCursor is empty on the last page.
type Row struct {
	Items      []LineupItem `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// LineupItem is one title in a lineup row, with the license that puts it
// there. Times are in the country's time zone.
type LineupItem struct {
	TitleID   int64      `json:"title_id"`
	LicenseID int64      `json:"license_id"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    *time.Time `json:"ends_at"`
	// StartDate is the country-local date of StartsAt, "YYYY-MM-DD".
	StartDate string `json:"start_date"`
	// LastDay is the country-local last day to watch under this license,
	// "" when it is open-ended.
	LastDay string `json:"last_day,omitempty"`
}

const (
	defaultLimit = 20
	maxLimit     = 100
)

// Lineup returns the lineup rows of a country at an instant, for the
// service's licenses of the types it offers:
//
//   - available now ("New on Lineup"): titles available at At, newest first
//     by the start of the earliest-starting license that covers At (so a
//     renewal signed early does not make an old title look new); each title
//     once;
//   - coming soon: titles not available at At whose next license starts
//     after At and within the horizon, soonest first, with the local start
//     date;
//   - leaving soon: titles available at At whose availability (following
//     licenses that continue it without a gap) ends with a last day within
//     LeavingSoonWithin days of At's local date, soonest first; the item is
//     the license whose end is that last day.
//
// Each row pages by keyset (its sort key and the title id), so paging is
// stable and never repeats a title. An unknown or regional territory, an
// unknown row or a malformed cursor is a *FieldError.
func (s *Service) Lineup(ctx context.Context, q LineupQuery) (Lineup, error) {
	c, err := oneCountry("territory", q.Territory)
	if err != nil {
		return Lineup{}, err
	}
	at := q.At
	if at.IsZero() {
		at = s.now()
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	switch q.Row {
	case "", RowAvailableNow, RowComingSoon, RowLeavingSoon:
	default:
		return Lineup{}, &FieldError{Field: "row", Value: q.Row,
			Reason: fmt.Sprintf("unknown lineup row %q: use available_now, coming_soon or leaving_soon", q.Row)}
	}
	var cur cursor
	rows := []string{RowAvailableNow, RowComingSoon, RowLeavingSoon}
	if q.Row != "" {
		rows = []string{q.Row}
	}
	if q.Cursor != "" {
		cur, err = parseCursor(q.Cursor)
		if err != nil || (q.Row != "" && cur.row != q.Row) {
			return Lineup{}, &FieldError{Field: "cursor", Value: q.Cursor,
				Reason: "malformed cursor: pass back the next_cursor of the same row unchanged"}
		}
		rows = []string{cur.row}
	}

	t := at.UnixMilli()
	out := Lineup{AvailableNow: Row{Items: []LineupItem{}}, ComingSoon: Row{Items: []LineupItem{}}, LeavingSoon: Row{Items: []LineupItem{}}}
	for _, name := range rows {
		var query string
		var args []any
		switch name {
		case RowAvailableNow:
			key, title := t, int64(math.MaxInt64)
			if q.Cursor != "" {
				key, title = cur.key, cur.title
			}
			query, args = s.sqlAvailableNow, []any{c, s.licensee, t, key, title, limit + 1}
		case RowComingSoon:
			key, title := t+1, int64(-1)
			if q.Cursor != "" {
				key, title = cur.key, cur.title
			}
			horizon := at.Add(s.cfg.ComingSoonHorizon).UnixMilli()
			query, args = s.sqlComingSoon, []any{c, s.licensee, t, horizon, key, title, limit + 1}
		case RowLeavingSoon:
			key, title := t+1, int64(-1)
			if q.Cursor != "" {
				key, title = cur.key, cur.title
			}
			local := at.In(Zone(c))
			y, m, d := local.Date()
			// The last day is within N days when the end is no later than
			// local midnight after day today+N.
			cutoff := time.Date(y, m, d+s.cfg.LeavingSoonWithin+1, 0, 0, 0, 0, Zone(c)).UnixMilli()
			query, args = s.sqlLeavingSoon, []any{c, s.licensee, t, cutoff, key, title, limit + 1}
		}
		args = append(args, s.typeArgs...)
		if !q.AsOf.IsZero() {
			query = map[string]string{RowAvailableNow: s.sqlAvailableNowAsOf, RowComingSoon: s.sqlComingSoonAsOf,
				RowLeavingSoon: s.sqlLeavingSoonAsOf}[name]
			args = append(args, q.AsOf.UnixMilli())
		}
		row, err := s.row(ctx, name, c, query, args, limit)
		if err != nil {
			return Lineup{}, fmt.Errorf("rights: lineup %s in %s: %w", name, c, err)
		}
		switch name {
		case RowAvailableNow:
			out.AvailableNow = row
		case RowComingSoon:
			out.ComingSoon = row
		case RowLeavingSoon:
			out.LeavingSoon = row
		}
	}
	return out, nil
}

func (s *Service) row(ctx context.Context, name, c, query string, args []any, limit int) (Row, error) {
	row := Row{Items: []LineupItem{}}
	var ends []int64
	err := store.EachRow(ctx, s.db, query, args, func(rows *sql.Rows) error {
		var it LineupItem
		var start, end int64
		if err := rows.Scan(&it.TitleID, &it.LicenseID, &start, &end); err != nil {
			return err
		}
		it.StartsAt = timeIn(start, c)
		it.EndsAt = endIn(end, c)
		it.StartDate = LocalDate(it.StartsAt, c)
		if it.EndsAt != nil {
			it.LastDay = LastDay(*it.EndsAt, c)
		}
		row.Items = append(row.Items, it)
		ends = append(ends, end)
		return nil
	})
	if err != nil {
		return Row{}, err
	}
	if len(row.Items) > limit {
		row.Items = row.Items[:limit]
		last := row.Items[limit-1]
		key := last.StartsAt.UnixMilli()
		if name == RowLeavingSoon {
			key = ends[limit-1]
		}
		row.NextCursor = cursor{row: name, key: key, title: last.TitleID}.String()
	}
	return row, nil
}

// cursor is the keyset position after the last item of a page: the row,
// its sort key (start or end, unix ms) and the title id.
type cursor struct {
	row   string
	key   int64
	title int64
}

func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.row + ":" + strconv.FormatInt(c.key, 10) + ":" + strconv.FormatInt(c.title, 10)))
}

func parseCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, err
	}
	parts := strings.Split(string(b), ":")
	if len(parts) != 3 {
		return cursor{}, fmt.Errorf("cursor has %d parts", len(parts))
	}
	c := cursor{row: parts[0]}
	switch c.row {
	case RowAvailableNow, RowComingSoon, RowLeavingSoon:
	default:
		return cursor{}, fmt.Errorf("cursor names row %q", c.row)
	}
	if c.key, err = strconv.ParseInt(parts[1], 10, 64); err != nil {
		return cursor{}, err
	}
	if c.title, err = strconv.ParseInt(parts[2], 10, 64); err != nil {
		return cursor{}, err
	}
	return c, nil
}

// buildQueries writes the availability and lineup queries for the offered
// types. Each row scans license_windows_start or license_windows_end from
// (territory, licensee, key) in key order and stops after Limit+1 items;
// availability and the correlated subqueries look up one title's windows of
// the service in one territory through the primary key (title_id,
// territory, licensee, license_type, license_id).
func (s *Service) buildQueries() {
	n := len(s.typeArgs)
	types := func(alias string, from int) string {
		return alias + ".license_type IN (" + store.Placeholders(from, n) + ")"
	}
	same := func(alias string, from int) string {
		return alias + ".title_id = w.title_id AND " + alias + ".territory = $1 AND " + alias + ".licensee = $2 AND " + types(alias, from)
	}

	s.sqlAvailability = `SELECT license_id, starts_at, ends_at, start_dated, end_dated FROM license_windows
		WHERE title_id = $1 AND territory = $2 AND licensee = $3 AND license_type IN (` + store.Placeholders(4, n) + `)
		ORDER BY starts_at, license_id`

	// As of $K: the windows believed then, current (written by then) and
	// past (written by then, replaced after).
	k := "$" + strconv.Itoa(4+n)
	pick := `SELECT license_id, starts_at, ends_at, start_dated, end_dated FROM %s
		WHERE title_id = $1 AND territory = $2 AND licensee = $3 AND license_type IN (` + store.Placeholders(4, n) + `) AND recorded_from <= ` + k
	s.sqlAvailabilityAsOf = `SELECT license_id, starts_at, ends_at, start_dated, end_dated FROM (` +
		fmt.Sprintf(pick, "license_windows") + ` UNION ALL ` + fmt.Sprintf(pick, "license_windows_past") + ` AND recorded_to > ` + k + `) w
		ORDER BY starts_at, license_id`

	// $1 territory, $2 licensee, $3 at, $4 cursor start, $5 cursor title,
	// $6 limit, $7… types. A title's representative is its current window
	// that started first (ties: lowest license id).
	s.sqlAvailableNow = `SELECT w.title_id, w.license_id, w.starts_at, w.ends_at FROM license_windows w
		WHERE w.territory = $1 AND w.licensee = $2 AND ` + types("w", 7) + `
		AND w.starts_at <= $3 AND w.ends_at > $3
		AND w.starts_at <= $4 AND (w.starts_at < $4 OR w.title_id < $5)
		AND NOT EXISTS (SELECT 1 FROM license_windows o WHERE ` + same("o", 7) + `
			AND o.starts_at <= $3 AND o.ends_at > $3
			AND (o.starts_at < w.starts_at OR (o.starts_at = w.starts_at AND o.license_id < w.license_id)))
		ORDER BY w.starts_at DESC, w.title_id DESC
		LIMIT $6`

	// $1 territory, $2 licensee, $3 at, $4 horizon, $5 cursor start,
	// $6 cursor title, $7 limit, $8… types. A window is shown when no window
	// of the title covers at and none still to come starts before it.
	s.sqlComingSoon = `SELECT w.title_id, w.license_id, w.starts_at, w.ends_at FROM license_windows w
		WHERE w.territory = $1 AND w.licensee = $2 AND ` + types("w", 8) + `
		AND w.starts_at > $3 AND w.starts_at <= $4
		AND w.starts_at >= $5 AND (w.starts_at > $5 OR w.title_id > $6)
		AND NOT EXISTS (SELECT 1 FROM license_windows o WHERE ` + same("o", 8) + `
			AND o.ends_at > $3
			AND (o.starts_at < w.starts_at OR (o.starts_at = w.starts_at AND o.license_id < w.license_id)))
		ORDER BY w.starts_at, w.title_id
		LIMIT $7`

	// $1 territory, $2 licensee, $3 at, $4 cutoff, $5 cursor end,
	// $6 cursor title, $7 limit, $8… types. A window is shown when its end
	// is the title's first gap after at: the title is available at at,
	// nothing continues the window, and no other such terminal window ends
	// before it.
	s.sqlLeavingSoon = `SELECT w.title_id, w.license_id, w.starts_at, w.ends_at FROM license_windows w
		WHERE w.territory = $1 AND w.licensee = $2 AND ` + types("w", 8) + `
		AND w.ends_at > $3 AND w.ends_at <= $4
		AND w.ends_at >= $5 AND (w.ends_at > $5 OR w.title_id > $6)
		AND NOT EXISTS (SELECT 1 FROM license_windows o WHERE ` + same("o", 8) + `
			AND o.starts_at <= w.ends_at AND o.ends_at > w.ends_at)
		AND EXISTS (SELECT 1 FROM license_windows o WHERE ` + same("o", 8) + `
			AND o.starts_at <= $3 AND o.ends_at > $3)
		AND NOT EXISTS (SELECT 1 FROM license_windows o WHERE ` + same("o", 8) + `
			AND o.ends_at > $3
			AND (o.ends_at < w.ends_at OR (o.ends_at = w.ends_at AND o.license_id < w.license_id))
			AND NOT EXISTS (SELECT 1 FROM license_windows p
				WHERE p.title_id = o.title_id AND p.territory = $1 AND p.licensee = $2 AND ` + types("p", 8) + `
				AND p.starts_at <= o.ends_at AND p.ends_at > o.ends_at))
		ORDER BY w.ends_at, w.title_id
		LIMIT $7`

	s.sqlAvailableNowAsOf = asOf(s.sqlAvailableNow, 6+n)
	s.sqlComingSoonAsOf = asOf(s.sqlComingSoon, 7+n)
	s.sqlLeavingSoonAsOf = asOf(s.sqlLeavingSoon, 7+n)
}

// asOf rewrites a lineup query (whose $1 is the territory, $2 the
// licensee, and whose last parameter is $last) to read the windows believed
// at $last+1 instead of those believed now.
func asOf(query string, last int) string {
	k := "$" + strconv.Itoa(last+1)
	cols := `title_id, territory, license_id, licensee, license_type, exclusive, starts_at, ends_at`
	cte := `WITH lw AS (SELECT ` + cols + ` FROM license_windows WHERE territory = $1 AND licensee = $2 AND recorded_from <= ` + k +
		` UNION ALL SELECT ` + cols + ` FROM license_windows_past WHERE territory = $1 AND licensee = $2 AND recorded_from <= ` + k +
		` AND recorded_to > ` + k + `) `
	return cte + strings.ReplaceAll(query, "FROM license_windows ", "FROM lw ")
}
