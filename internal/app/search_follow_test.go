package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/search"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// A title added on one web node used to be found by the others only after
// their 10-minute rebuild. Every node's search must find it within 5 s.
func TestSearchOnEveryNodeFindsANewTitleWithin5s(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cat := catalog.New(db)
		rts := rights.New(db, rights.Config{Licensee: "Lineup"})
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		node := func() *search.Index {
			idx, err := search.Open(search.Config{Rights: rts})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { idx.Close() })
			if _, err := idx.Rebuild(ctx, search.AllTitles(ctx, cat)); err != nil {
				t.Fatal(err)
			}
			go newSearchFollower(idx, cat, log).run(ctx, searchFollowEvery)
			return idx
		}
		a, b := node(), node()

		// Added on node a, as titles_create does: stored, then indexed there.
		title, err := cat.CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh",
			Localizations: []catalog.Localization{{Language: "en", Title: "Us and Them"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := rts.Add(ctx, rights.License{TitleID: title.ID, Licensor: "R", Licensee: "Lineup", Type: rights.SVOD,
			Territories: []string{"ZZ"}, Start: rights.DateMoment(2018, 6, 22)}, false); err != nil {
			t.Fatal(err)
		}
		if err := a.IndexTitle(ctx, title); err != nil {
			t.Fatal(err)
		}
		added := time.Now()
		for {
			hits, err := b.Search(ctx, search.Query{Text: "Us and Them", Territory: "PH", MaxAge: -1})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) > 0 && hits[0].TitleID == title.ID {
				t.Logf("found on the other node %v after it was added", time.Since(added).Round(time.Millisecond))
				return
			}
			if time.Since(added) > 5*time.Second {
				t.Fatal("a title added on one node must be found by every node's search within 5 s")
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}
