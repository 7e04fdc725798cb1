package catalog_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// usAndThem is the motivating film: 后来的我们 (2018), directed by René Liu,
// starring Jing Boran and Zhou Dongyu. The credits are given out of billing
// order, and René Liu, new, is credited twice.
func usAndThem() catalog.Title {
	rene := catalog.Person{Name: "刘若英", Gender: "female", Names: []catalog.LocalizedName{
		{Language: "en", Name: "René Liu"}, {Language: "zh-Hant", Name: "劉若英"}}}
	return catalog.Title{
		OriginalTitle:    "后来的我们",
		OriginalLanguage: "zh",
		Year:             2018,
		RuntimeMinutes:   119,
		Kind:             "movie",
		MinAge:           12,
		Genres:           []string{"Romance", "drama"},
		AlternateTitles: []catalog.AlternateTitle{
			{Title: "Us and Them", Language: "en"},
			{Title: "Houlai de women", Language: "zh-latn-pinyin"},
		},
		Localizations: []catalog.Localization{
			{Language: "en", Title: "Us and Them", Synopsis: "Two strangers meet on a train home for the Spring Festival."},
			{Language: "zh-hant", Title: "後來的我們", Synopsis: "春節回家的火車上，兩個陌生人相遇。"},
			{Language: "zh", Title: "后来的我们", Synopsis: "春节回家的火车上，两个陌生人相遇。"},
		},
		Credits: []catalog.Credit{
			{Job: "actor", BillingOrder: 2, Character: "方小晓",
				CharacterNames: []catalog.LocalizedName{{Language: "en", Name: "Fang Xiaoxiao"}},
				Person:         catalog.Person{Name: "周冬雨", Gender: "female", Names: []catalog.LocalizedName{{Language: "en", Name: "Zhou Dongyu"}}}},
			{Job: "writer", BillingOrder: 3, Person: rene},
			{Job: "director", BillingOrder: 0, Person: rene},
			{Job: "Actor", BillingOrder: 1, Character: "林见清",
				CharacterNames: []catalog.LocalizedName{{Language: "en", Name: "Lin Jianqing"}},
				Person:         catalog.Person{Name: "井柏然", Gender: "male", Names: []catalog.LocalizedName{{Language: "en", Name: "Jing Boran"}}}},
		},
	}
}

var tables = []string{"titles", "title_alternate_titles", "title_localizations", "title_genres",
	"people", "person_names", "credits", "credit_character_names"}

