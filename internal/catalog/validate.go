package catalog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Limits on what the catalogue accepts.
const (
	maxTitleLen    = 500
	maxNameLen     = 500
	maxSynopsisLen = 10000
	maxShortLen    = 100 // jobs and genres
	minYear        = 1870
	maxYear        = 2100
	maxRuntime     = 1000
	maxMinAge      = 21
)

// FieldError reports one invalid field of the input. Field is the field's
// path in JSON terms ("original_language", "credits[2].person.gender"),
// Value what was given (cut short when long) and Reason what rule it broke.
// Nothing is stored when a write returns one.
type FieldError struct {
	Field  string
	Value  string
	Reason string
}

// Error returns the field, the value and the reason in one line.
func (e *FieldError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// InvalidField returns the field, its value and the reason. The web layer
// maps any error that has this method to HTTP 400 naming the field.
func (e *FieldError) InvalidField() (field, value, reason string) {
	return e.Field, e.Value, e.Reason
}

func fieldErr(field, value, reason string) *FieldError {
	if utf8.RuneCountInString(value) > 100 {
		value = string([]rune(value)[:100]) + "…"
	}
	if !utf8.ValidString(value) {
		value = strings.ToValidUTF8(value, "\uFFFD")
	}
	return &FieldError{Field: field, Value: value, Reason: reason}
}

// text trims s and checks that it is text both engines store alike (valid
// UTF-8 without NUL bytes), at most max characters, and present if required.
func text(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		return "", fieldErr(field, s, "must be valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		return "", fieldErr(field, s, "must not contain NUL bytes")
	case required && s == "":
		return "", fieldErr(field, s, "is required")
	case utf8.RuneCountInString(s) > max:
		return "", fieldErr(field, s, fmt.Sprintf("must be at most %d characters", max))
	}
	return s, nil
}

// CanonicalLanguage parses a BCP-47 language tag and returns its canonical
// form ("zh-cn" becomes "zh-CN", "iw" becomes "he"). It rejects what is not
// a well-formed tag of a known language ("english", "zz-!!") and the empty
// string.
func CanonicalLanguage(s string) (string, error) {
	tag, err := language.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	return tag.String(), nil
}

// lang validates a language field; an empty value is allowed only when
// optional.
func lang(field, s string, optional bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if optional {
			return "", nil
		}
		return "", fieldErr(field, s, "is required")
	}
	c, err := CanonicalLanguage(s)
	if err != nil {
		return "", fieldErr(field, s, "must be a BCP-47 language tag such as en, zh-Hans or pt-BR")
	}
	return c, nil
}

func oneOf(field, s string, allowed ...string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	shown := make([]string, len(allowed))
	for i, a := range allowed {
		shown[i] = strconv.Quote(a)
	}
	return "", fieldErr(field, s, "must be one of "+strings.Join(shown, ", "))
}

func intRange(field string, v, lo, hi int, zeroOK bool) error {
	if (zeroOK && v == 0) || (v >= lo && v <= hi) {
		return nil
	}
	reason := fmt.Sprintf("must be between %d and %d", lo, hi)
	if zeroOK && lo > 0 {
		reason += ", or 0 when unknown"
	}
	return fieldErr(field, strconv.Itoa(v), reason)
}

