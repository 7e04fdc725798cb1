// Command search measures the multilingual search index at scale: it
// generates -titles titles (Chinese, English and Korean, with people,
// characters and synopses of a few words), indexes them on disk through
// search.Rebuild with a progress bar on stderr, then times -n queries of
// the kinds the issue names: a single Chinese character, a piece of a
// Chinese title, pinyin with spaces, joined and with tone marks, full-width
// Latin, a misspelt English title, a half-typed English title, a person's
// Chinese name and its pinyin, Korean, and hostile input (10,000
// characters, query syntax).
//
// Each kind is printed with p50 and p99, the target from the issue
// (p99 ≤ 20 ms), its ratio to a baseline measured in the same run on the
// same index (a single-term bleve TermQuery on the title field, ten hits)
// and how often the title the query was made from is among the hits. The
// availability filter is a stub that allows everything, so the figures are
// the index's own. Run it with go run ./bench/search (or scripts/bench
// search); -titles 10000 runs quickly.
package main

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/width"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/search"
)

func main() {
	nTitles := flag.Int("titles", 100_000, "titles to generate and index")
	n := flag.Int("n", 4000, "timed queries (spread over the kinds)")
	seed := flag.Uint64("seed", 1, "random seed")
	keep := flag.String("dir", "", "index folder to keep; an index of the same -titles and -seed already there is reused (the default is a temporary folder)")
	only := flag.String("only", "", "time only the query kinds whose name contains this")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the queries to this file")
	flag.Parse()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(*seed, 2))

	dir := *keep
	if dir == "" {
		var err error
		dir, err = os.MkdirTemp("", "lineup-bench-search-")
		check(err)
		defer os.RemoveAll(dir)
	}

	g := newGenerator(rng)
	titles := make([]catalog.Title, *nTitles)
	for i := range titles {
		titles[i] = g.title(int64(i + 1))
	}
	fmt.Printf("search bench: %d titles, %d queries, index in %s\n", *nTitles, *n, dir)

	x, err := search.Open(search.Config{Dir: dir, Rights: allowAll{}})
	check(err)
	stamp := filepath.Join(dir, "bench-stamp")
	want := fmt.Sprintf("%d titles, seed %d", *nTitles, *seed)
	if have, _ := os.ReadFile(stamp); string(have) == want {
		fmt.Printf("reusing the index in %s (%s)\n", dir, want)
	} else {
		start := time.Now()
		indexed, err := x.Rebuild(ctx, withProgress(titles, start))
		check(err)
		took := time.Since(start)
		fmt.Fprintln(os.Stderr)
		fmt.Printf("indexed %d titles in %s (%.0f titles/s), index on disk %s\n",
			indexed, took.Round(time.Second), float64(indexed)/took.Seconds(), size(dir))
		check(os.WriteFile(stamp, []byte(want), 0o644))
	}

	kinds := g.queries(titles, max(*n/len(kindNames), 10))

	// The baseline runs on the same index, opened with bleve directly
	// (the search index is closed meanwhile: one process may hold it).
	check(x.Close())
	current, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	check(err)
	raw, err := bleve.Open(filepath.Join(dir, strings.TrimSpace(string(current))))
	check(err)
	words := g.titleWords(titles, 2000)
	baselineRun := func(i int) {
		tq := query.NewTermQuery(words[i%len(words)])
		tq.SetField("title")
		_, err := raw.Search(bleve.NewSearchRequest(tq))
		check(err)
	}
	measure(200, baselineRun) // warm up
	baseline := measure(*n, baselineRun)
	check(raw.Close())

	x, err = search.Open(search.Config{Dir: dir, Rights: allowAll{}})
	check(err)
	defer x.Close()
	at := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	run := func(q benchQuery) []search.Hit {
		hits, err := x.Search(ctx, search.Query{Text: q.text, Territory: "PH", At: at, MaxAge: q.maxAge, Limit: 10, Lang: "en"})
		check(err)
		return hits
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	for _, k := range kindNames { // warm up
		for _, q := range kinds[k][:min(20, len(kinds[k]))] {
			run(q)
		}
	}

	fmt.Printf("\n%-38s %9s %9s %9s %14s %9s  %s\n", "query", "p50", "p99", "target", "p99 / baseline", "found", "")
	fmt.Printf("%-38s %9s %9s %9s %14s %9s\n", "baseline: bleve TermQuery, one term", baseline.p50, baseline.p99, "-", "1.0x", "-")
	var all []time.Duration
	for _, k := range kindNames {
		if !strings.Contains(k, *only) {
			continue
		}
		qs := kinds[k]
		found := 0
		ds := make([]time.Duration, len(qs))
		for i, q := range qs {
			t := time.Now()
			hits := run(q)
			ds[i] = time.Since(t)
			if q.want == 0 || slices.ContainsFunc(hits, func(h search.Hit) bool { return h.TitleID == q.want }) {
				found++
			}
		}
		all = append(all, ds...)
		s := stats(ds)
		verdict := "ok"
		if s.p99 > 20*time.Millisecond {
			verdict = "MISSED"
		}
		fmt.Printf("%-38s %9s %9s %9s %13.1fx %8.0f%%  %s\n", k, s.p50, s.p99, 20*time.Millisecond,
			float64(s.p99)/float64(baseline.p99), 100*float64(found)/float64(len(qs)), verdict)
	}
	s := stats(all)
	verdict := "ok"
	if s.p99 > 20*time.Millisecond {
		verdict = "MISSED"
	}
	fmt.Printf("%-38s %9s %9s %9s %13.1fx %9s  %s\n", "all queries", s.p50, s.p99, 20*time.Millisecond,
		float64(s.p99)/float64(baseline.p99), "", verdict)
	fmt.Println(`("found": the title the query was made from is among the ten hits; 100% for hostile input means it returned)`)
}

