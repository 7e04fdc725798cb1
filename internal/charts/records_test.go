package charts_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/demo"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// loadDemo loads the demo catalogue and the demo's box office.
func loadDemo(t *testing.T, db *store.DB) (*charts.BoxOffice, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	cat := catalog.New(db)
	sum, err := demo.Load(ctx, cat, rights.New(db, rights.Config{Licensee: "Lineup"}), "Lineup", "US", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	bo := newBoxOffice(db, cat)
	if _, err := bo.Add(ctx, charts.DemoGrosses(sum.Titles), charts.DemoOrigin); err != nil {
		t.Fatalf("store the demo's box office: %v", err)
	}
	return bo, sum.Titles
}

// femaleChinese is the record of the motivating story: the highest-grossing
// Chinese-language film directed by a woman, in mainland China.
var femaleChinese = charts.RecordFilter{Territory: "CN", DirectorGender: "female", OriginalLanguage: "cmn"}

func TestDemoRecordsMatchTheFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		bo, ids := loadDemo(t, db)
		// The facts table: who held each record at the end of each day, as
		// films.csv and us-and-them.md tell it.
		cases := []struct {
			fact   string
			filter charts.RecordFilter
			asOf   string
			holder string // demo key; "" = nobody yet
		}{
			{"before any film in the facts opened, nobody held it", femaleChinese, "2010-01-01", ""},
			{"Book of Love held it the day before Us and Them passed it", femaleChinese, "2018-04-30", "book-of-love"},
			{"Us and Them took it on its fourth day, 2018-05-01", femaleChinese, "2018-05-01", "us-and-them"},
			{"Us and Them still held it the day before Hi, Mom passed it", femaleChinese, "2021-02-14", "us-and-them"},
			{"Hi, Mom took it on 2021-02-15", femaleChinese, "2021-02-15", "hi-mom"},
			{"YOLO (3,460M) did not pass Hi, Mom (5,413M)", femaleChinese, "2024-12-31", "hi-mom"},
			{"zh and cmn are the same language for records", charts.RecordFilter{Territory: "CN", DirectorGender: "female", OriginalLanguage: "zh"}, "2018-05-01", "us-and-them"},
			{"Wolf Warrior 2 was the highest-grossing film in China when Us and Them opened", charts.RecordFilter{Territory: "CN"}, "2018-04-28", "wolf-warrior-2"},
			{"Wolf Warrior 2 (5,690M) stayed above Hi, Mom (5,413M)", charts.RecordFilter{Territory: "CN", OriginalLanguage: "zh"}, "2024-12-31", "wolf-warrior-2"},
			{"a filter no film matches has no holder", charts.RecordFilter{Territory: "CN", OriginalLanguage: "en"}, "2024-12-31", ""},
			{"a territory without figures has no holder", charts.RecordFilter{Territory: "US"}, "2024-12-31", ""},
		}
		for _, c := range cases {
			t.Run(c.fact, func(t *testing.T) {
				reign, standing, err := bo.Record(ctx, c.filter, c.asOf)
				if c.holder == "" {
					if !errors.Is(err, store.ErrNotFound) {
						t.Fatalf("%s: want no holder (ErrNotFound), got title %d, %v", c.fact, reign.TitleID, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", c.fact, err)
				}
				if reign.TitleID != ids[c.holder] || standing.TitleID != ids[c.holder] {
					t.Errorf("%s: holder as of %s is title %d, want %s (%d)", c.fact, c.asOf, reign.TitleID, c.holder, ids[c.holder])
				}
				ranking, err := bo.Ranking(ctx, c.filter, c.asOf, 1)
				if err != nil || len(ranking) != 1 || ranking[0].TitleID != reign.TitleID {
					t.Errorf("%s: the record holder must top the ranking: %+v, %v", c.fact, ranking, err)
				}
			})
		}

		tl, err := bo.RecordTimeline(ctx, femaleChinese)
		if err != nil {
			t.Fatal(err)
		}
		byTitle := map[int64]charts.Reign{}
		for _, r := range tl {
			byTitle[r.TitleID] = r
		}
		ut, hm := byTitle[ids["us-and-them"]], byTitle[ids["hi-mom"]]
		if ut.From != "2018-05-01" || ut.Until != "2021-02-15" || ut.Passed != ids["book-of-love"] || ut.PassedTotal.Amount != 78500000000 {
			t.Errorf("Us and Them must take the record from Book of Love's CNY 785M on 2018-05-01 and hold it until 2021-02-15: %+v", ut)
		}
		if hm.From != "2021-02-15" || hm.Until != "" || hm.Passed != ids["us-and-them"] || hm.PassedTotal.Amount != 136000000000 {
			t.Errorf("Hi, Mom must take the record from Us and Them's CNY 1,360M on 2021-02-15 and still hold it: %+v", hm)
		}
		if _, ok := byTitle[ids["yolo"]]; ok {
			t.Errorf("YOLO never held the record: %+v", tl)
		}
		if _, ok := byTitle[ids["wolf-warrior-2"]]; ok {
			t.Errorf("a film directed by a man is not in a record for films directed by women: %+v", tl)
		}
		if ut.Took.Amount != 92500000000 || !ut.Estimate {
			t.Errorf("Us and Them took the record with the CNY 925M Global Times reported for days 1-4; Book of Love's total stands on an estimated last day, so the reign is marked estimate: %+v", ut)
		}
		last := tl[0]
		for _, r := range tl[1:] {
			if r.From != last.Until {
				t.Errorf("each reign must end the day the next begins: %+v then %+v", last, r)
			}
			last = r
		}

		if _, _, err := bo.Record(ctx, charts.RecordFilter{Territory: "CN", DirectorGender: "woman"}, "2020-01-01"); err == nil {
			t.Errorf("an unknown gender must be refused")
		}
		if _, _, err := bo.Record(ctx, femaleChinese, "2020/01/01"); err == nil {
			t.Errorf("an as-of date in the wrong format must be refused")
		}
	})
}

