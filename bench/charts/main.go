// Command charts measures views and the Top 10 at scale: it writes -events
// play events (10 million by default on PostgreSQL, -sqlite-events on
// SQLite) spread over -titles titles, -territories territories and -weeks
// weeks through charts.Plays.Load (the bulk form of what Start and
// Heartbeat write: the events log and the daily rollup, in one
// transaction per batch), with a progress bar on stderr, then times:
//
//   - the weekly Top 10 of one territory (charts.Plays.Weekly), against
//     the target (≤ 1 s on PostgreSQL) and a baseline measured in
//     the same run on the same database: counting that territory's rows of
//     the rollup (SELECT COUNT(*) FROM view_seconds WHERE territory = $1);
//   - the home row's rolling Top 10 (charts.Plays.TopToday);
//   - one live heartbeat (charts.Plays.Heartbeat), against a one-row insert;
//   - for scale, the same week summed straight from the events log, which
//     is what the rollup saves (a few runs only).
//
// Each figure is printed with p50 and p99 over -n runs. Titles are watched
// with a Zipf-like skew, so the chart has a head and a long tail. Run it
// through scripts/bench charts, which starts a throwaway PostgreSQL, or
// give -postgres (or LINEUP_BENCH_POSTGRES_URL) the URL of an empty
// database.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lineup/lineup/bench/internal/fixture"
	"github.com/lineup/lineup/bench/internal/timing"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// territories are the countries events come from, in many time zones.
var territories = []string{"US", "GB", "DE", "FR", "BR", "MX", "IN", "JP", "KR", "CN",
	"PH", "ID", "AU", "CA", "ES", "IT", "NL", "PL", "TR", "NG",
	"AR", "CL", "CO", "EG", "ZA", "SE", "NO", "TH", "VN", "NZ"}

type config struct {
	events, titles, territories, weeks, n, batch int
}

func main() {
	events := flag.Int("events", 10_000_000, "play events to write on PostgreSQL")
	sqliteEvents := flag.Int("sqlite-events", 1_000_000, "play events to write on SQLite")
	titles := flag.Int("titles", 2000, "titles")
	nTerritories := flag.Int("territories", 20, fmt.Sprintf("territories (at most %d)", len(territories)))
	weeks := flag.Int("weeks", 8, "weeks the events spread over")
	n := flag.Int("n", 50, "timed runs of each chart query")
	batch := flag.Int("batch", 100_000, "events per Load call (one transaction)")
	pg := flag.String("postgres", os.Getenv("LINEUP_BENCH_POSTGRES_URL"), "PostgreSQL URL of an empty database (skips PostgreSQL when empty)")
	only := flag.String("only", "", "sqlite or postgres: run one database only")
	flag.Parse()
	if *nTerritories < 1 || *nTerritories > len(territories) {
		timing.Check(fmt.Errorf("-territories must be 1 to %d", len(territories)))
	}
	ctx := context.Background()

	type target struct {
		name, dsn string
		events    int
	}
	var targets []target
	if *only != "postgres" {
		dir, err := os.MkdirTemp("", "lineup-bench-charts-")
		timing.Check(err)
		defer os.RemoveAll(dir)
		targets = append(targets, target{"sqlite", filepath.Join(dir, "bench.db"), *sqliteEvents})
	}
	if *only != "sqlite" {
		if *pg == "" {
			fmt.Fprintln(os.Stderr, "postgres: skipped (give -postgres URL or run scripts/bench charts)")
		} else {
			targets = append(targets, target{"postgres", *pg, *events})
		}
	}
	fmt.Printf("charts bench: %d titles, %d territories, %d weeks, %d timed runs per chart query\n",
		*titles, *nTerritories, *weeks, *n)
	for _, t := range targets {
		run(ctx, t.name, t.dsn, config{t.events, *titles, *nTerritories, *weeks, *n, *batch})
	}
}

