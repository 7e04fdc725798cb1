package media

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Legacy encoding detection by decoding validity and likelihood.
//
// Counting common words needs long text; a cue that is only a name ("林志玲")
// has none. Instead each candidate encoding decodes the bytes, and a
// decoding that fails or yields replacement characters is out. What is
// left is scored by how likely each decoded character is under that
// encoding's own structure: every East Asian national standard puts its
// frequent characters in a first level (GB2312 level 1: the 3,755 most
// used hanzi; Big5's 5,401 frequent characters; JIS X 0208 level 1 and the
// kana; KS X 1001's 2,350 hangul syllables), its rare ones in a second
// level, and everything else further out. A character of the first level
// costs little, of the second more, of the rest much more, each spread
// over the size of its class. Text in the wrong encoding lands in rare
// characters and loses. ASCII counts the same for every candidate.
//
// Where the bytes are truly ambiguous (hangul in EUC-KR sits on the same
// byte values as GB2312's frequent hanzi), the subtitle track's language
// decides: the encodings of that language start ahead by languagePrior.
// Without a language, the order of legacyCandidates breaks ties.
type legacyCandidate struct {
	name  string
	enc   encoding.Encoding
	langs []string
	class func(r rune, b []byte) charClass
}

// languagePrior is the head start, in log-probability, of the encodings
// of the track's language: less than one telling character (a frequent
// character against a rare one is worth log(33)), so it only breaks ties.
var languagePrior = math.Log(20)

type charClass int

const (
	classCommon charClass = iota
	classSymbol
	classRare
	classOther
)

// Share of the text and size of each class; a character's probability is
// share/size.
var classWeights = map[charClass]struct{ share, size float64 }{
	classCommon: {0.85, 4000},
	classSymbol: {0.10, 500},
	classRare:   {0.045, 7000},
	classOther:  {0.005, 20000},
}

var legacyCandidates = []legacyCandidate{
	{"GB18030", simplifiedchinese.GB18030, []string{"zh"}, func(r rune, b []byte) charClass {
		switch {
		case len(b) == 2 && b[0] >= 0xB0 && b[0] <= 0xD7 && b[1] >= 0xA1:
			return classCommon // GB2312 level 1
		case len(b) == 2 && b[0] >= 0xA1 && b[0] <= 0xA9 && b[1] >= 0xA1:
			return classSymbol
		case len(b) == 2 && b[0] >= 0xD8 && b[0] <= 0xF7 && b[1] >= 0xA1:
			return classRare // GB2312 level 2
		}
		return classOther
	}},
	{"Big5", traditionalchinese.Big5, []string{"zh-Hant", "yue"}, func(r rune, b []byte) charClass {
		switch {
		case len(b) != 2:
			return classOther
		case b[0] >= 0xA4 && b[0] <= 0xC5 || b[0] == 0xC6 && b[1] <= 0x7E:
			return classCommon // frequent characters
		case b[0] >= 0xA1 && b[0] <= 0xA3:
			return classSymbol
		case b[0] >= 0xC9 && b[0] <= 0xF9:
			return classRare // less frequent characters
		}
		return classOther
	}},
	{"Shift_JIS", japanese.ShiftJIS, []string{"ja"}, func(r rune, b []byte) charClass {
		switch {
		case r >= 0x3041 && r <= 0x30FF:
			return classCommon // kana
		case len(b) == 2 && (b[0] >= 0x88 && b[0] <= 0x97 || b[0] == 0x98 && b[1] <= 0x72):
			return classCommon // JIS X 0208 level 1 kanji
		case len(b) == 2 && b[0] == 0x81:
			return classSymbol
		case len(b) == 2 && b[0] >= 0x98 && b[0] <= 0xEA:
			return classRare // level 2
		}
		return classOther // half-width katakana, extensions
	}},
	{"EUC-KR", korean.EUCKR, []string{"ko"}, func(r rune, b []byte) charClass {
		switch {
		case len(b) == 2 && b[0] >= 0xB0 && b[0] <= 0xC8 && b[1] >= 0xA1:
			return classCommon // the 2,350 hangul syllables
		case len(b) == 2 && b[0] >= 0xA1 && b[0] <= 0xAC:
			return classSymbol
		case len(b) == 2 && b[0] >= 0xCA && b[0] <= 0xFD:
			return classRare // hanja
		}
		return classOther
	}},
}

