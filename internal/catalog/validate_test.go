package catalog

import (
	"errors"
	"strings"
	"testing"
)

// validTitle returns a small title that passes validation; each case below
// breaks one rule of it.
func validTitle() Title {
	return Title{
		OriginalTitle:    "后来的我们",
		OriginalLanguage: "zh",
		Year:             2018,
		RuntimeMinutes:   119,
		Kind:             "movie",
		Genres:           []string{"romance"},
		AlternateTitles:  []AlternateTitle{{Title: "Us and Them", Language: "en"}},
		Localizations:    []Localization{{Language: "en", Title: "Us and Them"}},
		Credits: []Credit{{Job: "director", Person: Person{Name: "刘若英", Gender: "female",
			Names: []LocalizedName{{Language: "en", Name: "René Liu"}}}}},
	}
}

func TestNormalizeTitleRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Title)
		field  string
	}{
		{"empty original title", func(t *Title) { t.OriginalTitle = "  " }, "original_title"},
		{"original title over 500 characters", func(t *Title) { t.OriginalTitle = strings.Repeat("我", 501) }, "original_title"},
		{"original title not UTF-8", func(t *Title) { t.OriginalTitle = "\xff\xfe" }, "original_title"},
		{"original title with a NUL byte", func(t *Title) { t.OriginalTitle = "a\x00b" }, "original_title"},
		{"missing original language", func(t *Title) { t.OriginalLanguage = "" }, "original_language"},
		{"language written as a word", func(t *Title) { t.OriginalLanguage = "english" }, "original_language"},
		{"language not a tag", func(t *Title) { t.OriginalLanguage = "zz-!!" }, "original_language"},
		{"unknown language subtag", func(t *Title) { t.OriginalLanguage = "zz" }, "original_language"},
		{"year before cinema", func(t *Title) { t.Year = 1869 }, "year"},
		{"year too far ahead", func(t *Title) { t.Year = 2101 }, "year"},
		{"negative runtime", func(t *Title) { t.RuntimeMinutes = -1 }, "runtime_minutes"},
		{"runtime over 1000 minutes", func(t *Title) { t.RuntimeMinutes = 1001 }, "runtime_minutes"},
		{"unknown kind", func(t *Title) { t.Kind = "podcast" }, "kind"},
		{"min age over 21", func(t *Title) { t.MinAge = 22 }, "min_age"},
		{"negative min age", func(t *Title) { t.MinAge = -1 }, "min_age"},
		{"empty genre", func(t *Title) { t.Genres = append(t.Genres, " ") }, "genres[1]"},
		{"alternate title language invalid", func(t *Title) { t.AlternateTitles[0].Language = "english" }, "alternate_titles[0].language"},
		{"alternate title listed twice", func(t *Title) {
			t.AlternateTitles = append(t.AlternateTitles, AlternateTitle{Title: "Us and Them"})
		}, "alternate_titles[1].title"},
		{"localization language invalid", func(t *Title) { t.Localizations[0].Language = "zz-!!" }, "localizations[0].language"},
		{"localization language missing", func(t *Title) { t.Localizations[0].Language = "" }, "localizations[0].language"},
		{"localization with neither title nor synopsis", func(t *Title) { t.Localizations[0].Title = "" }, "localizations[0].title"},
		{"duplicate localization language", func(t *Title) {
			t.Localizations = append(t.Localizations, Localization{Language: "en", Title: "Us & Them"})
		}, "localizations[1].language"},
		{"duplicate localization language once canonical", func(t *Title) {
			t.Localizations = []Localization{{Language: "zh-cn", Title: "a"}, {Language: "zh-CN", Title: "b"}}
		}, "localizations[1].language"},
		{"credit without job", func(t *Title) { t.Credits[0].Job = "" }, "credits[0].job"},
		{"credit with negative billing order", func(t *Title) { t.Credits[0].BillingOrder = -1 }, "credits[0].billing_order"},
		{"credit with negative person ID", func(t *Title) { t.Credits[0].PersonID = -4 }, "credits[0].person_id"},
		{"new person without name", func(t *Title) { t.Credits[0].Person.Name = "" }, "credits[0].person.name"},
		{"unknown gender", func(t *Title) { t.Credits[0].Person.Gender = "unknown" }, "credits[0].person.gender"},
		{"person name language invalid", func(t *Title) { t.Credits[0].Person.Names[0].Language = "english" }, "credits[0].person.names[0].language"},
		{"person name twice in one language", func(t *Title) {
			t.Credits[0].Person.Names = append(t.Credits[0].Person.Names, LocalizedName{Language: "EN", Name: "Rene Liu"})
		}, "credits[0].person.names[1].language"},
		{"character name language invalid", func(t *Title) {
			t.Credits[0].CharacterNames = []LocalizedName{{Language: "chinese", Name: "x"}}
		}, "credits[0].character_names[0].language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validTitle()
			tt.change(&in)
			_, err := normalizeTitle(in)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want a *FieldError naming %s, got %v", tt.field, err)
			}
			if field, _, reason := fe.InvalidField(); field != tt.field || reason == "" {
				t.Errorf("the error must name the field that broke the rule: got field %q (reason %q), want %q", field, reason, tt.field)
			}
		})
	}
}

