package charts_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// film adds a title to the catalogue: name in its original language, a
// director of the given gender.
func film(t *testing.T, cat *catalog.Service, name, lang, director, gender string) int64 {
	t.Helper()
	tt, err := cat.CreateTitle(context.Background(), catalog.Title{OriginalTitle: name, OriginalLanguage: lang, Kind: catalog.KindMovie,
		Credits: []catalog.Credit{{Job: "director", Person: catalog.Person{Name: director, Gender: gender}}}})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return tt.ID
}

func newBoxOffice(db *store.DB, cat *catalog.Service) *charts.BoxOffice {
	return charts.NewBoxOffice(db, charts.Config{Resolve: charts.CatalogResolver(cat)})
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustImport(t *testing.T, bo *charts.BoxOffice, csv string) charts.ImportResult {
	t.Helper()
	res, err := bo.Import(context.Background(), strings.NewReader(csv), "test.csv")
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

const header = "title,territory,date,gross,currency,source\n"

func TestImportRefusesBadInput(t *testing.T) {
	type problem struct {
		row    int
		column string
		reason string
	}
	cases := []struct {
		rule string
		csv  string
		want []problem
	}{
		{"a bad currency code is refused", header + "1,CN,2018-04-28,280000000,RMB,Maoyan\n",
			[]problem{{2, "currency", "renminbi are counted in CNY"}}},
		{"a currency not in ISO 4217 is refused", header + "1,CN,2018-04-28,280000000,ABC,Maoyan\n",
			[]problem{{2, "currency", "not an ISO 4217 code"}}},
		{"an unknown title ID is refused", header + "999,CN,2018-04-28,280000000,CNY,Maoyan\n",
			[]problem{{2, "title", "unknown title"}}},
		{"an unknown title name is refused", header + "No Such Film,CN,2018-04-28,280000000,CNY,Maoyan\n",
			[]problem{{2, "title", "unknown title"}}},
		{"a date in the wrong format is refused", header + "1,CN,2018/04/28,280000000,CNY,Maoyan\n1,CN,28-04-2018,1,CNY,Maoyan\n1,CN,2018-4-28,1,CNY,Maoyan\n",
			[]problem{{2, "date", "YYYY-MM-DD"}, {3, "date", "YYYY-MM-DD"}, {4, "date", "YYYY-MM-DD"}}},
		{"a day that does not exist is refused", header + "1,CN,2018-02-30,1,CNY,Maoyan\n",
			[]problem{{2, "date", "YYYY-MM-DD"}}},
		{"a missing column is refused", "title,territory,date,gross,source\n1,CN,2018-04-28,1,Maoyan\n",
			[]problem{{1, "currency", "missing column"}}},
		{"an unknown column is refused", "title,territory,date,gross,currency,source,estimte\n1,CN,2018-04-28,1,CNY,Maoyan,true\n",
			[]problem{{1, "estimte", "unknown column"}}},
		{"more decimals than the currency has are refused", header + "1,CN,2018-04-28,1.001,CNY,Maoyan\n",
			[]problem{{2, "gross", "decimals"}}},
		{"a figure needs a source", header + "1,CN,2018-04-28,1,CNY,\n",
			[]problem{{2, "source", "required"}}},
		{"a gross belongs to one country", header + "1,ZZ,2018-04-28,1,CNY,Maoyan\n",
			[]problem{{2, "territory", "one country"}}},
		{"estimate is true or false", "title,territory,date,gross,currency,source,estimate\n1,CN,2018-04-28,1,CNY,Maoyan,maybe\n",
			[]problem{{2, "estimate", "true or false"}}},
		{"a cumulative figure cannot be negative", "title,territory,date,gross,currency,source,kind\n1,CN,2018-04-28,-1,CNY,Maoyan,cumulative\n",
			[]problem{{2, "gross", "below zero"}}},
		{"one run is counted in one currency", header + "1,CN,2018-04-28,1,CNY,Maoyan\n1,CN,2018-04-29,1,USD,Maoyan\n",
			[]problem{{3, "currency", "one currency"}}},
		{"every bad row is reported, not just the first", header + "1,CN,2018-04-28,1,CNY,Maoyan\n1,CN,bad,1,CNY,Maoyan\n1,CN,2018-04-30,1,CNY,Maoyan\n1,CN,2018-05-01,x,CNY,Maoyan\n",
			[]problem{{3, "date", "YYYY-MM-DD"}, {5, "gross", "decimal"}}},
		{"a refund that takes the total below zero is refused", header + "1,CN,2018-04-28,100,CNY,Maoyan\n1,CN,2018-04-29,-150,CNY,Maoyan\n",
			[]problem{{3, "gross", "below zero"}}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cat := catalog.New(db)
		film(t, cat, "后来的我们", "zh", "刘若英", "female")
		bo := newBoxOffice(db, cat)
		for _, c := range cases {
			t.Run(c.rule, func(t *testing.T) {
				_, err := bo.Import(context.Background(), strings.NewReader(c.csv), "bad.csv")
				var ie *charts.ImportError
				if !errors.As(err, &ie) {
					t.Fatalf("%s: want an *ImportError, got %v", c.rule, err)
				}
				if len(ie.Problems) != len(c.want) {
					t.Fatalf("%s: got %d problems, want %d:\n%v", c.rule, len(ie.Problems), len(c.want), err)
				}
				for i, w := range c.want {
					p := ie.Problems[i]
					if p.Row != w.row || p.Column != w.column || !strings.Contains(p.Reason, w.reason) {
						t.Errorf("%s: problem %d = %+v, want row %d column %s reason containing %q", c.rule, i, p, w.row, w.column, w.reason)
					}
				}
				if n := count(t, db, "boxoffice_grosses") + count(t, db, "boxoffice_imports"); n != 0 {
					t.Errorf("%s: a refused import must store nothing, found %d rows", c.rule, n)
				}
			})
		}
	})
}

func TestRevisionsReplaceAndKeepTheirHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := catalog.New(db)
		id := film(t, cat, "后来的我们", "zh", "刘若英", "female")
		bo := newBoxOffice(db, cat)
		first := mustImport(t, bo, header+
			"后来的我们,CN,2018-04-28,280000000,CNY,Maoyan\n"+
			"lineup:title:1,CN,2018-04-29,200000000,CNY,Maoyan\n"+
			"1,CN,2018-04-29,210000000,CNY,Beacon\n")
		if first.Added != 3 || len(first.Titles) != 1 || first.Titles[0] != id {
			t.Fatalf("names, lineup:title:ID and plain IDs all name the title: %+v", first)
		}
		// A later figure for the same title, territory, day and source
		// replaces the earlier; the same figure again changes nothing.
		second := mustImport(t, bo, header+
			"1,CN,2018-04-29,190000000,CNY,Maoyan\n"+
			"1,CN,2018-04-28,280000000,CNY,Maoyan\n")
		if second.Replaced != 1 || second.Unchanged != 1 || second.Added != 0 {
			t.Fatalf("a later figure for the same key must replace the earlier: %+v", second)
		}
		gs, err := bo.Grosses(ctx, id, "CN")
		if err != nil {
			t.Fatal(err)
		}
		var maoyan29 charts.Gross
		for _, g := range gs {
			if g.Day == "2018-04-29" && g.Source == "Maoyan" {
				maoyan29 = g
			}
		}
		if maoyan29.Amount != 19000000000 || maoyan29.Revision != 2 || maoyan29.ImportID != second.ImportID {
			t.Errorf("the replaced figure must hold the new amount at revision 2 from the later import: %+v", maoyan29)
		}
		if n := count(t, db, "boxoffice_gross_revisions"); n != 1 {
			t.Errorf("the figure a revision replaced must be kept: %d revisions", n)
		}
		if len(gs) != 3 {
			t.Errorf("every source keeps its own figure: got %d figures", len(gs))
		}
		// Two sources on 04-29: the most recent import wins (Maoyan, revised).
		run, err := bo.Run(ctx, id, "CN")
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := run.On("2018-04-29"); d.Gross != 19000000000 || d.Source != "Maoyan" || d.Revision != 2 {
			t.Errorf("the most recently imported source must count: %+v", d)
		}
		pref := charts.NewBoxOffice(db, charts.Config{SourcePriority: []string{"Beacon"}})
		run, _ = pref.Run(ctx, id, "CN")
		if d, _ := run.On("2018-04-29"); d.Source != "Beacon" {
			t.Errorf("a preferred source must count over a more recent import: %+v", d)
		}
		// A revision that would take the total below zero is refused and
		// leaves the stored figures as they were.
		_, err = bo.Import(ctx, strings.NewReader(header+"1,CN,2018-04-28,-1,CNY,Maoyan\n"), "refund.csv")
		var ie *charts.ImportError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), "below zero") || ie.Problems[0].Row != 2 {
			t.Fatalf("a revision making the cumulative negative must be refused naming its row: %v", err)
		}
		after, _ := bo.Grosses(ctx, id, "CN")
		if len(after) != len(gs) || after[0].Amount != gs[0].Amount || count(t, db, "boxoffice_gross_revisions") != 1 {
			t.Errorf("a refused revision must change nothing stored")
		}
		if _, err := bo.Run(ctx, id+1, "CN"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a run without figures must be ErrNotFound, got %v", err)
		}
	})
}

