package locale

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func newCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPick(t *testing.T) {
	c := newCatalog(t)
	tests := []struct{ rule, profile, accept, want string }{
		{"the profile's language comes first", "zh", "en-US,en;q=0.9", "zh-Hans"},
		{"a traditional profile gets traditional", "zh-Hant", "", "zh-Hant"},
		{"a Taiwanese profile gets traditional", "zh-TW", "", "zh-Hant"},
		{"a Hong Kong profile gets traditional", "zh-HK", "", "zh-Hant"},
		{"a mainland profile gets simplified", "zh-CN", "zh-TW", "zh-Hans"},
		{"without a profile, the browser's language decides", "", "zh-TW,zh;q=0.9", "zh-Hant"},
		{"the browser's first supported language wins", "", "fr-FR,zh-CN;q=0.8,en;q=0.5", "zh-Hans"},
		{"a profile language the interface does not speak gets English", "ja", "zh-CN", "en"},
		{"nothing at all gets English", "", "", "en"},
		{"a malformed header gets English", "", ";;;q=x", "en"},
	}
	for _, tc := range tests {
		if got := c.Pick(tc.profile, tc.accept).Tag(); got != tc.want {
			t.Errorf("%s: Pick(%q, %q) = %s, want %s", tc.rule, tc.profile, tc.accept, got, tc.want)
		}
	}
}

func TestMessages(t *testing.T) {
	c := newCatalog(t)
	en, hans, hant := c.For(English), c.For(Simplified), c.For(Traditional)
	tests := []struct{ rule, got, want string }{
		{"English is the key itself", en.T("Continue Watching"), "Continue Watching"},
		{"simplified Chinese", hans.T("Continue Watching"), "继续观看"},
		{"traditional Chinese", hant.T("Continue Watching"), "繼續觀看"},
		{"arguments are reordered, not concatenated", hans.T("Available from %[1]s in %[2]s", "6月22日", "美国"), "6月22日起可在美国观看"},
		{"English plural: one", en.T("%d views", 1), "1 view"},
		{"English plural: other", en.T("%d views", 3), "3 views"},
		{"English plural: many, grouped", en.T("%d views", 12345), "12,345 views"},
		{"Chinese has one plural form", hans.T("%d views", 1), "1次观看"},
		{"an unknown key shows in English", hant.T("No such key %s", "x"), "No such key x"},
		{"Text leaves a % alone", hans.Text("100% sure"), "100% sure"},
		{"Text recognises another package's reason with its number", hans.Text("must be at least 10 characters"), "至少要有 10 个字符"},
		{"Text recognises a quoted word", hant.Text(`is built on the common word "dragon"; use a few unrelated words or a password manager's suggestion`), "以常見詞「dragon」為基礎；請改用幾個互不相關的詞，或密碼管理器建議的密碼"},
		{"Text leaves a recognised reason as it is in English", en.Text(`is built on the common word "dragon"; use a few unrelated words or a password manager's suggestion`), `is built on the common word "dragon"; use a few unrelated words or a password manager's suggestion`},
		{"Text does not take a longer text for a reason", hans.Text("must be at least 10 characters, or more"), "must be at least 10 characters, or more"},
		{"a plain word filled into a reason is translated too", hans.Text("a poster must be at least 160 pixels wide once cropped to 2:3"), "裁切为 2:3 后，海报的宽度至少要 160 像素"},
		{"a reason completes its field's sentence", hans.T("The password %s.", hans.Text("is required")), "密码不能为空。"},
		{"English plural of a wait", en.T("Too many requests from this address. Try again in %d seconds.", 1), "Too many requests from this address. Try again in 1 second."},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.rule, tc.got, tc.want)
		}
	}
}

var verb = regexp.MustCompile(`%(\[\d\])?[sdvfq]`)

// TestTablesAreWellFormed: no key twice, and every translation uses the
// same arguments as its English key, so none is dropped or invented.
func TestTablesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	count := func(s string) []string {
		vs := verb.FindAllString(s, -1)
		for i, v := range vs {
			vs[i] = strings.Replace(v[len(v)-1:], "q", "s", 1) // the kind of argument; a quoted string is a string
		}
		slices.Sort(vs)
		return vs
	}
	for _, m := range append(allMessages(), recognized...) {
		if seen[m.en] {
			t.Errorf("message %q is in the table twice", m.en)
		}
		seen[m.en] = true
		for _, tr := range []string{m.hans, m.hant} {
			if !slices.Equal(count(m.en), count(tr)) {
				t.Errorf("the translation %q must take the arguments of %q", tr, m.en)
			}
		}
	}
	for _, m := range plurals {
		if seen[m.key] {
			t.Errorf("message %q is in the tables twice", m.key)
		}
		seen[m.key] = true
	}
}

func TestFormats(t *testing.T) {
	c := newCatalog(t)
	en, hans, hant := c.For(English), c.For(Simplified), c.For(Traditional)
	day := time.Date(2018, 6, 22, 0, 0, 0, 0, time.UTC)
	tests := []struct{ rule, got, want string }{
		{"an English date", en.Date(day, true), "22 June 2018"},
		{"an English date this year", en.Date(day, false), "22 June"},
		{"a Chinese date", hans.Date(day, true), "2018年6月22日"},
		{"a Chinese date this year", hant.Date(day, false), "6月22日"},
		{"the year only when it is not this year's", en.Day("2018-06-22", day), "22 June"},
		{"country names in English", en.Country("KR"), "South Korea"},
		{"country names in simplified Chinese", hans.Country("US"), "美国"},
		{"country names in traditional Chinese", hant.Country("US"), "美國"},
		{"numbers are grouped", en.Number(1360000000), "1,360,000,000"},
		{"sums in English headline style", en.Money(1.03e9, "CNY"), "CN¥1.03 billion"},
		{"sums in millions", en.Money(193.4e6, "USD"), "US$193 million"},
		{"sums in 亿", hans.Money(1.03e9, "CNY"), "¥10.3亿"},
		{"sums in 億", hant.Money(2.84e8, "CNY"), "¥2.84億"},
		{"sums in 万", hans.Money(65e5, "CNY"), "¥650万"},
		{"never to the cent", en.Money(13083333.33, "CNY"), "CN¥13.1 million"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.rule, tc.got, tc.want)
		}
	}
}
