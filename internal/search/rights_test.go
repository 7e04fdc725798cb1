package search

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// TestWithStore runs search against the real catalogue and rights services:
// the index is rebuilt from the database through AllTitles, and results
// follow the licenses of the viewer's country, as the lineup does (Us and
// Them joins on 22 June 2018, in Manila's time zone).
func TestWithStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := catalog.New(db)
		rs := rights.New(db, rights.Config{Licensee: "Lineup"})
		byName := map[string]int64{}
		for _, tt := range testTitles()[:4] {
			tt.ID = 0
			for i := range tt.Credits {
				tt.Credits[i].BillingOrder = i + 1
			}
			created, err := cat.CreateTitle(ctx, tt)
			if err != nil {
				t.Fatalf("create %s: %v", tt.OriginalTitle, err)
			}
			byName[tt.OriginalTitle] = created.ID
		}
		license := func(title string, start, end string, territories ...string) {
			t.Helper()
			l := rights.License{TitleID: byName[title], Licensor: "Studio", Licensee: "Lineup", Type: rights.SVOD,
				Territories: territories, Start: rights.Moment{Date: start}}
			if end != "" {
				l.End = rights.Moment{Date: end}
			}
			if _, _, err := rs.Add(ctx, l, false); err != nil {
				t.Fatalf("license %s: %v", title, err)
			}
		}
		license("后来的我们", "2018-06-22", "", "ZZ")
		license("你好，李焕英", "2021-02-12", "", "CN")
		license("我的姐姐", "2018-07-15", "", "PH") // opens within 60 days of the search
		// 致我们终将逝去的青春 has no license at all.

		x, err := Open(Config{Rights: rs})
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if n, err := x.Rebuild(ctx, AllTitles(ctx, cat)); err != nil || n != 4 {
			t.Fatalf("rebuild from the catalogue: %d titles, %v; want 4", n, err)
		}

		manila := rights.Zone("PH")
		tests := []struct {
			rule string
			text string
			at   time.Time
			want []string
		}{
			{"the day before the window opens the title is coming soon", "我们", time.Date(2018, 6, 21, 23, 0, 0, 0, manila), []string{"后来的我们"}},
			{"a title with no license is never found", "致我们", time.Date(2018, 6, 22, 0, 0, 0, 0, manila), []string{}},
			{"a title licensed in another country is not found", "李焕英", time.Date(2022, 1, 1, 0, 0, 0, 0, manila), []string{}},
			{"a person's name finds the film through the stored credits", "liu ruoying", time.Date(2018, 6, 22, 0, 0, 0, 0, manila), []string{"后来的我们"}},
			{"a title opening within the horizon is found", "Sister", time.Date(2018, 6, 22, 0, 0, 0, 0, manila), []string{"我的姐姐"}},
			{"a title opening after the horizon is not found", "Sister", time.Date(2018, 4, 1, 0, 0, 0, 0, manila), []string{}},
		}
		for _, tc := range tests {
			hits, err := x.Search(ctx, Query{Text: tc.text, Territory: "PH", At: tc.at, MaxAge: -1, Lang: "zh"})
			if err != nil {
				t.Fatalf("%s: %v", tc.rule, err)
			}
			if got := titles(hits); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q found %v, want %v", tc.rule, tc.text, got, tc.want)
			}
		}
	})
}
