package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// Limits on a query, so that no input makes a search slower than an
// ordinary one: the text is cut before anything else is done with it, and
// every query is built in code from at most maxTerms plain terms (the
// query-string syntax is never parsed, so "*", "~", "+", quotes and the
// rest are ordinary characters, dropped as punctuation).
const (
	// MaxQueryRunes is how much of Query.Text is read; the rest is ignored.
	MaxQueryRunes = 200
	// MaxTerms is how many terms (words, or pairs of CJK characters) a
	// query uses; later ones are ignored.
	MaxTerms = 10
	// minFuzzy and maxFuzzy bound the words that tolerate a typo (one
	// edit: a letter added, dropped, changed or two neighbours swapped),
	// and maxPinyinTypo the joined pinyin that does.
	minFuzzy      = 4
	maxFuzzy      = 20
	maxPinyinTypo = 30
	// maxPinyin bounds the joined pinyin of a query.
	maxPinyin = 64
	// defaultLimit and maxLimit bound Query.Limit.
	defaultLimit = 10
	maxLimit     = 50
	// overFetch is how many candidates per wanted hit are read from the
	// index in the first round; see Search.
	overFetch = 5
	// secondRound is how many candidates per wanted hit the second and
	// last round reads.
	secondRound = 25
)

// Boosts: a field that names the title weighs most, then the people, then
// the characters, then the synopsis; an exact word above a completed
// prefix above a word with a typo.
const (
	boostTitle     = 10
	boostPerson    = 6
	boostCharacter = 4
	boostSynopsis  = 1
	prefixFactor   = 0.5
	fuzzyFactor    = 0.2
	pinyinFull     = 1.2
	pinyinPart     = 0.6
	pinyinFuzzy    = 0.2
)

// Query is one search.
type Query struct {
	// Text is what was typed. Only the first MaxQueryRunes characters and
	// MaxTerms terms count; all of it is plain text. The last word is
	// completed as a prefix (results as you type). Empty text finds nothing.
	Text string
	// Territory is the viewer's country, such as "PH"; required.
	Territory string
	// At is the instant availability is judged at; the zero time means now.
	At time.Time
	// MaxAge is the profile's maturity limit: only titles whose MinAge is
	// at most MaxAge are found. -1 (any negative value) means no limit;
	// note that 0 means all-ages titles only.
	MaxAge int
	// Limit is how many hits to return: 0 means 10; at most 50.
	Limit int
	// Lang is the reader's language, a BCP-47 tag, for Hit.Title.
	Lang string
}

// Hit is one title found, best first.
type Hit struct {
	TitleID int64   `json:"title_id"`
	Score   float64 `json:"score"`
	// Title is the title localized for Query.Lang (see catalog's
	// Title.Localized); OriginalTitle is the title in its own language.
	Title         string `json:"title"`
	OriginalTitle string `json:"original_title"`
	Year          int    `json:"year,omitempty"`
	MinAge        int    `json:"min_age"`
	// Available is true when the title can be watched in the territory now;
	// when false it is coming soon, from StartsAt.
	Available bool       `json:"available"`
	StartsAt  *time.Time `json:"starts_at,omitempty"`
}

// FieldError says that a field of a Query is not acceptable; its message
// is written for the person who sent it.
type FieldError struct {
	// Field is the Query field's name in the API, such as "territory".
	Field string
	// Value is the offending value as given.
	Value string
	// Reason says what is wrong and how to put it right.
	Reason string
}

// Error returns the field's name followed by the reason.
func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// InvalidField returns the field, the offending value and the reason; the
// web layer maps it to HTTP 400.
func (e *FieldError) InvalidField() (field, value, reason string) {
	return e.Field, e.Value, e.Reason
}

