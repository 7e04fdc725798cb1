package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
)

// TestFindsFirst is the "Done when": for each kind of query, the
// title a person would expect comes first.
func TestFindsFirst(t *testing.T) {
	x := openTest(t, nil)
	tests := []struct {
		rule  string
		query string
		want  int64
	}{
		{"a single Chinese character finds the title that contains it", "们", usAndThem},
		{"a single Chinese character finds the title that contains it", "姐", sister},
		{"a single character of a person's name finds their film", "玲", hiMom},
		{"a Chinese title finds itself", "后来的我们", usAndThem},
		{"a half-typed Chinese title finds itself", "后来的", usAndThem},
		{"Chinese punctuation in the query is ignored", "你好，李焕英", hiMom},
		{"pinyin with spaces finds a Chinese title", "houlai de women", usAndThem},
		{"pinyin with tone marks finds a Chinese title", "hòulái de wǒmen", usAndThem},
		{"pinyin with tone numbers finds a Chinese title", "hou4lai2 de5 wo3men5", usAndThem},
		{"pinyin without spaces finds a Chinese title", "houlaidewomen", usAndThem},
		{"the start of pinyin finds a Chinese title as it is typed", "houlai", usAndThem},
		{"pinyin of a person's name finds their film", "liu ruoying", usAndThem},
		{"pinyin of a given name alone finds the film", "ruoying", usAndThem},
		{"pinyin across Chinese punctuation finds the title", "nihao lihuanying", hiMom},
		{"pinyin of a character finds the film", "lin jianqing", usAndThem},
		{"pinyin with one typo still finds", "liu ruoyin", usAndThem},
		{"full-width Latin finds half-width", "ＵＳ ＡＮＤ ＴＨＥＭ", usAndThem},
		{"full-width Latin finds half-width", "Ｕｓ", us},
		{"full-width digits find half-width", "ａｐｏｌｌｏ　１３", apollo13},
		{"a full-width digit alone finds a title with that number", "１３", apollo13},
		{"a misspelt word finds the title", "Sisiter", sister},
		{"a swapped pair of letters finds the title", "Us and Tehm", usAndThem},
		{"an exact word ranks above a prefix of a longer one", "sister", sister},
		{"a prefix finds the title as it is typed", "The Sisters Bro", sistersBros},
		{"the last word is completed as it is typed", "us and th", usAndThem},
		{"case does not matter", "SO YOUNG", soYoung},
		{"a person's Chinese name finds their film", "刘若英", usAndThem},
		{"a person's Chinese name finds their film", "贾玲", hiMom},
		{"a person's name in English finds their film", "René Liu", usAndThem},
		{"a person's name without its accent finds their film", "rene liu", usAndThem},
		{"an actor's name finds the film", "Jing Boran", usAndThem},
		{"a character's Chinese name finds the film", "林见清", usAndThem},
		{"a character's name in another language finds the film", "Li Huanying", hiMom},
		{"a localized title finds the film", "Spirited Away", spiritedAway},
		{"a Chinese localized title of a Japanese film finds it", "千与千寻", spiritedAway},
		{"a single kanji finds a Japanese title", "尋", spiritedAway},
		{"a single kana finds the shorter Japanese title that has it", "の", yourName},
		{"Japanese kanji and kana find the title", "神隠し", spiritedAway},
		{"a single Hangul syllable finds a Korean title", "충", parasite},
		{"Korean finds the title", "기생충", parasite},
		{"a Korean name finds the film", "봉준호", parasite},
		{"words of the synopsis find the film", "crowded train", usAndThem},
		{"Chinese words of the synopsis find the film", "火车", usAndThem},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			hits := search(t, x, tc.query)
			if len(hits) == 0 {
				t.Fatalf("%s: %q found nothing, want title %d first", tc.rule, tc.query, tc.want)
			}
			if hits[0].TitleID != tc.want {
				t.Errorf("%s: %q found %v first (%v), want title %d first", tc.rule, tc.query, hits[0].TitleID, titles(hits), tc.want)
			}
		})
	}
}

func titles(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.OriginalTitle
	}
	return out
}

