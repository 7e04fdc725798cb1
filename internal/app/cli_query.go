package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lineup/lineup/internal/rights"
)

// territoryAndAt reads --territory and --at the way the API reads them.
func territoryAndAt(e *env, territory, at string) (string, time.Time, error) {
	if territory == "" {
		territory = e.cfg.DefaultTerritory
	}
	codes, err := rights.ParseTerritory(territory)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%w: --territory: %v", ErrUsage, err)
	}
	if len(codes) != 1 {
		return "", time.Time{}, fmt.Errorf("%w: --territory names one country, not a region such as %s", ErrUsage, territory)
	}
	t := time.Now()
	if at != "" {
		if t, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return "", time.Time{}, fmt.Errorf("%w: --at %q: give an RFC 3339 date-time with an offset, such as 2018-06-22T00:00:00+08:00", ErrUsage, at)
		}
	}
	return codes[0], t, nil
}

func runAvailability(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("availability")
	title := fs.Int64("title", 0, "title ID")
	territory := fs.String("territory", "", "country code (default: the configured default territory)")
	at := fs.String("at", "", "RFC 3339 instant (default: now)")
	asOf := fs.String("as-of", "", "answer as the licenses were recorded at this RFC 3339 moment (default: now)")
	zone := fs.String("zone", "", "the viewer's IANA time zone, when it is one of the territory's")
	if err := parse(args); err != nil {
		return err
	}
	terr, t, err := territoryAndAt(e, *territory, *at)
	if err != nil {
		return err
	}
	recorded, err := parseAsOf(*asOf)
	if err != nil {
		return err
	}
	if *title <= 0 {
		return fmt.Errorf("%w: --title ID is required", ErrUsage)
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if _, err := svc.catalog.GetTitle(ctx, *title); err != nil {
		return err
	}
	a, err := svc.rights.Available(ctx, rights.AvailabilityQuery{TitleID: *title, Territory: terr, At: t, AsOf: recorded, ViewerZone: *zone})
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, map[string]any{"title": *title, "territory": terr, "at": t, "available": a.Available,
			"license_id": a.LicenseID, "starts_at": a.StartsAt, "ends_at": a.EndsAt, "last_day": a.LastDay})
	}
	switch {
	case a.Available:
		fmt.Fprintf(e.stdout, "available in %s at %s under license %d (from %s until %s", terr, t.Format(time.RFC3339), a.LicenseID, fmtTime(a.StartsAt), fmtTime(a.EndsAt))
		if a.LastDay != "" {
			fmt.Fprintf(e.stdout, "; last day to watch %s", a.LastDay)
		}
		fmt.Fprintln(e.stdout, ")")
	case a.StartsAt != nil:
		fmt.Fprintf(e.stdout, "not available in %s at %s; available from %s (%s local) under license %d\n", terr, t.Format(time.RFC3339), fmtTime(a.StartsAt), rights.LocalDate(*a.StartsAt, terr), a.LicenseID)
	default:
		fmt.Fprintf(e.stdout, "not available in %s at %s\n", terr, t.Format(time.RFC3339))
	}
	return nil
}

func runLineup(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("lineup")
	territory := fs.String("territory", "", "country code (default: the configured default territory)")
	at := fs.String("at", "", "RFC 3339 instant (default: now)")
	limit := fs.Int("limit", 20, "items per row (1–100)")
	row := fs.String("row", "", "only this row: available_now, coming_soon or leaving_soon")
	cursor := fs.String("cursor", "", "next_cursor of the row, for the next page")
	lang := fs.String("lang", "en", "language for localized titles")
	asOf := fs.String("as-of", "", "the rows as the licenses were recorded at this RFC 3339 moment (default: now)")
	if err := parse(args); err != nil {
		return err
	}
	terr, t, err := territoryAndAt(e, *territory, *at)
	if err != nil {
		return err
	}
	recorded, err := parseAsOf(*asOf)
	if err != nil {
		return err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	l, err := svc.rights.Lineup(ctx, rights.LineupQuery{Territory: terr, At: t, Limit: *limit, Row: *row, Cursor: *cursor, AsOf: recorded})
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, l)
	}
	var ids []int64
	for _, r := range []rights.Row{l.AvailableNow, l.ComingSoon, l.LeavingSoon} {
		for _, it := range r.Items {
			ids = append(ids, it.TitleID)
		}
	}
	titles, err := svc.catalog.GetTitles(ctx, ids)
	if err != nil {
		return err
	}
	name := func(id int64) string {
		if t, ok := titles[id]; ok {
			local, _ := t.Localized(*lang)
			return local
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	fmt.Fprintf(e.stdout, "Lineup for %s (%s) at %s\n", rights.CountryName(terr), terr, t.Format(time.RFC3339))
	sections := []struct {
		key, head string
		row       rights.Row
		when      func(rights.LineupItem) string
	}{
		{"available_now", "Available now", l.AvailableNow, func(it rights.LineupItem) string { return "since " + rights.LocalDate(it.StartsAt, terr) }},
		{"coming_soon", "Coming soon", l.ComingSoon, func(it rights.LineupItem) string { return "from " + it.StartDate }},
		{"leaving_soon", "Leaving soon", l.LeavingSoon, func(it rights.LineupItem) string { return "last day to watch " + it.LastDay }},
	}
	for _, s := range sections {
		if *row != "" && *row != s.key {
			continue
		}
		fmt.Fprintf(e.stdout, "\n%s\n", s.head)
		if len(s.row.Items) == 0 {
			fmt.Fprintln(e.stdout, "  (none)")
			continue
		}
		var rows [][]string
		for _, it := range s.row.Items {
			rows = append(rows, []string{strconv.FormatInt(it.TitleID, 10), name(it.TitleID), s.when(it)})
		}
		table(e.stdout, []string{"  ID", "TITLE", "WHEN"}, prefix(rows, "  "))
		if s.row.NextCursor != "" {
			fmt.Fprintf(e.stdout, "  more: --row %s --cursor %s\n", s.key, s.row.NextCursor)
		}
	}
	return nil
}

func prefix(rows [][]string, p string) [][]string {
	for _, r := range rows {
		r[0] = p + r[0]
	}
	return rows
}

// parseAsOf reads --as-of: zero when empty.
func parseAsOf(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: --as-of %q: give an RFC 3339 date-time with an offset, such as 2018-06-01T00:00:00Z", ErrUsage, v)
	}
	return t, nil
}