// normalizeTitle validates t and returns it trimmed and canonical: language
// tags canonical, genres lowercase, sorted and without repeats, kind
// defaulting to movie. Credits are checked with normalizeCredit.
func normalizeTitle(t Title) (Title, error) {
	var err error
	out := Title{Year: t.Year, RuntimeMinutes: t.RuntimeMinutes, MinAge: t.MinAge}
	if out.OriginalTitle, err = text("original_title", t.OriginalTitle, maxTitleLen, true); err != nil {
		return Title{}, err
	}
	if out.OriginalLanguage, err = lang("original_language", t.OriginalLanguage, false); err != nil {
		return Title{}, err
	}
	if err = intRange("year", t.Year, minYear, maxYear, true); err != nil {
		return Title{}, err
	}
	if err = intRange("runtime_minutes", t.RuntimeMinutes, 0, maxRuntime, false); err != nil {
		return Title{}, err
	}
	out.Kind = KindMovie
	if strings.TrimSpace(t.Kind) != "" {
		if out.Kind, err = oneOf("kind", t.Kind, KindMovie, KindSeries, KindEpisode, KindShort, KindDocumentary); err != nil {
			return Title{}, err
		}
	}
	if err = intRange("min_age", t.MinAge, 0, maxMinAge, false); err != nil {
		return Title{}, err
	}
	if out.SourceWork, err = text("source_work", t.SourceWork, maxTitleLen, false); err != nil {
		return Title{}, err
	}

	out.Genres = []string{}
	seenGenre := map[string]bool{}
	for i, g := range t.Genres {
		g, err := text(fmt.Sprintf("genres[%d]", i), strings.ToLower(g), maxShortLen, true)
		if err != nil {
			return Title{}, err
		}
		if !seenGenre[g] {
			seenGenre[g] = true
			out.Genres = append(out.Genres, g)
		}
	}
	slices.Sort(out.Genres)

	out.AlternateTitles = []AlternateTitle{}
	seenAlt := map[string]bool{}
	for i, a := range t.AlternateTitles {
		f := fmt.Sprintf("alternate_titles[%d]", i)
		var n AlternateTitle
		if n.Title, err = text(f+".title", a.Title, maxTitleLen, true); err != nil {
			return Title{}, err
		}
		if n.Language, err = lang(f+".language", a.Language, true); err != nil {
			return Title{}, err
		}
		if seenAlt[n.Title] {
			return Title{}, fieldErr(f+".title", n.Title, "is listed twice")
		}
		seenAlt[n.Title] = true
		out.AlternateTitles = append(out.AlternateTitles, n)
	}

	out.Localizations = []Localization{}
	seenLoc := map[string]bool{}
	for i, l := range t.Localizations {
		f := fmt.Sprintf("localizations[%d]", i)
		var n Localization
		if n.Language, err = lang(f+".language", l.Language, false); err != nil {
			return Title{}, err
		}
		if n.Title, err = text(f+".title", l.Title, maxTitleLen, false); err != nil {
			return Title{}, err
		}
		if n.Synopsis, err = text(f+".synopsis", l.Synopsis, maxSynopsisLen, false); err != nil {
			return Title{}, err
		}
		if n.Title == "" && n.Synopsis == "" {
			return Title{}, fieldErr(f+".title", "", "a localization needs a title or a synopsis")
		}
		if seenLoc[n.Language] {
			return Title{}, fieldErr(f+".language", l.Language, "another localization already has this language")
		}
		seenLoc[n.Language] = true
		out.Localizations = append(out.Localizations, n)
	}

	out.Credits = make([]Credit, 0, len(t.Credits))
	for i, c := range t.Credits {
		n, err := normalizeCredit(fmt.Sprintf("credits[%d].", i), c)
		if err != nil {
			return Title{}, err
		}
		out.Credits = append(out.Credits, n)
	}
	return out, nil
}

// normalizeCredit validates a credit given on input. prefix is prepended to
// field names ("credits[2]." inside a title, "" alone).
func normalizeCredit(prefix string, c Credit) (Credit, error) {
	var err error
	out := Credit{PersonID: c.PersonID, BillingOrder: c.BillingOrder}
	if out.PersonID == 0 {
		out.PersonID = c.Person.ID
	}
	switch {
	case out.PersonID < 0:
		return Credit{}, fieldErr(prefix+"person_id", strconv.FormatInt(out.PersonID, 10), "must be a person's ID")
	case out.PersonID == 0:
		if out.Person, err = normalizePerson(prefix+"person.", c.Person); err != nil {
			return Credit{}, err
		}
	}
	if out.Job, err = text(prefix+"job", strings.ToLower(c.Job), maxShortLen, true); err != nil {
		return Credit{}, err
	}
	if c.BillingOrder < 0 {
		return Credit{}, fieldErr(prefix+"billing_order", strconv.Itoa(c.BillingOrder), "must not be negative")
	}
	if out.Character, err = text(prefix+"character", c.Character, maxNameLen, false); err != nil {
		return Credit{}, err
	}
	if out.CharacterNames, err = normalizeNames(prefix+"character_names", c.CharacterNames); err != nil {
		return Credit{}, err
	}
	return out, nil
}

// normalizePerson validates a new person. prefix is prepended to field names.
func normalizePerson(prefix string, p Person) (Person, error) {
	var err error
	var out Person
	if out.Name, err = text(prefix+"name", p.Name, maxNameLen, true); err != nil {
		return Person{}, err
	}
	if strings.TrimSpace(p.Gender) != "" {
		if out.Gender, err = oneOf(prefix+"gender", p.Gender, GenderFemale, GenderMale, GenderNonbinary); err != nil {
			return Person{}, err
		}
	}
	if out.Names, err = normalizeNames(prefix+"names", p.Names); err != nil {
		return Person{}, err
	}
	return out, nil
}

func normalizeNames(field string, names []LocalizedName) ([]LocalizedName, error) {
	out := make([]LocalizedName, 0, len(names))
	seen := map[string]bool{}
	for i, n := range names {
		f := fmt.Sprintf("%s[%d]", field, i)
		var err error
		var v LocalizedName
		if v.Language, err = lang(f+".language", n.Language, false); err != nil {
			return nil, err
		}
		if v.Name, err = text(f+".name", n.Name, maxNameLen, true); err != nil {
			return nil, err
		}
		if seen[v.Language] {
			return nil, fieldErr(f+".language", n.Language, "another name already has this language")
		}
		seen[v.Language] = true
		out = append(out, v)
	}
	return out, nil
}