// countRows returns the number of rows of every catalogue table.
func countRows(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range tables {
		var n int
		if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

func mustCreate(t *testing.T, s *catalog.Service, in catalog.Title) catalog.Title {
	t.Helper()
	out, err := s.CreateTitle(context.Background(), in)
	if err != nil {
		t.Fatalf("create %q: %v", in.OriginalTitle, err)
	}
	return out
}

func TestCreateAndReadUsAndThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := catalog.New(db)
		created := mustCreate(t, s, usAndThem())
		if created.ID == 0 || created.CreatedAt.IsZero() {
			t.Fatalf("a created title has an ID and a creation time: %+v", created)
		}
		got, err := s.GetTitle(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		cj, _ := json.Marshal(created)
		gj, _ := json.Marshal(got)
		if string(cj) != string(gj) {
			t.Errorf("CreateTitle must return the title as GetTitle reads it:\ncreate %s\nget    %s", cj, gj)
		}

		if got.OriginalTitle != "后来的我们" || got.OriginalLanguage != "zh" || got.Year != 2018 ||
			got.RuntimeMinutes != 119 || got.Kind != "movie" || got.MinAge != 12 {
			t.Errorf("title columns did not round-trip: %+v", got)
		}
		if !slices.Equal(got.Genres, []string{"drama", "romance"}) {
			t.Errorf("genres are stored lowercase and read sorted: %q", got.Genres)
		}
		if len(got.AlternateTitles) != 2 || got.AlternateTitles[1].Language != "zh-Latn-pinyin" {
			t.Errorf("alternate titles with canonical languages: %+v", got.AlternateTitles)
		}
		var langs []string
		for _, l := range got.Localizations {
			langs = append(langs, l.Language)
		}
		if !slices.Equal(langs, []string{"en", "zh", "zh-Hant"}) {
			t.Errorf("localizations are stored with canonical tags (zh-hant → zh-Hant): %q", langs)
		}

		// Credits: in billing order, with people and their names.
		type row struct{ job, name, en, character, characterEN string }
		var rows []row
		for _, c := range got.Credits {
			if c.PersonID == 0 || c.PersonID != c.Person.ID || c.TitleID != got.ID {
				t.Errorf("a credit read back carries its person and title: %+v", c)
			}
			rows = append(rows, row{c.Job, c.Person.Name, c.Person.LocalizedName("en"), c.Character, c.LocalizedCharacter("en-GB")})
		}
		want := []row{
			{"director", "刘若英", "René Liu", "", ""},
			{"actor", "井柏然", "Jing Boran", "林见清", "Lin Jianqing"},
			{"actor", "周冬雨", "Zhou Dongyu", "方小晓", "Fang Xiaoxiao"},
			{"writer", "刘若英", "René Liu", "", ""},
		}
		if !slices.Equal(rows, want) {
			t.Errorf("credits must come in billing order with localized names:\ngot  %v\nwant %v", rows, want)
		}
		if got.Credits[0].PersonID != got.Credits[3].PersonID {
			t.Errorf("one new person credited twice in one title must be created once")
		}
		if n := countRows(t, db)["people"]; n != 3 {
			t.Errorf("three people in the credits, %d stored", n)
		}
		if got.Credits[0].Person.Gender != "female" || got.Credits[1].Person.Gender != "male" {
			t.Errorf("genders round-trip: %+v", got.Credits)
		}
		if got.Credits[0].Person.LocalizedName("zh-TW") != "劉若英" {
			t.Errorf("Traditional readers get 劉若英, got %q", got.Credits[0].Person.LocalizedName("zh-TW"))
		}

		// Localized title and synopsis on the stored title.
		for lang, want := range map[string]string{"en-GB": "Us and Them", "zh-TW": "後來的我們", "zh-Hans-CN": "后来的我们", "fr": "后来的我们"} {
			if title, _ := got.Localized(lang); title != want {
				t.Errorf("Localized(%q) = %q, want %q", lang, title, want)
			}
		}

		// Genres across the catalogue.
		genres, err := s.Genres(ctx)
		if err != nil || !slices.Equal(genres, []string{"drama", "romance"}) {
			t.Errorf("Genres() = %q, %v", genres, err)
		}
	})
}

func TestPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := catalog.New(db)
		film := mustCreate(t, s, usAndThem())

		for _, name := range []string{"周冬雨", "Zhou Dongyu", " 周冬雨 "} {
			p, err := s.FindPersonByName(ctx, name)
			if err != nil {
				t.Fatalf("FindPersonByName(%q): %v", name, err)
			}
			if p.Name != "周冬雨" || p.LocalizedName("en") != "Zhou Dongyu" {
				t.Errorf("FindPersonByName(%q) found %+v", name, p)
			}
		}
		rene, err := s.FindPersonByName(ctx, "劉若英")
		if err != nil || rene.Name != "刘若英" {
			t.Errorf("a Traditional Chinese localized name finds René Liu: %+v, %v", rene, err)
		}
		for _, name := range []string{"zhou dongyu", "周", "Nobody"} {
			if _, err := s.FindPersonByName(ctx, name); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("FindPersonByName(%q) is exact: want ErrNotFound, got %v", name, err)
			}
		}

		// An older film for Zhou Dongyu, credited by ID through AddCredit.
		zhou, _ := s.FindPersonByName(ctx, "周冬雨")
		hawthorn := mustCreate(t, s, catalog.Title{OriginalTitle: "山楂树之恋", OriginalLanguage: "zh", Year: 2010,
			Localizations: []catalog.Localization{{Language: "en", Title: "Under the Hawthorn Tree"}}})
		c, err := s.AddCredit(ctx, hawthorn.ID, catalog.Credit{PersonID: zhou.ID, Job: "actor", BillingOrder: 1, Character: "静秋",
			CharacterNames: []catalog.LocalizedName{{Language: "en", Name: "Jingqiu"}}})
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.TitleID != hawthorn.ID || c.Person.Name != "周冬雨" || c.LocalizedCharacter("en") != "Jingqiu" {
			t.Errorf("AddCredit returns the credit as read: %+v", c)
		}
		// And a new person through AddCredit.
		zhang, err := s.AddCredit(ctx, hawthorn.ID, catalog.Credit{Job: "director",
			Person: catalog.Person{Name: "张艺谋", Gender: "male", Names: []catalog.LocalizedName{{Language: "en", Name: "Zhang Yimou"}}}})
		if err != nil || zhang.PersonID == 0 || zhang.Person.LocalizedName("en") != "Zhang Yimou" {
			t.Fatalf("AddCredit with a new person: %+v, %v", zhang, err)
		}

		p, err := s.GetPerson(ctx, zhou.ID)
		if err != nil {
			t.Fatal(err)
		}
		var films []string
		for _, pc := range p.Credits {
			title, _ := pc.Title.Localized("en")
			films = append(films, fmt.Sprintf("%d %s as %s", pc.Title.Year, title, pc.Credit.LocalizedCharacter("en")))
			if pc.Credit.Person.ID != 0 {
				t.Errorf("a filmography credit does not repeat the person")
			}
		}
		want := []string{"2018 Us and Them as Fang Xiaoxiao", "2010 Under the Hawthorn Tree as Jingqiu"}
		if !slices.Equal(films, want) {
			t.Errorf("GetPerson lists the titles they worked on, newest first:\ngot  %q\nwant %q", films, want)
		}
		if p.LocalizedName("en") != "Zhou Dongyu" {
			t.Errorf("GetPerson carries localized names: %+v", p.Names)
		}
		pj, _ := json.Marshal(p)
		if strings.Contains(string(pj), `"person":`) || !strings.Contains(string(pj), `"character_names":`) {
			t.Errorf("filmography JSON: snake_case, no repeated person: %s", pj)
		}

		// René Liu directed and wrote: two credits on one title.
		rp, err := s.GetPerson(ctx, rene.ID)
		if err != nil || len(rp.Credits) != 2 || rp.Credits[0].Credit.Job != "director" || rp.Credits[0].Title.ID != film.ID {
			t.Errorf("René Liu's credits: %+v, %v", rp.Credits, err)
		}

		// CreatePerson on its own.
		np, err := s.CreatePerson(ctx, catalog.Person{Name: " 李现 ", Names: []catalog.LocalizedName{{Language: "en", Name: "Li Xian"}}})
		if err != nil || np.ID == 0 || np.Name != "李现" || np.Gender != "" || np.LocalizedName("en") != "Li Xian" {
			t.Errorf("CreatePerson: %+v, %v", np, err)
		}
		if got, err := s.GetPerson(ctx, np.ID); err != nil || len(got.Credits) != 0 {
			t.Errorf("a person without credits: %+v, %v", got, err)
		}
		if _, err := s.GetPerson(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetPerson of a missing person: want ErrNotFound, got %v", err)
		}
	})
}

func TestHostileTextRoundTrips(t *testing.T) {
	const evil = `O'Brien"; DROP TABLE titles; --`
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := catalog.New(db)
		in := catalog.Title{
			OriginalTitle: evil, OriginalLanguage: "en", SourceWork: evil + ` \ %_ $1 ?`,
			Genres:          []string{evil},
			AlternateTitles: []catalog.AlternateTitle{{Title: evil + " 2"}},
			Localizations:   []catalog.Localization{{Language: "zh", Title: "后来的'我们'", Synopsis: evil}},
			Credits: []catalog.Credit{{Job: "actor", Character: evil,
				CharacterNames: []catalog.LocalizedName{{Language: "ga", Name: "Ó Briain'"}},
				Person:         catalog.Person{Name: evil, Names: []catalog.LocalizedName{{Language: "en", Name: evil + "'"}}}}},
		}
		created := mustCreate(t, s, in)
		got, err := s.GetTitle(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := got.Credits[0]
		for what, pair := range map[string][2]string{
			"original title": {got.OriginalTitle, evil},
			"source work":    {got.SourceWork, evil + ` \ %_ $1 ?`},
			"genre":          {got.Genres[0], strings.ToLower(evil)},
			"alternate":      {got.AlternateTitles[0].Title, evil + " 2"},
			"localization":   {got.Localizations[0].Title, "后来的'我们'"},
			"synopsis":       {got.Localizations[0].Synopsis, evil},
			"person":         {c.Person.Name, evil},
			"person name":    {c.Person.Names[0].Name, evil + "'"},
			"character":      {c.Character, evil},
			"character name": {c.CharacterNames[0].Name, "Ó Briain'"},
		} {
			if pair[0] != pair[1] {
				t.Errorf("%s must round-trip as text: got %q, want %q", what, pair[0], pair[1])
			}
		}
		if p, err := s.FindPersonByName(ctx, evil); err != nil || p.ID != c.PersonID {
			t.Errorf("a name full of quotes and SQL is found exactly: %+v, %v", p, err)
		}
		if ts, err := s.ListTitles(ctx, catalog.ListQuery{Genre: evil}); err != nil || len(ts) != 1 {
			t.Errorf("the titles table survives and the genre filter is a value: %d titles, %v", len(ts), err)
		}
	})
}

func TestInvalidInputStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := catalog.New(db)
		film := mustCreate(t, s, usAndThem())
		existing := film.Credits[0].PersonID
		before := countRows(t, db)

		breakIt := func(change func(*catalog.Title)) catalog.Title {
			in := usAndThem()
			change(&in)
			return in
		}
		titles := []struct {
			name  string
			in    catalog.Title
			field string
		}{
			{"english as a language", breakIt(func(t *catalog.Title) { t.OriginalLanguage = "english" }), "original_language"},
			{"bad localization tag", breakIt(func(t *catalog.Title) { t.Localizations[1].Language = "zz-!!" }), "localizations[1].language"},
			{"duplicate localization", breakIt(func(t *catalog.Title) { t.Localizations[2].Language = "EN" }), "localizations[2].language"},
			{"year out of range", breakIt(func(t *catalog.Title) { t.Year = 1500 }), "year"},
			{"unknown gender on the last credit", breakIt(func(t *catalog.Title) { t.Credits[3].Person.Gender = "robot" }), "credits[3].person.gender"},
			{"empty job", breakIt(func(t *catalog.Title) { t.Credits[1].Job = " " }), "credits[1].job"},
			// Only the database can tell: the title, its localizations and
			// two new people are written before the bad ID is met, and all
			// must be rolled back.
			{"person ID that names no one", breakIt(func(t *catalog.Title) {
				t.Credits = append(t.Credits, catalog.Credit{PersonID: 424242, Job: "editor"})
			}), "credits[4].person_id"},
		}
		for _, tt := range titles {
			_, err := s.CreateTitle(ctx, tt.in)
			var fe *catalog.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("%s: want a FieldError on %s, got %v", tt.name, tt.field, err)
			}
			var inv interface {
				InvalidField() (string, string, string)
			}
			if !errors.As(err, &inv) {
				t.Errorf("%s: the web layer finds InvalidField through the wrapping", tt.name)
			}
		}
		if _, err := s.CreatePerson(ctx, catalog.Person{Name: "X", Gender: "other"}); err == nil {
			t.Errorf("CreatePerson must reject an unknown gender")
		}
		if _, err := s.AddCredit(ctx, film.ID, catalog.Credit{Job: "editor", PersonID: 424242}); err == nil {
			t.Errorf("AddCredit must reject a person ID that names no one")
		}
		if _, err := s.AddCredit(ctx, 424242, catalog.Credit{Job: "editor", PersonID: existing}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AddCredit to a missing title: want ErrNotFound, got %v", err)
		}
		if _, err := s.AddCredit(ctx, 424242, catalog.Credit{Job: "editor", Person: catalog.Person{Name: "New"}}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AddCredit to a missing title with a new person: want ErrNotFound, got %v", err)
		}
		if after := countRows(t, db); !mapsEqual(before, after) {
			t.Errorf("rejected input must store nothing:\nbefore %v\nafter  %v", before, after)
		}
		if _, err := s.GetTitle(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetTitle of a missing title: want ErrNotFound, got %v", err)
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestListAndBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := catalog.New(db)
		var ids []int64
		romance := map[int64]bool{}
		for i := range 7 {
			in := catalog.Title{OriginalTitle: fmt.Sprintf("Film %d", i), OriginalLanguage: "en", Genres: []string{"drama"},
				Localizations: []catalog.Localization{{Language: "zh", Title: fmt.Sprintf("电影 %d", i)}}}
			if i%2 == 0 {
				in.Genres = append(in.Genres, "romance")
			}
			c := mustCreate(t, s, in)
			ids = append(ids, c.ID)
			if i%2 == 0 {
				romance[c.ID] = true
			}
		}

		pages := func(q catalog.ListQuery) []int64 {
			t.Helper()
			var seen []int64
			for range 10 {
				page, err := s.ListTitles(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, ti := range page {
					seen = append(seen, ti.ID)
					if ti.Credits != nil {
						t.Errorf("ListTitles reads light: no credits")
					}
					if title, _ := ti.Localized("zh-CN"); !strings.HasPrefix(title, "电影") {
						t.Errorf("ListTitles carries localizations: %q", title)
					}
				}
				if len(page) < q.Limit {
					return seen
				}
				q.After = page[len(page)-1].ID
			}
			t.Fatal("pagination did not end")
			return nil
		}
		all := pages(catalog.ListQuery{Limit: 3})
		if !slices.Equal(all, ids) {
			t.Errorf("pages of 3 must list every title once, in ID order: got %v, want %v", all, ids)
		}
		var wantRomance []int64
		for _, id := range ids {
			if romance[id] {
				wantRomance = append(wantRomance, id)
			}
		}
		if got := pages(catalog.ListQuery{Limit: 2, Genre: " Romance "}); !slices.Equal(got, wantRomance) {
			t.Errorf("genre pages: got %v, want %v", got, wantRomance)
		}
		if page, err := s.ListTitles(ctx, catalog.ListQuery{}); err != nil || len(page) != 7 {
			t.Errorf("limit 0 means the default page of 50: %d, %v", len(page), err)
		}
		if page, err := s.ListTitles(ctx, catalog.ListQuery{After: ids[6]}); err != nil || page == nil || len(page) != 0 {
			t.Errorf("past the end: an empty page, not nil: %v, %v", page, err)
		}

		// GetTitles: some ids, repeated, mixed with many that name nothing,
		// enough of them to take several batches.
		ask := []int64{ids[5], ids[1], ids[5], -3, 0}
		for i := range 1200 {
			ask = append(ask, 100000+int64(i))
		}
		ask = append(ask, ids[3])
		got, err := s.GetTitles(ctx, ask)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[ids[1]].OriginalTitle != "Film 1" || got[ids[5]].OriginalTitle != "Film 5" || got[ids[3]].OriginalTitle != "Film 3" {
			t.Errorf("GetTitles returns exactly the titles that exist: %v", got)
		}
		if g := got[ids[3]].Genres; !slices.Equal(g, []string{"drama"}) {
			t.Errorf("GetTitles carries genres: %q", g)
		}
		if empty, err := s.GetTitles(ctx, nil); err != nil || empty == nil || len(empty) != 0 {
			t.Errorf("GetTitles(nil) is an empty map: %v, %v", empty, err)
		}
	})
}

