package charts

import (
	"testing"
)

// fig builds a stored-looking figure for derive: CNY, title 1, CN.
func fig(id int64, day, kind string, amount int64, source string, importID int64, est bool) Gross {
	return Gross{ID: id, TitleID: 1, Territory: "CN", Day: day, Kind: kind, Amount: amount, Currency: "CNY",
		Source: source, ImportID: importID, Estimate: est, Revision: 1}
}

func TestDeriveRules(t *testing.T) {
	type want struct {
		day         string
		gross, cum  int64
		est, interp bool
	}
	cases := []struct {
		rule     string
		priority []string
		figures  []Gross
		want     []want
	}{
		{
			rule: "daily figures add up, a refund lowers the total",
			figures: []Gross{
				fig(1, "2018-04-28", KindDaily, 100, "A", 1, false),
				fig(2, "2018-04-29", KindDaily, 50, "A", 1, false),
				fig(3, "2018-04-30", KindDaily, -20, "A", 1, false),
			},
			want: []want{{"2018-04-28", 100, 100, false, false}, {"2018-04-29", 50, 150, false, false}, {"2018-04-30", -20, 130, false, false}},
		},
		{
			rule: "a gap before a daily figure stays level and is an estimate",
			figures: []Gross{
				fig(1, "2018-04-28", KindDaily, 100, "A", 1, false),
				fig(2, "2018-05-01", KindDaily, 30, "A", 1, false),
			},
			want: []want{{"2018-04-28", 100, 100, false, false}, {"2018-04-29", 0, 100, true, true}, {"2018-04-30", 0, 100, true, true}, {"2018-05-01", 30, 130, false, false}},
		},
		{
			rule: "a gap before a cumulative figure rises in a straight line and is an estimate",
			figures: []Gross{
				fig(1, "2018-04-28", KindDaily, 280, "Maoyan", 1, false),
				fig(2, "2018-05-01", KindCumulative, 790, "facts", 1, true),
			},
			want: []want{{"2018-04-28", 280, 280, false, false}, {"2018-04-29", 170, 450, true, true}, {"2018-04-30", 170, 620, true, true}, {"2018-05-01", 170, 790, true, false}},
		},
		{
			rule: "without a preference, the most recent import wins among sources",
			figures: []Gross{
				fig(1, "2018-04-28", KindDaily, 100, "A", 1, false),
				fig(2, "2018-04-28", KindDaily, 120, "B", 2, false),
			},
			want: []want{{"2018-04-28", 120, 120, false, false}},
		},
		{
			rule:     "a preferred source wins over a more recent import",
			priority: []string{"A"},
			figures: []Gross{
				fig(1, "2018-04-28", KindDaily, 100, "A", 1, false),
				fig(2, "2018-04-28", KindDaily, 120, "B", 2, false),
			},
			want: []want{{"2018-04-28", 100, 100, false, false}},
		},
		{
			rule: "a cumulative figure sets the total even when the day has a daily one",
			figures: []Gross{
				fig(1, "2018-04-28", KindDaily, 100, "A", 1, false),
				fig(2, "2018-04-29", KindDaily, 40, "A", 1, false),
				fig(3, "2018-04-29", KindCumulative, 150, "B", 1, false),
			},
			want: []want{{"2018-04-28", 100, 100, false, false}, {"2018-04-29", 50, 150, false, false}},
		},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			b := NewBoxOffice(nil, Config{SourcePriority: c.priority})
			run := b.derive(1, "CN", c.figures)
			if len(run.Days) != len(c.want) {
				t.Fatalf("%s: got %d days, want %d: %+v", c.rule, len(run.Days), len(c.want), run.Days)
			}
			for i, w := range c.want {
				d := run.Days[i]
				if d.Day != w.day || d.Gross != w.gross || d.Cumulative != w.cum || d.Estimate != w.est || d.Interpolated != w.interp {
					t.Errorf("%s: day %d = {%s gross %d cum %d est %v interp %v}, want %+v", c.rule, i, d.Day, d.Gross, d.Cumulative, d.Estimate, d.Interpolated, w)
				}
			}
		})
	}
}

