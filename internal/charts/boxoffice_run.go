package charts

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// Opening-weekend rules, as Weekend.Rule names them.
const (
	// WeekendFridayToSunday: the run opened on a Friday, and its opening
	// weekend is that Friday, Saturday and Sunday.
	WeekendFridayToSunday = "friday-to-sunday"
	// WeekendFirstThreeDays: the run opened on another day of the week, and
	// its "opening weekend" is its first three days (opening day and the
	// two after), whatever days of the week those are.
	WeekendFirstThreeDays = "first-three-days"
)

// Day is one calendar day of a run, derived from the figures.
type Day struct {
	// Day is the date, YYYY-MM-DD.
	Day string `json:"day"`
	// N is the day of release: 1 on the opening day, 0 or less before it.
	N int `json:"n"`
	// Gross is the day's gross: the cumulative less the day before's.
	Gross int64 `json:"gross"`
	// Cumulative is the total from the start of the run to the end of the
	// day.
	Cumulative int64 `json:"cumulative"`
	// Estimate is true when the day's number is not a reported figure: the
	// chosen figure was marked as an estimate, or the day had no figure at
	// all and was interpolated. Show it as an estimate.
	Estimate bool `json:"estimate"`
	// Interpolated is true when the day had no figure of its own.
	Interpolated bool `json:"interpolated"`
	// Kind is the kind of the figure the day's number comes from
	// (KindDaily or KindCumulative), "" when interpolated; Source is that
	// figure's source and Revision its revision count.
	Kind     string `json:"kind,omitempty"`
	Source   string `json:"source,omitempty"`
	Revision int    `json:"revision,omitempty"`
}

// Weekend is a run's opening weekend (see the Weekend* rules). Days counts
// the days of it that the run has; fewer than 3 means the figures stop
// before the weekend ends.
type Weekend struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Rule     string `json:"rule"`
	Gross    int64  `json:"gross"`
	Days     int    `json:"days"`
	Estimate bool   `json:"estimate"`
}

// Run is a title's box-office run in one territory, derived from its figures
// (see derive for the rules). Days runs from the first figure's day to the
// last's, every calendar day present. OpeningDay is the first day with a
// gross other than zero ("" when there is none); DaysInRelease counts the
// days from the opening day to the last figure's day, both included. Total
// is the cumulative at the end of the last day; TotalEstimate says whether
// that day is an estimate.
type Run struct {
	TitleID        int64   `json:"title_id"`
	Territory      string  `json:"territory"`
	Currency       string  `json:"currency"`
	Days           []Day   `json:"days"`
	OpeningDay     string  `json:"opening_day"`
	OpeningGross   int64   `json:"opening_gross"`
	OpeningWeekend Weekend `json:"opening_weekend"`
	DaysInRelease  int     `json:"days_in_release"`
	LastDay        string  `json:"last_day"`
	Total          int64   `json:"total"`
	TotalEstimate  bool    `json:"total_estimate"`
}

// On returns the run's day d (YYYY-MM-DD) and whether the run covers it.
func (r Run) On(d string) (Day, bool) {
	i, ok := slices.BinarySearchFunc(r.Days, d, func(x Day, d string) int {
		switch {
		case x.Day < d:
			return -1
		case x.Day > d:
			return 1
		}
		return 0
	})
	if !ok {
		return Day{}, false
	}
	return r.Days[i], true
}

// CumulativeAsOf returns the cumulative at the end of day d: 0 before the
// run's first day, the total after its last. est says whether that number
// is an estimate.
func (r Run) CumulativeAsOf(d string) (cum int64, est bool) {
	if len(r.Days) == 0 || d < r.Days[0].Day {
		return 0, false
	}
	if d >= r.LastDay {
		return r.Total, r.TotalEstimate
	}
	day, _ := r.On(d)
	return day.Cumulative, day.Estimate
}

// Run derives a title's run in a territory from its stored figures. A title
// with no figures there is an error wrapping store.ErrNotFound.
func (b *BoxOffice) Run(ctx context.Context, titleID int64, territory string) (Run, error) {
	gs, err := loadGrosses(ctx, b.db, titleID, territory)
	if err != nil {
		return Run{}, fmt.Errorf("charts: run of title %d in %s: %w", titleID, territory, err)
	}
	if len(gs) == 0 {
		return Run{}, fmt.Errorf("charts: run of title %d in %s: no box-office figures: %w", titleID, territory, store.ErrNotFound)
	}
	return b.derive(titleID, territory, gs), nil
}

// Runs returns a title's runs in every territory where it has figures, by
// territory; none is an empty slice, not an error.
func (b *BoxOffice) Runs(ctx context.Context, titleID int64) ([]Run, error) {
	gs, err := b.Grosses(ctx, titleID, "")
	if err != nil {
		return nil, err
	}
	var out []Run
	for i := 0; i < len(gs); {
		j := i
		for j < len(gs) && gs[j].Territory == gs[i].Territory {
			j++
		}
		out = append(out, b.derive(titleID, gs[i].Territory, gs[i:j]))
		i = j
	}
	return out, nil
}

// better orders competing figures of one day and kind: the source earlier in
// the priority list first, then the most recent import, then the figure
// stored first.
func (b *BoxOffice) better(x, y Gross) bool {
	px, py := b.priority(x.Source), b.priority(y.Source)
	if px != py {
		return px < py
	}
	if x.ImportID != y.ImportID {
		return x.ImportID > y.ImportID
	}
	return x.ID < y.ID
}

