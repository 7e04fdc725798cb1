package rights

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestLineupRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		at := mustTime("2018-06-22T04:00:00Z") // noon in Manila, 22 June
		ph := func(l License) License { l.Territories = []string{"PH"}; return l }
		add := func(name string, ls ...License) (int64, []License) {
			id := newTitle(t, db, name)
			var out []License
			for _, l := range ls {
				l.TitleID = id
				out = append(out, mustAdd(t, s, l))
			}
			return id, out
		}

		// Available now, newest first; two share a start to test ties.
		old, _ := add("old", ph(svod(0, "2017-01-01", "")))
		mid1, _ := add("mid1", ph(svod(0, "2018-03-01", "2019-01-01")))
		mid2, _ := add("mid2", ph(svod(0, "2018-03-01", "2019-01-01")))
		// Two overlapping current licenses: once, at the earlier start.
		twice, twiceL := add("twice", ph(svod(0, "2018-01-01", "2020-01-01")), ph(svod(0, "2018-06-01", "")))
		fresh, _ := add("fresh", ph(svod(0, "2018-06-22", "")))
		// Leaving soon: last day 30 June.
		leaving, leavingL := add("leaving", ph(svod(0, "2018-02-01", "2018-07-01")))
		// Ends within the window but is continued: not leaving.
		continued, _ := add("continued", ph(svod(0, "2018-02-01", "2018-07-10")), ph(svod(0, "2018-07-05", "2019-07-01")))
		// Continued by a license that itself ends soon: leaves with it.
		chain, chainL := add("chain", ph(svod(0, "2018-02-01", "2018-07-10")), ph(svod(0, "2018-07-10", "2018-07-15")))
		// Last day 22 July = today + 30: still within; 23 July is not.
		edge, _ := add("edge", ph(svod(0, "2018-02-01", "2018-07-23")))
		past, _ := add("past", ph(svod(0, "2018-02-01", "2018-07-24")))
		// A gap: leaves at the first gap even though a later window exists.
		gappy, gappyL := add("gappy", ph(svod(0, "2018-02-01", "2018-07-05")), ph(svod(0, "2018-07-10", "2018-07-20")))

		// Coming soon, soonest first, local start dates.
		soonDate, _ := add("soon-date", ph(svod(0, "2018-07-01", "")))
		// 20:00Z on 30 June is 04:00 on 1 July in Manila.
		soonInstant, _ := add("soon-instant", ph(svod(0, "2018-06-30T20:00:00Z", "")))
		soonTwice, soonTwiceL := add("soon-twice", ph(svod(0, "2018-08-01", "")), ph(svod(0, "2018-07-15", "2018-07-20")))
		add("too-far", ph(svod(0, "2018-09-01", "")))
		// Available now and later again: not coming soon.
		again, _ := add("again", ph(svod(0, "2018-01-01", "2018-12-01")), ph(svod(0, "2018-07-01", "")))
		// Not ours, not offered, not here, already over.
		add("rival", with(ph(svod(0, "2018-01-01", "")), func(l *License) { l.Licensee = "Rival" }))
		add("cinema", with(ph(svod(0, "2018-01-01", "")), func(l *License) { l.Type = Theatrical }))
		add("elsewhere", with(svod(0, "2018-01-01", ""), func(l *License) { l.Excluded = []string{"PH"} }))
		add("over", ph(svod(0, "2017-01-01", "2018-01-01")))

		got, err := s.Lineup(ctx, LineupQuery{Territory: "PH", At: at})
		if err != nil {
			t.Fatal(err)
		}
		titles := func(r Row) []int64 {
			var out []int64
			for _, it := range r.Items {
				out = append(out, it.TitleID)
			}
			return out
		}
		// "again" is available now too (started 2018-01-01, like twice).
		wantNow := []int64{fresh, mid2, mid1, leaving, continued, chain, edge, past, gappy, again, twice, old}
		// Order by start desc then title desc: leaving..gappy share 2018-02-01,
		// twice and again share 2018-01-01.
		slices.SortStableFunc(wantNow[3:9], func(a, b int64) int { return int(b - a) })
		slices.SortStableFunc(wantNow[9:11], func(a, b int64) int { return int(b - a) })
		if g := titles(got.AvailableNow); !slices.Equal(g, wantNow) {
			t.Errorf("available now must be newest first, each title once:\n got %v\nwant %v", g, wantNow)
		}
		for _, it := range got.AvailableNow.Items {
			if it.TitleID == twice && (it.LicenseID != twiceL[0].ID || it.StartDate != "2018-01-01") {
				t.Errorf("a title with two current licenses is listed once, by the one that started first: %+v", it)
			}
		}
		if g, w := titles(got.ComingSoon), []int64{soonDate, soonInstant, soonTwice}; !slices.Equal(g, w) {
			t.Errorf("coming soon must be soonest first within the horizon, without titles available now:\n got %v\nwant %v", g, w)
		}
		for _, it := range got.ComingSoon.Items {
			if it.StartDate != map[int64]string{soonDate: "2018-07-01", soonInstant: "2018-07-01", soonTwice: "2018-07-15"}[it.TitleID] {
				t.Errorf("coming soon carries the Manila start date: %+v", it)
			}
			if it.TitleID == soonTwice && it.LicenseID != soonTwiceL[1].ID {
				t.Errorf("coming soon shows a title once, by its soonest license: %+v", it)
			}
		}
		wantLeaving := []int64{leaving, gappy, chain, edge}
		if g := titles(got.LeavingSoon); !slices.Equal(g, wantLeaving) {
			t.Errorf("leaving soon must be the titles whose last day is within 30 days and not continued, soonest first:\n got %v\nwant %v", g, wantLeaving)
		}
		for _, it := range got.LeavingSoon.Items {
			want := map[int64]struct {
				id  int64
				day string
			}{
				leaving: {leavingL[0].ID, "2018-06-30"}, gappy: {gappyL[0].ID, "2018-07-04"},
				chain: {chainL[1].ID, "2018-07-14"}, edge: {0, "2018-07-22"},
			}[it.TitleID]
			if it.LastDay != want.day || (want.id != 0 && it.LicenseID != want.id) {
				t.Errorf("leaving soon item %+v: want license %d, last day %s", it, want.id, want.day)
			}
		}
		for _, r := range []Row{got.AvailableNow, got.ComingSoon, got.LeavingSoon} {
			if r.NextCursor != "" {
				t.Errorf("a row that fits in one page has no next cursor: %q", r.NextCursor)
			}
		}

		one, err := s.Lineup(ctx, LineupQuery{Territory: "PH", At: at, Row: RowComingSoon})
		if err != nil || len(one.ComingSoon.Items) != 3 || len(one.AvailableNow.Items) != 0 || one.AvailableNow.Items == nil {
			t.Errorf("asking for one row returns that row alone (others empty, not nil): %v %+v", err, one)
		}
		for _, q := range []LineupQuery{
			{Territory: "China", At: at}, {Territory: "EU", At: at},
			{Territory: "PH", At: at, Row: "popular"}, {Territory: "PH", At: at, Cursor: "!!"},
			{Territory: "PH", At: at, Row: RowComingSoon, Cursor: cursor{row: RowAvailableNow}.String()},
		} {
			if _, err := s.Lineup(ctx, q); err == nil {
				t.Errorf("lineup query %+v must be refused", q)
			} else {
				fieldOf(t, err)
			}
		}
	})
}

func TestLineupPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		at := mustTime("2018-06-22T04:00:00Z")
		for i := range 23 {
			id := newTitle(t, db, fmt.Sprint("t", i))
			// Groups of three share a start, for ties; each title has an
			// old and a current license (and some a second current one).
			start := fmt.Sprintf("2018-06-%02d", 1+i/3)
			mustAdd(t, s, with(svod(id, "2017-01-01", "2017-06-01"), func(l *License) {}))
			mustAdd(t, s, with(svod(id, start, "2018-07-10"), func(l *License) {}))
			if i%4 == 0 {
				mustAdd(t, s, with(svod(id, "2018-06-20", "2018-07-10"), func(l *License) {}))
			}
			// Coming soon and leaving soon both in pages too.
			later := newTitle(t, db, fmt.Sprint("later", i))
			mustAdd(t, s, svod(later, fmt.Sprintf("2018-07-%02d", 1+i/3), ""))
		}
		for _, row := range []string{RowAvailableNow, RowComingSoon, RowLeavingSoon} {
			t.Run(row, func(t *testing.T) {
				seen := map[int64]bool{}
				var all []LineupItem
				cur := ""
				for page := 0; ; page++ {
					got, err := s.Lineup(ctx, LineupQuery{Territory: "US", At: at, Limit: 5, Row: row, Cursor: cur})
					if err != nil {
						t.Fatal(err)
					}
					r := map[string]Row{RowAvailableNow: got.AvailableNow, RowComingSoon: got.ComingSoon, RowLeavingSoon: got.LeavingSoon}[row]
					if len(r.Items) > 5 || (r.NextCursor != "" && len(r.Items) != 5) {
						t.Fatalf("page %d: a page holds at most Limit items and only a full page has a next cursor: %d %q", page, len(r.Items), r.NextCursor)
					}
					for _, it := range r.Items {
						if seen[it.TitleID] {
							t.Errorf("page %d repeats title %d: pagination must not duplicate", page, it.TitleID)
						}
						seen[it.TitleID] = true
						all = append(all, it)
					}
					if r.NextCursor == "" {
						break
					}
					cur = r.NextCursor
					if page > 10 {
						t.Fatal("pagination does not end")
					}
				}
				if len(all) != 23 {
					t.Errorf("pages must add up to every title once: %d of 23", len(all))
				}
				for i := 1; i < len(all); i++ {
					a, b := all[i-1], all[i]
					var ordered bool
					switch row {
					case RowAvailableNow:
						ordered = a.StartsAt.After(b.StartsAt) || (a.StartsAt.Equal(b.StartsAt) && a.TitleID > b.TitleID)
					case RowComingSoon:
						ordered = a.StartsAt.Before(b.StartsAt) || (a.StartsAt.Equal(b.StartsAt) && a.TitleID < b.TitleID)
					case RowLeavingSoon:
						ordered = a.EndsAt.Before(*b.EndsAt) || (a.EndsAt.Equal(*b.EndsAt) && a.TitleID < b.TitleID)
					}
					if !ordered {
						t.Errorf("%s must stay in key order across pages: %+v then %+v", row, a, b)
					}
				}
			})
		}
		// Limit is capped at 100 and defaults to 20.
		got, _ := s.Lineup(ctx, LineupQuery{Territory: "US", At: at})
		if len(got.AvailableNow.Items) != 20 || got.AvailableNow.NextCursor == "" {
			t.Errorf("the default page is 20 items with a next cursor, got %d", len(got.AvailableNow.Items))
		}
		got, _ = s.Lineup(ctx, LineupQuery{Territory: "US", At: at, Limit: 1000})
		if len(got.AvailableNow.Items) != 23 {
			t.Errorf("a large limit returns everything up to 100, got %d", len(got.AvailableNow.Items))
		}
	})
}