// TestRanking: exact words rank above completed prefixes, and both above
// words found through a typo.
func TestRanking(t *testing.T) {
	x := openTest(t, nil)
	tests := []struct {
		rule  string
		query string
		want  []int64
	}{
		{"a word the index knows is taken as typed, not as a typo", "lust", []int64{lustCaution}},
		{"a word the index does not know finds the word one typo away", "lsot", []int64{lostInTransl}},
		{"an exact word ranks above a prefix of a longer one", "sister", []int64{sister, sistersBros}},
		{"a half-typed word is completed", "caut", []int64{lustCaution}},
		{"a title that is exactly the query ranks above a longer one", "us", []int64{us, usAndThem}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			hits := search(t, x, tc.query)
			if got := ids(hits); !slices.Equal(got[:min(len(got), len(tc.want))], tc.want) {
				t.Errorf("%s: %q ranked %v (%v), want %v first", tc.rule, tc.query, got, titles(hits), tc.want)
			}
		})
	}
}

// TestFindsNothing: queries that must not match anything.
func TestFindsNothing(t *testing.T) {
	x := openTest(t, nil)
	tests := []struct{ rule, query string }{
		{"empty text finds nothing", ""},
		{"spaces find nothing", "   \t "},
		{"punctuation alone finds nothing", ".*+?"},
		{"a typo in a short word is not forgiven", "Su"},
		{"two typos in one word are not forgiven", "Sosoter"},
		{"every word must match", "sister parasite"},
		{"Chinese characters in the wrong order do not match", "们我"},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			if hits := search(t, x, tc.query); len(hits) != 0 {
				t.Errorf("%s: %q found %v, want nothing", tc.rule, tc.query, titles(hits))
			}
		})
	}
}

// TestHostileInput: long input and query syntax never make a search slow,
// and query syntax is matched as text.
func TestHostileInput(t *testing.T) {
	x := openTest(t, nil)
	syntax := `.*+-&&||!(){}[]^"~*?:\/`
	tests := []struct {
		rule  string
		query string
		want  []int64 // nil: anything, as long as it returns
	}{
		{"10,000 characters of one letter return", strings.Repeat("a", 10_000), nil},
		{"10,000 characters of words return", strings.Repeat("sister ", 1500), []int64{sister}},
		{"10,000 CJK characters return", strings.Repeat("我们", 5000), nil},
		{"query syntax alone is punctuation and finds nothing", syntax, []int64{}},
		{"query syntax repeated finds nothing", strings.Repeat(syntax, 500), []int64{}},
		{"a wildcard is not a wildcard", "sis*", []int64{sister, sistersBros}},
		{"a regular expression is not a regular expression", "/s.*r/", []int64{}},
		{"field syntax is not a field", "title:sister", []int64{}},
		{"fuzzy syntax is not fuzzy", "sistre~2", []int64{}},
		{"boolean syntax is plain words: minus is no NOT", "+sister -brother", []int64{sister}},
		{"syntax inside a title is matched as the title's words", "Star*Crossed (a+b)?", []int64{regexTitle}},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			start := time.Now()
			hits := search(t, x, tc.query)
			// A sanity bound only: the limits make the work independent of
			// the input's length; this catches a regression by orders of
			// magnitude, not by percents.
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s: took %v", tc.rule, d)
			}
			if tc.want != nil && !slices.Equal(ids(hits), tc.want) {
				t.Errorf("%s: %.40q found %v (%v), want %v", tc.rule, tc.query, ids(hits), titles(hits), tc.want)
			}
		})
	}
}

