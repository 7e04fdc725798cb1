package charts_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// watch records a start and a heartbeat 10 s later, ending at end: 10 s
// of viewing on end's local day in territory.
func watch(t *testing.T, p *charts.Plays, clk *clock, profile, title int64, territory string, end time.Time) {
	t.Helper()
	ctx := context.Background()
	clk.Set(end.Add(-10 * time.Second))
	p.Start(ctx, profile, title, territory)
	clk.Set(end)
	p.Heartbeat(ctx, profile, title, territory, true)
}

// hoursOf returns the title's hours in a chart, 0 when it is not listed.
func hoursOf(w charts.Week, title int64) float64 {
	for _, e := range w.Entries {
		if e.TitleID == title {
			return e.Hours
		}
	}
	return 0
}

func TestWeekBoundariesInTwoTimeZones(t *testing.T) {
	const tenSeconds = 10.0 / 3600
	cases := []struct {
		rule      string
		territory string
		end       time.Time // the heartbeat that adds 10 s
		week      string    // Monday of the week it must count in
		notWeek   string    // Monday of the week it must not count in
	}{
		{"Sunday 23:30 in Manila counts in the week that ends that Sunday",
			"PH", time.Date(2026, 3, 1, 15, 30, 0, 0, time.UTC), "2026-02-23", "2026-03-02"},
		{"Monday 00:30 in Manila counts in the week that starts that Monday",
			"PH", time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC), "2026-03-02", "2026-02-23"},
		{"the same instant, Sunday 11:30 in New York, counts in the week before",
			"US", time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC), "2026-02-23", "2026-03-02"},
		{"Sunday 23:30 EST in New York counts in the week that ends that Sunday",
			"US", time.Date(2026, 3, 2, 4, 30, 0, 0, time.UTC), "2026-02-23", "2026-03-02"},
		{"after the switch to daylight time, 04:30Z is Monday 00:30 EDT in New York",
			"US", time.Date(2026, 3, 9, 4, 30, 0, 0, time.UTC), "2026-03-09", "2026-03-02"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i, c := range cases {
			t.Run(c.rule, func(t *testing.T) {
				title := titleWithRuntime(t, db, c.rule, 100)
				clk := &clock{}
				p := charts.NewPlays(db, charts.PlaysConfig{Now: clk.Now})
				watch(t, p, clk, int64(i+1), title, c.territory, c.end)
				in, err := p.Weekly(ctx, c.territory, c.week)
				if err != nil {
					t.Fatal(err)
				}
				if got := hoursOf(in, title); math.Abs(got-tenSeconds) > 1e-9 {
					t.Errorf("%s: week of %s in %s holds %.6f h, want 10 s (%.6f h)", c.rule, c.week, c.territory, got, tenSeconds)
				}
				out, err := p.Weekly(ctx, c.territory, c.notWeek)
				if err != nil {
					t.Fatal(err)
				}
				if got := hoursOf(out, title); got != 0 {
					t.Errorf("%s: week of %s in %s must not hold it, holds %.6f h", c.rule, c.notWeek, c.territory, got)
				}
			})
		}
	})
}

func TestWeekRunsMondayToSunday(t *testing.T) {
	cases := []struct{ weekOf, from, to string }{
		{"2026-02-23", "2026-02-23", "2026-03-01"}, // a Monday
		{"2026-02-26", "2026-02-23", "2026-03-01"}, // a Thursday
		{"2026-03-01", "2026-02-23", "2026-03-01"}, // a Sunday
		{"2026-03-02", "2026-03-02", "2026-03-08"},
		{"2027-01-01", "2026-12-28", "2027-01-03"}, // across a new year
	}
	p := charts.NewPlays(storetest.SQLite(t), charts.PlaysConfig{})
	for _, c := range cases {
		w, err := p.Weekly(context.Background(), "PH", c.weekOf)
		if err != nil {
			t.Fatal(err)
		}
		if w.From != c.from || w.To != c.to || w.Territory != "PH" {
			t.Errorf("the week of %s must run Monday %s to Sunday %s, got %s to %s (%s)", c.weekOf, c.from, c.to, w.From, w.To, w.Territory)
		}
		if w.Entries == nil || len(w.Entries) != 0 {
			t.Errorf("a week with nothing watched must have an empty, non-nil list of entries, got %#v", w.Entries)
		}
	}
}

