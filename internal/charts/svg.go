package charts

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/lineup/lineup/internal/rights"
)

// ChartOptions shapes CumulativeSVG's chart. Zero values take defaults.
type ChartOptions struct {
	// Width and Height are the chart's size in CSS pixels (viewBox units);
	// defaults 640 × 320.
	Width, Height int
	// Name is the title's name as the page shows it ("Us and Them
	// (后来的我们)"); it goes into the chart's <title> and <desc>. Default:
	// "Title N".
	Name string
	// IDPrefix makes the ids of the <title> and <desc> elements unique on a
	// page with several charts; default "boxoffice-<title>-<territory>".
	IDPrefix string
	// T translates the chart's words: each call is one whole sentence or
	// label, its English text a fmt format. Nil means English (fmt.Sprintf).
	T func(key string, args ...any) string
	// Country names a territory for the reader; nil means its English name.
	Country func(code string) string
}

// CumulativeSVG draws a run's cumulative gross over its days as a
// standalone SVG document: a line that is solid where the figures are
// reported and dashed where they are estimates (interpolated days or figures
// marked estimate), a dot and a label for each reached milestone, axes with
// dates and amounts, and a legend. It has role="img" with a <title> and a
// <desc> that say in words what the chart shows (the total, each milestone
// and which stretches are estimates), for screen readers. Every text is
// escaped. It is a pure function of its arguments: the same run draws the
// same bytes. Milestones not reached, or in a currency other than the
// run's, are left out.
func CumulativeSVG(run Run, milestones []Milestone, opts ChartOptions) []byte {
	w, h := opts.Width, opts.Height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 320
	}
	name := opts.Name
	if name == "" {
		name = fmt.Sprintf("Title %d", run.TitleID)
	}
	prefix := opts.IDPrefix
	if prefix == "" {
		prefix = fmt.Sprintf("boxoffice-%d-%s", run.TitleID, strings.ToLower(run.Territory))
	}
	var ms []Milestone
	for _, m := range milestones {
		if m.Reached && m.Threshold.Currency == run.Currency {
			ms = append(ms, m)
		}
	}
	T := opts.T
	if T == nil {
		T = fmt.Sprintf
	}
	country := opts.Country
	if country == nil {
		country = rights.CountryName
	}
	place := run.Territory
	if n := country(run.Territory); n != "" {
		place = n
	}
	title := T("%s: cumulative box office in %s", name, place)

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-title %s-desc" class="boxoffice-chart">`+"\n",
		w, h, w, h, attr(prefix), attr(prefix))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`+"\n", attr(prefix), esc(title))
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`+"\n", attr(prefix), esc(describe(T, run, ms, name, place)))
	if len(run.Days) == 0 {
		fmt.Fprintf(&b, `<text %s x="%d" y="%d" text-anchor="middle">%s</text>`+"\n</svg>\n", look("label"), w/2, h/2, esc(T("No box-office figures")))
		return b.Bytes()
	}
	const left, right, top, bottom = 84.0, 24.0, 20.0, 56.0
	pw, ph := float64(w)-left-right, float64(h)-top-bottom
	var maxCum int64 = 1
	for _, d := range run.Days {
		maxCum = max(maxCum, d.Cumulative)
	}
	ticks := RoundThresholds(maxCum, run.Currency, 4)
	yMax := maxCum
	if len(ticks) > 0 {
		step := ticks[0]
		yMax = (maxCum + step - 1) / step * step
		ticks = append(ticks, yMax)
		ticks = dedupe(ticks)
	}
	n := len(run.Days)
	x := func(i int) float64 {
		if n == 1 {
			return left + pw/2
		}
		return left + pw*float64(i)/float64(n-1)
	}
	y := func(v int64) float64 { return top + ph - ph*float64(max(v, 0))/float64(yMax) }

	// Grid and y axis labels.
	b.WriteString(`<g class="y-axis">` + "\n")
	for _, t := range append([]int64{0}, ticks...) {
		fmt.Fprintf(&b, `<line %s x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, look("grid"), left, y(t), left+pw, y(t))
		fmt.Fprintf(&b, `<text %s x="%.1f" y="%.1f" text-anchor="end" dy="4">%s</text>`+"\n", look("label"), left-6, y(t), esc(Money{t, run.Currency}.Short()))
	}
	b.WriteString("</g>\n")
	// X axis: the first and last day and up to four between.
	fmt.Fprintf(&b, `<g class="x-axis"><line %s x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", look("axis"), left, top+ph, left+pw, top+ph)
	for _, i := range xTicks(n, 5) {
		anchor := "middle"
		if i == n-1 && n > 1 {
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text %s x="%.1f" y="%.1f" text-anchor="%s">%s</text>`+"\n", look("label"), x(i), top+ph+18, anchor, esc(run.Days[i].Day))
	}
	b.WriteString("</g>\n")
	// The line, in stretches: a segment into an estimated day is dashed.
	b.WriteString(`<g class="series">` + "\n")
	if n == 1 {
		cls := "line"
		if run.Days[0].Estimate {
			cls += " estimate"
		}
		fmt.Fprintf(&b, `<circle %s cx="%.1f" cy="%.1f" r="3"/>`+"\n", look(cls), x(0), y(run.Days[0].Cumulative))
	}
	for i := 1; i < n; {
		est := run.Days[i].Estimate
		j := i
		for j < n && run.Days[j].Estimate == est {
			j++
		}
		cls := "line reported"
		if est {
			cls = "line estimate"
		}
		var pts []string
		for k := i - 1; k < j; k++ {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(k), y(run.Days[k].Cumulative)))
		}
		fmt.Fprintf(&b, `<polyline %s points="%s"/>`+"\n", look(cls), strings.Join(pts, " "))
		i = j
	}
	b.WriteString("</g>\n")
	// Milestones.
	if len(ms) > 0 {
		b.WriteString(`<g class="milestones">` + "\n")
		for k, m := range ms {
			i := indexOf(run.Days, m.Day)
			if i < 0 {
				continue
			}
			cx, cy := x(i), y(run.Days[i].Cumulative)
			label := milestoneLabel(T, m)
			anchor, dx := "start", 8.0
			if cx > left+pw*0.6 {
				anchor, dx = "end", -8
			}
			dy := -10.0 - 16*float64(k%2)
			fmt.Fprintf(&b, `<g class="milestone-mark"><circle %s cx="%.1f" cy="%.1f" r="5"/>`, look("milestone"), cx, cy)
			fmt.Fprintf(&b, `<text %s x="%.1f" y="%.1f" text-anchor="%s">%s</text></g>`+"\n", look("mlabel"), cx+dx, cy+dy, anchor, esc(label))
		}
		b.WriteString("</g>\n")
	}
	// Legend.
	ly := float64(h) - 12
	fmt.Fprintf(&b, `<g class="legend"><line %s x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, look("line reported"), left, ly-4, left+24, ly-4)
	fmt.Fprintf(&b, `<text %s x="%.1f" y="%.1f">%s</text>`, look("label"), left+30, ly, esc(T("reported")))
	fmt.Fprintf(&b, `<line %s x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, look("line estimate"), left+110, ly-4, left+134, ly-4)
	fmt.Fprintf(&b, `<text %s x="%.1f" y="%.1f">%s</text></g>`+"\n", look("label"), left+140, ly, esc(T("estimate")))
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// looks are the chart's colours, strokes and fonts, as presentation
// attributes after each element's class. Attributes rather than a <style>
// element, because a page's Content-Security-Policy without
// 'unsafe-inline' drops a <style> inside an SVG drawn into the page (and
// inside the SVG document itself), and the chart would be drawn in black at
// the browser's default size. A page's own stylesheet can still restyle
// every class (a CSS rule wins over a presentation attribute): Lineup's
// dark pages do.
var looks = map[string]string{
	"axis":      `stroke="#888" stroke-width="1"`,
	"grid":      `stroke="#ddd" stroke-width="1"`,
	"label":     `font-family="sans-serif" font-size="12" fill="#444"`,
	"mlabel":    `font-family="sans-serif" font-size="12" font-weight="bold" fill="#222"`,
	"line":      `fill="none" stroke="#c0392b" stroke-width="2.5" stroke-linejoin="round"`,
	"estimate":  `stroke-dasharray="6 4"`,
	"milestone": `fill="#fff" stroke="#c0392b" stroke-width="2"`,
}

// look returns the class attribute for classes (space-separated) followed
// by their presentation attributes. An estimate stretch is thinner than a
// reported one.
func look(classes string) string {
	b := []string{`class="` + classes + `"`}
	for c := range strings.FieldsSeq(classes) {
		a := looks[c]
		if c == "line" && strings.Contains(classes, "estimate") {
			a = strings.Replace(a, `stroke-width="2.5"`, `stroke-width="2"`, 1)
		}
		if a != "" {
			b = append(b, a)
		}
	}
	return strings.Join(b, " ")
}

func milestoneLabel(T func(string, ...any) string, m Milestone) string {
	if m.Estimate {
		return T("%s · day %d (estimate)", m.Threshold.Short(), m.N)
	}
	return T("%s · day %d", m.Threshold.Short(), m.N)
}

// describe says in words what the chart shows.
// Each sentence is translated whole.
func describe(T func(string, ...any) string, run Run, ms []Milestone, name, place string) string {
	if len(run.Days) == 0 {
		return T("No box-office figures for %s in %s.", name, place)
	}
	var b strings.Builder
	total := Money{run.Total, run.Currency}.Short()
	if run.TotalEstimate {
		b.WriteString(T("Cumulative box-office gross of %s in %s, in %s, from %s to %s: %s at the end (estimate).", name, place, run.Currency,
			run.Days[0].Day, run.LastDay, total))
	} else {
		b.WriteString(T("Cumulative box-office gross of %s in %s, in %s, from %s to %s: %s at the end.", name, place, run.Currency,
			run.Days[0].Day, run.LastDay, total))
	}
	if run.OpeningDay != "" {
		b.WriteString(" " + T("Opening day %s: %s.", run.OpeningDay, Money{run.OpeningGross, run.Currency}.Short()))
	}
	for _, m := range ms {
		if m.Estimate {
			b.WriteString(" " + T("Passed %s on day %d (%s), an estimated day.", m.Threshold.Short(), m.N, m.Day))
		} else {
			b.WriteString(" " + T("Passed %s on day %d (%s).", m.Threshold.Short(), m.N, m.Day))
		}
	}
	est := 0
	for _, d := range run.Days {
		if d.Estimate {
			est++
		}
	}
	if est > 0 {
		b.WriteString(" " + T("%d of %d days are estimates (dashed): days without a reported figure, interpolated, or figures marked as estimates.", est, len(run.Days)))
	}
	return b.String()
}

// xTicks returns up to k+1 evenly spread indexes from 0 to n-1, first and
// last included.
func xTicks(n, k int) []int {
	if n == 1 {
		return []int{0}
	}
	var out []int
	for i := 0; i <= k; i++ {
		idx := (n - 1) * i / k
		if len(out) == 0 || out[len(out)-1] != idx {
			out = append(out, idx)
		}
	}
	return out
}

func dedupe(v []int64) []int64 {
	out := v[:0]
	for i, x := range v {
		if i == 0 || x != v[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func attr(s string) string { return esc(s) }
