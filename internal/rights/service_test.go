package rights

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestAddStoresAndRoundTrips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		title := newTitle(t, db, "后来的我们")
		quoted := `O'Brien "Films"'; DROP TABLE licenses; --`
		in := License{
			TitleID: title, Licensor: quoted, Licensee: `Lineup "Streaming" ’`, Type: SVOD,
			Territories: []string{"ZZ"}, Excluded: []string{"CN"},
			Start: mustMoment("2018-06-22"), End: mustMoment("2019-06-22T00:00:00+08:00"),
			Exclusive: true, OriginalBranding: true, ExternalID: `avail-'1'`,
			Holdbacks: []Holdback{{LicenseTypes: []LicenseType{AVOD, FreeTV}, Territories: []string{"EU", "GB"}, Until: mustMoment("2020-01-01")}},
		}
		got, cs, err := s.Add(ctx, in, false)
		if err != nil || len(cs) != 0 {
			t.Fatalf("add: %v %v", err, cs)
		}
		if got.ID == 0 || got.CreatedAt.IsZero() || got.Forced {
			t.Errorf("a stored license has an id, a creation time and is not forced: %+v", got)
		}
		back, err := s.Get(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, got) {
			t.Errorf("names full of quotes and SQL must round-trip:\n got %+v\nwant %+v", back, got)
		}
		if back.Licensor != quoted || back.End.At.Equal(time.Time{}) || back.End.At.UnixMilli() != mustTime("2019-06-21T16:00:00Z").UnixMilli() {
			t.Errorf("licensor and instant end must round-trip: %q %v", back.Licensor, back.End)
		}
		if n := countRows(t, db, "license_windows"); n != len(Countries())-1 {
			t.Errorf("ZZ minus CN must materialize one window per country: %d rows", n)
		}
		list, err := s.List(ctx, title)
		if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0], got) {
			t.Errorf("List(title) must return the license: %v %+v", err, list)
		}
		if all, _ := s.List(ctx, 0); len(all) != 1 {
			t.Errorf("List(0) is every license, got %d", len(all))
		}
		if none, err := s.List(ctx, title+1); err != nil || len(none) != 0 || none == nil {
			t.Errorf("an unknown title has an empty, non-nil list: %v %v", none, err)
		}
		if _, err := s.Get(ctx, got.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get of a missing license must wrap store.ErrNotFound, got %v", err)
		}
	})
}

func TestAddRefusesUnknownTitleAndInvalidLicenses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		_, _, err := s.Add(ctx, svod(4242, "2018-06-22", ""), false)
		if fe := fieldOf(t, err); fe.Field != "title_id" || fe.Value != "4242" {
			t.Errorf("an unknown title must be a field error on title_id, got %+v", fe)
		}
		if _, err := s.Check(ctx, svod(4242, "2018-06-22", "")); fieldOf(t, err).Field != "title_id" {
			t.Errorf("Check must refuse an unknown title too")
		}
		title := newTitle(t, db, "t")
		bad := with(svod(title, "2018-06-22", ""), func(l *License) { l.Territories = []string{"XX"} })
		if _, _, err := s.Add(ctx, bad, false); fieldOf(t, err).Value != "XX" {
			t.Errorf("Add must validate: unknown territory")
		}
		if n := countRows(t, db, "licenses"); n != 0 {
			t.Errorf("nothing may be stored after a refusal, found %d licenses", n)
		}
	})
}

// pair is two licenses, the second added after the first.
type pair struct {
	name        string
	first, next License
	want        []Conflict // Kind, Territory, OverlapStart, OverlapEnd; OtherID is first's
}

func TestConflictRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		hk := Zone("HK")
		at := func(y int, m time.Month, d int, loc *time.Location) *time.Time {
			v := time.Date(y, m, d, 0, 0, 0, 0, loc)
			return &v
		}
		excl := func(l License) License { l.Exclusive = true; return l }
		other := func(l License) License { l.Licensee = "Rival"; return l }
		in := func(l License, ts ...string) License { l.Territories = ts; return l }

		tests := []pair{
			{
				name:  "exclusive overlap conflicts in each shared territory",
				first: excl(in(svod(0, "2018-06-22", "2019-06-22"), "CN", "HK")),
				next:  other(in(svod(0, "2019-01-01", ""), "HK", "TW")),
				want: []Conflict{{Kind: Exclusivity, Territory: "HK",
					OverlapStart: *at(2019, 1, 1, hk), OverlapEnd: at(2019, 6, 22, hk)}},
			},
			{
				name:  "the new license's exclusivity counts too",
				first: other(in(svod(0, "2018-06-22", ""), "HK")),
				next:  excl(in(svod(0, "2019-01-01", "2019-02-01"), "HK")),
				want: []Conflict{{Kind: Exclusivity, Territory: "HK",
					OverlapStart: *at(2019, 1, 1, hk), OverlapEnd: at(2019, 2, 1, hk)}},
			},
			{
				name:  "two open ends overlap with an open end",
				first: excl(in(svod(0, "2018-06-22", ""), "HK")),
				next:  other(in(svod(0, "2020-01-01", ""), "HK")),
				want:  []Conflict{{Kind: Exclusivity, Territory: "HK", OverlapStart: *at(2020, 1, 1, hk)}},
			},
			{
				name:  "windows that touch do not conflict (half-open)",
				first: excl(in(svod(0, "2018-06-22", "2019-06-22"), "HK")),
				next:  other(in(svod(0, "2019-06-22", ""), "HK")),
			},
			{
				name:  "touching across kinds: instant end equal to the local start",
				first: excl(in(svod(0, "2018-06-22", "2019-06-21T16:00:00Z"), "HK")),
				next:  other(in(svod(0, "2019-06-22", ""), "HK")),
			},
			{
				name:  "non-exclusive on both sides does not conflict",
				first: in(svod(0, "2018-06-22", ""), "HK"),
				next:  other(in(svod(0, "2018-06-22", ""), "HK")),
			},
			{
				name:  "different license types do not conflict",
				first: excl(in(svod(0, "2018-06-22", ""), "HK")),
				next:  other(with(in(svod(0, "2018-06-22", ""), "HK"), func(l *License) { l.Type = AVOD })),
			},
			{
				name:  "the same licensee does not conflict with itself",
				first: excl(in(svod(0, "2018-06-22", ""), "HK")),
				next:  excl(in(svod(0, "2018-06-22", ""), "HK")),
			},
			{
				name:  "no shared territory, no conflict",
				first: excl(in(svod(0, "2018-06-22", ""), "HK")),
				next:  other(in(svod(0, "2018-06-22", ""), "TW")),
			},
			{
				name: "a stored holdback conflicts with a new license of a held-back type starting before until",
				first: with(other(in(svod(0, "2018-06-22", ""), "FR")), func(l *License) {
					l.Type = PayTV
					l.Holdbacks = []Holdback{{LicenseTypes: []LicenseType{SVOD}, Territories: []string{"EU"}, Until: mustMoment("2019-01-01")}}
				}),
				next: in(svod(0, "2018-10-01", ""), "FR", "GB"),
				want: []Conflict{{Kind: HoldbackConflict, Territory: "FR",
					OverlapStart: *at(2018, 10, 1, Zone("FR")), OverlapEnd: at(2019, 1, 1, Zone("FR"))}},
			},
			{
				name: "a holdback's until is exclusive",
				first: with(other(in(svod(0, "2018-06-22", ""), "FR")), func(l *License) {
					l.Type = PayTV
					l.Holdbacks = []Holdback{{LicenseTypes: []LicenseType{SVOD}, Territories: []string{"EU"}, Until: mustMoment("2019-01-01")}}
				}),
				next: in(svod(0, "2019-01-01", ""), "FR"),
			},
			{
				name:  "a new holdback conflicts with a stored license of a held-back type",
				first: in(svod(0, "2018-10-01", "2018-12-01"), "FR", "DE"),
				next: with(other(in(svod(0, "2018-06-22", ""), "FR")), func(l *License) {
					l.Type = PayTV
					l.Holdbacks = []Holdback{{LicenseTypes: []LicenseType{SVOD, AVOD}, Territories: []string{"DE"}, Until: mustMoment("2019-01-01")}}
				}),
				want: []Conflict{{Kind: HoldbackConflict, Territory: "DE",
					OverlapStart: *at(2018, 10, 1, Zone("DE")), OverlapEnd: at(2018, 12, 1, Zone("DE"))}},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				title := newTitle(t, db, tt.name)
				tt.first.TitleID, tt.next.TitleID = title, title
				first := mustAdd(t, s, tt.first)
				checked, err := s.Check(ctx, tt.next)
				if err != nil {
					t.Fatal(err)
				}
				before := countRows(t, db, "licenses")
				_, cs, err := s.Add(ctx, tt.next, false)
				if len(tt.want) == 0 {
					if err != nil || len(cs) != 0 || len(checked) != 0 {
						t.Fatalf("rule %q: want no conflict, got %v %+v (check %+v)", tt.name, err, cs, checked)
					}
					return
				}
				var ce *ConflictError
				if !errors.As(err, &ce) {
					t.Fatalf("rule %q: want a *ConflictError, got %v", tt.name, err)
				}
				for i := range tt.want {
					tt.want[i].OtherID = first.ID
				}
				sameConflicts(t, tt.name, ce.Conflicts, tt.want)
				sameConflicts(t, tt.name+" (Check)", checked, tt.want)
				if n := countRows(t, db, "licenses"); n != before {
					t.Errorf("rule %q: a refused license must store nothing: %d licenses, was %d", tt.name, n, before)
				}
			})
		}
	})
}

