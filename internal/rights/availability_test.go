package rights

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestAvailability(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		ms := time.Millisecond

		// Us and Them: worldwide but China, from 22 June 2018 to 1 July.
		usAndThem := newTitle(t, db, "后来的我们")
		lic := mustAdd(t, s, with(svod(usAndThem, "2018-06-22", "2018-07-01"), func(l *License) {
			l.Exclusive = true
			l.Excluded = []string{"CN"}
		}))
		// An instant end at local midnight in Manila.
		instant := newTitle(t, db, "instant")
		mustAdd(t, s, with(svod(instant, "2018-06-22", "2018-07-01T00:00:00+08:00"), func(l *License) { l.Territories = []string{"PH"} }))
		// Open-ended in the EU.
		open := newTitle(t, db, "open")
		mustAdd(t, s, with(svod(open, "2018-06-22", ""), func(l *License) { l.Territories = []string{"EU"} }))
		// Rights the service does not hold or does not exploit.
		theirs := newTitle(t, db, "theirs")
		mustAdd(t, s, with(svod(theirs, "2018-01-01", ""), func(l *License) { l.Licensee = "Rival" }))
		mustAdd(t, s, with(svod(theirs, "2018-01-01", ""), func(l *License) { l.Type = Theatrical }))
		// Two windows with a gap, then a renewal that continues the second.
		gap := newTitle(t, db, "gap")
		g1 := mustAdd(t, s, with(svod(gap, "2018-01-01", "2018-03-01"), func(l *License) { l.Territories = []string{"US"} }))
		g2 := mustAdd(t, s, with(svod(gap, "2018-06-22", "2018-09-01"), func(l *License) { l.Territories = []string{"US"} }))
		mustAdd(t, s, with(svod(gap, "2018-08-15", "2019-01-01"), func(l *License) { l.Territories = []string{"US"} }))

		opensPH := mustTime("2018-06-21T16:00:00Z") // 2018-06-22 00:00 in Manila
		opensUS := mustTime("2018-06-22T04:00:00Z") // 2018-06-22 00:00 in New York (EDT)
		endsUS := mustTime("2018-07-01T04:00:00Z")

		tests := []struct {
			rule      string
			title     int64
			territory string
			at        time.Time
			available bool
			license   int64
			lastDay   string
			open      bool
		}{
			{"a date-only start opens at local midnight in Manila: just before, unavailable", usAndThem, "PH", opensPH.Add(-ms), false, lic.ID, "2018-06-30", false},
			{"a date-only start opens at local midnight in Manila: at it, available", usAndThem, "PH", opensPH, true, lic.ID, "2018-06-30", false},
			{"a date-only start opens at local midnight in New York: just before, unavailable", usAndThem, "US", opensUS.Add(-ms), false, lic.ID, "2018-06-30", false},
			{"a date-only start opens at local midnight in New York: at it, available", usAndThem, "US", opensUS, true, lic.ID, "2018-06-30", false},
			{"Manila opens before New York: at Manila's opening New York waits", usAndThem, "US", opensPH, false, lic.ID, "2018-06-30", false},
			{"the end is exclusive: a millisecond before, available", usAndThem, "US", endsUS.Add(-ms), true, lic.ID, "2018-06-30", false},
			{"the end is exclusive: at the end, unavailable", usAndThem, "US", endsUS, false, 0, "", false},
			{"a territory excluded from ZZ is unavailable", usAndThem, "CN", opensUS, false, 0, "", false},
			{"other territories of ZZ are available", usAndThem, "FR", opensUS, true, lic.ID, "2018-06-30", false},
			{"an instant end at local midnight: last day is the day before", instant, "PH", opensPH, true, 0, "2018-06-30", false},
			{"an open end has no last day", open, "FR", mustTime("2100-01-01T00:00:00Z"), true, 0, "", true},
			{"EU includes FR", open, "FR", opensUS, true, 0, "", true},
			{"EU excludes GB", open, "GB", opensUS, false, 0, "", false},
			{"EU excludes CH", open, "CH", opensUS, false, 0, "", false},
			{"another licensee's or a non-offered type's license gives nothing", theirs, "FR", opensUS, false, 0, "", false},
			{"between two windows the next one is reported", gap, "US", mustTime("2018-04-01T00:00:00Z"), false, g2.ID, "2018-12-31", false},
			{"a continuing license extends the last day", gap, "US", mustTime("2018-07-01T00:00:00Z"), true, g2.ID, "2018-12-31", false},
			{"inside the first window", gap, "US", mustTime("2018-02-01T00:00:00Z"), true, g1.ID, "2018-02-28", false},
		}
		for _, tt := range tests {
			t.Run(tt.rule, func(t *testing.T) {
				a, err := s.Availability(ctx, tt.title, tt.territory, tt.at)
				if err != nil {
					t.Fatal(err)
				}
				if a.Available != tt.available {
					t.Fatalf("rule %q: available = %v, want %v (%+v)", tt.rule, a.Available, tt.available, a)
				}
				if tt.license != 0 && a.LicenseID != tt.license {
					t.Errorf("rule %q: license %d, want %d", tt.rule, a.LicenseID, tt.license)
				}
				if a.LastDay != tt.lastDay {
					t.Errorf("rule %q: last day %q, want %q", tt.rule, a.LastDay, tt.lastDay)
				}
				if tt.open && (a.EndsAt != nil || a.StartsAt == nil) {
					t.Errorf("rule %q: an open end is a nil ends_at: %+v", tt.rule, a)
				}
				if !a.Available && tt.license == 0 && (a.LicenseID != 0 || a.StartsAt != nil || a.EndsAt != nil) {
					t.Errorf("rule %q: with nothing to come, every field is empty: %+v", tt.rule, a)
				}
			})
		}

		// Not yet available: the next window says when it opens, locally.
		a, err := s.Availability(ctx, usAndThem, "PH", opensPH.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if a.StartsAt == nil || !a.StartsAt.Equal(opensPH) || a.StartsAt.Format("2006-01-02 15:04") != "2018-06-22 00:00" {
			t.Errorf("the next window must open at Manila's midnight, shown in Manila time: %v", a.StartsAt)
		}
		if a.EndsAt == nil || !a.EndsAt.Equal(mustTime("2018-06-30T16:00:00Z")) {
			t.Errorf("the next window's end: %v", a.EndsAt)
		}

		for _, bad := range []string{"XX", "China", "cn", "EU", "ZZ"} {
			_, err := s.Availability(ctx, usAndThem, bad, opensPH)
			if fe := fieldOf(t, err); fe.Field != "territory" || fe.Value != bad {
				t.Errorf("availability in %q must be a territory field error, got %+v", bad, fe)
			}
		}
		if _, err := s.Availability(ctx, 999999, "FR", opensPH); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("availability of an unknown title wraps store.ErrNotFound, got %v", err)
		}
		if a, err := s.Availability(ctx, newTitle(t, db, "bare"), "FR", opensPH); err != nil || a.Available {
			t.Errorf("a title without licenses is simply unavailable: %+v %v", a, err)
		}
	})
}

func TestOfferedTypes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		title := newTitle(t, db, "t")
		s := New(db, Config{Licensee: us, Offered: []LicenseType{AVOD, TVOD}})
		mustAdd(t, s, with(svod(title, "2018-06-22", ""), func(l *License) { l.Type = AVOD }))
		if a, _ := s.Availability(ctx, title, "FR", mustTime("2019-01-01T00:00:00Z")); !a.Available {
			t.Errorf("an AVOD service streams its AVOD licenses")
		}
		if a, _ := New(db, Config{Licensee: us}).Availability(ctx, title, "FR", mustTime("2019-01-01T00:00:00Z")); a.Available {
			t.Errorf("an SVOD service (the default) does not stream AVOD licenses")
		}
	})
}