func TestMilestonesOnADayWithARevision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := catalog.New(db)
		id := film(t, cat, "后来的我们", "zh", "刘若英", "female")
		bo := newBoxOffice(db, cat)
		mustImport(t, bo, header+
			"1,CN,2018-04-28,280000000,CNY,Maoyan\n"+
			"1,CN,2018-04-29,250000000,CNY,Maoyan\n"+
			"1,CN,2018-04-30,240000000,CNY,Maoyan\n"+ // 770M
			"1,CN,2018-05-01,20000000,CNY,Maoyan\n"+ // 790M: passes 785M on day 4
			"1,CN,2018-05-02,225000000,CNY,Maoyan\n") // 1015M: passes 1bn on day 5
		th := []charts.Money{{Amount: 78500000000, Currency: "CNY"}, {Amount: 100000000000, Currency: "CNY"}}
		check := func(rule string, want ...string) {
			t.Helper()
			ms, err := bo.Milestones(ctx, id, "CN", th...)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range want {
				if ms[i].Day != w || ms[i].Reached != (w != "") {
					t.Errorf("%s: milestone %s reached on %q, want %q", rule, ms[i].Threshold, ms[i].Day, w)
				}
			}
		}
		check("cumulative ≥ threshold, the first day", "2018-05-01", "2018-05-02")
		// Day 4 is revised down: 785M is now passed on day 5.
		mustImport(t, bo, header+"1,CN,2018-05-01,10000000,CNY,Maoyan\n")
		check("a revision down on the milestone day moves it later", "2018-05-02", "2018-05-02")
		// Day 3 is revised up: 785M is passed on day 3 and stays passed.
		mustImport(t, bo, header+"1,CN,2018-04-30,260000000,CNY,Maoyan\n")
		check("a revision up on an earlier day moves it earlier", "2018-04-30", "2018-05-02")
		// A refund after the milestone does not undo it.
		mustImport(t, bo, header+"1,CN,2018-05-03,-5000000,CNY,Maoyan\n")
		check("a refund after the milestone does not undo it", "2018-04-30", "2018-05-02")
		ms, _ := bo.Milestones(ctx, id, "CN", charts.Money{Amount: 200000000000, Currency: "CNY"})
		if ms[0].Reached {
			t.Errorf("a threshold above the total is not reached: %+v", ms[0])
		}
	})
}

