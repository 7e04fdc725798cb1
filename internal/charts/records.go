package charts

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// RecordFilter chooses the titles a record is among.
type RecordFilter struct {
	// Territory is the country whose box office counts, an ISO 3166-1
	// alpha-2 code. Required.
	Territory string `json:"territory"`
	// DirectorGender keeps titles with at least one credit of job
	// "director" whose person has this gender (catalog.GenderFemale…);
	// "" keeps every title.
	DirectorGender string `json:"director_gender,omitempty"`
	// OriginalLanguage keeps titles whose original language belongs to the
	// same language as this BCP-47 tag, comparing primary language subtags
	// with the Chinese languages folded into their macrolanguage: "zh",
	// "cmn", "zh-Hans" and "yue" all mean Chinese-language. "" keeps every
	// title.
	OriginalLanguage string `json:"original_language,omitempty"`
	// InUSD compares cumulatives in US dollars, converted with the stored
	// exchange rates by the policy of Run.InUSD. It is required when the
	// titles' figures in the territory are in different currencies.
	InUSD bool `json:"in_usd,omitempty"`
}

// Standing is a title's place among those a filter keeps, as of a day.
type Standing struct {
	TitleID    int64 `json:"title_id"`
	Cumulative Money `json:"cumulative"`
	// Estimate says whether the cumulative is an estimate on that day.
	Estimate bool `json:"estimate"`
}

// Reign is one title's hold on a record: it took the record on From, when
// its cumulative (Took) passed the holder's (PassedTotal, of title Passed;
// 0 for the first holder), and held it until another title passed it on
// Until ("" while it still holds). Estimate is true when either number
// compared on that day was an estimate.
type Reign struct {
	TitleID     int64  `json:"title_id"`
	From        string `json:"from"`
	Until       string `json:"until,omitempty"`
	Took        Money  `json:"took"`
	Passed      int64  `json:"passed,omitempty"`
	PassedTotal Money  `json:"passed_total,omitzero"`
	Estimate    bool   `json:"estimate"`
}

