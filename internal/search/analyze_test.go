package search

import (
	"slices"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ rule, in, want string }{
		{"full-width Latin folds to half-width", "ＵＳ", "us"},
		{"full-width digits fold to half-width", "１３", "13"},
		{"the ideographic space folds to a space", "a　b", "a b"},
		{"half-width katakana folds to full-width", "ｶﾀｶﾅ", "カタカナ"},
		{"pinyin tone marks are dropped", "hòulái de wǒmen", "houlai de women"},
		{"ü loses its dots", "nǚ", "nu"},
		{"Latin accents are dropped", "René", "rene"},
		{"Japanese voicing marks are kept", "がぎ", "がぎ"},
		{"Hangul syllables stay whole", "기생충", "기생충"},
		{"simplified Chinese is unchanged", "后来的我们", "后来的我们"},
		{"traditional Chinese folds to simplified", "後來的我們", "后来的我们"},
		{"one traditional character folds to simplified", "來", "来"},
		{"traditional phrases fold as phrases", "頭髮", "头发"},
		{"traditional Chinese inside Latin text folds", "Us and Them 後來", "us and them 后来"},
	}
	for _, tc := range tests {
		if got := fold(tc.in); got != tc.want {
			t.Errorf("%s: fold(%q) = %q, want %q", tc.rule, tc.in, got, tc.want)
		}
	}
}

func TestSegments(t *testing.T) {
	tests := []struct {
		rule string
		in   string
		want []string // CJK runs marked with a leading "|"
	}{
		{"words split on punctuation", "hi, mom!", []string{"hi", "mom"}},
		{"apostrophes inside words are dropped", "don't xi'an", []string{"dont", "xian"}},
		{"CJK runs split from Latin words", "阿波罗13号", []string{"|阿波罗", "13", "|号"}},
		{"CJK punctuation splits runs", "你好，李焕英", []string{"|你好", "|李焕英"}},
		{"kana and kanji make one run, kanji folded like traditional Chinese", "千と千尋", []string{"|千と千寻"}},
		{"query syntax is punctuation", `a*b~2 "c":d`, []string{"a", "b", "2", "c", "d"}},
	}
	for _, tc := range tests {
		var got []string
		for _, s := range segments(fold(tc.in)) {
			if s.cjk {
				got = append(got, "|"+s.text)
			} else {
				got = append(got, s.text)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: segments(%q) = %q, want %q", tc.rule, tc.in, got, tc.want)
		}
	}
}

func TestCJKGrams(t *testing.T) {
	got := cjkGrams("我们的")
	want := []string{"我", "我们", "们", "们的", "的"}
	if !slices.Equal(got, want) {
		t.Errorf("a CJK run must give each character and each pair: %q, want %q", got, want)
	}
}

func TestPinyin(t *testing.T) {
	tests := []struct {
		rule, text, lang string
		want             []string // runs, syllables joined by spaces
	}{
		{"a Chinese title gives its syllables", "后来的我们", "zh", []string{"hou lai de wo men"}},
		{"a traditional title gives the same syllables", "後來的我們", "zh-Hant", []string{"hou lai de wo men"}},
		{"a run goes on across Chinese punctuation", "你好，李焕英", "zh", []string{"ni hao li huan ying"}},
		{"a run stops at Latin letters", "阿波罗13号", "zh", []string{"a bo luo", "hao"}},
		{"ü is written u", "女", "", []string{"nu"}},
		{"Japanese text gives no pinyin", "千と千尋の神隠し", "", nil},
		{"text tagged Japanese gives no pinyin", "宮崎駿", "ja", nil},
		{"Korean gives no pinyin", "기생충", "", nil},
	}
	for _, tc := range tests {
		var got []string
		for _, run := range pinyinRuns(tc.text, tc.lang) {
			got = append(got, strings.Join(run, " "))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: pinyin of %q = %q, want %q", tc.rule, tc.text, got, tc.want)
		}
	}

	var full, parts, typos tokenSet
	addPinyin(&full, &parts, &typos, "刘若英", "zh")
	if !slices.Equal(full.list, []string{"liuruoying"}) {
		t.Errorf("the joined pinyin of a name must be indexed whole: %q", full.list)
	}
	for _, want := range []string{"li", "liuruo", "liuruoying", "ruoying", "ru", "ying"} {
		if !full.seen[want] && !parts.seen[want] {
			t.Errorf("the start of every syllable-aligned suffix must be indexed: %q missing from %q", want, parts.list)
		}
	}
	if parts.seen["uoying"] {
		t.Error("a suffix that does not start on a syllable must not be indexed")
	}
}

func TestPinyinQuery(t *testing.T) {
	tests := []struct{ rule, in, want string }{
		{"spaces are dropped", "houlai de women", "houlaidewomen"},
		{"tone marks are dropped", "hòulái de wǒmen", "houlaidewomen"},
		{"tone numbers are dropped", "hou4lai2 de5 wo3men5", "houlaidewomen"},
		{"apostrophes are dropped", "xi'an", "xian"},
		{"v is read as ü", "nv", "nu"},
		{"a number that is no tone is not pinyin", "2046", ""},
		{"CJK is not pinyin", "后来", ""},
		{"one letter is too short", "a", ""},
	}
	for _, tc := range tests {
		if got := pinyinQuery(fold(tc.in)); got != tc.want {
			t.Errorf("%s: pinyinQuery(%q) = %q, want %q", tc.rule, tc.in, got, tc.want)
		}
	}
}

func TestTypos(t *testing.T) {
	// within reports whether the symmetric-delete rule puts a and b within
	// one typo, as the index and the query apply it.
	within := func(a, b string) bool {
		var idx tokenSet
		addTypos(&idx, b, maxFuzzy)
		if idx.seen[a] {
			return true
		}
		for _, d := range deletions(a) {
			if idx.seen[d] {
				return true
			}
		}
		return false
	}
	tests := []struct {
		rule string
		a, b string
		want bool
	}{
		{"a letter added is one typo", "sisiter", "sister", true},
		{"a letter dropped is one typo", "sistr", "sister", true},
		{"a letter changed is one typo", "sistar", "sister", true},
		{"two neighbours swapped is one typo", "tehm", "them", true},
		{"two letters changed are two typos", "sostar", "sister", false},
		{"an unrelated word is not a typo", "parasite", "sister", false},
	}
	for _, tc := range tests {
		if got := within(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: %q ~ %q = %v, want %v", tc.rule, tc.a, tc.b, got, tc.want)
		}
	}
}
