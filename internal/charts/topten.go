package charts

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lineup/lineup/internal/rights"
)

// FallbackRuntime is the runtime that views are counted against when a
// title has none: neither a runtime in the catalogue nor a ready asset with
// a duration (nor one from PlaysConfig.Runtime). Two hours is a feature
// film's length, so a film with an unknown runtime is neither inflated nor
// buried by it.
const FallbackRuntime = 2 * time.Hour

// TopTenSize is how many entries a chart has at most.
const TopTenSize = 10

// Entry is one title's place in a chart: its viewing time in hours and its
// views, the hours divided by its runtime in hours. Rank counts from 1.
type Entry struct {
	Rank    int     `json:"rank"`
	TitleID int64   `json:"title_id"`
	Hours   float64 `json:"hours"`
	Views   float64 `json:"views"`
}

// Week is a territory's weekly Top 10: the week runs From Monday To Sunday
// (YYYY-MM-DD, both included) in the territory's time zone. Entries holds
// at most TopTenSize entries, best first; it is empty when nothing was
// watched.
type Week struct {
	Territory string  `json:"territory"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	Entries   []Entry `json:"entries"`
}

// Weekly returns territory's Top 10 for the week (Monday to Sunday in the
// territory's time zone) that holds weekOf, a date written YYYY-MM-DD.
//
// Titles are ranked by views, then by hours, then by title ID, so equal
// figures always come out in the same order. Views are hours viewed divided
// by the runtime: PlaysConfig.Runtime when set; otherwise the catalogue's
// runtime, or when it has none the duration of the title's ready asset,
// or else FallbackRuntime. Viewing time counts on the local day of the
// event that added it. Titles no longer in the catalogue are left out. An
// unknown territory or a malformed date is an error that names it.
func (p *Plays) Weekly(ctx context.Context, territory string, weekOf string) (Week, error) {
	w, err := week(territory, weekOf)
	if err != nil {
		return Week{}, err
	}
	ranked, err := p.rank(ctx, territory, w.From, w.To)
	if err != nil {
		return Week{}, fmt.Errorf("charts: weekly top 10 of %s: %w", territory, err)
	}
	w.Entries = ranked[:min(len(ranked), TopTenSize)]
	return w, nil
}

// week returns the empty chart of territory's week that holds weekOf.
func week(territory, weekOf string) (Week, error) {
	if rights.Zone(territory) == nil {
		return Week{}, unknownTerritory(territory)
	}
	day, err := parseDay(weekOf)
	if err != nil {
		return Week{}, err
	}
	from := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)) // back to Monday
	return Week{Territory: territory, From: from.Format(time.DateOnly), To: from.AddDate(0, 0, 6).Format(time.DateOnly)}, nil
}

// TopToday returns the IDs of territory's Top 10 titles "today": ranked as
// Weekly ranks them, over the rolling week of the 7 local days that ends
// with the territory's date at now. It serves the home page's "Top 10 in
// <country> today" row; an empty result means nothing was watched.
func (p *Plays) TopToday(ctx context.Context, territory string, now time.Time) ([]int64, error) {
	zone := rights.Zone(territory)
	if zone == nil {
		return nil, unknownTerritory(territory)
	}
	l := now.In(zone)
	today := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	ranked, err := p.rank(ctx, territory, today.AddDate(0, 0, -6).Format(time.DateOnly), today.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("charts: top 10 today in %s: %w", territory, err)
	}
	ids := make([]int64, 0, TopTenSize)
	for _, e := range ranked[:min(len(ranked), TopTenSize)] {
		ids = append(ids, e.TitleID)
	}
	return ids, nil
}

// Views returns titleID's figures in territory for the week that holds
// weekOf (see Weekly), with its rank among every title watched there that
// week, not only the first ten. A title not watched that week has Rank 0
// and no hours or views.
func (p *Plays) Views(ctx context.Context, titleID int64, territory, weekOf string) (Entry, error) {
	w, err := week(territory, weekOf)
	if err != nil {
		return Entry{}, err
	}
	ranked, err := p.rank(ctx, territory, w.From, w.To)
	if err != nil {
		return Entry{}, fmt.Errorf("charts: views of title %d in %s: %w", titleID, territory, err)
	}
	if i := slices.IndexFunc(ranked, func(e Entry) bool { return e.TitleID == titleID }); i >= 0 {
		return ranked[i], nil
	}
	return Entry{TitleID: titleID}, nil
}

// rankQuery sums each title's viewing time in a territory over a range of
// local days, reading one range of view_seconds' key, with the runtime the
// catalogue or the ready asset gives (0 when neither does).
const rankQuery = `SELECT v.title_id, v.secs,
	COALESCE(CAST(NULLIF(t.runtime_minutes, 0) AS BIGINT) * 60000, NULLIF(a.duration_ms, 0), 0)
FROM (SELECT title_id, CAST(SUM(seconds) AS BIGINT) AS secs FROM view_seconds
	WHERE territory = $1 AND local_day >= $2 AND local_day <= $3
	GROUP BY title_id) v
JOIN titles t ON t.id = v.title_id
LEFT JOIN title_media m ON m.title_id = v.title_id
LEFT JOIN assets a ON a.id = m.asset_id AND a.state = 'ready'`

// rank returns every title watched in territory from one local day to
// another (both included), ranked.
func (p *Plays) rank(ctx context.Context, territory, from, to string) ([]Entry, error) {
	rows, err := p.db.QueryContext(ctx, rankQuery, territory, from, to)
	if err != nil {
		return nil, err
	}
	type sum struct {
		titleID, secs, runtimeMS int64
	}
	var sums []sum
	for rows.Next() {
		var s sum
		if err := rows.Scan(&s.titleID, &s.secs, &s.runtimeMS); err != nil {
			rows.Close()
			return nil, err
		}
		sums = append(sums, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(sums))
	for _, s := range sums {
		runtime := time.Duration(s.runtimeMS) * time.Millisecond
		if p.cfg.Runtime != nil {
			if runtime, err = p.cfg.Runtime(ctx, s.titleID); err != nil {
				return nil, fmt.Errorf("runtime of title %d: %w", s.titleID, err)
			}
		}
		if runtime <= 0 {
			runtime = FallbackRuntime
		}
		// One division of exact integers each: IEEE division is correctly
		// rounded, so equal ratios give equal floats and ties stay ties.
		out = append(out, Entry{TitleID: s.titleID,
			Hours: float64(s.secs) / 3600,
			Views: float64(s.secs*1000) / float64(max(runtime.Milliseconds(), 1))})
	}
	slices.SortFunc(out, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(b.Views, a.Views), cmp.Compare(b.Hours, a.Hours), cmp.Compare(a.TitleID, b.TitleID))
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out, nil
}

func unknownTerritory(territory string) error {
	return fmt.Errorf("charts: unknown territory %q: use an ISO 3166-1 alpha-2 country code such as CN or US", territory)
}

// parseDay reads a date written YYYY-MM-DD as midnight UTC, a calendar date.
func parseDay(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("charts: date %q: write it YYYY-MM-DD", s)
	}
	return d, nil
}