func TestResolveTitleRef(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := catalog.New(db)
		film := mustCreate(t, s, usAndThem())
		mustCreate(t, s, catalog.Title{OriginalTitle: "Twins", OriginalLanguage: "en"})
		mustCreate(t, s, catalog.Title{OriginalTitle: "Other", OriginalLanguage: "en",
			AlternateTitles: []catalog.AlternateTitle{{Title: "Twins"}}})
		for _, ref := range [][3]string{
			{fmt.Sprintf("lineup:title:%d", film.ID), "", ""},
			{"eidr:10.5240/XXXX", fmt.Sprintf("lineup:title:%d", film.ID), ""},
			{"", "", "后来的我们"},
			{"", "", "Us and Them"},
			{"", "", " 後來的我們 "},
		} {
			id, err := s.ResolveTitleRef(ctx, ref[0], ref[1], ref[2])
			if err != nil || id != film.ID {
				t.Errorf("ResolveTitleRef(%q) = %d, %v; want %d", ref, id, err, film.ID)
			}
		}
		for _, ref := range [][3]string{{"lineup:title:999999", "", "后来的我们"}, {"lineup:title:x", "", ""}, {"", "", "Nothing"}, {"", "", ""}} {
			if _, err := s.ResolveTitleRef(ctx, ref[0], ref[1], ref[2]); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("ResolveTitleRef(%q): want ErrNotFound, got %v", ref, err)
			}
		}
		if _, err := s.ResolveTitleRef(ctx, "", "", "Twins"); err == nil || !strings.Contains(err.Error(), "several") {
			t.Errorf("an alias two titles share must not pick one: %v", err)
		}
	})
}
