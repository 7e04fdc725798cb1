package rights

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// MaxReportWithin is the furthest ahead the expiring report looks.
const MaxReportWithin = 3660 * 24 * time.Hour

// ExpiringQuery asks which of the service's titles leave, where and when.
type ExpiringQuery struct {
	// Within is how far ahead of At to look: required, at most
	// MaxReportWithin.
	Within time.Duration
	// Territories limits the report to these (as entered: ZZ, EU allowed);
	// empty means every country.
	Territories []string
	// At is where the report starts; zero means now.
	At time.Time
	// Limit is the most items returned: 500 when zero or less, at most 5000.
	Limit int
}

// Expiring is one title leaving one country: the window of the service's
// license whose end is not continued by another of its licenses.
type Expiring struct {
	TitleID     int64       `json:"title_id"`
	LicenseID   int64       `json:"license_id"`
	Territory   string      `json:"territory"`
	LicenseType LicenseType `json:"license_type"`
	StartsAt    time.Time   `json:"starts_at"`
	EndsAt      time.Time   `json:"ends_at"`
	// LastDay is the country-local last day to watch.
	LastDay string `json:"last_day"`
}

// Expiring returns the titles that stop being available to the service
// within q.Within of q.At, one item per title and country, soonest first
// (then by title and country): windows of the service's licenses of the
// types it offers whose end falls in (At, At+Within] and is not continued
// by another such window without a gap. more reports that Limit cut the
// list. A bad Within or an unknown territory is a *FieldError.
func (s *Service) Expiring(ctx context.Context, q ExpiringQuery) (items []Expiring, more bool, err error) {
	if q.Within <= 0 || q.Within > MaxReportWithin {
		return nil, false, &FieldError{Field: "within", Value: q.Within.String(),
			Reason: "within must be a positive span of at most 3660 days, such as 90d"}
	}
	at := q.At
	if at.IsZero() {
		at = s.now()
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 500
	}
	limit = min(limit, 5000)
	var codes []string
	if len(q.Territories) > 0 {
		codes, err = coveredField("territory", "", trimAll(q.Territories), nil)
		if err != nil {
			return nil, false, err
		}
	}
	n := len(s.typeArgs)
	args := []any{s.licensee, at.UnixMilli(), at.Add(q.Within).UnixMilli()}
	args = append(args, s.typeArgs...)
	types := func(alias string) string {
		return alias + ".license_type IN (" + store.Placeholders(4, n) + ")"
	}
	query := `SELECT w.title_id, w.license_id, w.territory, w.license_type, w.starts_at, w.ends_at FROM license_windows w
		WHERE w.licensee = $1 AND w.ends_at > $2 AND w.ends_at <= $3 AND ` + types("w")
	if codes != nil && len(codes) < len(allCodes) {
		query += ` AND w.territory IN (` + store.Placeholders(len(args)+1, len(codes)) + `)`
		for _, c := range codes {
			args = append(args, c)
		}
	}
	query += ` AND NOT EXISTS (SELECT 1 FROM license_windows o WHERE o.title_id = w.title_id AND o.territory = w.territory
			AND o.licensee = w.licensee AND ` + types("o") + ` AND o.starts_at <= w.ends_at AND o.ends_at > w.ends_at)
		ORDER BY w.ends_at, w.title_id, w.territory, w.license_id LIMIT ` + fmt.Sprint(limit+1)
	items = []Expiring{}
	seen := map[[2]any]bool{}
	err = store.EachRow(ctx, s.db, query, args, func(rows *sql.Rows) error {
		var e Expiring
		var typ string
		var start, end int64
		if err := rows.Scan(&e.TitleID, &e.LicenseID, &e.Territory, &typ, &start, &end); err != nil {
			return err
		}
		key := [2]any{e.TitleID, e.Territory}
		if seen[key] { // two licenses ending together: one item
			return nil
		}
		seen[key] = true
		e.LicenseType = LicenseType(typ)
		e.StartsAt, e.EndsAt = timeIn(start, e.Territory), timeIn(end, e.Territory)
		e.LastDay = LastDay(e.EndsAt, e.Territory)
		items = append(items, e)
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("rights: expiring report: %w", err)
	}
	if len(items) > limit {
		return items[:limit], true, nil
	}
	return items, false, nil
}

// WindowsQuery picks the windows of the windows report.
type WindowsQuery struct {
	// Territories limits the report (as entered); empty means every country.
	Territories []string
	// TitleID limits it to one title; 0 means every title.
	TitleID int64
}

// Window is one window of a license of the service in one country, as
// believed now.
type Window struct {
	TitleID     int64       `json:"title_id"`
	LicenseID   int64       `json:"license_id"`
	Territory   string      `json:"territory"`
	LicenseType LicenseType `json:"license_type"`
	Exclusive   bool        `json:"exclusive"`
	StartsAt    time.Time   `json:"starts_at"`
	EndsAt      *time.Time  `json:"ends_at"`
	// StartDate is the country-local first day, LastDay the last day to
	// watch ("" when open-ended).
	StartDate string `json:"start_date"`
	LastDay   string `json:"last_day,omitempty"`
}

// Windows calls fn with every window of the service's licenses of the
// types it offers that q picks, ordered by title, country and start, and
// stops at fn's first error, which it returns. fn must not use the Service
// (on SQLite the one connection is busy until Windows returns). An unknown
// territory is a *FieldError.
func (s *Service) Windows(ctx context.Context, q WindowsQuery, fn func(Window) error) error {
	args := append([]any{s.licensee}, s.typeArgs...)
	query := `SELECT title_id, license_id, territory, license_type, exclusive, starts_at, ends_at FROM license_windows
		WHERE licensee = $1 AND license_type IN (` + store.Placeholders(2, len(s.typeArgs)) + `)`
	if len(q.Territories) > 0 {
		codes, err := coveredField("territory", "", trimAll(q.Territories), nil)
		if err != nil {
			return err
		}
		if len(codes) < len(allCodes) {
			query += ` AND territory IN (` + store.Placeholders(len(args)+1, len(codes)) + `)`
			for _, c := range codes {
				args = append(args, c)
			}
		}
	}
	if q.TitleID != 0 {
		args = append(args, q.TitleID)
		query += fmt.Sprintf(` AND title_id = $%d`, len(args))
	}
	query += ` ORDER BY title_id, territory, starts_at, license_id`
	err := store.EachRow(ctx, s.db, query, args, func(rows *sql.Rows) error {
		var w Window
		var typ string
		var start, end int64
		if err := rows.Scan(&w.TitleID, &w.LicenseID, &w.Territory, &typ, &w.Exclusive, &start, &end); err != nil {
			return err
		}
		w.LicenseType = LicenseType(typ)
		w.StartsAt, w.EndsAt = timeIn(start, w.Territory), endIn(end, w.Territory)
		w.StartDate = LocalDate(w.StartsAt, w.Territory)
		if w.EndsAt != nil {
			w.LastDay = LastDay(*w.EndsAt, w.Territory)
		}
		return fn(w)
	})
	if err != nil {
		return fmt.Errorf("rights: windows report: %w", err)
	}
	return nil
}
