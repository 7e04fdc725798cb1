package charts_test

import (
	"context"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// Issue 10 row 9: a profile's viewing counts toward the Top 10 only once it
// has watched MinWatched of a title that day, and at most one view (the
// runtime) per title per local day, however long its player reports.
func TestOneProfileCountsAtMostOneViewADay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{}
		c.Set(time.Date(2026, 5, 4, 14, 0, 0, 0, time.UTC)) // a Monday, 10:00 in New York
		p := charts.NewPlays(db, charts.PlaysConfig{Now: c.Now, MinWatched: 2 * time.Minute})
		short := titleWithRuntime(t, db, "Ten-minute short", 10)
		watch := func(profile, title int64, d time.Duration) {
			p.Start(ctx, profile, title, "US")
			for elapsed := time.Duration(0); elapsed < d; elapsed += 10 * time.Second {
				c.Set(c.Now().Add(10 * time.Second))
				p.Heartbeat(ctx, profile, title, "US", false)
			}
			p.Heartbeat(ctx, profile, title, "US", true)
		}
		watch(1, short, time.Minute)
		if got := viewSeconds(t, db, short, "US"); got != 0 {
			t.Errorf("a minute of a title, less than the minimum watched time, must count nothing: %d s", got)
		}
		watch(1, short, 2*time.Hour) // one profile replaying a short all afternoon
		if got := viewSeconds(t, db, short, "US"); got != 600 {
			t.Errorf("one profile may count at most one view (600 s) of a title a day, counted %d s", got)
		}
		watch(2, short, 3*time.Minute)
		if got := viewSeconds(t, db, short, "US"); got != 780 {
			t.Errorf("another profile's 3 minutes must count in full (780 s in all), counted %d s", got)
		}
		c.Set(c.Now().Add(24 * time.Hour))
		watch(1, short, 5*time.Minute)
		if got := viewSeconds(t, db, short, "US"); got != 1080 {
			t.Errorf("the next day the first profile counts again (1080 s in all), counted %d s", got)
		}
	})
}