// allowAll makes every title available everywhere, so that the bench
// measures the index and not a database.
type allowAll struct{}

func (allowAll) Availability(ctx context.Context, titleID int64, territory string, at time.Time) (rights.Availability, error) {
	return rights.Availability{Available: true, LicenseID: 1}, nil
}

// withProgress yields the titles, drawing a progress bar on stderr.
func withProgress(titles []catalog.Title, start time.Time) iter.Seq2[catalog.Title, error] {
	return func(yield func(catalog.Title, error) bool) {
		for i, t := range titles {
			if i%1000 == 0 || i == len(titles)-1 {
				done := i + 1
				const width = 40
				bar := strings.Repeat("=", width*done/len(titles))
				fmt.Fprintf(os.Stderr, "\rindexing [%-*s] %6d/%d %6.1fs", width, bar, done, len(titles), time.Since(start).Seconds())
			}
			if !yield(t, nil) {
				return
			}
		}
	}
}

type timing struct{ p50, p99 time.Duration }

func measure(n int, fn func(int)) timing {
	ds := make([]time.Duration, n)
	for i := range ds {
		t := time.Now()
		fn(i)
		ds[i] = time.Since(t)
	}
	return stats(ds)
}

func stats(ds []time.Duration) timing {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	round := func(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
	return timing{round(ds[len(ds)/2]), round(ds[min(len(ds)-1, len(ds)*99/100)])}
}

func size(dir string) string {
	var total int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return fmt.Sprintf("%.0f MB", float64(total)/1e6)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench search:", err)
		os.Exit(1)
	}
}

// The generated catalogue.

// hanPool is a few hundred common characters that titles and names are
// drawn from.
const hanPool = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切复黑亚容终逝春焕遇雅图玲姐"

// hanSurnames start Chinese names.
const hanSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"

type person struct {
	han, latin string // han is "" for an English name
	hangul     string
}

type generator struct {
	rng     *rand.Rand
	words   []string
	people  []person
	hanRune []rune
	surname []rune
}

