package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"
)

// Text analysis is done here, in Go, the same way for documents and for
// queries, and the index only splits on spaces (see newMapping). Keeping the
// rules in one place makes them testable as plain functions and means a
// query can never be analysed differently from the text it should find.
//
// The rules:
//
//   - fold: NFKC (full-width "ＵＳ" is "US", "１" is "1", half-width
//     katakana is full-width), lower case, Latin diacritics dropped
//     (so "hòulái" is "houlai" and "René" is "rene"), and traditional
//     Chinese written in simplified (OpenCC's t2s: "後來的我們" is
//     "后来的我们"), so either script finds the other;
//   - words of alphabetic scripts are split on anything that is not a
//     letter, digit or combining mark; apostrophes inside words are dropped
//     ("don't" is "dont", "xi'an" is "xian");
//   - Chinese, Japanese and Korean runs (Han, kana, Hangul) become every
//     single character and every pair of neighbours, so that one character
//     finds a title and two adjacent characters find it more surely;
//   - Han text outside Japanese and Korean also yields pinyin, without tones
//     and joined ("houlaidewomen"), with every syllable-aligned suffix of it
//     ("laidewomen", "dewomen", …) and the prefixes of those for search as
//     you type.

const (
	// maxTokenRunes bounds one indexed word; longer words are cut.
	maxTokenRunes = 64
	// minPrefix is the shortest prefix indexed for search as you type: one
	// letter would match a large part of any catalogue.
	minPrefix = 2
	// maxPrefix is the longest word prefix indexed; longer words are still
	// found by their full form.
	maxPrefix = 20
	// maxPinyinRun bounds the Han characters of one run turned into pinyin
	// suffixes and prefixes, which grow with the square of the run.
	maxPinyinRun = 16
)

// simplifier converts traditional Chinese to simplified with OpenCC's t2s
// tables (phrases first, then characters). It is built once, on first use
// (about 50 ms), and only read afterwards, so it is safe for concurrent use.
var simplifier = sync.OnceValue(func() *opencc.OpenCC {
	cc, err := opencc.New("t2s")
	if err != nil {
		// The tables are embedded in the library: failing to read them is
		// a broken build, not a condition to handle at run time.
		panic("search: load the OpenCC t2s tables: " + err.Error())
	}
	return cc
})

// simplified returns s with its traditional Chinese written in simplified
// characters; text without Han characters is returned as it is.
func simplified(s string) string {
	han := false
	for _, r := range s {
		if r >= 0x2E80 && isHan(r) {
			han = true
			break
		}
	}
	if !han {
		return s
	}
	out, err := simplifier().Convert(s)
	if err != nil {
		return s
	}
	return out
}

// fold returns s as documents and queries are compared: NFKC-normalized,
// lower case, with the combining diacritical marks (U+0300–U+036F) of
// Latin, Greek and Cyrillic letters removed, and traditional Chinese
// characters written in simplified. Marks outside that block, such as the
// Japanese voicing marks, are kept.
func fold(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	d := norm.NFD.String(simplified(s))
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if r >= 0x300 && r <= 0x36F {
			continue
		}
		b.WriteRune(r)
	}
	// NFC puts back together what NFD took apart (Hangul syllables, kana
	// with voicing marks), and NFKC again since lowercasing may have
	// produced forms NFKC would change.
	return norm.NFKC.String(b.String())
}

// isCJK reports whether r is written without spaces between words: Han
// ideographs, hiragana, katakana (with the prolonged sound mark) and
// Hangul.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) ||
		r == 'ー' || r == '々' || r == '〆'
}

// isHan reports whether r is a Han ideograph.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isWordRune reports whether r belongs inside a word of an alphabetic
// script.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// isApostrophe reports whether r joins the two halves of a word, as in
// "don't" or "xi'an".
func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// segment is a piece of folded text: a word of an alphabetic script, or a
// run of CJK characters.
type segment struct {
	text string
	cjk  bool
}

// segments splits folded text into words and CJK runs, dropping everything
// between them.
func segments(s string) []segment {
	var out []segment
	var cur []rune
	curCJK := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, segment{text: string(cur), cjk: curCJK})
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case isCJK(r):
			if !curCJK {
				flush()
			}
			curCJK = true
			cur = append(cur, r)
		case isWordRune(r):
			if curCJK {
				flush()
			}
			curCJK = false
			cur = append(cur, r)
		case isApostrophe(r) && !curCJK && len(cur) > 0 && i+1 < len(rs) && isWordRune(rs[i+1]) && !isCJK(rs[i+1]):
			// Inside a word: drop it and keep the word whole.
		default:
			flush()
		}
	}
	flush()
	return out
}