func TestTopTenTiesAreDeterministic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// Eight titles of 100 minutes watched 100 minutes each: one view
		// and the same hours each, a tie the title ID must break. One
		// title of 200 minutes watched 200 minutes: also one view, but
		// more hours, so it leads them. One title with two views leads
		// all; three titles with half a view trail and miss the ten.
		type seed struct {
			name    string
			minutes int
			seconds int32
		}
		var seeds []seed
		for i := range 8 {
			seeds = append(seeds, seed{fmt.Sprintf("tie %d", i), 100, 6000})
		}
		seeds = append(seeds, seed{"long", 200, 12000}, seed{"hit", 100, 12000})
		for i := range 3 {
			seeds = append(seeds, seed{fmt.Sprintf("half %d", i), 100, 3000})
		}
		ids := map[string]int64{}
		// Create them in a shuffled order so that IDs are not the order
		// the names suggest.
		for _, i := range []int{5, 12, 0, 9, 3, 10, 7, 1, 11, 6, 2, 8, 4} {
			ids[seeds[i].name] = titleWithRuntime(t, db, seeds[i].name, seeds[i].minutes)
		}
		p := charts.NewPlays(db, charts.PlaysConfig{})
		day := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		var events []charts.Event
		for i, s := range seeds {
			// Split each title's time over two events and two days of the
			// week, so that the sums are tested too.
			events = append(events,
				charts.Event{ProfileID: int64(i + 1), TitleID: ids[s.name], Territory: "US", Kind: charts.EventHeartbeat, At: day, Seconds: s.seconds / 2},
				charts.Event{ProfileID: int64(i + 1), TitleID: ids[s.name], Territory: "US", Kind: charts.EventStop, At: day.AddDate(0, 0, 1), Seconds: s.seconds - s.seconds/2})
		}
		if err := p.Load(ctx, events); err != nil {
			t.Fatal(err)
		}

		var ties, halves []int64
		for i := range 8 {
			ties = append(ties, ids[fmt.Sprintf("tie %d", i)])
		}
		for i := range 3 {
			halves = append(halves, ids[fmt.Sprintf("half %d", i)])
		}
		slices.Sort(ties)
		slices.Sort(halves)
		want := append([]int64{ids["hit"], ids["long"]}, ties...)
		for run := range 3 {
			w, err := p.Weekly(ctx, "US", "2026-03-04")
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for i, e := range w.Entries {
				if e.Rank != i+1 {
					t.Errorf("ranks must count from 1 without gaps: entry %d has rank %d", i, e.Rank)
				}
				got = append(got, e.TitleID)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("run %d: the Top 10 must rank by views, then hours, then title ID:\n got %v\nwant %v", run, got, want)
			}
			if w.Entries[0].Views != 2 || w.Entries[1].Views != 1 || w.Entries[1].Hours <= w.Entries[2].Hours {
				t.Errorf("the hit must have 2 views, the long film 1 view with more hours than a tie: %+v", w.Entries[:3])
			}
		}
		e, err := p.Views(ctx, halves[2], "US", "2026-03-01")
		if err != nil {
			t.Fatal(err)
		}
		if e.Rank != 0 || e.Views != 0 {
			t.Errorf("views of the week before, when nothing was watched, must be empty, got %+v", e)
		}
		e, err = p.Views(ctx, halves[2], "US", "2026-03-08")
		if err != nil {
			t.Fatal(err)
		}
		if e.Rank != 13 || e.Views != 0.5 || e.Hours != 50.0/60 {
			t.Errorf("views must rank a title among all titles of the week, not only the ten: got %+v, want rank 13, 0.5 views, 0.833 h", e)
		}
	})
}

