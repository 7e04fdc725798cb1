package charts

import "strings"

// DemoOrigin names the demo's box-office import.
const DemoOrigin = "Lineup demo (shared facts)"

// demoPoint is one fact about a run, as the facts state it.
type demoPoint struct {
	day      string
	kind     string
	amount   string // CNY, major units
	estimate bool
	source   string
	note     string
}

// demoFilm is one row of films.csv (the shared facts) as box-office points.
type demoFilm struct {
	key        string // the demo catalogue's key
	release    string // cn_release
	final      string // final_gross_cny_m, in CNY
	confidence string
	lastDay    string // the last day in cinemas, when the facts give it
	points     []demoPoint
}

const factsSource = "films.csv"

// demoFilms transcribes films.csv and us-and-them.md (the shared facts,
// copied to internal/demo). A test checks it against films.csv.
var demoFilms = []demoFilm{
	{key: "us-and-them", release: "2018-04-28", final: "1360000000", confidence: "M", points: []demoPoint{
		{day: "2018-04-28", kind: KindDaily, amount: "280000000", source: "Maoyan", note: "day 1 gross, as reported"},
		{day: "2018-04-29", kind: KindCumulative, amount: "562104000", estimate: true, source: "Variety / EntGroup",
			note: "two-day total of about US$88.8M as reported, in CNY at the demo's reference rate of 6.33 CNY per USD: a conversion, not a reported CNY figure"},
		{day: "2018-05-01", kind: KindCumulative, amount: "925000000", source: "Global Times",
			note: "days 1-4 about CNY 925M, as reported on 2018-05-02 (passed CNY 800M before 11:00 that day)"},
		{day: "2018-05-02", kind: KindCumulative, amount: "1000000000.01", estimate: true, source: factsSource,
			note: "passed CNY 1bn on day 5: the least figure that passes it, not a reported number"},
		{day: "2018-05-07", kind: KindCumulative, amount: "1224222000", estimate: true, source: "Los Angeles Times / Artisan Gateway",
			note: "US$193.4M for the first ten days (\"close to US$200M\"), in CNY at the demo's reference rate of 6.33 CNY per USD: a conversion, not a reported CNY figure"},
	}},
	{key: "so-young", release: "2013-04-26", final: "719000000", confidence: "M", points: []demoPoint{
		{day: "2013-04-26", kind: KindDaily, amount: "46500000", source: factsSource, note: "day 1 gross, as reported"},
	}},
	{key: "book-of-love", release: "2016-04-29", final: "785000000", confidence: "M"},
	{key: "hi-mom", release: "2021-02-12", final: "5413000000", confidence: "H", points: []demoPoint{
		{day: "2021-02-15", kind: KindCumulative, amount: "1360000000.01", estimate: true, source: factsSource,
			note: "passed Us and Them's total (CNY 1,360M) on day 4: the least figure that passes it, not a reported number"},
	}},
	{key: "sister", release: "2021-04-02", final: "860000000", confidence: "M"},
	{key: "yolo", release: "2024-02-10", final: "3460000000", confidence: "M", lastDay: "2024-04-10", points: []demoPoint{
		{day: "2024-02-11", kind: KindCumulative, amount: "804000000", source: factsSource, note: "first two days, as reported"},
	}},
	{key: "go-lala-go", release: "2010-04-15", final: "125000000", confidence: "L"},
	{key: "wolf-warrior-2", release: "2017-07-27", final: "5690000000", confidence: "H"},
}

// demoRunDays is how long the demo assumes a run lasted when the facts give
// no last day: 60 days, as long as YOLO's known run (2024-02-10 to
// 2024-04-10). The final gross is placed on that day and marked estimate.
const demoRunDays = 60

// DemoGrosses returns the demo's box-office figures, mainland China (CN) in
// CNY, built from the shared facts only; titles maps the demo catalogue's
// keys ("us-and-them") to title IDs, and a film whose key is missing is left
// out. Store them with BoxOffice.Add.
//
// How the facts become figures (docs/boxoffice.md says it for people):
//
//   - The day before the release date the cumulative is 0 (source films.csv,
//     the release date's own confidence), so a run starts from nothing on
//     its release day.
//   - A reported figure is stored as reported: Us and Them's day 1
//     (CNY 280M, Maoyan), So Young's day 1 (46.5M), YOLO's first two days
//     (804M, a cumulative).
//   - "Passed X on day N" is stored as a cumulative of X plus one fen on
//     that day, marked estimate: the least figure that makes the statement
//     true, never a number anyone reported.
//   - A final gross is a cumulative at the end of the run. YOLO's last day
//     is known (2024-04-10), so its final is a reported figure on that day;
//     for the others the facts give no last day, so the final stands on the
//     60th day of release, marked estimate, with a note saying so.
//   - Days between these points have no figure: Run interpolates them and
//     marks them estimate.
//
// Us and Them's dollar figures ("about US$88.8M" in two days, "US$193.4M,
// close to US$200M" in ten) are stored in CNY at the reference rate of
// DemoRates, marked estimate with a note naming the conversion, so that the
// run in dollars (at the same rate) shows them as reported.
func DemoGrosses(titles map[string]int64) []Gross {
	var out []Gross
	for _, f := range demoFilms {
		id, ok := titles[f.key]
		if !ok || id <= 0 {
			continue
		}
		conf := " (confidence " + f.confidence + ")"
		add := func(p demoPoint) {
			amount, err := ParseAmount(p.amount, "CNY")
			if err != nil {
				panic("charts: demo amount " + p.amount + ": " + err.Error())
			}
			out = append(out, Gross{TitleID: id, Territory: "CN", Day: p.day, Kind: p.kind, Amount: amount, Currency: "CNY",
				Source: p.source, Estimate: p.estimate, Note: strings.TrimSpace(p.note + conf)})
		}
		add(demoPoint{day: addDays(f.release, -1), kind: KindCumulative, amount: "0", source: factsSource,
			note: "nothing grossed before the release date " + f.release})
		for _, p := range f.points {
			add(p)
		}
		if f.lastDay != "" {
			add(demoPoint{day: f.lastDay, kind: KindCumulative, amount: f.final, source: factsSource,
				note: "final gross; " + f.lastDay + " was the last day in cinemas"})
		} else {
			add(demoPoint{day: addDays(f.release, demoRunDays-1), kind: KindCumulative, amount: f.final, estimate: true, source: factsSource,
				note: "final gross as reported; the last day is unknown, so the demo places it on the 60th day of release"})
		}
	}
	return out
}

// DemoRates returns the demo's exchange rate, a sourced fact: the rate the
// reports of Us and Them's opening used, CNY 1bn = US$158M (Global Times,
// 2018-05-02), about 6.33 CNY per US dollar, within the PBOC central parity's
// range of late April to mid-May 2018 (about 6.28 to 6.38). It is dated the
// day before the film's release, so it is in force for its whole run; the
// facts give no rate for the other films' years, and their runs are not
// converted (asking for them in dollars says so).
func DemoRates() []Rate {
	return []Rate{{Currency: "CNY", Day: "2018-04-27", PerUSD: "6.33",
		Source: "Global Times 2018-05-02: CNY 1bn = US$158M (shared facts, confidence M)"}}
}
