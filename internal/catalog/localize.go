package catalog

import (
	"strings"

	"golang.org/x/text/language"
)

// Localized returns the title and synopsis to show a reader of lang, a
// BCP-47 tag. The title comes from the localization that best matches lang
// (see bestLanguage), else it is the original title. The synopsis comes from
// the best-matching localization that has one, else from the original
// language's, else from English, else from any localization; it is empty
// when no localization has a synopsis. An invalid lang gets the fallbacks.
func (t Title) Localized(lang string) (title, synopsis string) {
	var titleLangs, synopsisLangs []string
	var titles, synopses []string
	for _, l := range t.Localizations {
		if l.Title != "" {
			titleLangs = append(titleLangs, l.Language)
			titles = append(titles, l.Title)
		}
		if l.Synopsis != "" {
			synopsisLangs = append(synopsisLangs, l.Language)
			synopses = append(synopses, l.Synopsis)
		}
	}
	title = t.OriginalTitle
	if i := bestLanguage(lang, titleLangs); i >= 0 {
		title = titles[i]
	}
	for _, want := range []string{lang, t.OriginalLanguage, "en"} {
		if i := bestLanguage(want, synopsisLangs); i >= 0 {
			return title, synopses[i]
		}
	}
	if len(synopses) > 0 {
		synopsis = synopses[0]
	}
	return title, synopsis
}

// LocalizedName returns the person's name for a reader of lang, a BCP-47
// tag: the best-matching localized name, else the name as credited in the
// original.
func (p Person) LocalizedName(lang string) string {
	return pickName(lang, p.Names, p.Name)
}

// LocalizedCharacter returns the character's name for a reader of lang, a
// BCP-47 tag: the best-matching localized character name, else the
// character as named in the original (empty for a crew credit).
func (c Credit) LocalizedCharacter(lang string) string {
	return pickName(lang, c.CharacterNames, c.Character)
}

func pickName(lang string, names []LocalizedName, original string) string {
	langs := make([]string, len(names))
	for i, n := range names {
		langs[i] = n.Language
	}
	if i := bestLanguage(lang, langs); i >= 0 && names[i].Name != "" {
		return names[i].Name
	}
	return original
}

// bestLanguage returns the index in have of the tag that best serves a
// reader of want, or -1 when none does. In order of preference:
//
//  1. the same tag (compared in canonical form, so "zh-cn" finds "zh-CN");
//  2. the nearest truncation of want, dropping subtags from the end
//     (zh-Hans-CN, then zh-Hans, then zh; en-GB, then en), provided it is
//     written in the same script, so that zh-Hant never falls back to a
//     plain zh, which is Simplified;
//  3. the closest tag by CLDR language matching, when it is a confident
//     match (zh-TW finds zh-Hant, en-AU finds en-GB, cmn finds zh).
//
// A match across scripts (zh-Hant for zh-Hans, sr-Latn for sr) is not
// confident: the reader gets the fallback rather than a script they may not
// read.
func bestLanguage(want string, have []string) int {
	if len(have) == 0 {
		return -1
	}
	wantTag, err := language.Parse(strings.TrimSpace(want))
	if err != nil {
		return -1
	}
	w := wantTag.String()
	for i, h := range have {
		if strings.EqualFold(h, w) {
			return i
		}
	}
	tags := make([]language.Tag, 0, len(have))
	index := make([]int, 0, len(have))
	for i, h := range have {
		if t, err := language.Parse(h); err == nil {
			tags = append(tags, t)
			index = append(index, i)
		}
	}
	if len(tags) == 0 {
		return -1
	}
	wantScript, _ := wantTag.Script()
	for cut := truncateTag(w); cut != ""; cut = truncateTag(cut) {
		for j, t := range tags {
			if !strings.EqualFold(t.String(), cut) {
				continue
			}
			if s, _ := t.Script(); s == wantScript {
				return index[j]
			}
		}
	}
	_, j, conf := language.NewMatcher(tags).Match(wantTag)
	if conf >= language.High {
		return index[j]
	}
	return -1
}

// truncateTag drops the last subtag of a tag, and a singleton left dangling
// before it (RFC 4647 lookup); it returns "" when nothing is left.
func truncateTag(tag string) string {
	i := strings.LastIndexByte(tag, '-')
	if i < 0 {
		return ""
	}
	tag = tag[:i]
	if j := strings.LastIndexByte(tag, '-'); j >= 0 && len(tag)-j == 2 {
		tag = tag[:j]
	}
	return tag
}