// cjkGrams returns the characters of a CJK run and each pair of neighbours.
func cjkGrams(run string) []string {
	rs := []rune(run)
	out := make([]string, 0, 2*len(rs))
	for i := range rs {
		out = append(out, string(rs[i]))
		if i+1 < len(rs) {
			out = append(out, string(rs[i:i+2]))
		}
	}
	return out
}

// cut returns s cut to at most n runes.
func cut(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// tokenSet collects distinct tokens in the order first seen.
type tokenSet struct {
	seen map[string]bool
	list []string
}

func (t *tokenSet) add(tok string) {
	if tok == "" || t.seen[tok] {
		return
	}
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	t.seen[tok] = true
	t.list = append(t.list, tok)
}

// String joins the tokens with spaces, the form the index's analyzer splits.
func (t *tokenSet) String() string { return strings.Join(t.list, " ") }

// deletions returns s without each one of its letters in turn: "them"
// gives "hem", "tem", "thm", "the". Two words are within one typo of each
// other (a letter added, dropped, changed, or two neighbours swapped) when
// one equals the other or one of its deletions, or their deletions share
// one (symmetric delete, as SymSpell does it); the index keeps each word's
// deletions, so a typo costs a handful of exact term lookups rather than a
// walk of the dictionary.
func deletions(s string) []string {
	rs := []rune(s)
	out := make([]string, 0, len(rs))
	for i := range rs {
		out = append(out, string(rs[:i])+string(rs[i+1:]))
	}
	return out
}

// addTypos adds a word of at most longest letters and, when it is long
// enough to tolerate a typo, its deletions.
func addTypos(typos *tokenSet, w string, longest int) {
	n := utf8.RuneCountInString(w)
	if typos == nil || n < minFuzzy-1 || n > longest {
		return
	}
	typos.add(w)
	if n >= minFuzzy {
		for _, d := range deletions(w) {
			typos.add(d)
		}
	}
}

// addText adds the tokens of one piece of text: its words and CJK grams;
// when prefixes is not nil, the prefixes of its words to prefixes; when
// typos is not nil, its words of letters and their deletions to typos.
func addText(words, prefixes, typos *tokenSet, text string) {
	for _, seg := range segments(fold(text)) {
		if seg.cjk {
			for _, g := range cjkGrams(seg.text) {
				words.add(g)
			}
			continue
		}
		w := cut(seg.text, maxTokenRunes)
		words.add(w)
		if allLetters(w) {
			addTypos(typos, w, maxFuzzy)
		}
		if prefixes != nil {
			rs := []rune(w)
			for n := minPrefix; n <= len(rs) && n <= maxPrefix; n++ {
				prefixes.add(string(rs[:n]))
			}
		}
	}
}

// pinyinArgs asks for the first reading of each character, without tones.
var pinyinArgs = pinyin.Args{Style: pinyin.Normal, Fallback: func(rune, pinyin.Args) []string { return nil }}

// pinyinRuns returns the syllables of each Han run in text, a run going on
// across spaces and punctuation ("你好，李焕英" is one run) but stopping at
// anything else. It returns nothing for Japanese or Korean text (lang "ja"
// or "ko", or text with kana or Hangul), whose Han characters are not read
// in Mandarin. Heteronyms take their first reading in the dictionary.
func pinyinRuns(text, lang string) [][]string {
	if l := strings.ToLower(lang); strings.HasPrefix(l, "ja") || strings.HasPrefix(l, "ko") {
		return nil
	}
	var runs [][]string
	var cur []string
	for _, r := range simplified(norm.NFKC.String(text)) {
		switch {
		case isHan(r):
			if len(cur) >= maxPinyinRun {
				continue
			}
			if py := pinyin.SinglePinyin(r, pinyinArgs); len(py) > 0 && py[0] != "" {
				cur = append(cur, strings.ReplaceAll(py[0], "v", "u"))
			}
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r):
			return nil
		case isWordRune(r):
			if len(cur) > 0 {
				runs = append(runs, cur)
				cur = nil
			}
		}
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	return runs
}

// addPinyin adds, for each Han run of text, the joined pinyin to full and
// the prefixes (of at least minPrefix letters) of every syllable-aligned
// suffix to parts: 后来的我们 gives "houlaidewomen" to full and "ho", "hou",
// …, "laidewomen", …, "women", "me", "men" to parts.
// The joined pinyin and its deletions also go to typos.
func addPinyin(full, parts, typos *tokenSet, text, lang string) {
	for _, syl := range pinyinRuns(text, lang) {
		full.add(strings.Join(syl, ""))
		addTypos(typos, strings.Join(syl, ""), maxPinyinTypo)
		for i := range syl {
			suffix := strings.Join(syl[i:], "")
			for n := minPrefix; n <= len(suffix); n++ {
				parts.add(suffix[:n])
			}
		}
	}
}