func TestViewsUseTheRuntime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		catalogued := titleWithRuntime(t, db, "Catalogued", 120)
		encoded := titleWithRuntime(t, db, "Encoded only", 0)
		unknown := titleWithRuntime(t, db, "Unknown", 0)
		failedAsset := titleWithRuntime(t, db, "Only a failed asset", 0)
		now := time.Now().UnixMilli()
		asset := func(title int64, state string, durationMS int64) {
			t.Helper()
			var id int64
			if err := db.QueryRowContext(ctx, `INSERT INTO assets (title_id, state, source_key, duration_ms, created_at, updated_at)
				VALUES ($1, $2, 'src', $3, $4, $4) RETURNING id`, title, state, durationMS, now).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if state == "ready" {
				if _, err := db.ExecContext(ctx, `INSERT INTO title_media (title_id, asset_id, switched_at) VALUES ($1, $2, $3)`, title, id, now); err != nil {
					t.Fatal(err)
				}
			}
		}
		asset(encoded, "ready", 90*60*1000)
		asset(failedAsset, "failed", 30*60*1000)

		at := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		var events []charts.Event
		for _, id := range []int64{catalogued, encoded, unknown, failedAsset} {
			events = append(events, charts.Event{ProfileID: 1, TitleID: id, Territory: "CN", Kind: charts.EventHeartbeat, At: at, Seconds: 3 * 3600})
		}
		p := charts.NewPlays(db, charts.PlaysConfig{})
		if err := p.Load(ctx, events); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			rule  string
			title int64
			want  float64
		}{
			{"views are hours over the catalogue's runtime", catalogued, 1.5},
			{"without a catalogue runtime, the ready asset's duration counts", encoded, 2},
			{"without either, the runtime counts as two hours", unknown, 1.5},
			{"an asset that is not ready does not count", failedAsset, 1.5},
		}
		for _, c := range cases {
			e, err := p.Views(ctx, c.title, "CN", "2026-03-04")
			if err != nil {
				t.Fatal(err)
			}
			if e.Hours != 3 || e.Views != c.want {
				t.Errorf("%s: 3 h give %.3f views (%.3f h), want %.3f", c.rule, e.Views, e.Hours, c.want)
			}
		}
		override := charts.NewPlays(db, charts.PlaysConfig{Runtime: func(ctx context.Context, id int64) (time.Duration, error) {
			if id == unknown {
				return 0, nil
			}
			return time.Hour, nil
		}})
		for _, c := range []struct {
			title int64
			want  float64
		}{{catalogued, 3}, {unknown, 1.5}} {
			e, err := override.Views(ctx, c.title, "CN", "2026-03-04")
			if err != nil {
				t.Fatal(err)
			}
			if e.Views != c.want {
				t.Errorf("a configured runtime must replace the catalogue's, and zero mean unknown: title %d has %.3f views, want %.3f", c.title, e.Views, c.want)
			}
		}
	})
}

func TestTopTodayIsTheRollingLocalWeek(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{}
		p := charts.NewPlays(db, charts.PlaysConfig{Now: clk.Now})
		// now is Monday 2026-03-02 00:30 in Manila: today there, and the
		// six days before, 2026-02-24 to 2026-03-02.
		now := time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC)
		manila, _ := time.LoadLocation("Asia/Manila")
		local := func(day string, hour int) time.Time {
			d, _ := time.ParseInLocation(time.DateOnly, day, manila)
			return d.Add(time.Duration(hour) * time.Hour)
		}
		today := titleWithRuntime(t, db, "Today", 100)
		sixDaysAgo := titleWithRuntime(t, db, "Six days ago", 100)
		sevenDaysAgo := titleWithRuntime(t, db, "Seven days ago", 100)
		watch(t, p, clk, 1, today, "PH", local("2026-03-02", 0).Add(20*time.Minute))
		watch(t, p, clk, 2, sixDaysAgo, "PH", local("2026-02-24", 0).Add(time.Minute))
		watch(t, p, clk, 2, sixDaysAgo, "PH", local("2026-02-24", 12)) // ranks it first: 20 s
		watch(t, p, clk, 3, sevenDaysAgo, "PH", local("2026-02-23", 23).Add(59*time.Minute))
		got, err := p.TopToday(ctx, "PH", now)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{sixDaysAgo, today}; !slices.Equal(got, want) {
			t.Errorf("top 10 today must rank the 7 local days ending today in Manila: got %v, want %v (seven days ago: %d)", got, want, sevenDaysAgo)
		}
		got, err = p.TopToday(ctx, "US", now)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || len(got) != 0 {
			t.Errorf("a territory where nothing was watched must have an empty top 10, got %#v", got)
		}
	})
}
