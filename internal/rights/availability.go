package rights

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// oneCountry reads a territory that must be a single country (not ZZ or EU),
// returning a *FieldError for the field otherwise.
func oneCountry(field, s string) (string, error) {
	codes, err := ParseTerritory(s)
	if err != nil {
		return "", &FieldError{Field: field, Value: s, Reason: err.Error()}
	}
	if len(codes) != 1 || strings.TrimSpace(s) != codes[0] {
		return "", &FieldError{Field: field, Value: s,
			Reason: fmt.Sprintf("territory %q is a region: ask about one country, such as FR or US", strings.TrimSpace(s))}
	}
	return codes[0], nil
}

// Availability answers whether the service may stream a title in one
// country at instant at (the zero time means now): whether a license whose
// licensee is the service's, of a type it offers, covers the country with
// start ≤ at < end.
//
// When available, LicenseID and StartsAt are those of the covering license
// (of several, the one that reaches furthest); EndsAt and LastDay say when
// the title stops being available there, following licenses of the service
// that continue it without a gap, and are nil and "" when it never stops.
// When not available, the same fields describe the next window that opens
// after at, so a page can say "available from 22 June"; they are all empty
// when none is known. Times are in the country's time zone.
//
// An unknown or regional territory is a *FieldError; a title without any
// license of the service that does not exist either is an error wrapping
// store.ErrNotFound.
func (s *Service) Availability(ctx context.Context, titleID int64, territory string, at time.Time) (Availability, error) {
	c, err := oneCountry("territory", territory)
	if err != nil {
		return Availability{}, err
	}
	if at.IsZero() {
		at = s.now()
	}
	t := at.UnixMilli()
	args := append([]any{titleID, c, s.cfg.Licensee}, s.typeArgs...)
	var ws []window
	var ids []int64
	err = store.EachRow(ctx, s.db, s.sqlAvailability, args, func(rows *sql.Rows) error {
		var w window
		var id int64
		if err := rows.Scan(&id, &w.start, &w.end); err != nil {
			return err
		}
		ws = append(ws, w)
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return Availability{}, fmt.Errorf("rights: availability: %w", err)
	}
	if len(ws) == 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM titles WHERE id = $1`, titleID).Scan(&n); err != nil {
			return Availability{}, fmt.Errorf("rights: availability: %w", err)
		}
		if n == 0 {
			return Availability{}, fmt.Errorf("rights: availability of title %d: %w", titleID, store.ErrNotFound)
		}
		return Availability{}, nil
	}

	// Rows come ordered by start, then id.
	cur, next := -1, -1
	for i, w := range ws {
		if w.start <= t && t < w.end && (cur < 0 || w.end > ws[cur].end) {
			cur = i
		}
		if w.start > t && next < 0 {
			next = i
		}
	}
	pick := cur
	if pick < 0 {
		pick = next
	}
	if pick < 0 {
		return Availability{}, nil
	}
	start := timeIn(ws[pick].start, c)
	a := Availability{Available: cur >= 0, LicenseID: ids[pick], StartsAt: &start}
	if end := continuedEnd(ws, ws[pick].end); end != openEnd {
		a.EndsAt = endIn(end, c)
		a.LastDay = LastDay(*a.EndsAt, c)
	}
	return a, nil
}

// continuedEnd follows windows that start at or before end and end after
// it, and returns where the run of windows finally stops.
func continuedEnd(ws []window, end int64) int64 {
	for moved := true; moved && end != openEnd; {
		moved = false
		for _, w := range ws {
			if w.start <= end && w.end > end {
				end, moved = w.end, true
			}
		}
	}
	return end
}
