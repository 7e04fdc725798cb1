// Package locale speaks the viewer's language: it picks the interface
// language (the profile's, else the browser's Accept-Language, else
// English), translates the interface's messages with their plural rules, and
// writes dates, numbers, sums of money and country names the way a reader of
// that language expects (CLDR data through golang.org/x/text).
//
// Messages are keyed by their English text, a format string whose verbs
// (%s, %d, %[2]s) the translations reorder freely, so that no sentence is
// ever assembled from pieces. A key without a translation shows in English.
//
// A Catalog is built once, at start, and is safe for concurrent use; so is
// the Locale it hands out.
package locale

import (
	"fmt"
	"math"
	"strings"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The interface languages, in the order the language menu lists them.
var (
	English     = language.English
	Simplified  = language.MustParse("zh-Hans")
	Traditional = language.MustParse("zh-Hant")
)

// Languages are the interface languages; the first is the fallback.
var Languages = []language.Tag{English, Simplified, Traditional}

// Catalog holds the translated messages of every interface language.
type Catalog struct {
	cat     *catalog.Builder
	matcher language.Matcher
	// patterns recognise the texts of other packages that carry values
	// ("must be at least 10 characters"), so Text can translate them.
	patterns []pattern
}

// New builds the catalogue from the message tables in messages.go. It fails
// when a table is malformed (a plural message without its forms), which is
// a broken build.
func New() (*Catalog, error) {
	b := catalog.NewBuilder(catalog.Fallback(English))
	for _, m := range allMessages() {
		if m.hans != "" {
			if err := b.SetString(Simplified, m.en, m.hans); err != nil {
				return nil, fmt.Errorf("locale: %q: %w", m.en, err)
			}
		}
		if m.hant != "" {
			if err := b.SetString(Traditional, m.en, m.hant); err != nil {
				return nil, fmt.Errorf("locale: %q: %w", m.en, err)
			}
		}
	}
	var patterns []pattern
	for _, m := range recognized {
		if err := b.SetString(Simplified, m.en, m.hans); err != nil {
			return nil, fmt.Errorf("locale: %q: %w", m.en, err)
		}
		if err := b.SetString(Traditional, m.en, m.hant); err != nil {
			return nil, fmt.Errorf("locale: %q: %w", m.en, err)
		}
		if p, ok := compilePattern(m.en); ok {
			patterns = append(patterns, p)
		}
	}
	for _, m := range plurals {
		// The argument counted is the first; English has one and other,
		// Chinese only other (CLDR plural rules).
		if err := b.Set(English, m.key, plural.Selectf(1, "%d", "one", m.one, "other", m.other)); err != nil {
			return nil, fmt.Errorf("locale: %q: %w", m.key, err)
		}
		if err := b.Set(Simplified, m.key, plural.Selectf(1, "%d", "other", m.hans)); err != nil {
			return nil, fmt.Errorf("locale: %q: %w", m.key, err)
		}
		if err := b.Set(Traditional, m.key, plural.Selectf(1, "%d", "other", m.hant)); err != nil {
			return nil, fmt.Errorf("locale: %q: %w", m.key, err)
		}
	}
	return &Catalog{cat: b, matcher: language.NewMatcher(Languages), patterns: patterns}, nil
}

// Pick returns the locale for a viewer: the profile's language when it is
// set (a BCP-47 tag, "" for none), else the best of the Accept-Language
// header, else English. A language the interface does not speak (ja, fr)
// gets English; a Chinese one gets the script it is written in (zh, zh-CN,
// zh-SG: simplified; zh-TW, zh-HK, zh-Hant: traditional).
func (c *Catalog) Pick(profileLang, acceptLanguage string) *Locale {
	if profileLang != "" {
		if t, err := language.Parse(profileLang); err == nil {
			return c.For(t)
		}
	}
	if acceptLanguage != "" {
		if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(tags) > 0 {
			_, i, conf := c.matcher.Match(tags...)
			if conf != language.No {
				return c.at(i)
			}
		}
	}
	return c.at(0)
}

// For returns the locale closest to t, English when none is close.
func (c *Catalog) For(t language.Tag) *Locale {
	_, i, conf := c.matcher.Match(t)
	if conf == language.No {
		i = 0
	}
	return c.at(i)
}

func (c *Catalog) at(i int) *Locale {
	t := Languages[i]
	return &Locale{tag: t, p: message.NewPrinter(t, message.Catalog(c.cat)), patterns: c.patterns}
}

// Locale is one interface language.
type Locale struct {
	tag      language.Tag
	p        *message.Printer
	patterns []pattern
}

// Tag is the language's BCP-47 tag: "en", "zh-Hans" or "zh-Hant", for the
// page's lang attribute and for picking localized titles.
func (l *Locale) Tag() string { return l.tag.String() }

// Chinese reports whether the language is Chinese, in either script.
func (l *Locale) Chinese() bool { return l.tag != English }

// T translates a message and fills in its arguments, numbers written the
// locale's way. key is the English text, a fmt format.
func (l *Locale) T(key string, args ...any) string { return l.p.Sprintf(key, args...) }

// Text translates a text that is not a format (a message from another
// package, which may hold a %): its translation when the catalogue has one;
// else, when it reads as one of the recognized formats with its values
// filled in ("must be at least 10 characters"), that format translated
// with the same values; else the text as it is.
func (l *Locale) Text(s string) string {
	for _, p := range l.patterns {
		if args, ok := p.match(s); ok {
			for i, a := range args {
				// A plain word filled in ("a poster must be …") is
				// translated too; a quoted one is what someone typed.
				if w, ok := a.(string); ok && p.kinds[i] == 's' && !strings.Contains(w, "%") {
					args[i] = l.p.Sprintf(w)
				}
			}
			return l.p.Sprintf(p.key, args...)
		}
	}
	if strings.Contains(s, "%") {
		return s
	}
	return l.p.Sprintf(s)
}

// Number writes an integer with the locale's grouping: 1,234,567.
func (l *Locale) Number(n int64) string { return l.p.Sprintf("%d", n) }

// Country names a country (ISO 3166-1 alpha-2) in the locale's language:
// "South Korea", "韩国", "南韓". An unknown code is returned as it is.
func (l *Locale) Country(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(l.tag).Name(r); n != "" {
		return n
	}
	return code
}

// Language names a language in the locale's language ("Chinese", "中文").
func (l *Locale) Language(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if n := display.Tags(l.tag).Name(t); n != "" {
		return n
	}
	return tag
}

var englishMonths = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// Date writes a calendar day: "22 June 2018" or "2018年6月22日"; without the
// year ("22 June", "6月22日") when withYear is false.
func (l *Locale) Date(d time.Time, withYear bool) string {
	if l.Chinese() {
		if withYear {
			return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
		}
		return fmt.Sprintf("%d月%d日", int(d.Month()), d.Day())
	}
	if withYear {
		return fmt.Sprintf("%d %s %d", d.Day(), englishMonths[d.Month()-1], d.Year())
	}
	return fmt.Sprintf("%d %s", d.Day(), englishMonths[d.Month()-1])
}

// Day writes a territory-local "YYYY-MM-DD" as Date does, with the year
// only when it is not the year of now. A malformed day is returned as it is.
func (l *Locale) Day(day string, now time.Time) string {
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return l.Date(d, d.Year() != now.Year())
}

// currencySymbols are the symbols CLDR gives the currencies box office is
// reported in, as they read beside each other in English and Chinese text.
var currencySymbols = map[string]struct{ en, zh string }{
	"CNY": {"CN¥", "¥"},
	"USD": {"US$", "US$"},
	"EUR": {"€", "€"},
	"GBP": {"£", "£"},
	"JPY": {"JP¥", "JP¥"},
	"KRW": {"₩", "₩"},
	"HKD": {"HK$", "HK$"},
	"TWD": {"NT$", "NT$"},
}

// Money writes a large sum the way a headline does, rounded to three
// significant figures: "CN¥1.03 billion", "US$193 million" in English;
// "¥10.3亿", "US$1.93亿" in Chinese, which counts in 万 (10⁴) and 亿 (10⁸).
// Sums under ten thousand are written whole.
func (l *Locale) Money(amount float64, currency string) string {
	sym, ok := currencySymbols[currency]
	if !ok {
		sym.en, sym.zh = currency+" ", currency+" "
	}
	neg := ""
	if amount < 0 {
		neg, amount = "-", -amount
	}
	if l.Chinese() {
		yi, wan := "亿", "万"
		if l.tag == Traditional {
			yi, wan = "億", "萬"
		}
		switch {
		case amount >= 1e8:
			return neg + sym.zh + sig3(amount/1e8) + yi
		case amount >= 1e4:
			return neg + sym.zh + sig3(amount/1e4) + wan
		}
		return neg + sym.zh + l.Number(int64(math.Round(amount)))
	}
	switch {
	case amount >= 1e9:
		return neg + sym.en + l.T("%s billion", sig3(amount/1e9))
	case amount >= 1e6:
		return neg + sym.en + l.T("%s million", sig3(amount/1e6))
	}
	return neg + sym.en + l.Number(int64(math.Round(amount)))
}

// sig3 writes x (≥ 1) with three significant figures, without trailing
// zeros: 1.03, 10.3, 193, 1360.
func sig3(x float64) string {
	digits := 2
	switch {
	case x >= 100:
		digits = 0
	case x >= 10:
		digits = 1
	}
	s := fmt.Sprintf("%.*f", digits, x)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