func (b *BoxOffice) priority(source string) int {
	if i := slices.Index(b.cfg.SourcePriority, source); i >= 0 {
		return i
	}
	return len(b.cfg.SourcePriority)
}

// derive builds a run from a title's figures in one territory:
//
//  1. For each day and kind the figure that counts is chosen by source
//     priority (see Config.SourcePriority).
//  2. Days with a figure are walked in order. A cumulative figure sets the
//     running total; a daily figure adds to it. When a day has both, the
//     cumulative counts and the daily is ignored.
//  3. Every calendar day between the first and the last figure is present.
//     A day without a figure is interpolated, and marked so and as an
//     estimate: when the next figure is a cumulative, the total rises in a
//     straight line to it (each step rounded toward zero to the minor unit); when the next
//     figure is a daily gross, nothing is known to have been added, so the
//     total stays level.
//  4. A day's gross is its cumulative less the day before's (the first
//     day's is its cumulative).
//
// The figures must share one currency (imports see to it); derive does not
// convert.
func (b *BoxOffice) derive(titleID int64, territory string, gs []Gross) Run {
	run := Run{TitleID: titleID, Territory: territory}
	if len(gs) == 0 {
		return run
	}
	run.Currency = gs[0].Currency
	type pick struct{ daily, cum *Gross }
	picks := map[string]*pick{}
	var days []string
	for i := range gs {
		g := &gs[i]
		p := picks[g.Day]
		if p == nil {
			p = &pick{}
			picks[g.Day] = p
			days = append(days, g.Day)
		}
		slot := &p.daily
		if g.Kind == KindCumulative {
			slot = &p.cum
		}
		if *slot == nil || b.better(*g, **slot) {
			*slot = g
		}
	}
	slices.Sort(days)
	var cum int64
	prevDay := ""
	for _, d := range days {
		p := picks[d]
		chosen := p.cum
		next := cum
		if chosen != nil {
			next = chosen.Amount
		} else {
			chosen = p.daily
			next = cum + chosen.Amount
		}
		if prevDay != "" {
			// Fill the gap days.
			gap := daysBetween(prevDay, d)
			target := cum // the total just before day d
			if chosen.Kind == KindCumulative {
				target = next
			}
			diff := target - cum
			for k := 1; k < gap; k++ {
				c := cum + (diff/int64(gap))*int64(k) + (diff%int64(gap))*int64(k)/int64(gap)
				run.Days = append(run.Days, Day{Day: addDays(prevDay, k), Cumulative: c, Estimate: true, Interpolated: true})
			}
		}
		run.Days = append(run.Days, Day{Day: d, Cumulative: next, Estimate: chosen.Estimate,
			Kind: chosen.Kind, Source: chosen.Source, Revision: chosen.Revision})
		cum, prevDay = next, d
	}
	prev := int64(0)
	for i := range run.Days {
		run.Days[i].Gross = run.Days[i].Cumulative - prev
		prev = run.Days[i].Cumulative
	}
	last := run.Days[len(run.Days)-1]
	run.LastDay, run.Total, run.TotalEstimate = last.Day, last.Cumulative, last.Estimate
	open := slices.IndexFunc(run.Days, func(d Day) bool { return d.Gross != 0 })
	for i := range run.Days {
		if open >= 0 {
			run.Days[i].N = i - open + 1
		}
	}
	if open < 0 {
		return run
	}
	// Days before the opening (the zero a run starts from) are no day of
	// release: a run's first day is its day 1.
	run.Days = run.Days[open:]
	run.OpeningDay, run.OpeningGross = run.Days[0].Day, run.Days[0].Gross
	run.DaysInRelease = len(run.Days)
	run.OpeningWeekend = openingWeekend(run.Days)
	return run
}

// RunInUSD is Run converted to US dollars with the stored exchange rates
// (see Run.InUSD). A figure dated before every stored rate of its currency
// is an error matching ErrNoRate, a *NoRateError that says what to do.
func (b *BoxOffice) RunInUSD(ctx context.Context, titleID int64, territory string) (Run, error) {
	run, err := b.Run(ctx, titleID, territory)
	if err != nil {
		return Run{}, err
	}
	rates, err := loadRates(ctx, b.db, run.Currency)
	if err != nil {
		return Run{}, fmt.Errorf("charts: run of title %d in %s: %w", titleID, territory, err)
	}
	return run.InUSD(rates)
}

// openingWeekend applies the Weekend* rules to the days from the opening day
// on. Both rules cover the first three days of release; the rule says
// whether those are a Friday-to-Sunday weekend.
func openingWeekend(days []Day) Weekend {
	first := days[0].Day
	w := Weekend{From: first, To: addDays(first, 2), Rule: WeekendFirstThreeDays}
	if dayTime(first).Weekday() == time.Friday {
		w.Rule = WeekendFridayToSunday
	}
	for _, d := range days {
		if d.Day > w.To {
			break
		}
		w.Gross += d.Gross
		w.Days++
		w.Estimate = w.Estimate || d.Estimate
	}
	return w
}

func dayTime(d string) time.Time {
	t, _ := time.Parse(time.DateOnly, d)
	return t
}

func addDays(d string, n int) string { return dayTime(d).AddDate(0, 0, n).Format(time.DateOnly) }

func daysBetween(a, b string) int { return int(dayTime(b).Sub(dayTime(a)).Hours() / 24) }

// indexOf returns the index of day d in days, or -1.
func indexOf(days []Day, d string) int {
	for i, x := range days {
		if x.Day == d {
			return i
		}
	}
	return -1
}