// TestParseQueryLimits checks the caps on a query directly.
func TestParseQueryLimits(t *testing.T) {
	tests := []struct {
		rule      string
		text      string
		wantTerms int
		wantLast  bool
	}{
		{"more than MaxTerms words are cut to MaxTerms", strings.Repeat("word ", 50), 1, true}, // repeats collapse
		{"distinct words are cut to MaxTerms", "a b c d e f g h i j k l m n", MaxTerms, false},
		{"a long CJK run is cut to MaxTerms pairs", "一二三四五六七八九十百千万亿", MaxTerms, false},
		{"text past MaxQueryRunes is ignored", strings.Repeat("x", MaxQueryRunes) + " extra", 1, true},
		{"the last word is a prefix", "us and th", 3, true},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			p := parseQuery(tc.text)
			if len(p.terms) != tc.wantTerms {
				t.Fatalf("%s: %d terms %v, want %d", tc.rule, len(p.terms), p.terms, tc.wantTerms)
			}
			if last := p.terms[len(p.terms)-1].prefix; last != tc.wantLast {
				t.Errorf("%s: last term prefix = %v, want %v", tc.rule, last, tc.wantLast)
			}
			for _, term := range p.terms {
				if len([]rune(term.text)) > maxTokenRunes {
					t.Errorf("%s: term of %d runes, want at most %d", tc.rule, len([]rune(term.text)), maxTokenRunes)
				}
			}
		})
	}
}

// TestFilter: only what the territory has now or soon, and what the
// profile's maturity allows.
func TestFilter(t *testing.T) {
	soon := testNow.Add(20 * 24 * time.Hour)
	late := testNow.Add(90 * 24 * time.Hour)
	ended := testNow.Add(-24 * time.Hour)
	r := &fakeRights{byTitle: map[int64]rights.Availability{
		hiMom:      {Available: false, LicenseID: 7, StartsAt: &soon},
		sister:     {Available: false, LicenseID: 8, StartsAt: &late},
		bookOfLove: {Available: false, EndsAt: &ended},
	}}
	x := openTest(t, r)
	ctx := context.Background()
	tests := []struct {
		rule   string
		query  Query
		want   []int64
		starts map[int64]time.Time
	}{
		{"a title available now is found", Query{Text: "后来的我们", MaxAge: -1}, []int64{usAndThem}, nil},
		{"a title coming within the horizon is found, with its start", Query{Text: "李焕英", MaxAge: -1}, []int64{hiMom}, map[int64]time.Time{hiMom: soon}},
		{"a title coming after the horizon is not found", Query{Text: "我的姐姐", MaxAge: -1}, []int64{}, nil},
		{"a title no longer available is not found", Query{Text: "Book of Love", MaxAge: -1}, []int64{}, nil},
		{"a title is within the profile's maturity", Query{Text: "Parasite", MaxAge: 15}, []int64{parasite}, nil},
		{"a title above the profile's maturity is not found", Query{Text: "Parasite", MaxAge: 12}, []int64{}, nil},
		{"MaxAge 0 keeps all-ages titles only", Query{Text: "us", MaxAge: 0}, []int64{usAndThem}, nil},
		{"a negative MaxAge is no limit", Query{Text: "us", MaxAge: -1}, []int64{us, usAndThem}, nil},
		{"the limit is kept", Query{Text: "a", MaxAge: -1, Limit: 2}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			q := tc.query
			q.Territory, q.Lang = demoTerritory, demoLang
			hits, err := x.Search(ctx, q)
			if err != nil {
				t.Fatalf("%s: %v", tc.rule, err)
			}
			if tc.want == nil {
				if len(hits) > q.Limit {
					t.Errorf("%s: %d hits, want at most %d", tc.rule, len(hits), q.Limit)
				}
				return
			}
			if !slices.Equal(ids(hits), tc.want) {
				t.Fatalf("%s: found %v (%v), want %v", tc.rule, ids(hits), titles(hits), tc.want)
			}
			for _, h := range hits {
				want, isSoon := tc.starts[h.TitleID]
				if h.Available == isSoon {
					t.Errorf("%s: title %d Available = %v, want %v", tc.rule, h.TitleID, h.Available, !isSoon)
				}
				if isSoon && (h.StartsAt == nil || !h.StartsAt.Equal(want)) {
					t.Errorf("%s: title %d StartsAt = %v, want %v", tc.rule, h.TitleID, h.StartsAt, want)
				}
			}
		})
	}
}

