package rights

import (
	"context"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// TestDateWithoutMidnight: where clocks jump from 00:00 to 01:00, a date
// means the first instant of that local date, 01:00, not 23:00 of the day
// before; a window ending on such a date ends at that instant too.
func TestDateWithoutMidnight(t *testing.T) {
	tests := []struct {
		territory, date string
		want            string // the first instant, in UTC
	}{
		{"PY", "2019-10-06", "2019-10-06T04:00:00Z"}, // -04 → -03 at 00:00
		{"CL", "2019-09-08", "2019-09-08T04:00:00Z"}, // -04 → -03 at 00:00
		{"PY", "2019-10-07", "2019-10-07T03:00:00Z"}, // an ordinary day after
	}
	for _, tt := range tests {
		t.Run(tt.territory+" "+tt.date, func(t *testing.T) {
			got := mustMoment(tt.date).In(tt.territory)
			if !got.Equal(mustTime(tt.want)) {
				t.Errorf("%s in %s must open at the first instant of that local date, %s; got %s (local %s)",
					tt.date, tt.territory, tt.want, got.UTC().Format(time.RFC3339), got.In(Zone(tt.territory)))
			}
			if d := LocalDate(got, tt.territory); d != tt.date {
				t.Errorf("the first instant of %s must lie on that local date, got %s", tt.date, d)
			}
		})
	}
	l := with(svod(1, "2019-09-01", "2019-10-06"), func(l *License) { l.Territories = []string{"PY"} })
	r, err := resolve(l)
	if err != nil {
		t.Fatal(err)
	}
	if end := time.UnixMilli(r.windows[0].end).UTC(); !end.Equal(mustTime("2019-10-06T04:00:00Z")) {
		t.Errorf("a window ending on 2019-10-06 in PY must close at 01:00 local (04:00Z), not an hour early: %s", end)
	}
	if last := LastDay(time.UnixMilli(r.windows[0].end), "PY"); last != "2019-10-05" {
		t.Errorf("its last day is 2019-10-05, got %s", last)
	}
}

// TestCanadaOpensAtTorontoMidnight is the reported fault: "00:00 local" in
// Canada opened at 22:30 the evening before in Toronto (St John's time).
func TestCanadaOpensAtTorontoMidnight(t *testing.T) {
	got := mustMoment("2018-06-22").In("CA")
	want := time.Date(2018, 6, 22, 0, 0, 0, 0, mustZone(t, "America/Toronto"))
	if !got.Equal(want) {
		t.Errorf("a date in CA is 00:00 in Toronto, %s; got %s", want, got.In(want.Location()))
	}
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func TestZonesOfACountry(t *testing.T) {
	if !InTerritory("America/Los_Angeles", "US") || !InTerritory("America/New_York", "US") || InTerritory("Europe/Paris", "US") {
		t.Errorf("InTerritory must know the US zones and no others")
	}
	if !InTerritory("Asia/Manila", "PH") || InTerritory("", "PH") || InTerritory("Asia/Manila", "XX") {
		t.Errorf("a one-zone country's zone is its own; nothing else is")
	}
	for _, c := range Countries() {
		if zs := Zones(c); len(zs) == 0 || !InTerritory(Zone(c).String(), c) {
			t.Errorf("%s: its principal zone %s must be one of its zones %v", c, Zone(c), zs)
		}
	}
}

// TestViewerZone: with the viewer's zone known and inside the territory, a
// date means the viewer's own local midnight; a zone outside it, or none,
// means the principal zone's; a license's own zone beats both.
func TestViewerZone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		viewers := map[string][2]string{
			"US": {"America/New_York", "America/Los_Angeles"},
			"CA": {"America/Toronto", "America/Vancouver"},
			"AU": {"Australia/Sydney", "Australia/Perth"},
			"BR": {"America/Sao_Paulo", "America/Manaus"},
			"RU": {"Europe/Moscow", "Asia/Vladivostok"},
		}
		for c, zones := range viewers {
			title := newTitle(t, db, c)
			mustAdd(t, s, with(svod(title, "2018-06-22", "2018-07-01"), func(l *License) { l.Territories = []string{c} }))
			for _, z := range zones {
				loc := mustZone(t, z)
				open := time.Date(2018, 6, 22, 0, 0, 0, 0, loc)
				closeAt := time.Date(2018, 7, 1, 0, 0, 0, 0, loc)
				ask := func(at time.Time, zone string) Availability {
					a, err := s.Available(ctx, AvailabilityQuery{TitleID: title, Territory: c, At: at, ViewerZone: zone})
					if err != nil {
						t.Fatal(err)
					}
					return a
				}
				if a := ask(open, z); !a.Available || !a.StartsAt.Equal(open) {
					t.Errorf("%s viewer in %s: open at their own local midnight %s: %+v", c, z, open, a)
				}
				if a := ask(open.Add(-time.Minute), z); a.Available {
					t.Errorf("%s viewer in %s: not open a minute before their local midnight", c, z)
				}
				if a := ask(closeAt.Add(-time.Minute), z); !a.Available || a.LastDay != "2018-06-30" {
					t.Errorf("%s viewer in %s: still open a minute before their local midnight of the end, last day 2018-06-30: %+v", c, z, a)
				}
				if a := ask(closeAt, z); a.Available {
					t.Errorf("%s viewer in %s: closed at their own local midnight of the end", c, z)
				}
			}
			principal := time.Date(2018, 6, 22, 0, 0, 0, 0, Zone(c))
			if a, _ := s.Available(ctx, AvailabilityQuery{TitleID: title, Territory: c, At: principal, ViewerZone: "Europe/Paris"}); !a.Available || !a.StartsAt.Equal(principal) {
				t.Errorf("%s: a viewer zone outside the territory is ignored (principal zone %s): %+v", c, Zone(c), a)
			}
		}
		// A license that names its own zone: Vancouver midnight for every
		// Canadian viewer, even one in Toronto.
		title := newTitle(t, db, "own zone")
		mustAdd(t, s, with(svod(title, "2018-06-22", ""), func(l *License) { l.Territories = []string{"CA"}; l.Zone = "America/Vancouver" }))
		van := time.Date(2018, 6, 22, 0, 0, 0, 0, mustZone(t, "America/Vancouver"))
		for _, z := range []string{"", "America/Toronto"} {
			a, _ := s.Available(ctx, AvailabilityQuery{TitleID: title, Territory: "CA", At: van.Add(-time.Minute), ViewerZone: z})
			b, _ := s.Available(ctx, AvailabilityQuery{TitleID: title, Territory: "CA", At: van, ViewerZone: z})
			if a.Available || !b.Available {
				t.Errorf("viewer zone %q: a license's own zone decides: %+v %+v", z, a, b)
			}
		}
	})
}