func TestDemoRunOfUsAndThem(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	bo, ids := loadDemo(t, db)
	if err := bo.AddRates(ctx, charts.DemoRates()); err != nil {
		t.Fatalf("store the demo's exchange rates: %v", err)
	}
	run, err := bo.Run(ctx, ids["us-and-them"], "CN")
	if err != nil {
		t.Fatal(err)
	}
	if run.OpeningDay != "2018-04-28" || run.OpeningGross != 28000000000 {
		t.Errorf("Us and Them opened on 2018-04-28 with CNY 280M (Maoyan): %s %d", run.OpeningDay, run.OpeningGross)
	}
	if len(run.Days) == 0 || run.Days[0].N != 1 || run.Days[0].Day != "2018-04-28" {
		t.Errorf("a run starts on its day 1, the release date, never on a day 0: %+v", run.Days[:min(2, len(run.Days))])
	}
	day1, _ := run.On("2018-04-28")
	if day1.Estimate || day1.Source != "Maoyan" {
		t.Errorf("day 1 is a reported figure and keeps its source: %+v", day1)
	}
	day2, _ := run.On("2018-04-29")
	if !day2.Estimate || day2.Interpolated || day2.Cumulative/1e7 != 5621 {
		t.Errorf("day 2's total is the reported US$88.8M two-day total at the reference rate, CNY 562.1M, an estimate: %+v", day2)
	}
	day4, _ := run.On("2018-05-01")
	if day4.Estimate || day4.Cumulative != 92500000000 {
		t.Errorf("days 1-4 made about CNY 925M, as Global Times reported: %+v", day4)
	}
	if day, _ := run.On("2018-04-30"); !day.Estimate || !day.Interpolated {
		t.Errorf("a day between reported points must be an interpolated estimate: %+v", day)
	}
	day10, _ := run.On("2018-05-07")
	if !day10.Estimate || day10.N != 10 || day10.Cumulative/1e7 != 12242 {
		t.Errorf("day 10's total is the reported US$193.4M at the reference rate, CNY 1,224.2M, an estimate: %+v", day10)
	}
	day6, _ := run.On("2018-05-03")
	if day6.Gross < 3000000000 {
		t.Errorf("between day 5 (past CNY 1bn) and day 10 (CNY 1.22bn) the film made tens of millions a day, not %d", day6.Gross)
	}
	if run.Total != 136000000000 || !run.TotalEstimate {
		t.Errorf("the final gross is CNY 1,360M on a stand-in last day, marked estimate: %d %v", run.Total, run.TotalEstimate)
	}
	if run.OpeningWeekend.Rule != charts.WeekendFirstThreeDays || !run.OpeningWeekend.Estimate {
		t.Errorf("a Saturday opening's weekend is its first three days, here partly estimated: %+v", run.OpeningWeekend)
	}
	ms := run.Milestones(78500000000, 80000000000, 100000000000)
	if ms[0].Day != "2018-05-01" || ms[1].Day != "2018-05-01" || ms[2].Day != "2018-05-02" || ms[0].N != 4 || ms[2].N != 5 {
		t.Errorf("Us and Them passed 785M and 800M on day 4 and 1bn on day 5: %+v", ms)
	}
	usd, err := bo.RunInUSD(ctx, ids["us-and-them"], "CN")
	if err != nil {
		t.Fatalf("with the demo's reference rate the run must convert to US dollars: %v", err)
	}
	d10, _ := usd.On("2018-05-07")
	if d10.Cumulative < 19300000000 || d10.Cumulative > 19400000000 {
		t.Errorf("close to US$200M in its first 10 days: US$193.4M by day 10, got %d cents", d10.Cumulative)
	}
}