// TestFilterStopsEarly: availability is checked in score order and only
// until the limit is reached.
func TestFilterStopsEarly(t *testing.T) {
	r := &fakeRights{}
	x := openTest(t, r)
	r.calls.Store(0)
	hits, err := x.Search(context.Background(), Query{Text: "a", Territory: demoTerritory, MaxAge: -1, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || r.calls.Load() != 1 {
		t.Errorf("over-fetch must stop at the limit: %d hits after %d availability checks, want 1 after 1", len(hits), r.calls.Load())
	}
}

// TestTerritory: the territory must be one country.
func TestTerritory(t *testing.T) {
	x := openTest(t, nil)
	for _, territory := range []string{"", "ZZ", "EU", "XX", "ph"} {
		_, err := x.Search(context.Background(), Query{Text: "sister", Territory: territory, MaxAge: -1})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "territory" {
			t.Errorf("territory %q must be refused with a FieldError on territory, got %v", territory, err)
		}
	}
}

// TestAcrossScripts: traditional and simplified Chinese are one text to
// search, in the index and in the query, whichever script each is written in.
func TestAcrossScripts(t *testing.T) {
	x := openTest(t, nil)
	tests := []struct {
		rule  string
		query string
		want  int64
	}{
		{"a traditional title finds its simplified original", "後來的我們", usAndThem},
		{"the start of a traditional title finds the simplified original", "後來", usAndThem},
		{"one traditional character finds the simplified original", "來", usAndThem},
		{"a traditional person's name finds the film", "劉若英", usAndThem},
		{"a traditional character's name finds the film", "林見清", usAndThem},
		{"traditional words of a simplified synopsis find the film", "火車", usAndThem},
		{"a simplified title finds a traditional original", "阳光普照", aSun},
		{"one simplified character finds a traditional original", "阳", aSun},
		{"a traditional title finds a traditional original", "陽光普照", aSun},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			hits := search(t, x, tc.query)
			if len(hits) == 0 {
				t.Fatalf("%s: %q found nothing, want title %d first", tc.rule, tc.query, tc.want)
			}
			if hits[0].TitleID != tc.want {
				t.Errorf("%s: %q found %v first (%v), want title %d first", tc.rule, tc.query, hits[0].TitleID, titles(hits), tc.want)
			}
		})
	}

	// A reader of traditional Chinese gets the traditional title where one
	// exists, whichever script the query was in.
	for _, q := range []string{"后来的我们", "後來的我們"} {
		for _, tc := range []struct{ lang, want string }{{"zh-Hant", "後來的我們"}, {"zh-TW", "後來的我們"}, {"zh-Hans", "后来的我们"}, {"zh-CN", "后来的我们"}} {
			hits, err := x.Search(context.Background(), Query{Text: q, Territory: demoTerritory, MaxAge: -1, Lang: tc.lang})
			if err != nil || len(hits) == 0 {
				t.Fatalf("%q for %s: %v, %d hits", q, tc.lang, err, len(hits))
			}
			if hits[0].Title != tc.want {
				t.Errorf("a reader of %s searching %q must see the title in their script %q, got %q", tc.lang, q, tc.want, hits[0].Title)
			}
		}
	}
}

// TestLocalizedTitle: a hit is named in the reader's language.
func TestLocalizedTitle(t *testing.T) {
	x := openTest(t, nil)
	tests := []struct{ rule, lang, want string }{
		{"an English reader gets the English title", "en", "Us and Them"},
		{"a Chinese reader gets the Chinese title", "zh-CN", "后来的我们"},
		{"a reader of a language without a localization gets the original", "fr", "后来的我们"},
	}
	for _, tc := range tests {
		hits, err := x.Search(context.Background(), Query{Text: "刘若英", Territory: demoTerritory, MaxAge: -1, Lang: tc.lang})
		if err != nil || len(hits) == 0 {
			t.Fatalf("%s: %v, %d hits", tc.rule, err, len(hits))
		}
		if hits[0].Title != tc.want || hits[0].OriginalTitle != "后来的我们" || hits[0].Year != 2018 {
			t.Errorf("%s: hit %+v, want title %q", tc.rule, hits[0], tc.want)
		}
	}
}