func newGenerator(rng *rand.Rand) *generator {
	g := &generator{rng: rng, hanRune: []rune(hanPool), surname: []rune(hanSurnames)}
	// A word list of pronounceable made-up words, 3 to 9 letters.
	cons, vows := "bcdfghjklmnprstvwz", "aeiou"
	seen := map[string]bool{}
	for len(g.words) < 3000 {
		var b strings.Builder
		for n := 2 + rng.IntN(7); b.Len() < n; {
			b.WriteByte(cons[rng.IntN(len(cons))])
			b.WriteByte(vows[rng.IntN(len(vows))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			g.words = append(g.words, w)
		}
	}
	for range 20_000 {
		switch rng.IntN(3) {
		case 0:
			han := string(g.surname[rng.IntN(len(g.surname))]) + g.han(1+rng.IntN(2))
			g.people = append(g.people, person{han: han, latin: pinyinName(han)})
		case 1:
			g.people = append(g.people, person{latin: capital(g.word()) + " " + capital(g.word())})
		default:
			g.people = append(g.people, person{hangul: g.hangul(3), latin: capital(g.word()) + " " + capital(g.word())})
		}
	}
	return g
}

func (g *generator) word() string { return g.words[g.rng.IntN(len(g.words))] }

func (g *generator) han(n int) string {
	rs := make([]rune, n)
	for i := range rs {
		rs[i] = g.hanRune[g.rng.IntN(len(g.hanRune))]
	}
	return string(rs)
}

func (g *generator) hangul(n int) string {
	rs := make([]rune, n)
	for i := range rs {
		rs[i] = rune(0xAC00 + g.rng.IntN(400)) // a narrow band, so syllables repeat
	}
	return string(rs)
}

func (g *generator) phrase(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	return strings.Join(ws, " ")
}

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func pinyinName(han string) string {
	py := pinyin.LazyPinyin(han, pinyin.NewArgs())
	if len(py) == 0 {
		return han
	}
	return capital(py[0]) + " " + capital(strings.Join(py[1:], ""))
}

func (g *generator) title(id int64) catalog.Title {
	t := catalog.Title{ID: id, Year: 1950 + g.rng.IntN(75), MinAge: []int{0, 7, 12, 16, 18}[g.rng.IntN(5)]}
	en := capital(g.phrase(1 + g.rng.IntN(4)))
	synopsis := capital(g.phrase(6+g.rng.IntN(8))) + "."
	switch g.rng.IntN(5) {
	case 0, 1:
		t.OriginalTitle, t.OriginalLanguage = g.han(2+g.rng.IntN(7)), "zh"
		t.Localizations = []catalog.Localization{
			{Language: "en", Title: en, Synopsis: synopsis},
			{Language: "zh", Title: t.OriginalTitle, Synopsis: g.han(10+g.rng.IntN(15)) + "。"},
		}
	case 2, 3:
		t.OriginalTitle, t.OriginalLanguage = en, "en"
		t.Localizations = []catalog.Localization{{Language: "en", Synopsis: synopsis}}
		if g.rng.IntN(3) == 0 {
			t.Localizations = append(t.Localizations, catalog.Localization{Language: "zh", Title: g.han(2 + g.rng.IntN(5))})
		}
	default:
		t.OriginalTitle, t.OriginalLanguage = g.hangul(2+g.rng.IntN(4)), "ko"
		t.Localizations = []catalog.Localization{{Language: "en", Title: en, Synopsis: synopsis}}
	}
	for i := range 2 + g.rng.IntN(3) {
		p := g.people[g.rng.IntN(len(g.people))]
		c := catalog.Credit{Job: "actor", BillingOrder: i + 1, Person: catalog.Person{Name: p.latin}}
		if i == 0 {
			c.Job = "director"
		}
		switch {
		case p.han != "":
			c.Person.Name = p.han
			c.Person.Names = []catalog.LocalizedName{{Language: "en", Name: p.latin}, {Language: "zh", Name: p.han}}
		case p.hangul != "":
			c.Person.Name = p.hangul
			c.Person.Names = []catalog.LocalizedName{{Language: "en", Name: p.latin}}
		}
		if c.Job == "actor" && g.rng.IntN(2) == 0 {
			if t.OriginalLanguage == "zh" {
				c.Character = g.han(3)
				c.CharacterNames = []catalog.LocalizedName{{Language: "en", Name: pinyinName(c.Character)}}
			} else {
				c.Character = capital(g.word())
			}
		}
		t.Credits = append(t.Credits, c)
	}
	return t
}

// The queries.

type benchQuery struct {
	text   string
	want   int64 // the title the query was made from; 0 for none
	maxAge int
}

var kindNames = []string{
	"single Chinese character",
	"piece of a Chinese title",
	"pinyin with spaces",
	"pinyin joined",
	"pinyin with tone marks",
	"full-width Latin",
	"misspelt English title",
	"half-typed English title",
	"person's Chinese name",
	"person's name in pinyin",
	"Korean title",
	"English title, maturity 12",
	"hostile: 10,000 characters",
	"hostile: query syntax",
}

func (g *generator) queries(titles []catalog.Title, per int) map[string][]benchQuery {
	out := map[string][]benchQuery{}
	pick := func(lang string) catalog.Title {
		for {
			t := titles[g.rng.IntN(len(titles))]
			if t.OriginalLanguage == lang {
				return t
			}
		}
	}
	enTitle := func(t catalog.Title) string {
		if t.OriginalLanguage == "en" {
			return t.OriginalTitle
		}
		title, _ := t.Localized("en")
		return title
	}
	toneArgs := pinyin.NewArgs()
	toneArgs.Style = pinyin.Tone
	for range per {
		zh := pick("zh")
		rs := []rune(zh.OriginalTitle)
		out[kindNames[0]] = append(out[kindNames[0]], benchQuery{text: string(rs[g.rng.IntN(len(rs))]), maxAge: -1})
		i := g.rng.IntN(len(rs) - 1)
		j := min(len(rs), i+2+g.rng.IntN(3))
		out[kindNames[1]] = append(out[kindNames[1]], benchQuery{text: string(rs[i:j]), want: zh.ID, maxAge: -1})
		py := pinyin.LazyPinyin(zh.OriginalTitle, pinyin.NewArgs())
		out[kindNames[2]] = append(out[kindNames[2]], benchQuery{text: strings.Join(py, " "), want: zh.ID, maxAge: -1})
		out[kindNames[3]] = append(out[kindNames[3]], benchQuery{text: strings.Join(py, ""), want: zh.ID, maxAge: -1})
		out[kindNames[4]] = append(out[kindNames[4]], benchQuery{text: strings.Join(pinyin.LazyPinyin(zh.OriginalTitle, toneArgs), " "), want: zh.ID, maxAge: -1})

		en := pick("en")
		out[kindNames[5]] = append(out[kindNames[5]], benchQuery{text: width.Widen.String(en.OriginalTitle), want: en.ID, maxAge: -1})
		out[kindNames[6]] = append(out[kindNames[6]], benchQuery{text: misspell(g.rng, en.OriginalTitle), want: en.ID, maxAge: -1})
		typed := enTitle(en)
		typed = typed[:max(2, len(typed)*2/3)]
		out[kindNames[7]] = append(out[kindNames[7]], benchQuery{text: typed, want: en.ID, maxAge: -1})

		var han, latin string
		var from int64
		for han == "" {
			t := titles[g.rng.IntN(len(titles))]
			for _, c := range t.Credits {
				for _, n := range c.Person.Names {
					if n.Language == "zh" {
						han, from = n.Name, t.ID
					}
					if n.Language == "en" {
						latin = n.Name
					}
				}
				if han != "" {
					break
				}
			}
		}
		out[kindNames[8]] = append(out[kindNames[8]], benchQuery{text: han, want: from, maxAge: -1})
		out[kindNames[9]] = append(out[kindNames[9]], benchQuery{text: strings.ToLower(latin), want: from, maxAge: -1})
		ko := pick("ko")
		out[kindNames[10]] = append(out[kindNames[10]], benchQuery{text: ko.OriginalTitle, want: ko.ID, maxAge: -1})
		en12 := pick("en")
		want := en12.ID
		if en12.MinAge > 12 {
			want = 0
		}
		out[kindNames[11]] = append(out[kindNames[11]], benchQuery{text: en12.OriginalTitle, want: want, maxAge: 12})

		long := strings.Repeat(g.word()+" ", 10_000)[:10_000]
		if g.rng.IntN(2) == 0 {
			long = strings.Repeat(zh.OriginalTitle, 10_000)
			long = string([]rune(long)[:10_000])
		}
		out[kindNames[12]] = append(out[kindNames[12]], benchQuery{text: long, maxAge: -1})
		syntax := `.*+-&&||!(){}[]^"~*?:\/`
		out[kindNames[13]] = append(out[kindNames[13]], benchQuery{text: g.word() + syntax + g.word() + "~2 title:" + g.word() + "*", maxAge: -1})
	}
	return out
}

// misspell makes one typo (a letter dropped, doubled, changed or two
// swapped) in the longest word of s, if it has four letters or more.
func misspell(rng *rand.Rand, s string) string {
	ws := strings.Fields(s)
	k := 0
	for i, w := range ws {
		if len(w) > len(ws[k]) {
			k = i
		}
	}
	w := []byte(ws[k])
	if len(w) < 4 {
		return s
	}
	i := 1 + rng.IntN(len(w)-2)
	switch rng.IntN(4) {
	case 0:
		w = append(w[:i], w[i+1:]...)
	case 1:
		w = append(w[:i+1], w[i:]...)
	case 2:
		w[i] = "aeiouxyz"[rng.IntN(8)]
	default:
		w[i], w[i+1] = w[i+1], w[i]
	}
	ws[k] = string(w)
	return strings.Join(ws, " ")
}

// titleWords returns n words of English titles, for the baseline.
func (g *generator) titleWords(titles []catalog.Title, n int) []string {
	var out []string
	for len(out) < n {
		t := titles[g.rng.IntN(len(titles))]
		if t.OriginalLanguage == "en" {
			ws := strings.Fields(strings.ToLower(t.OriginalTitle))
			out = append(out, ws[g.rng.IntN(len(ws))])
		}
	}
	return out
}