// Search returns the titles that match q.Text, best first, among those the
// territory has now or soon (available at q.At, or opening within the
// coming-soon horizon) and the maturity limit allows. Empty or
// punctuation-only text returns no hits and no error. A territory that is
// not one country is a *FieldError.
//
// The maturity limit is applied inside the index. Availability is not in
// the index (it changes with time and licenses), so Search reads
// candidates from the index in score order and keeps those the Rights say
// are available or coming soon, until it has q.Limit hits: first 5 × Limit
// candidates, then, when too few survived, up to 25 × Limit in all. The
// trade-off: at most one or two index reads and, typically, about Limit
// availability checks per search (they stop once Limit hits are kept), in
// exchange for missing matches ranked below 25 × Limit in a territory where
// most of the catalogue is unavailable.
func (x *Index) Search(ctx context.Context, q Query) ([]Hit, error) {
	territory := strings.TrimSpace(q.Territory)
	if codes, err := rights.ParseTerritory(territory); err != nil {
		return nil, &FieldError{Field: "territory", Value: q.Territory, Reason: err.Error()}
	} else if len(codes) != 1 || codes[0] != territory {
		return nil, &FieldError{Field: "territory", Value: q.Territory,
			Reason: fmt.Sprintf("territory %q is a region: search in one country, such as FR or US", territory)}
	}
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = defaultLimit
	case limit > maxLimit:
		limit = maxLimit
	}
	at := q.At
	if at.IsZero() {
		at = x.cfg.Now()
	}
	p := parseQuery(q.Text)
	known, err := x.known(p)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	bq := p.bleveQuery(q.MaxAge, known)
	if bq == nil {
		return []Hit{}, nil
	}

	hits := []Hit{}
	from := 0
	for _, size := range []int{overFetch * limit, (secondRound - overFetch) * limit} {
		cands, total, err := x.candidates(ctx, bq, from, size)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		for _, c := range cands {
			a, err := x.cfg.Rights.Availability(ctx, c.id, territory, at)
			if errors.Is(err, store.ErrNotFound) {
				continue // removed from the catalogue, not yet from the index
			}
			if err != nil {
				return nil, fmt.Errorf("search: availability of title %d: %w", c.id, err)
			}
			soon := !a.Available && a.StartsAt != nil && a.StartsAt.After(at) && a.StartsAt.Before(at.Add(x.cfg.ComingSoon))
			if !a.Available && !soon {
				continue
			}
			h := c.hit(q.Lang)
			h.Available = a.Available
			if soon {
				h.StartsAt = a.StartsAt
			}
			hits = append(hits, h)
			if len(hits) == limit {
				return hits, nil
			}
		}
		from += size
		if uint64(from) >= total {
			break
		}
	}
	return hits, nil
}

// pinyinKey marks the pinyin reading of the query among known words.
const pinyinKey = "\x00pinyin:"

// known returns the words of p that the index has as typed in a title,
// name or character (the last word also as the start of one), and the
// pinyin of p, under pinyinKey, when it is the start of a syllable in one.
// Typos are looked for only in the others: a word that exists is taken as
// meant ("lust" does not find "lost"), and a correct query, the common
// case, costs no typo expansion, which is the dearest part of a query on a
// large index. Each word costs a few dictionary lookups.
func (x *Index) known(p parsed) (map[string]bool, error) {
	known := map[string]bool{}
	var words []term
	for _, t := range p.terms {
		if !t.cjk && utf8.RuneCountInString(t.text) >= minFuzzy {
			words = append(words, t)
		}
	}
	if len(words) == 0 && len(p.pinyin) < 6 {
		return known, nil
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return nil, errClosed
	}
	adv, err := x.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rc, ok := r.(index.IndexReaderContains)
	if !ok {
		return known, nil // every word then tolerates a typo: slower, not wrong
	}
	dicts := map[string]index.FieldDictContains{}
	has := func(field, term string) bool {
		d, ok := dicts[field]
		if !ok {
			var err error
			if d, err = rc.FieldDictContains(field); err != nil {
				d = nil
			}
			dicts[field] = d
		}
		if d == nil {
			return false
		}
		found, err := d.Contains([]byte(term))
		return err == nil && found
	}
	for _, t := range words {
		fields := []string{fieldTitle, fieldPerson, fieldCharacter}
		if t.prefix {
			fields = append(fields, fieldTitlePrefix, fieldPersonPrefix, fieldCharacterPrefix)
		}
		for _, f := range fields {
			if has(f, t.text) {
				known[t.text] = true
				break
			}
		}
	}
	if len(p.pinyin) >= 6 {
		for _, f := range []string{fieldTitlePinyinPrefix, fieldPersonPinyinPrefix, fieldCharacterPinyinPref} {
			if has(f, p.pinyin) {
				known[pinyinKey+p.pinyin] = true
				break
			}
		}
	}
	return known, nil
}

// candidate is a match read from the index, before the availability
// filter.
type candidate struct {
	id      int64
	score   float64
	display string // the stored display JSON
}

