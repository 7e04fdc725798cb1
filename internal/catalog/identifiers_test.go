package catalog_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

const firstDance = "10.5240/7791-8534-2C23-9030-8610-5"

func TestPendingTitlesAreFoundAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := catalog.New(db)
		existing := mustCreate(t, s, usAndThem())

		ids, err := s.CreatePendingTitles(ctx, []catalog.PendingTitle{
			{Name: "First Dance, The", Year: 2019, Alias: "FIRST DANCE", Identifiers: []catalog.Identifier{
				{Scheme: catalog.SchemeEIDR, Value: firstDance},
				{Scheme: catalog.SchemeAltID, Issuer: "Northlight Pictures", Value: "ND-1"},
			}},
			{Name: "Short Cut", Kind: catalog.KindShort, Identifiers: []catalog.Identifier{{Scheme: catalog.SchemeContentID, Issuer: "Northlight Pictures", Value: "md:cid:org:nl:sc"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetTitle(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if !got.MetadataPending || got.OriginalTitle != "First Dance, The" || got.Year != 2019 || got.OriginalLanguage != "und" {
			t.Errorf("a title from an avails row keeps its name and year, language undetermined, and is marked metadata pending: %+v", got)
		}
		if len(got.AlternateTitles) != 1 || got.AlternateTitles[0].Title != "FIRST DANCE" {
			t.Errorf("the licensor's alias must be kept as an alternate title: %+v", got.AlternateTitles)
		}
		if e, _ := s.GetTitle(ctx, existing.ID); e.MetadataPending {
			t.Errorf("a title created with its metadata is not pending")
		}

		ms, err := s.FindTitles(ctx, []catalog.TitleLookup{
			{Identifiers: []catalog.Identifier{{Scheme: catalog.SchemeEIDR, Value: firstDance}}},                               // 0 by EIDR
			{Identifiers: []catalog.Identifier{{Scheme: catalog.SchemeAltID, Issuer: " northlight PICTURES ", Value: "ND-1"}}}, // 1 by AltID, issuer in any case
			{Identifiers: []catalog.Identifier{{Scheme: catalog.SchemeAltID, Issuer: "Hualu Films", Value: "ND-1"}}},           // 2 another studio's AltID
			{Name: "FIRST DANCE"},                  // 3 by alias
			{Name: "First Dance, The", Year: 1999}, // 4 wrong year
			{Name: "First Dance, The", Identifiers: []catalog.Identifier{{Scheme: catalog.SchemeEIDR, Value: "10.5240/0000-0000-0000-0000-0000-X"}}}, // 5 another EIDR
			{Identifiers: []catalog.Identifier{{Scheme: catalog.SchemeContentID, Value: existing.ContentID()}}},                                      // 6 lineup:title:N
			{Name: "后来的我们"},  // 7 an original title
			{Name: "Nobody"}, // 8
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{ids[0], ids[0], 0, ids[0], 0, 0, existing.ID, existing.ID, 0}
		for i, w := range want {
			if ms[i].ID != w {
				t.Errorf("lookup %d: got title %d (%s), want %d", i, ms[i].ID, ms[i].Why, w)
			}
		}

		if _, err := s.CreatePendingTitles(ctx, []catalog.PendingTitle{{Name: "Copy", Identifiers: []catalog.Identifier{{Scheme: catalog.SchemeEIDR, Value: firstDance}}}}); err == nil {
			t.Error("an EIDR another title carries must refuse the new title")
		}
		if err := s.AddIdentifiers(ctx, existing.ID, []catalog.Identifier{{Scheme: catalog.SchemeEIDR, Value: firstDance}}); err == nil || !strings.Contains(err.Error(), "already carries") {
			t.Errorf("an identifier belongs to one title: %v", err)
		}
		if err := s.AddIdentifiers(ctx, existing.ID, []catalog.Identifier{{Scheme: catalog.SchemeAltID, Issuer: "Hualu Films", Value: "UAT-2018"}}); err != nil {
			t.Fatal(err)
		}
		idents, _ := s.Identifiers(ctx, []int64{existing.ID})
		if len(idents[existing.ID]) != 1 || idents[existing.ID][0].Issuer != "hualu films" {
			t.Errorf("identifiers must be kept, the issuer trimmed and lower case: %+v", idents)
		}

		if _, err := s.CreatePendingTitles(ctx, []catalog.PendingTitle{{Name: "First Dance, The", Year: 2020}}); err != nil {
			t.Fatal(err)
		}
		ms, _ = s.FindTitles(ctx, []catalog.TitleLookup{{Name: "First Dance, The"}})
		if ms[0].ID != 0 || !strings.Contains(ms[0].Why, "several titles") {
			t.Errorf("a name several titles share must say so: %+v", ms[0])
		}

		if err := s.CompleteMetadata(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetTitle(ctx, ids[0]); got.MetadataPending {
			t.Error("CompleteMetadata must clear metadata pending")
		}
		if err := s.CompleteMetadata(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("completing a missing title: %v", err)
		}
	})
}
