package charts_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// clock is a settable Now for Plays.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// titleWithRuntime adds a title to the catalogue; minutes 0 leaves its
// runtime unknown.
func titleWithRuntime(t *testing.T, db *store.DB, name string, minutes int) int64 {
	t.Helper()
	tt, err := catalog.New(db).CreateTitle(context.Background(), catalog.Title{
		OriginalTitle: name, OriginalLanguage: "en", Kind: catalog.KindMovie, RuntimeMinutes: minutes})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return tt.ID
}

// viewSeconds is the rollup's total for a title in a territory.
func viewSeconds(t *testing.T, db *store.DB, titleID int64, territory string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(),
		`SELECT COALESCE(CAST(SUM(seconds) AS BIGINT), 0) FROM view_seconds WHERE title_id = $1 AND territory = $2`,
		titleID, territory).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// logSums is the events log's count and total seconds.
func logSums(t *testing.T, db *store.DB) (events, seconds int64) {
	t.Helper()
	if err := db.QueryRowContext(context.Background(),
		`SELECT COUNT(*), COALESCE(CAST(SUM(seconds) AS BIGINT), 0) FROM play_events`).Scan(&events, &seconds); err != nil {
		t.Fatal(err)
	}
	return events, seconds
}

func TestCreditRules(t *testing.T) {
	cases := []struct {
		rule string
		gap  time.Duration
		want time.Duration
	}{
		{"a 10 s heartbeat adds 10 s", 10 * time.Second, 10 * time.Second},
		{"a gap over 15 s adds 15 s (the cap)", 40 * time.Second, 15 * time.Second},
		{"a gap of exactly 60 s is capped, not dropped", 60 * time.Second, 15 * time.Second},
		{"a gap over 60 s adds nothing (the player was closed)", 60*time.Second + time.Millisecond, 0},
		{"no time passed adds nothing", 0, 0},
		{"an event earlier than the last adds nothing", -5 * time.Second, 0},
		{"wall time rounds to the nearest second (down)", 10499 * time.Millisecond, 10 * time.Second},
		{"wall time rounds to the nearest second (up)", 10500 * time.Millisecond, 11 * time.Second},
	}
	for _, c := range cases {
		if got := charts.Credit(c.gap); got != c.want {
			t.Errorf("%s: Credit(%s) = %s, want %s", c.rule, c.gap, got, c.want)
		}
	}
}