func sameConflicts(t *testing.T, rule string, got, want []Conflict) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rule %q: want %d conflicts, got %d: %+v", rule, len(want), len(got), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		endOK := (g.OverlapEnd == nil) == (w.OverlapEnd == nil) && (g.OverlapEnd == nil || g.OverlapEnd.Equal(*w.OverlapEnd))
		if g.Kind != w.Kind || g.OtherID != w.OtherID || g.Territory != w.Territory || !g.OverlapStart.Equal(w.OverlapStart) || !endOK {
			t.Errorf("rule %q: conflict %d\n got %+v (end %v)\nwant %+v (end %v)", rule, i, g, g.OverlapEnd, w, w.OverlapEnd)
		}
	}
}

func TestForcedConflictIsStoredAndRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		title := newTitle(t, db, "Us and Them")
		first := mustAdd(t, s, with(svod(title, "2018-06-22", ""), func(l *License) { l.Exclusive = true }))
		rival := with(svod(title, "2019-01-01", "2020-01-01"), func(l *License) {
			l.Licensee = "Rival"
			l.Territories = []string{"CN", "PH"}
		})
		got, cs, err := s.Add(ctx, rival, true)
		if err != nil {
			t.Fatalf("a forced license must be stored: %v", err)
		}
		if !got.Forced || got.ID == 0 {
			t.Errorf("a license stored despite conflicts is Forced: %+v", got)
		}
		if len(cs) != 2 || cs[0].Territory != "CN" || cs[1].Territory != "PH" || cs[0].LicenseID != got.ID || cs[0].OtherID != first.ID {
			t.Errorf("forcing returns each conflict with both ids: %+v", cs)
		}
		rec, err := s.RecordedConflicts(ctx, title)
		if err != nil {
			t.Fatal(err)
		}
		sameConflicts(t, "forced conflicts are recorded", rec, cs)
		if rec[0].LicenseID != got.ID {
			t.Errorf("a recorded conflict names the forced license: %+v", rec[0])
		}
		if all, _ := s.RecordedConflicts(ctx, 0); len(all) != 2 {
			t.Errorf("RecordedConflicts(0) lists all, got %d", len(all))
		}
		if back, _ := s.Get(ctx, got.ID); !back.Forced {
			t.Errorf("Forced must be stored")
		}
		// A forced license without conflict is not Forced.
		free, _, err := s.Add(ctx, with(svod(title, "2018-06-22", ""), func(l *License) { l.Type = AVOD }), true)
		if err != nil || free.Forced {
			t.Errorf("force without conflicts stores a normal license: %v %+v", err, free)
		}
	})
}

func TestWorldwideClashReportsEveryTerritoryInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		title := newTitle(t, db, "t")
		a := mustAdd(t, s, with(svod(title, "2018-06-22", ""), func(l *License) { l.Exclusive = true }))
		b := mustAdd(t, s, with(svod(title, "2018-06-22", ""), func(l *License) { l.Exclusive = true; l.Type = AVOD }))
		// b is AVOD: only a conflicts. Add a second SVOD holder via Import (no checks).
		if err := s.Import(ctx, []License{with(svod(title, "2018-06-22", ""), func(l *License) { l.Licensee = "Third" })}); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Check(ctx, with(svod(title, "2019-01-01", ""), func(l *License) { l.Licensee = "Rival"; l.Exclusive = true }))
		if err != nil {
			t.Fatal(err)
		}
		n := len(Countries())
		if len(cs) != 2*n {
			t.Fatalf("a worldwide clash with two licenses is one conflict per country each: want %d, got %d", 2*n, len(cs))
		}
		sorted := sort.SliceIsSorted(cs, func(i, j int) bool {
			if cs[i].OtherID != cs[j].OtherID {
				return cs[i].OtherID < cs[j].OtherID
			}
			return cs[i].Territory < cs[j].Territory
		})
		if !sorted || cs[0].OtherID != a.ID || cs[0].Territory != "AD" || cs[n].OtherID == b.ID {
			t.Errorf("conflicts are ordered by other license then territory: first %+v, %dth %+v", cs[0], n, cs[n])
		}
	})
}

func TestAddAllIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		title := newTitle(t, db, "t")
		a := with(svod(title, "2018-06-22", ""), func(l *License) { l.Exclusive = true; l.Territories = []string{"PH"} })
		b := with(svod(title, "2018-06-22", ""), func(l *License) { l.Type = AVOD })
		c := with(svod(title, "2019-01-01", ""), func(l *License) { l.Licensee = "Rival"; l.Territories = []string{"PH"} })

		_, err := s.AddAll(ctx, []License{a, b, c}, false)
		var be *BatchError
		var ce *ConflictError
		if !errors.As(err, &be) || be.Entry != 3 || !errors.As(err, &ce) {
			t.Fatalf("a conflict inside the batch refuses it, naming entry 3: %v", err)
		}
		if len(ce.Conflicts) != 1 || ce.Conflicts[0].OtherID != 0 || ce.Conflicts[0].OtherEntry != 1 || ce.Conflicts[0].Territory != "PH" {
			t.Errorf("a conflict with an unstored batch entry names the entry: %+v", ce.Conflicts)
		}
		if n := countRows(t, db, "licenses") + countRows(t, db, "license_windows"); n != 0 {
			t.Errorf("a refused batch stores nothing, found %d rows", n)
		}

		bad := with(c, func(l *License) { l.Territories = []string{"China"} })
		_, err = s.AddAll(ctx, []License{a, bad}, false)
		if !errors.As(err, &be) || be.Entry != 2 || fieldOf(t, err).Value != "China" {
			t.Errorf("an invalid entry refuses the batch with a field error: %v", err)
		}

		got, err := s.AddAll(ctx, []License{a, b, c}, true)
		if err != nil || len(got) != 3 || !got[2].Forced || got[0].Forced || got[1].ID <= got[0].ID {
			t.Fatalf("a forced batch is stored in order, the conflicting entry Forced: %v %+v", err, got)
		}
		rec, _ := s.RecordedConflicts(ctx, title)
		if len(rec) != 1 || rec[0].LicenseID != got[2].ID || rec[0].OtherID != got[0].ID {
			t.Errorf("a forced batch records its conflicts with real ids: %+v", rec)
		}
	})
}

func TestImportSkipsConflictChecksButValidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		title := newTitle(t, db, "t")
		var batch []License
		for i := range 50 {
			batch = append(batch, with(svod(title, "2018-06-22", ""), func(l *License) {
				l.Exclusive = true
				l.Licensee = []string{"A", "B"}[i%2]
				l.Territories = []string{"PH", "US"}
				l.ExternalID = string(rune('a' + i%26))
				if i == 7 {
					l.Holdbacks = []Holdback{{LicenseTypes: []LicenseType{AVOD}, Territories: []string{"PH"}, Until: mustMoment("2019-01-01")}}
				}
			}))
		}
		if err := s.Import(ctx, batch); err != nil {
			t.Fatalf("import: %v", err)
		}
		ls, err := s.List(ctx, title)
		if err != nil || len(ls) != 50 {
			t.Fatalf("import stores every license: %v %d", err, len(ls))
		}
		for i, l := range ls {
			if l.Licensee != batch[i].Licensee || (i == 7) != (len(l.Holdbacks) == 1) {
				t.Fatalf("imported licenses keep the batch's order and holdbacks: %d %+v", i, l)
			}
		}
		if n := countRows(t, db, "license_windows"); n != 100 {
			t.Errorf("import materializes windows: %d rows", n)
		}
		err = s.Import(ctx, []License{svod(title, "2018-06-22", ""), svod(title, "2018-06-22", "2018-01-01")})
		var be *BatchError
		if !errors.As(err, &be) || be.Entry != 2 || fieldOf(t, err).Field != "end" {
			t.Errorf("import still validates: %v", err)
		}
		err = s.Import(ctx, []License{svod(title+99, "2018-06-22", "")})
		if fieldOf(t, err).Field != "title_id" {
			t.Errorf("import of an unknown title is a title_id field error: %v", err)
		}
		if n := countRows(t, db, "licenses"); n != 50 {
			t.Errorf("a failed import stores nothing: %d licenses", n)
		}
	})
}

func TestConcurrentConflictingAddsAreSerialized(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		title := newTitle(t, db, "t")
		const n = 6
		// Open n connections first and start together, so that the adds
		// really overlap.
		var warm sync.WaitGroup
		for range n {
			warm.Go(func() { db.ExecContext(ctx, `SELECT 1`) })
		}
		warm.Wait()
		start := make(chan struct{})
		errs := make(chan error, n)
		for i := range n {
			go func() {
				<-start
				_, _, err := s.Add(ctx, with(svod(title, "2018-06-22", ""), func(l *License) {
					l.Exclusive = true
					l.Licensee = fmt.Sprint("licensee ", i)
					l.Territories = []string{"FR"}
				}), false)
				errs <- err
			}()
		}
		close(start)
		stored := 0
		for range n {
			err := <-errs
			var ce *ConflictError
			switch {
			case err == nil:
				stored++
			case !errors.As(err, &ce):
				t.Errorf("a concurrent add fails only by conflict: %v", err)
			}
		}
		if stored != 1 {
			t.Errorf("of %d concurrent exclusive licenses for one territory exactly one may be stored unforced, got %d", n, stored)
		}
	})
}

func TestOptimize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		title := newTitle(t, db, "t")
		mustAdd(t, s, svod(title, "2018-06-22", ""))
		if err := s.Optimize(context.Background()); err != nil {
			t.Errorf("Optimize must run on both engines: %v", err)
		}
	})
}

func TestListPageWalksEveryLicenseOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		a, b := newTitle(t, db, "后来的我们"), newTitle(t, db, "你好，李焕英")
		var wantAll, wantB []int64
		for i := range 7 {
			title := a
			if i%3 == 1 {
				title = b
			}
			// Each its own territory, so that none clashes with another.
			l := with(svod(title, "2018-06-22", ""), func(l *License) {
				l.Territories = []string{[]string{"US", "FR", "DE", "JP", "KR", "BR", "MX"}[i]}
				l.Holdbacks = []Holdback{{LicenseTypes: []LicenseType{AVOD}, Territories: l.Territories, Until: mustMoment("2020-01-01")}}
			})
			got := mustAdd(t, s, l)
			wantAll = append(wantAll, got.ID)
			if title == b {
				wantB = append(wantB, got.ID)
			}
		}
		walk := func(title int64, limit int) []int64 {
			var ids []int64
			var after int64
			for range 20 {
				ls, more, err := s.ListPage(ctx, title, after, limit)
				if err != nil {
					t.Fatal(err)
				}
				if len(ls) > limit {
					t.Fatalf("a page holds at most limit (%d) licenses, got %d", limit, len(ls))
				}
				for _, l := range ls {
					if len(l.Holdbacks) != 1 {
						t.Errorf("license %d on a page must come with its holdback, has %d", l.ID, len(l.Holdbacks))
					}
					ids = append(ids, l.ID)
				}
				if !more {
					return ids
				}
				after = ls[len(ls)-1].ID
			}
			t.Fatal("the pages never ended")
			return nil
		}
		if got := walk(0, 3); !reflect.DeepEqual(got, wantAll) {
			t.Errorf("pages of 3 must walk every license once, in id order: got %v, want %v", got, wantAll)
		}
		if got := walk(b, 2); !reflect.DeepEqual(got, wantB) {
			t.Errorf("pages of one title must hold only its licenses: got %v, want %v", got, wantB)
		}
		if got := walk(0, 7); !reflect.DeepEqual(got, wantAll) {
			t.Errorf("a page exactly as long as the list must say no more follow: got %v", got)
		}
	})
}
