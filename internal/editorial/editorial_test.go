package editorial_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/demo"
	"github.com/lineup/lineup/internal/editorial"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func loadDemo(t *testing.T, db *store.DB) (*catalog.Service, map[string]int64) {
	t.Helper()
	cat := catalog.New(db)
	sum, err := demo.Load(context.Background(), cat, rights.New(db, rights.Config{Licensee: "Lineup"}), "Lineup", "US", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return cat, sum.Titles
}

func count(t *testing.T, db *store.DB) int {
	t.Helper()
	total := 0
	for _, table := range []string{"stories", "story_titles", "story_people", "story_blocks"} {
		var n int
		if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		total += n
	}
	return total
}

func TestDemoInterview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, ids := loadDemo(t, db)
		ed := editorial.New(db, cat)
		st, err := ed.Import(ctx, editorial.DemoStory())
		if err != nil {
			t.Fatalf("the demo interview must import: %v", err)
		}
		rene, err := cat.FindPersonByName(ctx, "René Liu")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(st.Headline, "A demo interview:") || st.Publication != "Lineup demo" || st.Kind != editorial.KindInterview {
			t.Errorf("the demo interview must say it is one: %q / %q / %q", st.Headline, st.Publication, st.Kind)
		}
		if len(st.TitleIDs) != 1 || st.TitleIDs[0] != ids["us-and-them"] {
			t.Errorf("the demo interview is attached to Us and Them: %v", st.TitleIDs)
		}
		answers := 0
		for _, b := range st.Blocks {
			if b.Kind == editorial.BlockAnswer {
				answers++
				if b.PersonID != rene.ID || !strings.HasPrefix(b.Text, "(Demo answer.)") {
					t.Errorf("each demo answer is René Liu's and labelled as a demo answer: %+v", b)
				}
			}
		}
		if answers != 3 || len(st.Images()) != len(editorial.DemoStills()) {
			t.Errorf("the demo interview has 3 answers and the demo stills: %d answers, %d images", answers, len(st.Images()))
		}
		for i, img := range st.Images() {
			if img.Caption == "" || !strings.Contains(img.Credit, "not a frame") || img.Key != editorial.DemoStills()[i].Key {
				t.Errorf("each still has a caption and says it is generated: %+v", img)
			}
		}
		for _, get := range []func() ([]editorial.Story, error){
			func() ([]editorial.Story, error) { return ed.ForTitle(ctx, ids["us-and-them"]) },
			func() ([]editorial.Story, error) { return ed.ForPerson(ctx, rene.ID) },
		} {
			list, err := get()
			if err != nil || len(list) != 1 || list[0].ID != st.ID || len(list[0].Blocks) != len(st.Blocks) {
				t.Errorf("the interview is found from its title and from the person answering: %d stories, %v", len(list), err)
			}
		}
		if list, _ := ed.ForTitle(ctx, ids["hi-mom"]); len(list) != 0 {
			t.Errorf("a title without stories has none: %d", len(list))
		}
		// The same slug again replaces the story, keeping its ID.
		again, err := ed.Import(ctx, bytes.Replace(editorial.DemoStory(), []byte("ten years after"), []byte("the years after"), 1))
		if err != nil || again.ID != st.ID || !strings.Contains(again.Headline, "the years after") {
			t.Errorf("importing the same slug again must replace the story: %+v, %v", again.Headline, err)
		}
		if list, _ := ed.ForTitle(ctx, ids["us-and-them"]); len(list) != 1 {
			t.Errorf("a replaced story is not duplicated: %d", len(list))
		}
		if _, err := ed.Get(ctx, st.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a missing story is ErrNotFound: %v", err)
		}
		if err := ed.Delete(ctx, st.ID); err != nil || count(t, db) != 0 {
			t.Errorf("delete removes the story and its links: %v", err)
		}
	})
}

func TestImportRefusesWhatItCannotTie(t *testing.T) {
	story := func(front, body string) []byte {
		return []byte("---\nheadline: A test\ndate: 2018-06-22\n" + front + "---\n\n" + body + "\n")
	}
	cases := []struct {
		rule        string
		md          []byte
		line        int
		field       string
		reason      string
		notCredited bool
	}{
		{"an answer by someone not credited is refused", story("title: 后来的我们\n", "**Q:** Who?\n\n**张三:** Not me."),
			9, "answer", "张三 is not credited on 后来的我们", true},
		{"a person credited on another title does not count", story("title: 后来的我们\n", "**Q:** Who?\n\n**Jia Ling:** Not here."),
			9, "answer", "not credited", true},
		{"an unknown title is refused", story("title: No Such Film\n", "Text."), 4, "title", "unknown title", false},
		{"an unknown person is refused", story("person: Nobody At All\n", "Text."), 4, "person", "no person", false},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cat, _ := loadDemo(t, db)
		ed := editorial.New(db, cat)
		for _, c := range cases {
			t.Run(c.rule, func(t *testing.T) {
				_, err := ed.Import(context.Background(), c.md)
				var ie *editorial.ImportError
				if !errors.As(err, &ie) || len(ie.Problems) != 1 {
					t.Fatalf("%s: want one problem, got %v", c.rule, err)
				}
				p := ie.Problems[0]
				if p.Line != c.line || p.Field != c.field || !strings.Contains(p.Reason, c.reason) {
					t.Errorf("%s: got %+v, want line %d, %s, %q", c.rule, p, c.line, c.field, c.reason)
				}
				if errors.Is(err, editorial.ErrNotCredited) != c.notCredited {
					t.Errorf("%s: errors.Is(err, ErrNotCredited) must be %v", c.rule, c.notCredited)
				}
				if n := count(t, db); n != 0 {
					t.Errorf("%s: a refused story stores nothing: %d rows", c.rule, n)
				}
			})
		}
		// The error lists who is credited, so the writer can fix the label.
		_, err := ed.Import(context.Background(), story("title: Us and Them\n", "**Zhou Dongyu:** Fine.\n\n**Someone:** Not fine."))
		if err == nil || !strings.Contains(err.Error(), "René Liu") || !strings.Contains(err.Error(), "line 9") {
			t.Errorf("the refusal must name the line and the credited people: %v", err)
		}
	})
}

func TestDemoStillsAreImages(t *testing.T) {
	for _, s := range editorial.DemoStills() {
		b, err := editorial.DemoStillPNG(s.Key)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil || img.Bounds().Dx() != 640 || img.Bounds().Dy() != 360 {
			t.Errorf("%s must be a 640×360 PNG: %v", s.Key, err)
		}
	}
	if _, err := editorial.DemoStillPNG("nope.png"); err == nil {
		t.Errorf("an unknown still is an error")
	}
}