func TestViewingTime(t *testing.T) {
	type step struct {
		at      float64 // seconds after the first step
		kind    charts.EventKind
		profile int64 // 0 means profile 1
	}
	start, hb, stop := charts.EventStart, charts.EventHeartbeat, charts.EventStop
	cases := []struct {
		rule  string
		steps []step
		want  int64 // seconds in the rollup
	}{
		{"heartbeats every 10 s add their wall time, and a stop adds its own",
			[]step{{0, start, 0}, {10, hb, 0}, {20, hb, 0}, {25, stop, 0}}, 25},
		{"a late heartbeat adds at most 15 s",
			[]step{{0, start, 0}, {40, hb, 0}, {50, hb, 0}}, 25},
		{"a gap of exactly 60 s still adds 15 s",
			[]step{{0, start, 0}, {60, hb, 0}}, 15},
		{"a gap over 60 s adds nothing, and the next heartbeat counts from it",
			[]step{{0, start, 0}, {61, hb, 0}, {71, hb, 0}}, 10},
		{"a heartbeat without a start adds nothing and starts measuring",
			[]step{{0, hb, 0}, {10, hb, 0}}, 10},
		{"a stop ends the measurement: the heartbeat after it adds nothing",
			[]step{{0, start, 0}, {10, stop, 0}, {20, hb, 0}, {30, hb, 0}}, 20},
		{"a stop without anything playing adds nothing",
			[]step{{0, stop, 0}, {5, stop, 0}}, 0},
		{"a start adds nothing and measures again from itself",
			[]step{{0, start, 0}, {10, hb, 0}, {14, start, 0}, {24, hb, 0}}, 20},
		{"a repeated heartbeat adds nothing",
			[]step{{0, start, 0}, {10, hb, 0}, {10, hb, 0}}, 10},
		{"wall time rounds to the nearest second at each event",
			[]step{{0, start, 0}, {10.4, hb, 0}, {20.9, hb, 0}}, 21},
		{"each profile is measured on its own",
			[]step{{0, start, 1}, {5, start, 2}, {10, hb, 1}, {15, hb, 2}, {20, hb, 1}, {25, stop, 2}}, 10 + 10 + 10 + 10},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		base := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		for _, c := range cases {
			t.Run(c.rule, func(t *testing.T) {
				ctx := context.Background()
				title := titleWithRuntime(t, db, c.rule, 100)
				clk := &clock{}
				p := charts.NewPlays(db, charts.PlaysConfig{Now: clk.Now})
				events0, secs0 := logSums(t, db)
				for _, s := range c.steps {
					clk.Set(base.Add(time.Duration(s.at * float64(time.Second))))
					profile := max(s.profile, 1)
					if s.kind == start {
						p.Start(ctx, profile, title, "US")
					} else {
						p.Heartbeat(ctx, profile, title, "US", s.kind == stop)
					}
				}
				if got := viewSeconds(t, db, title, "US"); got != c.want {
					t.Errorf("%s: rollup holds %d s, want %d s", c.rule, got, c.want)
				}
				events, secs := logSums(t, db)
				if events-events0 != int64(len(c.steps)) {
					t.Errorf("every event must be appended to the log: %d new rows for %d events", events-events0, len(c.steps))
				}
				if secs-secs0 != c.want {
					t.Errorf("the log's seconds must equal the rollup's: log added %d s, rollup %d s", secs-secs0, c.want)
				}
			})
		}
	})
}

func TestConcurrentHeartbeatsCountOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		title := titleWithRuntime(t, db, "Two tabs", 100)
		clk := &clock{}
		p := charts.NewPlays(db, charts.PlaysConfig{Now: clk.Now})
		base := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		clk.Set(base)
		p.Start(ctx, 1, title, "US")
		clk.Set(base.Add(10 * time.Second))
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { p.Heartbeat(ctx, 1, title, "US", false) })
		}
		wg.Wait()
		if got := viewSeconds(t, db, title, "US"); got != 10 {
			t.Errorf("heartbeats of one profile and title at one instant must count the 10 s once, rollup holds %d s", got)
		}
	})
}