// TestUpdates: IndexTitle replaces, Remove removes, Rebuild replaces all
// and keeps changes made while it runs.
func TestUpdates(t *testing.T) {
	x := openTest(t, nil)
	ctx := context.Background()
	r := x.cfg.Rights.(*fakeRights)
	r.known[50] = true
	nt := catalog.Title{ID: 50, OriginalTitle: "热辣滚烫", OriginalLanguage: "zh", Localizations: []catalog.Localization{loc("en", "YOLO", "")}}
	if err := x.IndexTitle(ctx, nt); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, x, "YOLO"); len(hits) != 1 || hits[0].TitleID != 50 {
		t.Errorf("an indexed title must be found at once: %v", ids(hits))
	}
	nt.Localizations[0].Title = "You Only Live Once"
	if err := x.IndexTitle(ctx, nt); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, x, "YOLO"); len(hits) != 0 {
		t.Errorf("indexing a title again must replace it: old title still found %v", ids(hits))
	}
	if err := x.Remove(ctx, 50); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, x, "热辣滚烫"); len(hits) != 0 {
		t.Errorf("a removed title must not be found: %v", ids(hits))
	}

	// A title indexed while a Rebuild runs survives the swap; a title the
	// rebuild's sequence does not carry is gone after it.
	seq := func(yield func(catalog.Title, error) bool) {
		if !yield(testTitles()[0], nil) {
			return
		}
		if err := x.IndexTitle(ctx, nt); err != nil {
			t.Error(err)
		}
	}
	if n, err := x.Rebuild(ctx, seq); err != nil || n != 1 {
		t.Fatalf("rebuild: %d, %v", n, err)
	}
	if n, _ := x.Count(); n != 2 {
		t.Errorf("rebuild must replace everything: %d titles, want 2", n)
	}
	if hits := search(t, x, "热辣滚烫"); len(hits) != 1 {
		t.Errorf("a title indexed during a rebuild must survive it: %v", ids(hits))
	}

	// A failing sequence changes nothing.
	bad := func(yield func(catalog.Title, error) bool) { yield(catalog.Title{}, errors.New("database gone")) }
	if _, err := x.Rebuild(ctx, bad); err == nil {
		t.Error("a rebuild whose sequence fails must fail")
	}
	if n, _ := x.Count(); n != 2 {
		t.Errorf("a failed rebuild must change nothing: %d titles, want 2", n)
	}
}

// TestOnDisk: an index in a folder is there again after Close and Open,
// and a rebuild replaces it on disk.
func TestOnDisk(t *testing.T) {
	dir := t.TempDir()
	r := &fakeRights{known: map[int64]bool{usAndThem: true, sister: true}}
	ctx := context.Background()
	x, err := Open(Config{Dir: dir, Rights: r})
	if err != nil {
		t.Fatal(err)
	}
	all := testTitles()
	if _, err := x.Rebuild(ctx, seqOf(all[0])); err != nil {
		t.Fatal(err)
	}
	if err := x.IndexTitle(ctx, all[3]); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	x, err = Open(Config{Dir: dir, Rights: r})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if n, _ := x.Count(); n != 2 {
		t.Errorf("an index on disk must keep its titles across Close and Open: %d, want 2", n)
	}
	if hits := search(t, x, "houlai"); len(hits) != 1 || hits[0].TitleID != usAndThem {
		t.Errorf("a reopened index must search: %v", ids(hits))
	}
}

// TestConcurrentRebuild: searches and updates go on while a rebuild swaps
// the index (run with -race).
func TestConcurrentRebuild(t *testing.T) {
	x := openTest(t, nil)
	ctx := context.Background()
	done := make(chan struct{})
	errs := make(chan error, 3)
	for range 2 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				hits, err := x.Search(ctx, Query{Text: "后来", Territory: demoTerritory, MaxAge: -1})
				if err != nil || len(hits) == 0 || hits[0].TitleID != usAndThem {
					errs <- fmt.Errorf("a search during a rebuild must answer as before: %v, %v", ids(hits), err)
					return
				}
			}
		}()
	}
	go func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				errs <- nil
				return
			default:
			}
			if err := x.IndexTitle(ctx, testTitles()[i%len(testTitles())]); err != nil {
				errs <- err
				return
			}
		}
	}()
	for range 5 {
		if _, err := x.Rebuild(ctx, seqOf(testTitles()...)); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
