package catalog

import "testing"

// usAndThemLocalizations is the film's text in a few languages: Simplified
// Chinese as plain zh (the original), Traditional Chinese and English.
func usAndThemLocalized() Title {
	return Title{
		OriginalTitle:    "后来的我们",
		OriginalLanguage: "zh",
		Localizations: []Localization{
			{Language: "en", Title: "Us and Them", Synopsis: "Two strangers meet on a train home for the Spring Festival."},
			{Language: "zh", Title: "后来的我们", Synopsis: "春节回家的火车上，两个陌生人相遇。"},
			{Language: "zh-Hant", Title: "後來的我們", Synopsis: "春節回家的火車上，兩個陌生人相遇。"},
		},
	}
}

func TestTitleLocalized(t *testing.T) {
	film := usAndThemLocalized()
	const (
		en, enSyn     = "Us and Them", "Two strangers meet on a train home for the Spring Festival."
		hans, hansSyn = "后来的我们", "春节回家的火车上，两个陌生人相遇。"
		hant, hantSyn = "後來的我們", "春節回家的火車上，兩個陌生人相遇。"
	)
	tests := []struct {
		name, lang, title, synopsis string
	}{
		{"exact tag", "zh-Hant", hant, hantSyn},
		{"exact tag in another case", "ZH-hant", hant, hantSyn},
		{"zh-Hans-CN falls back through zh-Hans to zh", "zh-Hans-CN", hans, hansSyn},
		{"zh-Hans falls back to zh, which is Simplified", "zh-Hans", hans, hansSyn},
		{"zh-CN falls back to zh", "zh-CN", hans, hansSyn},
		{"zh-TW is written in Traditional script", "zh-TW", hant, hantSyn},
		{"zh-HK is written in Traditional script", "zh-HK", hant, hantSyn},
		{"zh-Hant-TW truncates to zh-Hant", "zh-Hant-TW", hant, hantSyn},
		{"cmn is the same language as zh", "cmn", hans, hansSyn},
		{"en-GB falls back to en", "en-GB", en, enSyn},
		{"en-US matches en", "en-US", en, enSyn},
		{"no localization: original title, original language's synopsis", "fr", hans, hansSyn},
		{"not a tag: the fallbacks", "english", hans, hansSyn},
		{"empty: the fallbacks", "", hans, hansSyn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title, synopsis := film.Localized(tt.lang)
			if title != tt.title || synopsis != tt.synopsis {
				t.Errorf("Localized(%q) = %q, %q; want %q, %q", tt.lang, title, synopsis, tt.title, tt.synopsis)
			}
		})
	}
}