// TestDemoGrossesFollowTheFacts checks the demo's box office against
// films.csv, the shared facts as copied into internal/demo.
func TestDemoGrossesFollowTheFacts(t *testing.T) {
	f, err := os.Open("../demo/films.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{"Us and Them": "us-and-them", "So Young": "so-young", "Book of Love": "book-of-love", "Hi Mom": "hi-mom",
		"Sister": "sister", "YOLO": "yolo", "Go Lala Go!": "go-lala-go", "Wolf Warrior 2": "wolf-warrior-2"}
	ids := map[string]int64{}
	for i, k := range []string{"us-and-them", "so-young", "book-of-love", "hi-mom", "sister", "yolo", "go-lala-go", "wolf-warrior-2"} {
		ids[k] = int64(i + 1)
	}
	gs := charts.DemoGrosses(ids)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, rec := range recs[1:] {
		key := keys[rec[col["title_en"]]]
		id := ids[key]
		var mine []charts.Gross
		for _, g := range gs {
			if g.TitleID == id {
				mine = append(mine, g)
			}
		}
		if len(mine) == 0 {
			t.Errorf("%s: the demo must have figures for every film of films.csv", key)
			continue
		}
		final, err := charts.ParseAmount(rec[col["final_gross_cny_m"]]+"000000", "CNY")
		if err != nil {
			t.Fatal(err)
		}
		last := mine[len(mine)-1]
		if last.Kind != charts.KindCumulative || last.Amount != final {
			t.Errorf("%s: the last figure must be the final gross of films.csv as a cumulative, got %+v", key, last)
		}
		if first := mine[0]; first.Amount != 0 || first.Day >= rec[col["cn_release"]] {
			t.Errorf("%s: the run must start from nothing the day before cn_release %s: %+v", key, rec[col["cn_release"]], first)
		}
		for _, g := range mine {
			if g.Currency != "CNY" || g.Territory != "CN" || g.Source == "" || !strings.Contains(g.Note, "confidence "+rec[col["confidence"]]) {
				t.Errorf("%s: every demo figure is CNY in CN with its source and the fact's confidence: %+v", key, g)
			}
		}
	}
	if got := charts.DemoGrosses(map[string]int64{"us-and-them": 7}); len(got) == 0 || got[0].TitleID != 7 {
		t.Errorf("films missing from the map are left out, the others keep their IDs")
	}
}
