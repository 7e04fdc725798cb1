package rights

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits of a license's text fields, in characters.
const (
	MaxNameLength   = 200  // licensor, licensee
	MaxExternalID   = 200  // external_id (an Avails AvailID is far shorter)
	MaxReasonLength = 2000 // the reason given for a change
	MaxActorLength  = 200  // who made a change
)

// FoldName returns the form in which licensees and licensors are compared:
// trimmed and in lower case, so "LINEUP", " Lineup " and "lineup" are one
// name. Names are stored as entered (trimmed); only comparisons fold.
func FoldName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// SameName reports whether two licensee or licensor names are the same
// name (see FoldName).
func SameName(a, b string) bool { return FoldName(a) == FoldName(b) }

// checkText refuses a text field that is not valid UTF-8, holds a control
// character (NUL and the like; multiline lets newlines and tabs through) or
// is longer than max characters, with a *FieldError naming the field.
func checkText(field, value string, max int, multiline bool) error {
	if !utf8.ValidString(value) {
		return &FieldError{Field: field, Value: strings.ToValidUTF8(clip(value), "?"),
			Reason: "the text is not valid UTF-8: send it UTF-8 encoded"}
	}
	if n := utf8.RuneCountInString(value); n > max {
		return &FieldError{Field: field, Value: clip(value),
			Reason: fmt.Sprintf("too long: %d characters, at most %d", n, max)}
	}
	for i, r := range value {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return &FieldError{Field: field, Value: clip(strings.Map(visible, value)),
				Reason: fmt.Sprintf("control character U+%04X at byte %d: remove it (names are plain text on one line)", r, i)}
		}
	}
	return nil
}

// clip shortens a value echoed back in an error.
func clip(s string) string {
	const most = 80
	if len(s) <= most {
		return s
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// visible replaces control characters so an echoed value can be shown.
func visible(r rune) rune {
	if unicode.IsControl(r) {
		return '�'
	}
	return r
}