func run(ctx context.Context, name, dsn string, c config) {
	db, err := store.Open(ctx, dsn)
	timing.Check(err)
	defer db.Close()
	_, err = db.Migrate(ctx)
	timing.Check(err)
	fmt.Printf("\n== %s: %d play events\n", name, c.events)

	fixture.Titles(ctx, db, c.titles, func(i int) int {
		// 80 to 180 minutes, one in ten unknown (views then count against two hours).
		if i%10 == 9 {
			return 0
		}
		return 80 + i%101
	})
	// The weeks end with the week of 2026-03-02 (Monday to Sunday in each
	// territory); events fall uniformly in time, skewed over titles.
	end := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	begin := end.AddDate(0, 0, -7*c.weeks)
	span := end.Sub(begin)
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 10, uint64(c.titles-1))
	plays := charts.NewPlays(db, charts.PlaysConfig{})

	start := time.Now()
	batch := make([]charts.Event, 0, c.batch)
	for done := 0; done < c.events; done += len(batch) {
		batch = batch[:0]
		for range min(c.batch, c.events-done) {
			e := charts.Event{
				ProfileID: rng.Int64N(500_000) + 1,
				TitleID:   int64(zipf.Uint64()) + 1,
				Territory: territories[rng.IntN(c.territories)],
				At:        begin.Add(time.Duration(rng.Int64N(int64(span)))),
				Kind:      charts.EventHeartbeat,
				Seconds:   10,
			}
			switch k := rng.IntN(40); {
			case k == 0:
				e.Kind, e.Seconds = charts.EventStart, 0
			case k == 1:
				e.Kind, e.Seconds = charts.EventStop, int32(rng.IntN(15)+1)
			case k < 4:
				e.Seconds = 15
			}
			batch = append(batch, e)
		}
		timing.Check(plays.Load(ctx, batch))
		timing.Progress("events", done+len(batch), c.events, start)
	}
	loaded := time.Since(start)
	fmt.Fprintf(os.Stderr, "\r%s%s\r", strings.Repeat(" ", 70), "")
	fmt.Printf("loaded in %s (%.0f events/s)\n", loaded.Round(time.Millisecond), float64(c.events)/loaded.Seconds())
	// What autovacuum (PostgreSQL) or the application's optimize (SQLite)
	// would have done after a load this size.
	timing.Check(exec(ctx, db, `ANALYZE`))
	var rollupRows int64
	timing.Check(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM view_seconds`).Scan(&rollupRows))
	if db.Dialect == store.Postgres {
		var events, rollup int64
		timing.Check(db.QueryRowContext(ctx, `SELECT pg_total_relation_size('play_events'), pg_total_relation_size('view_seconds')`).Scan(&events, &rollup))
		fmt.Printf("play_events: %s (%.0f bytes/event); view_seconds: %d rows, %s\n",
			mb(events), float64(events)/float64(c.events), rollupRows, mb(rollup))
	} else {
		fmt.Printf("view_seconds: %d rows\n", rollupRows)
	}

	territory, weekOf := "US", "2026-03-04"
	baseline := timing.Measure(c.n, func() {
		var n int64
		timing.Check(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM view_seconds WHERE territory = $1`, territory).Scan(&n))
	})
	var week charts.Week
	weekly := timing.Measure(c.n, func() {
		week, err = plays.Weekly(ctx, territory, weekOf)
		timing.Check(err)
	})
	today := timing.Measure(c.n, func() {
		_, err := plays.TopToday(ctx, territory, end.Add(-time.Hour))
		timing.Check(err)
	})
	// From the log: the same week's instants in the territory's zone.
	zone := rights.Zone(territory)
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, zone)
	scanRuns := max(3, c.n/10)
	scan := timing.Measure(scanRuns, func() {
		rows, err := db.QueryContext(ctx, `SELECT title_id, SUM(seconds) FROM play_events
			WHERE territory = $1 AND at_ms >= $2 AND at_ms < $3 GROUP BY title_id`,
			territory, from.UnixMilli(), from.AddDate(0, 0, 7).UnixMilli())
		timing.Check(err)
		for rows.Next() {
		}
		timing.Check(rows.Err())
		rows.Close()
	})

	timing.Check(exec(ctx, db, `CREATE TABLE IF NOT EXISTS bench_scratch (id BIGINT PRIMARY KEY, v TEXT NOT NULL)`))
	var scratch int64
	hbRuns := max(200, c.n*4)
	insert := timing.Measure(hbRuns, func() {
		scratch++
		timing.Check(exec(ctx, db, `INSERT INTO bench_scratch (id, v) VALUES ($1, $2)`, scratch, "x"))
	})
	// Live heartbeats of distinct viewers, each 10 s after its previous
	// event, so that every one adds time to the rollup.
	clock := end
	live := charts.NewPlays(db, charts.PlaysConfig{Now: func() time.Time { return clock }})
	var profile int64 = 1_000_000
	for i := range hbRuns {
		live.Start(ctx, profile+int64(i), int64(i%c.titles)+1, territory)
	}
	clock = clock.Add(10 * time.Second)
	var hbi int
	heartbeat := timing.Measure(hbRuns, func() {
		live.Heartbeat(ctx, profile+int64(hbi), int64(hbi%c.titles)+1, territory, false)
		hbi++
	})

	var before int64
	timing.Check(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM play_events WHERE profile_id >= $1`, profile).Scan(&before))
	if before != int64(2*hbRuns) {
		timing.Check(fmt.Errorf("live events were not all recorded: %d of %d", before, 2*hbRuns))
	}

	fmt.Printf("%-40s %10s %10s %10s %14s\n", "operation", "p50", "p99", "target p99", "p50 / baseline")
	line := func(what string, s timing.Stats, target time.Duration, base timing.Stats) {
		t, verdict := "-", ""
		if target > 0 {
			t, verdict = target.String(), "ok"
			if s.P99 > target {
				verdict = "MISSED"
			}
		}
		fmt.Printf("%-40s %10s %10s %10s %13.1fx  %s\n", what, s.P50, s.P99, t, float64(s.P50)/float64(base.P50), verdict)
	}
	fmt.Printf("%-40s %10s %10s %10s %14s\n", "baseline: count a territory's rollup", baseline.P50, baseline.P99, "-", "1.0x")
	target := time.Duration(0)
	if db.Dialect == store.Postgres {
		target = time.Second
	}
	line("weekly Top 10, one territory", weekly, target, baseline)
	line("Top 10 today (rolling 7 days)", today, target, baseline)
	line(fmt.Sprintf("for scale: the week from the log (%d runs)", scanRuns), scan, 0, baseline)
	fmt.Printf("%-40s %10s %10s %10s %14s\n", "baseline: one-row insert", insert.P50, insert.P99, "-", "1.0x")
	line("live heartbeat (log + rollup)", heartbeat, 0, insert)
	fmt.Printf("week %s to %s in %s, first of %d entries: %+v\n", week.From, week.To, week.Territory, len(week.Entries), first(week.Entries))
}

func first(es []charts.Entry) any {
	if len(es) == 0 {
		return "none"
	}
	return es[0]
}

func exec(ctx context.Context, db *store.DB, q string, args ...any) error {
	_, err := db.ExecContext(ctx, q, args...)
	return err
}

func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }
