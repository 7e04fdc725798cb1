package rights

import (
	"context"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestExpiringAndWindowsReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db) // now is 2018-06-01
		in := func(l License, ts ...string) License { l.Territories = ts; return l }
		a, b, c, d := newTitle(t, db, "a"), newTitle(t, db, "b"), newTitle(t, db, "c"), newTitle(t, db, "d")
		la := mustAdd(t, s, in(svod(a, "2018-01-01", "2018-08-01"), "FR", "DE"))
		mustAdd(t, s, in(svod(b, "2018-01-01", "2018-07-01"), "FR"))
		mustAdd(t, s, in(svod(b, "2018-07-01", ""), "FR"))                                                            // continues b: b does not leave
		mustAdd(t, s, in(svod(c, "2018-01-01", "2018-12-01"), "FR"))                                                  // leaves after 90 days
		mustAdd(t, s, with(in(svod(d, "2018-01-01", "2018-07-01"), "FR"), func(l *License) { l.Licensee = "Rival" })) // not ours

		items, more, err := s.Expiring(ctx, ExpiringQuery{Within: 90 * 24 * time.Hour, Territories: []string{"FR"}})
		if err != nil || more {
			t.Fatal(err, more)
		}
		if len(items) != 1 || items[0].TitleID != a || items[0].LicenseID != la.ID || items[0].Territory != "FR" || items[0].LastDay != "2018-07-31" {
			t.Errorf("within 90 days in FR only title a leaves (b is continued, c leaves later, d is not ours): %+v", items)
		}
		all, _, err := s.Expiring(ctx, ExpiringQuery{Within: 90 * 24 * time.Hour})
		if err != nil || len(all) != 2 || all[0].Territory != "DE" || all[1].Territory != "FR" {
			t.Errorf("without a territory every country counts, soonest first (DE's midnight comes first): %+v %v", all, err)
		}
		if _, _, err := s.Expiring(ctx, ExpiringQuery{}); fieldOf(t, err).Field != "within" {
			t.Errorf("within is required")
		}
		if _, _, err := s.Expiring(ctx, ExpiringQuery{Within: time.Hour, Territories: []string{"UK"}}); fieldOf(t, err).Field != "territory" {
			t.Errorf("an unknown territory is named")
		}

		var ws []Window
		err = s.Windows(ctx, WindowsQuery{Territories: []string{"FR"}}, func(w Window) error { ws = append(ws, w); return nil })
		if err != nil || len(ws) != 4 {
			t.Fatalf("the windows report lists the service's FR windows: %d %v", len(ws), err)
		}
		if ws[0].TitleID != a || ws[0].StartDate != "2018-01-01" || ws[0].LastDay != "2018-07-31" || ws[2].EndsAt != nil && ws[2].LastDay == "" {
			t.Errorf("each window carries its local first and last day: %+v", ws)
		}
	})
}

func TestUpcomingOpeningAndLeaving(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		in := func(l License, ts ...string) License { l.Territories = ts; return l }
		a, b := newTitle(t, db, "a"), newTitle(t, db, "b")
		opens := mustAdd(t, s, in(svod(a, "2018-06-22", ""), "IS", "GH")) // both UTC+0: open at 2018-06-22T00:00Z
		leaves := mustAdd(t, s, in(svod(b, "2018-01-01", "2018-06-22"), "IS"))
		mustAdd(t, s, in(svod(b, "2018-01-01", "2018-06-22"), "GH"))
		mustAdd(t, s, in(svod(b, "2018-06-22", ""), "GH")) // continues b in GH: it does not leave there
		to := mustTime("2018-06-15T00:00:00Z")
		ev, err := s.Upcoming(ctx, to.Add(-time.Hour), to, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(ev) != 2 {
			t.Fatalf("one opening and one leaving event, one per license: %+v", ev)
		}
		byType := map[string]Event{ev[0].Type: ev[0], ev[1].Type: ev[1]}
		if o := byType[EventOpening]; o.License.ID != opens.ID || len(o.Territories) != 2 || o.Date != "2018-06-22" || o.InDays != 7 {
			t.Errorf("opening in 7 days, both countries in one event: %+v", o)
		}
		if l := byType[EventLeaving]; l.License.ID != leaves.ID || len(l.Territories) != 1 || l.Territories[0] != "IS" || l.Date != "2018-06-21" {
			t.Errorf("leaving in IS only (GH is continued), last day 21 June: %+v", l)
		}
		if ev, _ := s.Upcoming(ctx, to, to.Add(time.Hour), 7); len(ev) != 0 {
			t.Errorf("the next hour's scan announces nothing again: %+v", ev)
		}
	})
}