// Ranking returns the titles the filter keeps, by cumulative gross at the
// end of day asOf (YYYY-MM-DD), highest first, ties by title ID; titles with
// nothing grossed by then are left out. limit ≤ 0 means all.
func (b *BoxOffice) Ranking(ctx context.Context, f RecordFilter, asOf string, limit int) ([]Standing, error) {
	if err := checkDay(asOf); err != nil {
		return nil, fmt.Errorf("charts: ranking: %w", err)
	}
	runs, err := b.recordRuns(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []Standing
	for _, r := range runs {
		c, est := r.CumulativeAsOf(asOf)
		if c > 0 {
			out = append(out, Standing{TitleID: r.TitleID, Cumulative: Money{c, r.Currency}, Estimate: est})
		}
	}
	slices.SortFunc(out, func(a, b Standing) int {
		return cmp.Or(cmp.Compare(b.Cumulative.Amount, a.Cumulative.Amount), cmp.Compare(a.TitleID, b.TitleID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Record returns who held the record (the highest cumulative gross among
// the titles the filter keeps) at the end of day asOf, and since when: the
// reign of RecordTimeline in force that day, with the holder's cumulative
// and its estimate flag as of asOf. No holder yet is an error wrapping
// store.ErrNotFound.
func (b *BoxOffice) Record(ctx context.Context, f RecordFilter, asOf string) (Reign, Standing, error) {
	if err := checkDay(asOf); err != nil {
		return Reign{}, Standing{}, fmt.Errorf("charts: record: %w", err)
	}
	runs, err := b.recordRuns(ctx, f)
	if err != nil {
		return Reign{}, Standing{}, err
	}
	for _, r := range slices.Backward(timeline(runs)) {
		if r.From > asOf {
			continue
		}
		for _, run := range runs {
			if run.TitleID == r.TitleID {
				c, est := run.CumulativeAsOf(asOf)
				return r, Standing{TitleID: r.TitleID, Cumulative: Money{c, run.Currency}, Estimate: est}, nil
			}
		}
	}
	return Reign{}, Standing{}, fmt.Errorf("charts: record in %s as of %s: no title had grossed anything: %w", f.Territory, asOf, store.ErrNotFound)
}

// RecordTimeline returns who held the record when, oldest first. The record
// changes hands at the end of the day a title's cumulative passes
// (strictly exceeds) the holder's cumulative that day; a tie leaves it with
// the holder. When several titles pass the holder on the same day the
// highest takes it (ties by lower title ID). The first holder is the first
// title to gross anything. Days without a figure count with their
// interpolated cumulative, and a reign taken on such a day is an estimate.
func (b *BoxOffice) RecordTimeline(ctx context.Context, f RecordFilter) ([]Reign, error) {
	runs, err := b.recordRuns(ctx, f)
	if err != nil {
		return nil, err
	}
	return timeline(runs), nil
}

// timeline sweeps the runs day by day (see RecordTimeline).
func timeline(runs []Run) []Reign {
	var days []string
	for _, r := range runs {
		for _, d := range r.Days {
			days = append(days, d.Day)
		}
	}
	slices.Sort(days)
	days = slices.Compact(days)
	type state struct {
		cum int64
		est bool
	}
	cur := make([]state, len(runs))
	next := make([]int, len(runs)) // the index of each run's next day
	holder := -1
	var out []Reign
	for _, d := range days {
		for i, r := range runs {
			if next[i] < len(r.Days) && r.Days[next[i]].Day == d {
				cur[i] = state{r.Days[next[i]].Cumulative, r.Days[next[i]].Estimate}
				next[i]++
			} else if next[i] >= len(r.Days) && len(r.Days) > 0 {
				cur[i] = state{r.Total, r.TotalEstimate}
			}
		}
		best := -1
		for i := range runs {
			if best < 0 || cur[i].cum > cur[best].cum || (cur[i].cum == cur[best].cum && runs[i].TitleID < runs[best].TitleID) {
				best = i
			}
		}
		if best < 0 || cur[best].cum <= 0 {
			continue
		}
		switch {
		case holder < 0:
			out = append(out, Reign{TitleID: runs[best].TitleID, From: d, Took: Money{cur[best].cum, runs[best].Currency}, Estimate: cur[best].est})
			holder = best
		case best != holder && cur[best].cum > cur[holder].cum:
			out[len(out)-1].Until = d
			out = append(out, Reign{TitleID: runs[best].TitleID, From: d, Took: Money{cur[best].cum, runs[best].Currency},
				Passed: runs[holder].TitleID, PassedTotal: Money{cur[holder].cum, runs[holder].Currency},
				Estimate: cur[best].est || cur[holder].est})
			holder = best
		}
	}
	return out
}

// recordRuns derives the runs of every title the filter keeps, in one
// currency.
func (b *BoxOffice) recordRuns(ctx context.Context, f RecordFilter) ([]Run, error) {
	ts, err := rights.ParseTerritory(f.Territory)
	if err != nil || len(ts) != 1 {
		return nil, fmt.Errorf("charts: record: territory %q must be one country's ISO 3166-1 alpha-2 code", f.Territory)
	}
	territory := ts[0]
	query := `SELECT t.id, t.original_language FROM titles t WHERE EXISTS (SELECT 1 FROM boxoffice_grosses g WHERE g.title_id = t.id AND g.territory = $1)`
	args := []any{territory}
	if f.DirectorGender != "" {
		g := strings.ToLower(strings.TrimSpace(f.DirectorGender))
		if g != catalog.GenderFemale && g != catalog.GenderMale && g != catalog.GenderNonbinary {
			return nil, fmt.Errorf("charts: record: director gender %q must be female, male or nonbinary", f.DirectorGender)
		}
		query += ` AND EXISTS (SELECT 1 FROM credits c JOIN people p ON p.id = c.person_id WHERE c.title_id = t.id AND c.job = 'director' AND p.gender = $2)`
		args = append(args, g)
	}
	want := ""
	if f.OriginalLanguage != "" {
		if want, err = languageFamily(f.OriginalLanguage); err != nil {
			return nil, fmt.Errorf("charts: record: original language %q must be a BCP-47 tag such as zh or en", f.OriginalLanguage)
		}
	}
	rows, err := b.db.QueryContext(ctx, query+` ORDER BY t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("charts: record: find titles: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var lang string
		if err := rows.Scan(&id, &lang); err != nil {
			rows.Close()
			return nil, fmt.Errorf("charts: record: %w", err)
		}
		if fam, err := languageFamily(lang); want == "" || (err == nil && fam == want) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("charts: record: %w", err)
	}
	var runs []Run
	currencies := map[string]bool{}
	for _, id := range ids {
		gs, err := loadGrosses(ctx, b.db, id, territory)
		if err != nil {
			return nil, fmt.Errorf("charts: record: %w", err)
		}
		run := b.derive(id, territory, gs)
		currencies[run.Currency] = true
		runs = append(runs, run)
	}
	if f.InUSD {
		rates, err := loadRates(ctx, b.db, sortedKeys(currencies)...)
		if err != nil {
			return nil, fmt.Errorf("charts: record: %w", err)
		}
		for i := range runs {
			if runs[i], err = runs[i].InUSD(rates); err != nil {
				return nil, err
			}
		}
	} else if len(currencies) > 1 {
		return nil, fmt.Errorf("charts: record: the titles' figures in %s are in %s: compare them in US dollars", territory, strings.Join(sortedKeys(currencies), " and "))
	}
	return runs, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// chineseLanguages are the ISO 639-3 individual languages of the Chinese
// macrolanguage (zh); records fold them into "zh".
var chineseLanguages = map[string]bool{
	"cmn": true, "yue": true, "wuu": true, "hak": true, "nan": true, "gan": true, "hsn": true,
	"cjy": true, "cdo": true, "cpx": true, "czh": true, "czo": true, "mnp": true, "lzh": true, "cnp": true, "csp": true,
}

// languageFamily returns the primary language subtag of a BCP-47 tag, with
// the Chinese languages folded into "zh".
func languageFamily(tag string) (string, error) {
	t, err := language.Parse(strings.TrimSpace(tag))
	if err != nil {
		return "", err
	}
	base, _ := t.Base()
	s := base.String()
	if chineseLanguages[s] {
		return "zh", nil
	}
	return s, nil
}
