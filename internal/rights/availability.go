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
	return s.Available(ctx, AvailabilityQuery{TitleID: titleID, Territory: territory, At: at})
}

// AvailabilityQuery is a question put to Available.
type AvailabilityQuery struct {
	TitleID int64
	// Territory is one country code, such as "CA".
	Territory string
	// At is the instant asked about; the zero time means now.
	At time.Time
	// AsOf, when not zero, asks what Lineup recorded at that moment: the
	// answer it would have given then about At, from the licenses as they
	// stood (before later amendments, terminations and withdrawals, and
	// without licenses added later). Zero means what is recorded now.
	AsOf time.Time
	// ViewerZone is the viewer's IANA time zone when known (from a GeoIP
	// City database), "" otherwise. When it is one of the territory's
	// zones, dates without a time mean the viewer's own local midnight
	// (unless the license names its own zone); otherwise it is ignored.
	ViewerZone string
}

// Available answers q as Availability does, with the as-of moment and the
// viewer's zone of q taken into account. Its errors are Availability's.
func (s *Service) Available(ctx context.Context, q AvailabilityQuery) (Availability, error) {
	titleID := q.TitleID
	c, err := oneCountry("territory", q.Territory)
	if err != nil {
		return Availability{}, err
	}
	at := q.At
	if at.IsZero() {
		at = s.now()
	}
	t := at.UnixMilli()
	query := s.sqlAvailability
	args := append([]any{titleID, c, s.licensee}, s.typeArgs...)
	if !q.AsOf.IsZero() {
		query = s.sqlAvailabilityAsOf
		args = append(args, q.AsOf.UnixMilli())
	}
	var viewer *time.Location
	if q.ViewerZone != "" && q.ViewerZone != Zone(c).String() && InTerritory(q.ViewerZone, c) {
		viewer, _ = time.LoadLocation(q.ViewerZone)
	}
	var ws []window
	var ids []int64
	err = store.EachRow(ctx, s.db, query, args, func(rows *sql.Rows) error {
		var w window
		var id int64
		if err := rows.Scan(&id, &w.start, &w.end, &w.startDated, &w.endDated); err != nil {
			return err
		}
		if viewer != nil {
			w = shifted(w, c, viewer)
		}
		ws = append(ws, w)
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return Availability{}, fmt.Errorf("rights: availability: %w", err)
	}
	if viewer != nil {
		sortWindows(ws, ids)
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
	if viewer != nil {
		// The viewer's own calendar: times and the last day in their zone.
		start = start.In(viewer)
		if a.EndsAt != nil {
			e := a.EndsAt.In(viewer)
			a.EndsAt = &e
			a.LastDay = e.Add(-time.Nanosecond).Format(dateLayout)
		}
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

// shifted moves the dated ends of a window resolved in territory c's
// principal zone to the same local dates in the viewer's zone.
func shifted(w window, c string, viewer *time.Location) window {
	loc := Zone(c)
	move := func(ms int64) int64 {
		y, m, d := time.UnixMilli(ms).In(loc).Date()
		return StartOfDay(y, m, d, viewer).UnixMilli()
	}
	if w.startDated {
		w.start = move(w.start)
	}
	if w.endDated && w.end != openEnd {
		w.end = move(w.end)
	}
	return w
}

// sortWindows restores the order of the availability query (start, then
// license id) after shifting.
func sortWindows(ws []window, ids []int64) {
	idx := make([]int, len(ws))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := idx[a], idx[b]
		if ws[x].start != ws[y].start {
			return ws[x].start < ws[y].start
		}
		return ids[x] < ids[y]
	})
	w2, i2 := make([]window, len(ws)), make([]int64, len(ids))
	for i, j := range idx {
		w2[i], i2[i] = ws[j], ids[j]
	}
	copy(ws, w2)
	copy(ids, i2)
}