// windows1252LogP is the log-probability of a non-ASCII character read
// as Windows-1252: a letter such as é is plausible, a symbol less so.
func windows1252LogP(r rune) float64 {
	switch {
	case r >= 0xC0 && r <= 0xFF && r != 0xD7 && r != 0xF7:
		return math.Log(0.9 / 64 * 0.1)
	case r == 0x2019 || r == 0x201C || r == 0x201D || r == 0x2013 || r == 0x2014 || r == 0x2026 || r == 0xA0:
		return math.Log(0.05 / 8)
	}
	return math.Log(0.01 / 60)
}

// detectLegacy picks the legacy encoding under which data is most likely,
// given the track's language (a BCP-47 tag, or "").
func detectLegacy(data []byte, lang string) (string, string, error) {
	best, bestName, bestScore := "", "", math.Inf(-1)
	for _, c := range legacyCandidates {
		text, err := c.enc.NewDecoder().String(string(data))
		if err != nil || strings.ContainsRune(text, utf8.RuneError) {
			continue
		}
		enc := c.enc.NewEncoder()
		score := 0.0
		if languageMatches(lang, c.langs) {
			score = languagePrior
		}
		for _, r := range text {
			if r < 0x80 {
				continue
			}
			b, err := enc.String(string(r))
			if err != nil {
				score = math.Inf(-1)
				break
			}
			w := classWeights[c.class(r, []byte(b))]
			score += math.Log(w.share / w.size)
		}
		if score > bestScore {
			best, bestName, bestScore = text, c.name, score
		}
	}
	if text, err := charmap.Windows1252.NewDecoder().String(string(data)); err == nil {
		score := 0.0
		if languageMatches(lang, []string{"en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi"}) {
			score = languagePrior
		}
		for _, r := range text {
			if r >= 0x80 {
				score += windows1252LogP(r)
			}
		}
		if score > bestScore {
			best, bestName = text, "Windows-1252"
		}
	}
	if bestName == "" {
		return "", "", fmt.Errorf("media: subtitles: the text is in no encoding Lineup reads; give its charset")
	}
	return best, bestName, nil
}

// languageMatches reports whether tag is one of langs or a more precise
// form of one ("zh-Hant-TW" matches "zh-Hant"; "zh-Hant" matches "zh"
// only when "zh-Hant" is not listed elsewhere: the caller lists the most
// precise first).
func languageMatches(tag string, langs []string) bool {
	if tag == "" {
		return false
	}
	t := strings.ToLower(tag)
	for _, l := range langs {
		l = strings.ToLower(l)
		if t == l || strings.HasPrefix(t, l+"-") {
			if l == "zh" && (strings.Contains(t, "hant") || strings.HasSuffix(t, "-tw") || strings.HasSuffix(t, "-hk")) {
				continue // traditional Chinese belongs to Big5
			}
			return true
		}
	}
	return false
}

// decodeAs decodes data in the encoding named charset (an IANA or WHATWG
// name, any case), refusing bytes that are not valid in it.
func decodeAs(data []byte, charset string) (string, string, error) {
	name := strings.ToLower(strings.TrimSpace(charset))
	var enc encoding.Encoding
	switch name {
	case "utf-8", "utf8":
		if !utf8.Valid(data) {
			return "", "", fmt.Errorf("media: subtitles: the file is not valid %s", charset)
		}
		return strings.TrimPrefix(string(data), "\uFEFF"), "UTF-8", nil
	case "gbk", "gb2312", "gb18030", "cp936":
		enc, name = simplifiedchinese.GB18030, "GB18030"
	case "big5", "big5-hkscs", "cp950":
		enc, name = traditionalchinese.Big5, "Big5"
	default:
		e, err := ianaindex.IANA.Encoding(name)
		if err != nil || e == nil {
			e, err = ianaindex.MIME.Encoding(name)
		}
		if err != nil || e == nil {
			return "", "", fmt.Errorf("media: subtitles: charset %q is not one Lineup knows (try utf-8, gbk, big5, shift_jis, euc-kr, utf-16le, windows-1252)", charset)
		}
		enc = e
		if n, err := ianaindex.IANA.Name(e); err == nil {
			name = n
		}
	}
	text, err := enc.NewDecoder().String(string(data))
	if err != nil || strings.ContainsRune(text, utf8.RuneError) {
		return "", "", fmt.Errorf("media: subtitles: the file is not valid %s text", charset)
	}
	return strings.TrimPrefix(text, "\uFEFF"), name, nil
}
