package demo

import (
	"context"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/search"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestDemoShowsEveryRowOnAnyDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := catalog.New(db)
		rts := rights.New(db, rights.Config{Licensee: "Lineup"})
		// A day the demo may be loaded on that is not today: the rows must
		// still all be full, since the other films' windows follow the day.
		day := time.Date(2031, time.February, 28, 23, 30, 0, 0, time.UTC)
		sum, err := Load(ctx, cat, rts, "Lineup", "US", day)
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		if !sum.Loaded || len(sum.Titles) != 8 {
			t.Fatalf("the demo must load the eight films of films.csv, got %+v", sum)
		}
		l, err := rts.Lineup(ctx, rights.LineupQuery{Territory: "US", At: day})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.AvailableNow.Items) == 0 || len(l.ComingSoon.Items) == 0 || len(l.LeavingSoon.Items) == 0 {
			t.Errorf("the demo must fill every lineup row in its default territory: now=%d soon=%d leaving=%d",
				len(l.AvailableNow.Items), len(l.ComingSoon.Items), len(l.LeavingSoon.Items))
		}
		again, err := Load(ctx, cat, rts, "Lineup", "US", day)
		if err != nil || again.Loaded || again.Titles["us-and-them"] != sum.Titles["us-and-them"] {
			t.Errorf("loading the demo twice must not duplicate it: %+v, %v", again, err)
		}
	})
}

func TestUsAndThemTellsItsStory(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	cat := catalog.New(db)
	rts := rights.New(db, rights.Config{Licensee: "Lineup"})
	sum, err := Load(ctx, cat, rts, "Lineup", "US", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id := sum.Titles["us-and-them"]
	title, err := cat.GetTitle(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if en, _ := title.Localized("en"); en != "Us and Them" || title.OriginalTitle != "后来的我们" {
		t.Errorf("the film is 后来的我们, Us and Them in English: %q / %q", title.OriginalTitle, en)
	}
	var director catalog.Credit
	for _, c := range title.Credits {
		if c.Job == "director" {
			director = c
		}
	}
	if director.Person.LocalizedName("en") != "René Liu" || director.Person.LocalizedName("zh") != "刘若英" || director.Person.Gender != "female" {
		t.Errorf("directed by René Liu (刘若英), credited in English and Chinese: %+v", director.Person)
	}
	ls, err := rts.List(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var theatrical, svod bool
	for _, l := range ls {
		switch {
		case l.Type == rights.Theatrical && l.Start.Date == "2018-04-28" && len(l.Territories) == 1 && l.Territories[0] == "CN":
			theatrical = true
		case l.Type == rights.SVOD && l.Licensee == "Lineup" && l.Start.Date == "2018-06-22" && l.Exclusive && l.OriginalBranding &&
			len(l.Excluded) == 1 && l.Excluded[0] == "CN":
			svod = true
		}
	}
	if !theatrical || !svod {
		t.Errorf("the demo needs a theatrical license in CN from 2018-04-28 and an exclusive SVOD ZZ minus CN from 2018-06-22 with original branding: %+v", ls)
	}
	cases := []struct {
		territory string
		at        time.Time
		want      bool
	}{
		{"PH", time.Date(2018, 6, 21, 16, 0, 0, 0, time.UTC), true},
		{"US", time.Date(2018, 6, 22, 3, 59, 0, 0, time.UTC), false},
		{"CN", time.Now(), false},
	}
	for _, c := range cases {
		a, err := rts.Availability(ctx, id, c.territory, c.at)
		if err != nil || a.Available != c.want {
			t.Errorf("Us and Them in %s at %s: available=%v, want %v (%v)", c.territory, c.at, a.Available, c.want, err)
		}
	}
}

// TestDemoIsFoundInEitherScript: the demo's Chinese titles are found by
// traditional and by simplified queries alike, and a reader of traditional
// Chinese sees them in traditional characters.
func TestDemoIsFoundInEitherScript(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	cat := catalog.New(db)
	rts := rights.New(db, rights.Config{Licensee: "Lineup"})
	now := time.Now()
	sum, err := Load(ctx, cat, rts, "Lineup", "US", now)
	if err != nil {
		t.Fatal(err)
	}
	x, err := search.Open(search.Config{Rights: rts})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if _, err := x.Rebuild(ctx, search.AllTitles(ctx, cat)); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ query, lang, want string }{
		{"後來的我們", "zh-Hant", "後來的我們"},
		{"後來", "zh-Hant", "後來的我們"},
		{"來", "zh-Hant", "後來的我們"},
		{"後來的我們", "zh-Hans", "后来的我们"},
		{"后来的我们", "zh-TW", "後來的我們"},
		{"后来", "zh-CN", "后来的我们"},
		{"劉若英", "zh-Hant", "後來的我們"},
		{"後來的我們", "en", "Us and Them"},
	}
	for _, tc := range tests {
		hits, err := x.Search(ctx, search.Query{Text: tc.query, Territory: "US", At: now, MaxAge: -1, Lang: tc.lang, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].TitleID != sum.Titles["us-and-them"] {
			t.Errorf("%q must find 后来的我们 first in the demo, in either script: %+v", tc.query, hits)
			continue
		}
		if hits[0].Title != tc.want {
			t.Errorf("a reader of %s searching %q must see %q, got %q", tc.lang, tc.query, tc.want, hits[0].Title)
		}
	}
}

// TestDemoHasAMatureTitle: one demo title is rated 16+, so a kids profile
// sees a different catalogue from everyone else.
func TestDemoHasAMatureTitle(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	cat := catalog.New(db)
	sum, err := Load(ctx, cat, rights.New(db, rights.Config{Licensee: "Lineup"}), "Lineup", "US", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ww, err := cat.GetTitle(ctx, sum.Titles["wolf-warrior-2"])
	if err != nil {
		t.Fatal(err)
	}
	if ww.MinAge != 16 {
		t.Errorf("the demo must have a title rated 16+ (Wolf Warrior 2), got %d+", ww.MinAge)
	}
}