// candidates reads one page of matches from the index, best first, and
// the total number of matches.
func (x *Index) candidates(ctx context.Context, bq query.Query, from, size int) ([]candidate, uint64, error) {
	req := bleve.NewSearchRequestOptions(bq, size, from, false)
	req.Fields = []string{fieldDisplay}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return nil, 0, errClosed
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, err
	}
	out := make([]candidate, 0, len(res.Hits))
	for _, m := range res.Hits {
		id, err := strconv.ParseInt(m.ID, 10, 64)
		if err != nil {
			continue
		}
		d, _ := m.Fields[fieldDisplay].(string)
		out = append(out, candidate{id: id, score: m.Score, display: d})
	}
	return out, res.Total, nil
}

// hit names the candidate for a reader of lang.
func (c candidate) hit(lang string) Hit {
	h := Hit{TitleID: c.id, Score: c.score}
	var d display
	if json.Unmarshal([]byte(c.display), &d) != nil {
		return h
	}
	h.OriginalTitle, h.Year, h.MinAge = d.Original, d.Year, d.MinAge
	t := catalog.Title{OriginalTitle: d.Original, OriginalLanguage: d.Language}
	for _, l := range d.Titles {
		t.Localizations = append(t.Localizations, catalog.Localization{Language: l.Language, Title: l.Title})
	}
	h.Title, _ = t.Localized(lang)
	return h
}

// term is one term of a query.
type term struct {
	text string
	cjk  bool
	// prefix marks the last word of the query, which may be half typed.
	prefix bool
}

// parsed is a query reduced to what the index is asked.
type parsed struct {
	terms []term
	// pinyin is the query read as pinyin, joined and without tones
	// ("hòulái de wǒmen" is "houlaidewomen"), or "" when it cannot be.
	pinyin string
}

// parseQuery reads the text of a query: the first MaxQueryRunes characters,
// folded and split as documents are (see analyze.go), into at most
// MaxTerms terms. A CJK run becomes its pairs of neighbours (a single
// character stays itself), all of which must match, so a run finds the
// titles that contain it. The work done is bounded by the limits whatever
// the length of text.
func parseQuery(text string) parsed {
	f := fold(cut(text, MaxQueryRunes))
	var p parsed
	seen := map[string]int{} // term → index in p.terms
	add := func(t term) bool {
		if i, ok := seen[t.text]; ok {
			p.terms[i].prefix = p.terms[i].prefix || t.prefix
			return true
		}
		if len(p.terms) == MaxTerms {
			return false
		}
		seen[t.text] = len(p.terms)
		p.terms = append(p.terms, t)
		return true
	}
	segs := segments(f)
	complete := true
	for i, s := range segs {
		if !s.cjk {
			if !add(term{text: cut(s.text, maxTokenRunes), prefix: i == len(segs)-1}) {
				complete = false
				break
			}
			continue
		}
		rs := []rune(s.text)
		if len(rs) == 1 {
			complete = add(term{text: s.text, cjk: true})
		}
		for j := 0; j+1 < len(rs) && complete; j++ {
			complete = add(term{text: string(rs[j : j+2]), cjk: true})
		}
		if !complete {
			break
		}
	}
	if !complete {
		// The last term kept is not what the reader is typing.
		for i := range p.terms {
			p.terms[i].prefix = false
		}
	}
	p.pinyin = pinyinQuery(f)
	return p
}

// pinyinQuery reads folded text as pinyin: letters with spaces,
// apostrophes or hyphens between syllables, and tone numbers 1 to 5 after
// them ("hou4lai2"). It returns the letters joined, with "v" read as "ü"
// (written "u" in the index), or "" when the text has anything else or
// fewer than two letters.
func pinyinQuery(f string) string {
	var b strings.Builder
	var prev byte
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c >= 'a' && c <= 'z':
			if c == 'v' {
				c = 'u'
			}
			b.WriteByte(c)
		case c >= '1' && c <= '5' && prev >= 'a' && prev <= 'z':
			// a tone number
		case c == ' ' || c == '\'' || c == '-' || c == '\t':
		default:
			return ""
		}
		prev = f[i]
		if b.Len() > maxPinyin {
			return ""
		}
	}
	if b.Len() < 2 {
		return ""
	}
	return b.String()
}

