package charts

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// Milestone is the first day a run's cumulative gross reached Threshold
// (cumulative ≥ threshold). Reached is false, and the day fields are empty,
// when the run has not reached it. Cumulative is the total that day, in the
// threshold's currency; Estimate says whether that day is an estimate.
type Milestone struct {
	Threshold  Money  `json:"threshold"`
	Reached    bool   `json:"reached"`
	Day        string `json:"day,omitempty"`
	N          int    `json:"n,omitempty"`
	Cumulative Money  `json:"cumulative,omitzero"`
	Estimate   bool   `json:"estimate"`
}

// Milestones returns, for each threshold in the run's own currency (minor
// units), the first day the cumulative reached it, in the order given. A
// cumulative that falls back below a threshold after a refund does not undo
// the milestone: it was reached on that day.
func (r Run) Milestones(thresholds ...int64) []Milestone {
	out := make([]Milestone, len(thresholds))
	for i, th := range thresholds {
		m := Milestone{Threshold: Money{th, r.Currency}}
		for _, d := range r.Days {
			if d.Cumulative >= th {
				m.Reached, m.Day, m.N, m.Estimate = true, d.Day, d.N, d.Estimate
				m.Cumulative = Money{d.Cumulative, r.Currency}
				break
			}
		}
		out[i] = m
	}
	return out
}

// InUSD returns the run counted in US cents, by the exchange-rate policy of
// docs/boxoffice.md: each day's gross (a refund too) is converted at the rate
// in force on that day (Rates.ToUSD), and the cumulative in dollars is the
// sum of the converted days. So a day's dollar figure never changes once its
// rate is known, and a milestone in dollars is reached on a day of the run,
// never later because a currency moved. A day without a rate dated on or
// before it is an error wrapping ErrNoRate. A run already in USD is
// returned as it is.
func (r Run) InUSD(rates *Rates) (Run, error) {
	if r.Currency == USD {
		return r, nil
	}
	out := r
	out.Currency = USD
	out.Days = make([]Day, len(r.Days))
	var cum int64
	for i, d := range r.Days {
		g, err := rates.ToUSD(d.Gross, r.Currency, d.Day)
		if err != nil {
			return Run{}, fmt.Errorf("charts: title %d in %s in US dollars: %w", r.TitleID, r.Territory, err)
		}
		cum += g
		d.Gross, d.Cumulative = g, cum
		out.Days[i] = d
	}
	out.Total = cum
	if i := slices.IndexFunc(out.Days, func(d Day) bool { return d.Day == r.OpeningDay }); i >= 0 {
		out.OpeningGross = out.Days[i].Gross
		out.OpeningWeekend = openingWeekend(out.Days[i:])
	}
	return out, nil
}

// Milestones returns a title's milestones in a territory, for thresholds in
// the run's own currency or in USD (converted as Run.InUSD says, with the
// stored exchange rates); each threshold's currency says which. A threshold
// in a third currency is an error, as is a missing run (wrapping
// store.ErrNotFound) or a missing rate (wrapping ErrNoRate).
func (b *BoxOffice) Milestones(ctx context.Context, titleID int64, territory string, thresholds ...Money) ([]Milestone, error) {
	run, err := b.Run(ctx, titleID, territory)
	if err != nil {
		return nil, err
	}
	var usd *Run
	out := make([]Milestone, len(thresholds))
	for i, th := range thresholds {
		switch th.Currency {
		case run.Currency:
			out[i] = run.Milestones(th.Amount)[0]
		case USD:
			if usd == nil {
				rates, err := loadRates(ctx, b.db, run.Currency)
				if err != nil {
					return nil, fmt.Errorf("charts: milestones: %w", err)
				}
				u, err := run.InUSD(rates)
				if err != nil {
					return nil, err
				}
				usd = &u
			}
			out[i] = usd.Milestones(th.Amount)[0]
		default:
			return nil, fmt.Errorf("charts: milestone %s: title %d's run in %s is counted in %s; give thresholds in %s or USD",
				th, titleID, territory, run.Currency, run.Currency)
		}
	}
	return out, nil
}

// RoundThresholds returns up to max round amounts (1, 2 or 5 times a power
// of ten, in minor units, and their multiples) below or at total, for
// marking a chart when no milestones are asked for: for a total of
// CNY 1.36bn and max 3, CNY 500M and 1bn. It returns nil for a total of
// zero or less.
func RoundThresholds(total int64, currency string, max int) []int64 {
	if total <= 0 || max <= 0 {
		return nil
	}
	step := int64(0)
	for p := int64(math.Pow10(MinorDigits(currency))); step == 0; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if total/(m*p) <= int64(max) {
				step = m * p
				break
			}
		}
	}
	var out []int64
	for v := step; v <= total; v += step {
		out = append(out, v)
	}
	return out
}
