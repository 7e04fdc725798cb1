package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/lineup/lineup/bench/internal/timing"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/rights/avails"
	"github.com/lineup/lineup/internal/store"
)

var (
	availsRows   = flag.Int("avails-rows", 10_000, "rows of the avails sheet imported (0: skip the avails import)")
	availsRounds = flag.Int("avails-rounds", 3, "avails imports timed, each of a sheet of new titles (the median is printed)")
)

// availsSheet writes an EMA Avails CSV sheet of rows rows for films the
// catalogue does not have: each film has four rows (two countries, SVOD
// and AVOD), named by an EIDR unique to the round, with a display title
// and a release year, so the import creates rows/4 titles and rows/2
// licenses. A row of field hints sits under the column names, as in the
// EMA templates.
func availsSheet(round, rows int) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"DisplayName", "Territory", "WorkType", "EntryType", "TitleInternalAlias", "TitleDisplayUnlimited",
		"ReleaseYear", "LicenseType", "Start", "End", "Exclusive", "BrandingRights", "ContentID", "AltID", "AvailID"})
	w.Write([]string{"//REQ", "//REQ", "//REQ", "//REQ", "//REQ", "//Opt", "//Opt", "//REQ", "//REQ", "//REQ", "//Opt", "//Opt", "//Cond", "//Cond", "//Opt"})
	countries := []string{"GB", "IE", "AU", "NZ", "CA", "ZA"}
	for i := 0; i < rows; i++ {
		film := i / 4
		name := fmt.Sprintf("Bench Avails Film %d-%d", round, film)
		eidr := fmt.Sprintf("10.5240/%04X-%04X-%04X-0000-0000-C", round, film>>16, film&0xFFFF)
		typ := []string{"SVOD", "AVOD"}[i%2]
		country := countries[(film+(i/2)%2)%len(countries)]
		end := "Open"
		if typ == "SVOD" {
			end = "2031-01-01"
		}
		w.Write([]string{"Bench Studio", country, "Movie", "Full Extract", name, name, strconv.Itoa(1990 + film%35),
			typ, "2026-01-01", end, "No", "No", eidr, "ALT-" + strconv.Itoa(round) + "-" + strconv.Itoa(film),
			fmt.Sprintf("AV-%d-%d", round, i)})
	}
	w.Flush()
	return buf.Bytes()
}

// availsBench times an avails import of a sheet of new titles and licenses
// into the catalogue just built, and the same sheet imported again (nothing
// changes), each the median of -avails-rounds rounds. The baseline is
// reading the same sheet without storing anything (avails.Read), measured
// in the same rounds.
func availsBench(ctx context.Context, db *store.DB, svc *rights.Service) {
	rows := *availsRows
	if rows <= 0 {
		return
	}
	im := avails.NewImporter(db, catalog.New(db), svc, nil)
	opts := avails.ImportOptions{Options: avails.Options{Licensee: "Lineup"}, Actor: "bench"}
	var read, first, again []time.Duration
	for round := 1; round <= max(*availsRounds, 1); round++ {
		sheet := availsSheet(round, rows)
		start := time.Now()
		_, err := avails.Read(ctx, bytes.NewReader(sheet), "bench.csv", opts.Options)
		timing.Check(err)
		read = append(read, time.Since(start))

		start = time.Now()
		rep, err := im.Import(ctx, bytes.NewReader(sheet), "bench.csv", opts)
		timing.Check(err)
		first = append(first, time.Since(start))
		if len(rep.TitlesCreated) != rows/4 || len(rep.Created) != rows/2 {
			timing.Check(fmt.Errorf("avails bench: want %d titles and %d licenses created, got %s", rows/4, rows/2, rep.Summary()))
		}

		start = time.Now()
		rep, err = im.Import(ctx, bytes.NewReader(sheet), "bench.csv", opts)
		timing.Check(err)
		again = append(again, time.Since(start))
		if rep.Changed() || rep.Unchanged != rows {
			timing.Check(fmt.Errorf("avails bench: the same sheet again must change nothing, got %s", rep.Summary()))
		}
	}
	median := func(ds []time.Duration) time.Duration {
		s := slices.Clone(ds)
		slices.Sort(s)
		return s[len(s)/2]
	}
	base := median(read)
	fmt.Printf("avails import of %d rows (%d new titles, %d licenses), median of %d rounds:\n", rows, rows/4, rows/2, len(first))
	fmt.Printf("%-34s %10s %10s %14s\n", "operation", "median", "target", "/ baseline")
	fmt.Printf("%-34s %10s %10s %14s\n", "baseline: read the sheet only", base.Round(time.Millisecond), "-", "1.0x")
	line := func(what string, d, target time.Duration) {
		verdict := "ok"
		if d > target {
			verdict = "MISSED"
		}
		fmt.Printf("%-34s %10s %10s %13.1fx  %s\n", what, d.Round(time.Millisecond), target, float64(d)/float64(base), verdict)
	}
	line("avails import, new titles", median(first), 10*time.Second)
	line("avails import again, no change", median(again), 5*time.Second)
}