// bleveQuery builds the index query: every term must match (each in any
// field: exactly, or as a prefix for the last word, or with one typo for a
// word of 4 to 20 letters that the index does not know as typed), or else
// the whole query read as pinyin must match a title, a name or a
// character; with the maturity filter when maxAge is not negative. known
// holds the words (and the pinyin, under pinyinKey) the index knows as
// typed; see Index.known. It returns nil when there is nothing to ask.
func (p parsed) bleveQuery(maxAge int, known map[string]bool) query.Query {
	var alts []query.Query
	if len(p.terms) > 0 {
		all := make([]query.Query, len(p.terms))
		for i, t := range p.terms {
			all[i] = t.query(known[t.text])
		}
		alts = append(alts, query.NewConjunctionQuery(all))
	}
	if p.pinyin != "" {
		alts = append(alts, pinyinClause(p.pinyin, known[pinyinKey+p.pinyin]))
	}
	if len(alts) == 0 {
		return nil
	}
	var q query.Query = query.NewDisjunctionQuery(alts)
	if len(alts) == 1 {
		q = alts[0]
	}
	if maxAge < 0 {
		return q
	}
	zero, limit, yes := 0.0, float64(maxAge), true
	age := query.NewNumericRangeInclusiveQuery(&zero, &limit, &yes, &yes)
	age.SetField(fieldMinAge)
	b := query.NewBooleanQuery([]query.Query{q}, nil, nil)
	b.AddFilter(age)
	return b
}

// query is the disjunction of the ways one term may match; known says
// that the index has the word as typed, and then typos are not looked for.
func (t term) query(known bool) query.Query {
	qs := []query.Query{
		termOn(t.text, fieldTitle, boostTitle),
		termOn(t.text, fieldPerson, boostPerson),
		termOn(t.text, fieldCharacter, boostCharacter),
		termOn(t.text, fieldSynopsis, boostSynopsis),
	}
	if t.cjk {
		return query.NewDisjunctionQuery(qs)
	}
	n := len([]rune(t.text))
	if t.prefix && n >= minPrefix && n <= maxPrefix {
		qs = append(qs,
			termOn(t.text, fieldTitlePrefix, boostTitle*prefixFactor),
			termOn(t.text, fieldPersonPrefix, boostPerson*prefixFactor),
			termOn(t.text, fieldCharacterPrefix, boostCharacter*prefixFactor))
	}
	if !known && n >= minFuzzy && n <= maxFuzzy && allLetters(t.text) {
		qs = append(qs,
			typoOn(t.text, fieldTitleTypo, boostTitle*fuzzyFactor),
			typoOn(t.text, fieldPersonTypo, boostPerson*fuzzyFactor),
			typoOn(t.text, fieldCharacterTypo, boostCharacter*fuzzyFactor))
	}
	return query.NewDisjunctionQuery(qs)
}

// pinyinClause matches joined pinyin against the whole of a title, name or
// character (best), the start of a syllable in one (so "ruoying" and
// "houlai" find), or, for six letters or more that the index does not know
// (known is false), the whole with one typo.
func pinyinClause(py string, known bool) query.Query {
	qs := []query.Query{
		termOn(py, fieldTitlePinyin, boostTitle*pinyinFull),
		termOn(py, fieldPersonPinyin, boostPerson*pinyinFull),
		termOn(py, fieldCharacterPinyin, boostCharacter*pinyinFull),
		termOn(py, fieldTitlePinyinPrefix, boostTitle*pinyinPart),
		termOn(py, fieldPersonPinyinPrefix, boostPerson*pinyinPart),
		termOn(py, fieldCharacterPinyinPref, boostCharacter*pinyinPart),
	}
	if !known && len(py) >= 6 && len(py) <= maxPinyinTypo {
		qs = append(qs,
			typoOn(py, fieldTitlePinyinTypo, boostTitle*pinyinFuzzy),
			typoOn(py, fieldPersonPinyinTypo, boostPerson*pinyinFuzzy))
	}
	return query.NewDisjunctionQuery(qs)
}

func termOn(text, field string, boost float64) query.Query {
	q := query.NewTermQuery(text)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// typoOn matches a word within one typo of text in a field of words and
// their deletions (see deletions): text itself and each of its deletions,
// as exact terms.
func typoOn(text, field string, boost float64) query.Query {
	ds := deletions(text)
	qs := make([]query.Query, 0, len(ds)+1)
	qs = append(qs, termOn(text, field, boost))
	for _, d := range ds {
		qs = append(qs, termOn(d, field, boost))
	}
	return query.NewDisjunctionQuery(qs)
}

// allLetters reports whether s is letters only (no digits: "2046" with a
// typo is another number, not a typo).
func allLetters(s string) bool {
	for _, r := range s {
		if !isWordRune(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