func TestMilestonesInUSD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := catalog.New(db)
		id := film(t, cat, "后来的我们", "zh", "刘若英", "female")
		bo := newBoxOffice(db, cat)
		mustImport(t, bo, header+
			"1,CN,2018-04-30,625000000,CNY,Maoyan\n"+ // at 6.25: USD 100M
			"1,CN,2018-05-01,640000000,CNY,Maoyan\n") // at 6.40: USD 100M
		usd200M := charts.Money{Amount: 20000000000, Currency: charts.USD}
		if _, err := bo.Milestones(ctx, id, "CN", usd200M); !errors.Is(err, charts.ErrNoRate) {
			t.Fatalf("without rates a dollar milestone must be ErrNoRate, got %v", err)
		}
		if _, err := bo.ImportRates(ctx, strings.NewReader("currency,date,per_usd,source\nCNY,2018-04-01,6.25,test\nCNY,2018-05-01,6.40,test\n")); err != nil {
			t.Fatal(err)
		}
		ms, err := bo.Milestones(ctx, id, "CN", usd200M)
		if err != nil {
			t.Fatal(err)
		}
		if !ms[0].Reached || ms[0].Day != "2018-05-01" || ms[0].Cumulative.Amount != 20000000000 {
			t.Errorf("each day's gross converts at its own day's rate (100M + 100M = 200M on 05-01): %+v", ms[0])
		}
		// A rate dated after the run's days converts none of them.
		if _, err := bo.ImportRates(ctx, strings.NewReader("currency,date,per_usd\nCNY,2018-06-01,7.5\n")); err != nil {
			t.Fatal(err)
		}
		ms, _ = bo.Milestones(ctx, id, "CN", usd200M)
		if ms[0].Day != "2018-05-01" {
			t.Errorf("a rate dated after the run must not move a milestone: %+v", ms[0])
		}
		_, err = bo.ImportRates(ctx, strings.NewReader("currency,date,per_usd\ncny,2018-06-01,7.5\nCNY,2018-06-02,-1\n"))
		var ie *charts.ImportError
		if !errors.As(err, &ie) || len(ie.Problems) != 2 {
			t.Errorf("bad rates must be refused row by row: %v", err)
		}
		if _, err := bo.Milestones(ctx, id, "CN", charts.Money{Amount: 1, Currency: "EUR"}); err == nil {
			t.Errorf("a milestone in a third currency must be refused")
		}
	})
}
