package search

import (
	"context"
	"iter"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// IDs of the test catalogue.
const (
	usAndThem     = 1
	soYoung       = 2
	hiMom         = 3
	sister        = 4
	bookOfLove    = 5
	us            = 6
	sistersBros   = 7
	parasite      = 8
	spiritedAway  = 9
	apollo13      = 10
	yourName      = 11
	regexTitle    = 12
	lustCaution   = 13
	lostInTransl  = 14
	aSun          = 15
	unknownTitle  = 99
	demoLang      = "en"
	demoTerritory = "PH"
)

func person(name string, names ...string) catalog.Person {
	p := catalog.Person{Name: name}
	for i := 0; i+1 < len(names); i += 2 {
		p.Names = append(p.Names, catalog.LocalizedName{Language: names[i], Name: names[i+1]})
	}
	return p
}

func loc(lang, title, synopsis string) catalog.Localization {
	return catalog.Localization{Language: lang, Title: title, Synopsis: synopsis}
}

// testTitles is a small catalogue modelled on the demo's, with English,
// Korean and Japanese titles beside the Chinese ones, and a few that are
// near misses for the others (Us; The Sisters Brothers).
func testTitles() []catalog.Title {
	return []catalog.Title{
		{
			ID: usAndThem, OriginalTitle: "后来的我们", OriginalLanguage: "zh", Year: 2018,
			AlternateTitles: []catalog.AlternateTitle{{Title: "Us and Them", Language: "en"}, {Title: "Us & Them", Language: "en"}},
			Localizations: []catalog.Localization{
				loc("en", "Us and Them", "A young man and a young woman meet on a crowded train home for the New Year. For the next ten years, in Beijing, they chase their plans, lean on each other and keep missing the moment."),
				loc("zh", "后来的我们", "春节回家的火车上，一对年轻男女相遇。此后十年，他们在北京各自打拼，彼此依靠，却总是错过。"),
				loc("zh-Hant", "後來的我們", ""),
			},
			Credits: []catalog.Credit{
				{Job: "director", Person: person("刘若英", "en", "René Liu", "zh", "刘若英")},
				{Job: "actor", Person: person("井柏然", "en", "Jing Boran", "zh", "井柏然"), Character: "林见清",
					CharacterNames: []catalog.LocalizedName{{Language: "en", Name: "Lin Jianqing"}, {Language: "zh", Name: "林见清"}}},
				{Job: "actor", Person: person("周冬雨", "en", "Zhou Dongyu", "zh", "周冬雨"), Character: "方小晓",
					CharacterNames: []catalog.LocalizedName{{Language: "en", Name: "Fang Xiaoxiao"}, {Language: "zh", Name: "方小晓"}}},
				{Job: "writer", Person: person("刘若英")},
			},
		},
		{
			ID: soYoung, OriginalTitle: "致我们终将逝去的青春", OriginalLanguage: "zh", Year: 2013,
			Localizations: []catalog.Localization{
				loc("en", "So Young", "University friendships and first love, and what is left of them once the friends have grown up and gone to work."),
				loc("zh", "致我们终将逝去的青春", "大学时代的友情与初恋，以及步入社会之后，这一切还剩下什么。"),
			},
			Credits: []catalog.Credit{{Job: "director", Person: person("赵薇", "en", "Zhao Wei", "zh", "赵薇")}},
		},
		{
			ID: hiMom, OriginalTitle: "你好，李焕英", OriginalLanguage: "zh", Year: 2021,
			AlternateTitles: []catalog.AlternateTitle{{Title: "Hi, Mom", Language: "en"}},
			Localizations: []catalog.Localization{
				loc("en", "Hi, Mom", "After an accident, a daughter wakes up decades in the past, beside her mother as a young woman, and sets out to make her happy."),
				loc("zh", "你好，李焕英", "一场意外之后，女儿回到了几十年前，遇见年轻时的母亲，决心让她过得开心。"),
			},
			Credits: []catalog.Credit{
				{Job: "director", Person: person("贾玲", "en", "Jia Ling", "zh", "贾玲")},
				{Job: "actor", Person: person("张小斐", "en", "Zhang Xiaofei", "zh", "张小斐"), Character: "李焕英",
					CharacterNames: []catalog.LocalizedName{{Language: "en", Name: "Li Huanying"}}},
			},
		},
		{
			ID: sister, OriginalTitle: "我的姐姐", OriginalLanguage: "zh", Year: 2021, MinAge: 12,
			Localizations: []catalog.Localization{
				loc("en", "Sister", "A young woman about to leave for her own future is suddenly expected to raise the little brother she barely knows."),
				loc("zh", "我的姐姐", "正准备奔赴自己未来的年轻女孩，忽然被要求抚养一个几乎陌生的弟弟。"),
			},
			Credits: []catalog.Credit{{Job: "director", Person: person("殷若昕", "en", "Yin Ruoxin", "zh", "殷若昕")}},
		},
		{
			ID: bookOfLove, OriginalTitle: "北京遇上西雅图之不二情书", OriginalLanguage: "zh", Year: 2016,
			Localizations: []catalog.Localization{
				loc("en", "Book of Love", "Two strangers on opposite sides of the Pacific begin trading letters by accident."),
			},
			Credits: []catalog.Credit{{Job: "director", Person: person("薛晓路", "en", "Xue Xiaolu", "zh", "薛晓路")}},
		},
		{
			ID: us, OriginalTitle: "Us", OriginalLanguage: "en", Year: 2019, MinAge: 16,
			Localizations: []catalog.Localization{loc("en", "", "A family on holiday meets its doubles.")},
			Credits:       []catalog.Credit{{Job: "director", Person: person("Jordan Peele")}},
		},
		{
			ID: sistersBros, OriginalTitle: "The Sisters Brothers", OriginalLanguage: "en", Year: 2018, MinAge: 16,
			Localizations: []catalog.Localization{loc("en", "", "Two brothers, hired guns in Oregon, ride after a chemist.")},
			Credits:       []catalog.Credit{{Job: "director", Person: person("Jacques Audiard")}},
		},
		{
			ID: parasite, OriginalTitle: "기생충", OriginalLanguage: "ko", Year: 2019, MinAge: 15,
			Localizations: []catalog.Localization{loc("en", "Parasite", "A poor family works its way into a rich one's house."), loc("ko", "기생충", "")},
			Credits:       []catalog.Credit{{Job: "director", Person: person("봉준호", "en", "Bong Joon-ho", "ko", "봉준호"), BillingOrder: 1}},
		},
		{
			ID: spiritedAway, OriginalTitle: "千と千尋の神隠し", OriginalLanguage: "ja", Year: 2001,
			Localizations: []catalog.Localization{loc("en", "Spirited Away", "A girl works in a bathhouse for spirits to free her parents."), loc("zh", "千与千寻", "")},
			Credits:       []catalog.Credit{{Job: "director", Person: person("宮崎駿", "en", "Hayao Miyazaki", "ja", "宮崎駿")}},
		},
		{
			ID: apollo13, OriginalTitle: "Apollo 13", OriginalLanguage: "en", Year: 1995,
			Localizations: []catalog.Localization{loc("zh", "阿波罗13号", "")},
			Credits:       []catalog.Credit{{Job: "director", Person: person("Ron Howard")}},
		},
		{
			ID: yourName, OriginalTitle: "君の名は。", OriginalLanguage: "ja", Year: 2016,
			Localizations: []catalog.Localization{loc("en", "Your Name.", "A boy and a girl swap bodies across Japan.")},
		},
		{
			ID: regexTitle, OriginalTitle: "Star*Crossed (a+b)?", OriginalLanguage: "en", Year: 2020,
		},
		{
			ID: lustCaution, OriginalTitle: "色，戒", OriginalLanguage: "zh", Year: 2007, MinAge: 18,
			Localizations: []catalog.Localization{loc("en", "Lust, Caution", "")},
			Credits:       []catalog.Credit{{Job: "director", Person: person("李安", "en", "Ang Lee", "zh", "李安")}},
		},
		{
			// A traditional-script original, for searches in simplified.
			ID: aSun, OriginalTitle: "陽光普照", OriginalLanguage: "zh-Hant", Year: 2019, MinAge: 12,
			Credits: []catalog.Credit{{Job: "director", Person: person("鍾孟宏", "en", "Chung Mong-hong")}},
		},
		{
			ID: lostInTransl, OriginalTitle: "Lost in Translation", OriginalLanguage: "en", Year: 2003,
			Credits: []catalog.Credit{{Job: "director", Person: person("Sofia Coppola")}},
		},
	}
}

// fakeRights answers availability from a table: titles not listed are
// available everywhere since 2000; unknown IDs are not found.
type fakeRights struct {
	byTitle map[int64]rights.Availability
	known   map[int64]bool
	calls   atomic.Int64
}

func (f *fakeRights) Availability(ctx context.Context, titleID int64, territory string, at time.Time) (rights.Availability, error) {
	f.calls.Add(1)
	if !f.known[titleID] {
		return rights.Availability{}, store.ErrNotFound
	}
	if a, ok := f.byTitle[titleID]; ok {
		return a, nil
	}
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	return rights.Availability{Available: true, LicenseID: titleID, StartsAt: &start}, nil
}

// openTest returns an in-memory index of testTitles with rights r (all
// available when nil).
func openTest(t *testing.T, r *fakeRights) *Index {
	t.Helper()
	if r == nil {
		r = &fakeRights{}
	}
	if r.known == nil {
		r.known = map[int64]bool{}
	}
	for _, tt := range testTitles() {
		r.known[tt.ID] = true
	}
	x, err := Open(Config{Rights: r, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	ctx := context.Background()
	titles := testTitles()
	if n, err := x.Rebuild(ctx, seqOf(titles...)); err != nil || n != len(titles) {
		t.Fatalf("rebuild: %d titles, %v; want %d", n, err, len(titles))
	}
	return x
}

var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// search runs a query in the demo territory with no maturity limit.
func search(t *testing.T, x *Index, text string) []Hit {
	t.Helper()
	hits, err := x.Search(context.Background(), Query{Text: text, Territory: demoTerritory, MaxAge: -1, Lang: demoLang})
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	return hits
}

func ids(hits []Hit) []int64 {
	out := make([]int64, len(hits))
	for i, h := range hits {
		out[i] = h.TitleID
	}
	return out
}

// seqOf returns the titles as the sequence Rebuild reads.
func seqOf(titles ...catalog.Title) iter.Seq2[catalog.Title, error] {
	return func(yield func(catalog.Title, error) bool) {
		for _, t := range titles {
			if !yield(t, nil) {
				return
			}
		}
	}
}
