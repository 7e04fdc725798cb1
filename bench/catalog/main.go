// Command catalog measures the rights engine at scale: it builds a catalogue
// of -titles titles and -licenses licenses over all 249 territories, then
// times an availability check, the first page of each lineup row for one
// territory, and a license insert with its conflict check, on SQLite and
// (with -postgres or LINEUP_BENCH_POSTGRES_URL) on PostgreSQL.
//
// Each figure is printed with p50 and p99, the target from the issue, and
// its ratio to a baseline measured in the same run on the same database:
// a primary-key read of one title (for the reads) and a one-row insert
// into a scratch table (for the insert). Run it through scripts/bench
// catalog, which starts a throwaway PostgreSQL.
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
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

func main() {
	titles := flag.Int("titles", 100_000, "titles to build")
	licenses := flag.Int("licenses", 1_000_000, "licenses to build")
	n := flag.Int("n", 2000, "timed availability checks (lineup pages and inserts use n/10)")
	pg := flag.String("postgres", os.Getenv("LINEUP_BENCH_POSTGRES_URL"), "PostgreSQL URL of an empty database (skips PostgreSQL when empty)")
	only := flag.String("only", "", "sqlite or postgres: run one database only")
	flag.Parse()
	ctx := context.Background()

	type target struct{ name, dsn string }
	var targets []target
	if *only != "postgres" {
		dir, err := os.MkdirTemp("", "lineup-bench-")
		timing.Check(err)
		defer os.RemoveAll(dir)
		targets = append(targets, target{"sqlite", filepath.Join(dir, "bench.db")})
	}
	if *only != "sqlite" {
		if *pg == "" {
			fmt.Fprintln(os.Stderr, "postgres: skipped (give -postgres URL or run scripts/bench catalog)")
		} else {
			targets = append(targets, target{"postgres", *pg})
		}
	}
	fmt.Printf("catalog bench: %d titles, %d licenses, %d territories, %d availability checks\n",
		*titles, *licenses, len(rights.Countries()), *n)
	for _, t := range targets {
		run(ctx, t.name, t.dsn, *titles, *licenses, *n)
	}
}