func TestNormalizeTitleCanonicalizes(t *testing.T) {
	in := validTitle()
	in.OriginalTitle = "  后来的我们 "
	in.OriginalLanguage = "zh-cn"
	in.Kind = ""
	in.Year = 0
	in.Genres = []string{" Romance", "drama", "ROMANCE"}
	in.Localizations = []Localization{{Language: "zh-hant-tw", Title: "後來的我們"}, {Language: "en_GB", Title: "Us and Them"}}
	in.AlternateTitles = []AlternateTitle{{Title: "Houlai de women", Language: "zh-latn-pinyin"}, {Title: "No language"}}
	in.Credits[0].Job = " Director "
	in.Credits[0].Person.Gender = "Female"
	got, err := normalizeTitle(in)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ what, got, want string }{
		{"original title trimmed", got.OriginalTitle, "后来的我们"},
		{"zh-cn canonical", got.OriginalLanguage, "zh-CN"},
		{"empty kind means movie", got.Kind, "movie"},
		{"genres lowercase, sorted, once", strings.Join(got.Genres, ","), "drama,romance"},
		{"zh-hant-tw canonical", got.Localizations[0].Language, "zh-Hant-TW"},
		{"en_GB canonical", got.Localizations[1].Language, "en-GB"},
		{"variant subtag canonical", got.AlternateTitles[0].Language, "zh-Latn-pinyin"},
		{"alternate title may have no language", got.AlternateTitles[1].Language, ""},
		{"job lowercase", got.Credits[0].Job, "director"},
		{"gender lowercase", got.Credits[0].Person.Gender, "female"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if got.Year != 0 {
		t.Errorf("year 0 means unknown and must be accepted as such, got %d", got.Year)
	}
}

func TestFieldErrorCutsLongValues(t *testing.T) {
	fe := fieldErr("localizations[0].synopsis", strings.Repeat("长", 5000), "too long")
	if n := len([]rune(fe.Value)); n > 101 {
		t.Errorf("a field error must not echo a huge value back: %d characters", n)
	}
	if !strings.Contains(fe.Error(), "localizations[0].synopsis") {
		t.Errorf("Error() must name the field: %q", fe.Error())
	}
}

func TestCanonicalLanguage(t *testing.T) {
	good := map[string]string{"zh-cn": "zh-CN", "ZH-HANT": "zh-Hant", "cmn": "cmn", "en": "en", "iw": "he", "pt_br": "pt-BR"}
	for in, want := range good {
		if got, err := CanonicalLanguage(in); err != nil || got != want {
			t.Errorf("CanonicalLanguage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "english", "zz-!!", "zz", "en--US"} {
		if got, err := CanonicalLanguage(bad); err == nil {
			t.Errorf("CanonicalLanguage(%q) = %q; want an error", bad, got)
		}
	}
}
