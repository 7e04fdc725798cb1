package rights

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// TestScale loads a synthetic catalogue and prints latencies and query
// plans. It is a check to run by hand, not part of the suite:
//
//	LINEUP_RIGHTS_SCALE=10000 go test -run TestScale -v ./internal/rights/
//
// loads 10,000 titles with 10 licenses each (100,000 licenses).
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("LINEUP_RIGHTS_SCALE"))
	if n <= 0 {
		t.Skip("set LINEUP_RIGHTS_SCALE=<titles> to run the scale check")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := mustTime("2020-06-15T12:00:00Z")
		s := New(db, Config{Licensee: us, Now: func() time.Time { return at }})
		rng := rand.New(rand.NewPCG(1, 2))
		countries := Countries()
		popular := []string{"US", "GB", "FR", "DE", "PH", "CN", "JP", "BR", "IN", "MX"}

		begin := time.Now()
		var ids []int64
		for len(ids) < n {
			var b strings.Builder
			b.WriteString(`INSERT INTO titles (original_title, original_language, created_at) VALUES `)
			var args []any
			for i := 0; i < 1000 && len(ids)+i < n; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "($%d, 'en', 0)", len(args)+1)
				args = append(args, fmt.Sprint("title ", len(ids)+i))
			}
			rows, err := db.QueryContext(ctx, b.String()+` RETURNING id`, args...)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
		}
		var batch []License
		licenses := 0
		for _, title := range ids {
			for range 10 {
				l := License{TitleID: title, Licensor: "Studio", Licensee: us, Type: SVOD}
				switch r := rng.IntN(100); {
				case r < 70:
					l.Territories = []string{pick(rng, popular, countries)}
				case r < 90:
					l.Territories = []string{pick(rng, popular, countries), pick(rng, popular, countries), pick(rng, popular, countries)}
				case r < 98:
					l.Territories = []string{"EU"}
				default:
					l.Territories = []string{"ZZ"}
				}
				if rng.IntN(2) == 0 {
					l.Licensee = []string{"Rival", "Other", "Third"}[rng.IntN(3)]
				}
				if rng.IntN(10) < 4 {
					l.Type = []LicenseType{AVOD, TVOD, EST, PayTV}[rng.IntN(4)]
				}
				start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365*10))
				l.Start = DateMoment(start.Date())
				if rng.IntN(10) > 0 {
					l.End = DateMoment(start.AddDate(0, 0, 30+rng.IntN(365*3)).Date())
				}
				batch = append(batch, l)
				licenses++
				if len(batch) == 5000 {
					if err := s.Import(ctx, batch); err != nil {
						t.Fatal(err)
					}
					batch = batch[:0]
				}
			}
		}
		if err := s.Import(ctx, batch); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: loaded %d titles, %d licenses, %d windows in %v", db.Dialect, n, licenses, countRows(t, db, "license_windows"), time.Since(begin).Round(time.Millisecond))

		p99 := func(name string, runs int, fn func(i int) error) {
			var d []time.Duration
			for i := range runs {
				st := time.Now()
				if err := fn(i); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				d = append(d, time.Since(st))
			}
			slices.Sort(d)
			t.Logf("%s: %-26s p50 %8v  p99 %8v  max %8v", db.Dialect, name, d[len(d)/2], d[len(d)*99/100], d[len(d)-1])
		}
		p99("availability", 1000, func(i int) error {
			_, err := s.Availability(ctx, ids[rng.IntN(len(ids))], pick(rng, popular, countries), at)
			return err
		})
		for _, row := range []string{RowAvailableNow, RowComingSoon, RowLeavingSoon} {
			p99("lineup "+row, 200, func(i int) error {
				_, err := s.Lineup(ctx, LineupQuery{Territory: pick(rng, popular, countries), At: at, Row: row})
				return err
			})
		}
		p99("lineup all rows (US)", 50, func(i int) error {
			_, err := s.Lineup(ctx, LineupQuery{Territory: "US", At: at})
			return err
		})
		add := func(terr string, exclusive bool) func(int) error {
			return func(i int) error {
				l := License{TitleID: ids[rng.IntN(len(ids))], Licensor: "Studio", Licensee: "New", Type: SVOD, Exclusive: exclusive,
					Territories: []string{terr}, Start: mustMoment("2020-01-01")}
				if terr == "" {
					l.Territories = []string{pick(rng, popular, countries)}
				}
				_, _, err := s.Add(ctx, l, true)
				return err
			}
		}
		p99("add one country", 300, add("", true))
		p99("add ZZ non-exclusive", 100, add("ZZ", false))
		p99("add ZZ exclusive forced", 100, add("ZZ", true))
		p99("check ZZ exclusive", 100, func(i int) error {
			_, err := s.Check(ctx, License{TitleID: ids[rng.IntN(len(ids))], Licensor: "Studio", Licensee: "New2", Type: SVOD, Exclusive: true,
				Territories: []string{"ZZ"}, Start: mustMoment("2020-01-01")})
			return err
		})

		if os.Getenv("LINEUP_RIGHTS_PLANS") == "" {
			return
		}
		explain := `EXPLAIN QUERY PLAN `
		if db.Dialect == store.Postgres {
			explain = `EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) `
		}
		plan := func(name, q string, args ...any) {
			rows, err := db.QueryContext(ctx, explain+q, args...)
			if err != nil {
				t.Fatalf("explain %s: %v", name, err)
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			var b strings.Builder
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				rows.Scan(ptrs...)
				fmt.Fprintf(&b, "\n    %v", vals[len(vals)-1])
			}
			t.Logf("%s plan of %s:%s", db.Dialect, name, b.String())
		}
		ta := at.UnixMilli()
		types := s.typeArgs
		plan("availability", s.sqlAvailability, append([]any{ids[5], "US", us}, types...)...)
		plan("available now", s.sqlAvailableNow, append([]any{"US", us, ta, ta, int64(1 << 62), 21}, types...)...)
		plan("coming soon", s.sqlComingSoon, append([]any{"US", us, ta, ta + 60*86400000, ta + 1, -1, 21}, types...)...)
		plan("leaving soon", s.sqlLeavingSoon, append([]any{"US", us, ta, ta + 31*86400000, ta + 1, -1, 21}, types...)...)
		plan("exclusivity check", `SELECT license_id, territory, starts_at, ends_at FROM license_windows
			WHERE title_id = $1 AND license_type = $2 AND licensee <> $3 AND license_id <> $4 AND territory IN ($5, $6)`,
			ids[5], "SVOD", "New", 0, "US", "FR")
	})
}

// pick returns a popular country half the time, any country otherwise.
func pick(rng *rand.Rand, popular, all []string) string {
	if rng.IntN(2) == 0 {
		return popular[rng.IntN(len(popular))]
	}
	return all[rng.IntN(len(all))]
}