func TestOpeningDayAndWeekend(t *testing.T) {
	cases := []struct {
		rule          string
		figures       []Gross
		opening       string
		weekend       Weekend
		daysInRelease int
	}{
		{
			rule: "a Friday opening's weekend is Friday to Sunday",
			figures: []Gross{
				fig(1, "2021-02-11", KindCumulative, 0, "A", 1, false), // the eve: nothing yet
				fig(2, "2021-02-12", KindDaily, 10, "A", 1, false),     // a Friday
				fig(3, "2021-02-13", KindDaily, 20, "A", 1, false),
				fig(4, "2021-02-14", KindDaily, 30, "A", 1, false),
				fig(5, "2021-02-15", KindDaily, 40, "A", 1, false),
			},
			opening:       "2021-02-12",
			weekend:       Weekend{From: "2021-02-12", To: "2021-02-14", Rule: WeekendFridayToSunday, Gross: 60, Days: 3},
			daysInRelease: 4,
		},
		{
			rule: "a Saturday opening's weekend is its first three days",
			figures: []Gross{
				fig(1, "2018-04-28", KindDaily, 280, "A", 1, false), // a Saturday
				fig(2, "2018-04-29", KindDaily, 200, "A", 1, false),
				fig(3, "2018-04-30", KindDaily, 150, "A", 1, true),
			},
			opening:       "2018-04-28",
			weekend:       Weekend{From: "2018-04-28", To: "2018-04-30", Rule: WeekendFirstThreeDays, Gross: 630, Days: 3, Estimate: true},
			daysInRelease: 3,
		},
		{
			rule: "a run whose figures stop early has a short weekend",
			figures: []Gross{
				fig(1, "2018-04-28", KindDaily, 280, "A", 1, false),
			},
			opening:       "2018-04-28",
			weekend:       Weekend{From: "2018-04-28", To: "2018-04-30", Rule: WeekendFirstThreeDays, Gross: 280, Days: 1},
			daysInRelease: 1,
		},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			run := NewBoxOffice(nil, Config{}).derive(1, "CN", c.figures)
			if run.OpeningDay != c.opening {
				t.Errorf("%s: opening day %q, want %q (the first day with a gross)", c.rule, run.OpeningDay, c.opening)
			}
			if run.OpeningWeekend != c.weekend {
				t.Errorf("%s: weekend %+v, want %+v", c.rule, run.OpeningWeekend, c.weekend)
			}
			if run.DaysInRelease != c.daysInRelease {
				t.Errorf("%s: %d days in release, want %d", c.rule, run.DaysInRelease, c.daysInRelease)
			}
			if d, _ := run.On(c.opening); d.N != 1 {
				t.Errorf("%s: the opening day must be day 1, got %d", c.rule, d.N)
			}
		})
	}
}

func TestTimelineTieKeepsTheHolder(t *testing.T) {
	b := NewBoxOffice(nil, Config{})
	a := b.derive(1, "CN", []Gross{fig(1, "2020-01-01", KindDaily, 100, "A", 1, false)})
	c := []Gross{fig(2, "2020-01-05", KindDaily, 100, "A", 1, false), fig(3, "2020-01-06", KindDaily, 1, "A", 1, false)}
	for i := range c {
		c[i].TitleID = 2
	}
	other := b.derive(2, "CN", c)
	tl := timeline([]Run{a, other})
	if len(tl) != 2 || tl[0].TitleID != 1 || tl[1].TitleID != 2 || tl[1].From != "2020-01-06" || tl[0].Until != "2020-01-06" {
		t.Fatalf("a tie must leave the record with its holder, passing it takes it the next day: %+v", tl)
	}
}