func run(ctx context.Context, name, dsn string, nTitles, nLicenses, n int) {
	db, err := store.Open(ctx, dsn)
	timing.Check(err)
	defer db.Close()
	_, err = db.Migrate(ctx)
	timing.Check(err)
	const licensee = "Lineup"
	svc := rights.New(db, rights.Config{Licensee: licensee})
	rng := rand.New(rand.NewPCG(1, 2))
	countries := rights.Countries()

	fmt.Printf("\n== %s\n", name)
	start := time.Now()
	fixture.Titles(ctx, db, nTitles, nil)
	fmt.Fprintf(os.Stderr, "\rtitles loaded in %s%s\n", time.Since(start).Round(time.Millisecond), strings.Repeat(" ", 30))

	// Licenses: most cover one to three countries, one in a hundred the EU;
	// licensees and types vary so that availability has something to reject.
	// Windows spread over 2015–2035, some open-ended.
	base := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	licensees := []string{licensee, licensee, "Rival", "Other Co"}
	types := []rights.LicenseType{rights.SVOD, rights.SVOD, rights.SVOD, rights.AVOD, rights.TVOD}
	start = time.Now()
	const batch = 5000
	for done := 0; done < nLicenses; done += batch {
		var ls []rights.License
		for i := done; i < min(done+batch, nLicenses); i++ {
			l := rights.License{
				TitleID:  int64(i%nTitles) + 1,
				Licensor: "Bench Licensor",
				Licensee: licensees[rng.IntN(len(licensees))],
				Type:     types[rng.IntN(len(types))],
			}
			if rng.IntN(100) == 0 {
				l.Territories = []string{"EU"}
			} else {
				for k := 0; k <= rng.IntN(3); k++ {
					l.Territories = append(l.Territories, countries[rng.IntN(len(countries))])
				}
			}
			s := base.AddDate(0, 0, rng.IntN(365*20))
			l.Start = rights.DateMoment(s.Year(), s.Month(), s.Day())
			if rng.IntN(4) != 0 {
				e := s.AddDate(0, 0, 30+rng.IntN(3*365))
				l.End = rights.DateMoment(e.Year(), e.Month(), e.Day())
			}
			ls = append(ls, l)
		}
		timing.Check(svc.Import(ctx, ls))
		timing.Progress("licenses", done+len(ls), nLicenses, start)
	}
	fmt.Fprintf(os.Stderr, "\rlicenses loaded in %s%s\n", time.Since(start).Round(time.Millisecond), strings.Repeat(" ", 30))
	timing.Check(svc.Optimize(ctx))

	at := func() time.Time { return base.Add(time.Duration(rng.Int64N(int64(20 * 365 * 24 * time.Hour)))) }
	title := func() int64 { return int64(rng.IntN(nTitles)) + 1 }

	pk := timing.Measure(n, func() {
		var s string
		timing.Check(db.QueryRowContext(ctx, `SELECT original_title FROM titles WHERE id = $1`, title()).Scan(&s))
	})
	avail := timing.Measure(n, func() {
		_, err := svc.Availability(ctx, title(), countries[rng.IntN(len(countries))], at())
		timing.Check(err)
	})
	lineupTerritory := "US"
	rows := map[string]timing.Stats{}
	for _, row := range []string{"available_now", "coming_soon", "leaving_soon"} {
		rows[row] = timing.Measure(max(n/10, 20), func() {
			_, err := svc.Lineup(ctx, rights.LineupQuery{Territory: lineupTerritory, At: at(), Row: row, Limit: 20})
			timing.Check(err)
		})
	}
	_, err = db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_scratch (id BIGINT PRIMARY KEY, v TEXT NOT NULL)`)
	timing.Check(err)
	var scratch int64
	plain := timing.Measure(max(n/10, 20), func() {
		scratch++
		_, err := db.ExecContext(ctx, `INSERT INTO bench_scratch (id, v) VALUES ($1, $2)`, scratch, "x")
		timing.Check(err)
	})
	refused := 0
	insert := timing.Measure(max(n/10, 20), func() {
		s := at()
		l := rights.License{TitleID: title(), Licensor: "Bench Licensor", Licensee: licensees[rng.IntN(len(licensees))],
			Type: rights.SVOD, Territories: []string{countries[rng.IntN(len(countries))]}, Exclusive: rng.IntN(2) == 0,
			Start: rights.InstantMoment(s), End: rights.InstantMoment(s.AddDate(1, 0, 0))}
		_, _, err := svc.Add(ctx, l, false)
		if _, ok := err.(*rights.ConflictError); ok {
			refused++
			return
		}
		timing.Check(err)
	})

	// Amend: a random license of the whole catalogue gets a new end, with
	// the conflict check of a new license; refusals are timed too. The
	// changes also give the as-of availability something to look back on.
	recordedBefore := time.Now()
	amendRefused := 0
	amend := timing.Measure(max(n/10, 20), func() {
		id := int64(rng.IntN(nLicenses)) + 1
		l, err := svc.Get(ctx, id)
		timing.Check(err)
		if l.Status == rights.StatusWithdrawn {
			return
		}
		e := base.AddDate(0, 0, rng.IntN(365*20)+400)
		l.End = rights.DateMoment(e.Year(), e.Month(), e.Day())
		l.Start = rights.DateMoment(2015, 1, 1)
		_, _, err = svc.Amend(ctx, id, l, rights.Change{Actor: "bench"}, false)
		if _, ok := err.(*rights.ConflictError); ok {
			amendRefused++
			return
		}
		timing.Check(err)
	})
	asOf := timing.Measure(n, func() {
		_, err := svc.Available(ctx, rights.AvailabilityQuery{TitleID: title(), Territory: countries[rng.IntN(len(countries))], At: at(), AsOf: recordedBefore})
		timing.Check(err)
	})

	fmt.Printf("%-34s %10s %10s %10s %14s\n", "operation", "p50", "p99", "target p99", "p99 / baseline")
	line := func(what string, s timing.Stats, target time.Duration, baseline timing.Stats) {
		verdict := "ok"
		if s.P99 > target {
			verdict = "MISSED"
		}
		fmt.Printf("%-34s %10s %10s %10s %13.1fx  %s\n", what, s.P50, s.P99, target, float64(s.P99)/float64(baseline.P99), verdict)
	}
	fmt.Printf("%-34s %10s %10s %10s %14s\n", "baseline: title by primary key", pk.P50, pk.P99, "-", "1.0x")
	line("availability check", avail, 2*time.Millisecond, pk)
	line("availability as_of a past moment", asOf, 5*time.Millisecond, pk)
	for _, row := range []string{"available_now", "coming_soon", "leaving_soon"} {
		line("lineup first page: "+row, rows[row], 50*time.Millisecond, pk)
	}
	fmt.Printf("%-34s %10s %10s %10s %14s\n", "baseline: one-row insert", plain.P50, plain.P99, "-", "1.0x")
	line("license insert + conflict check", insert, 10*time.Millisecond, plain)
	fmt.Printf("(%d of %d inserts were refused for conflicts; refusals are timed too)\n", refused, max(n/10, 20))
	line("license amend + conflict check", amend, 10*time.Millisecond, plain)
	fmt.Printf("(%d of %d amendments were refused for conflicts; refusals are timed too)\n", amendRefused, max(n/10, 20))

	availsBench(ctx, db, svc)
}