func TestTitleLocalizedScripts(t *testing.T) {
	// Only Simplified (plain zh) and Traditional: a reader of one script
	// must not be handed the other when their own is there, and a
	// Traditional reader must not get plain zh by truncation.
	simplifiedOnly := Title{OriginalTitle: "Us and Them", OriginalLanguage: "en",
		Localizations: []Localization{{Language: "zh", Title: "后来的我们"}}}
	traditionalOnly := Title{OriginalTitle: "Us and Them", OriginalLanguage: "en",
		Localizations: []Localization{{Language: "zh-Hant", Title: "後來的我們"}}}
	both := Title{OriginalTitle: "Us and Them", OriginalLanguage: "en",
		Localizations: []Localization{{Language: "zh-Hant", Title: "後來的我們"}, {Language: "zh-Hans", Title: "后来的我们"}}}
	tests := []struct {
		name string
		t    Title
		lang string
		want string
	}{
		{"zh finds zh-Hans among both scripts", both, "zh", "后来的我们"},
		{"zh-CN finds zh-Hans", both, "zh-CN", "后来的我们"},
		{"zh-TW finds zh-Hant", both, "zh-TW", "後來的我們"},
		{"zh-Hans-SG finds zh-Hans", both, "zh-Hans-SG", "后来的我们"},
		{"zh-Hant does not fall back to Simplified zh", simplifiedOnly, "zh-Hant", "Us and Them"},
		{"zh-TW does not fall back to Simplified zh", simplifiedOnly, "zh-TW", "Us and Them"},
		{"zh-Hans does not get Traditional", traditionalOnly, "zh-Hans", "Us and Them"},
		{"zh (Simplified) does not get Traditional", traditionalOnly, "zh", "Us and Them"},
		{"zh-HK gets Traditional", traditionalOnly, "zh-HK", "後來的我們"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := tt.t.Localized(tt.lang); got != tt.want {
				t.Errorf("Localized(%q) title = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestTitleLocalizedSynopsisFallback(t *testing.T) {
	tests := []struct {
		name, lang, want string
		locs             []Localization
	}{
		{"matched localization without synopsis: original language's", "en", "中文简介",
			[]Localization{{Language: "en", Title: "Us and Them"}, {Language: "fr", Synopsis: "Résumé"}, {Language: "zh", Synopsis: "中文简介"}}},
		{"no original language synopsis: English", "de", "English synopsis",
			[]Localization{{Language: "fr", Synopsis: "Résumé"}, {Language: "en-GB", Synopsis: "English synopsis"}}},
		{"no English either: any", "de", "Résumé",
			[]Localization{{Language: "fr", Synopsis: "Résumé"}}},
		{"no synopsis at all: empty", "de", "",
			[]Localization{{Language: "en", Title: "Us and Them"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			film := Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh", Localizations: tt.locs}
			if _, got := film.Localized(tt.lang); got != tt.want {
				t.Errorf("Localized(%q) synopsis = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
	film := Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh",
		Localizations: []Localization{{Language: "en", Synopsis: "Only a synopsis"}}}
	if title, _ := film.Localized("en"); title != "后来的我们" {
		t.Errorf("a localization with only a synopsis must leave the original title, got %q", title)
	}
}

func TestPersonLocalizedName(t *testing.T) {
	rene := Person{Name: "刘若英", Names: []LocalizedName{{Language: "en", Name: "René Liu"}, {Language: "zh-Hant", Name: "劉若英"}}}
	tests := []struct{ lang, want string }{
		{"en", "René Liu"},
		{"en-AU", "René Liu"},
		{"zh-Hant", "劉若英"},
		{"zh-TW", "劉若英"},
		{"zh", "刘若英"},
		{"zh-Hans-CN", "刘若英"},
		{"fr", "刘若英"},
		{"zz-!!", "刘若英"},
	}
	for _, tt := range tests {
		if got := rene.LocalizedName(tt.lang); got != tt.want {
			t.Errorf("LocalizedName(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestCreditLocalizedCharacter(t *testing.T) {
	c := Credit{Job: "actor", Character: "方小晓", CharacterNames: []LocalizedName{{Language: "en", Name: "Fang Xiaoxiao"}}}
	tests := []struct{ lang, want string }{
		{"en-GB", "Fang Xiaoxiao"},
		{"zh", "方小晓"},
		{"ja", "方小晓"},
	}
	for _, tt := range tests {
		if got := c.LocalizedCharacter(tt.lang); got != tt.want {
			t.Errorf("LocalizedCharacter(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := (Credit{Job: "director"}).LocalizedCharacter("en"); got != "" {
		t.Errorf("a crew credit has no character, got %q", got)
	}
}

func TestTruncateTag(t *testing.T) {
	tests := map[string]string{
		"zh-Hans-CN": "zh-Hans",
		"zh-Hans":    "zh",
		"zh":         "",
		"de-DE-u-co": "de-DE",
		"en-x-a":     "en",
	}
	for in, want := range tests {
		if got := truncateTag(in); got != want {
			t.Errorf("truncateTag(%q) = %q, want %q (RFC 4647 drops a dangling singleton)", in, got, want)
		}
	}
}

// FuzzBestLanguage feeds arbitrary tags, as a client's Accept-Language or
// ?lang= may carry, to the matcher: it must never panic and must answer an
// index into have, or -1.
func FuzzBestLanguage(f *testing.F) {
	for _, s := range [][2]string{{"zh-Hans-CN", "zh"}, {"zh-TW", "zh-Hant"}, {"english", "en"}, {"zz-!!", ""}, {"en-a-b-x-y", "en-GB"}, {"", "und"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, want, have string) {
		list := []string{have, "en", "zh-Hant", have + "-x-1"}
		if i := bestLanguage(want, list); i < -1 || i >= len(list) {
			t.Fatalf("bestLanguage(%q, %q) = %d, out of range", want, list, i)
		}
		_ = truncateTag(want)
	})
}