func TestStartForgetsClosedPlayers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := titleWithRuntime(t, db, "Left open", 100), titleWithRuntime(t, db, "Next", 100)
		clk := &clock{}
		p := charts.NewPlays(db, charts.PlaysConfig{Now: clk.Now})
		base := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		clk.Set(base)
		p.Start(ctx, 1, a, "US") // closed without a stop
		clk.Set(base.Add(2 * time.Minute))
		p.Start(ctx, 1, b, "US")
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM play_last WHERE profile_id = 1`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("a start must forget its profile's measurements older than a minute: %d rows left, want 1", n)
		}
	})
}

func TestUnknownTerritoryIsIgnoredAndLogged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		title := titleWithRuntime(t, db, "Nowhere", 100)
		var logs bytes.Buffer
		clk := &clock{}
		p := charts.NewPlays(db, charts.PlaysConfig{Now: clk.Now, Log: slog.New(slog.NewTextHandler(&logs, nil))})
		base := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		for i, territory := range []string{"XX", "", "us"} {
			clk.Set(base.Add(time.Duration(i) * 10 * time.Second))
			p.Start(ctx, 1, title, territory)
			clk.Set(base.Add(time.Duration(i)*10*time.Second + 5*time.Second))
			p.Heartbeat(ctx, 1, title, territory, false)
			if !strings.Contains(logs.String(), "territory="+territory+" ") && territory != "" {
				t.Errorf("an ignored event must be logged with its territory %q; log:\n%s", territory, logs.String())
			}
		}
		if events, _ := logSums(t, db); events != 0 {
			t.Errorf("events from an unknown territory must be ignored, %d stored", events)
		}
		if got := strings.Count(logs.String(), "unknown territory"); got != 6 {
			t.Errorf("each ignored event must be logged once: %d log lines, want 6; log:\n%s", got, logs.String())
		}
		if _, err := p.Weekly(ctx, "XX", "2026-03-04"); err == nil || !strings.Contains(err.Error(), `"XX"`) {
			t.Errorf("a chart of an unknown territory must be an error that names it, got %v", err)
		}
		if _, err := p.TopToday(ctx, "XX", base); err == nil || !strings.Contains(err.Error(), `"XX"`) {
			t.Errorf("a top 10 today of an unknown territory must be an error that names it, got %v", err)
		}
		if _, err := p.Weekly(ctx, "US", "2026/03/04"); err == nil || !strings.Contains(err.Error(), "2026/03/04") {
			t.Errorf("a malformed week date must be an error that names it, got %v", err)
		}
	})
}

func TestStatisticsNeverFailPlayback(t *testing.T) {
	db := storetest.SQLite(t)
	var logs bytes.Buffer
	p := charts.NewPlays(db, charts.PlaysConfig{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	db.Close()
	p.Start(context.Background(), 1, 1, "US")
	p.Heartbeat(context.Background(), 1, 1, "US", true)
	if got := strings.Count(logs.String(), "record play event"); got != 2 {
		t.Errorf("a failed recording must be swallowed and logged once per event: %d log lines, want 2; log:\n%s", got, logs.String())
	}
}

func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		title := titleWithRuntime(t, db, "Bulk", 100)
		p := charts.NewPlays(db, charts.PlaysConfig{})
		// 2026-03-01T16:30Z is Monday 00:30 in Manila and Sunday 11:30 in New York.
		at := time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC)
		events := []charts.Event{
			{ProfileID: 1, TitleID: title, Territory: "PH", Kind: charts.EventStart, At: at},
			{ProfileID: 1, TitleID: title, Territory: "PH", Kind: charts.EventHeartbeat, At: at.Add(10 * time.Second), Seconds: 10},
			{ProfileID: 2, TitleID: title, Territory: "PH", Kind: charts.EventHeartbeat, At: at.Add(20 * time.Second), Seconds: 15},
			{ProfileID: 3, TitleID: title, Territory: "US", Kind: charts.EventStop, At: at, Seconds: 7},
		}
		if err := p.Load(ctx, events); err != nil {
			t.Fatalf("load: %v", err)
		}
		if n, secs := logSums(t, db); n != 4 || secs != 32 {
			t.Errorf("load must append every event as given: %d events, %d s; want 4, 32", n, secs)
		}
		var day string
		if err := db.QueryRowContext(ctx, `SELECT local_day FROM view_seconds WHERE territory = 'PH'`).Scan(&day); err != nil || day != "2026-03-02" {
			t.Errorf("load must roll up by the territory's local day: PH day %q (%v), want 2026-03-02 (one row, summed)", day, err)
		}
		if got := viewSeconds(t, db, title, "PH"); got != 25 {
			t.Errorf("load must sum the seconds of a title, territory and day: PH holds %d, want 25", got)
		}
		bad := append(events, charts.Event{ProfileID: 1, TitleID: title, Territory: "XX", Kind: charts.EventHeartbeat, At: at, Seconds: 1})
		if err := p.Load(ctx, bad); err == nil || !strings.Contains(err.Error(), `"XX"`) {
			t.Errorf("load must refuse an unknown territory by name, got %v", err)
		}
		if n, _ := logSums(t, db); n != 4 {
			t.Errorf("a refused load must store nothing: %d events, want 4", n)
		}
	})
}
