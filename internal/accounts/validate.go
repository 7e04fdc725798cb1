package accounts

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/lineup/lineup/internal/rights"
)

// FieldError reports one invalid field of the input: Field is its form or
// JSON name, Value what was given (never a password or PIN) and Reason the
// rule it broke, written for the person who typed it. Nothing is stored
// when a call returns one. Err, when set, is a sentinel the caller may test
// with errors.Is (ErrEmailTaken).
type FieldError struct {
	Field  string
	Value  string
	Reason string
	Err    error
}

// Error returns the field and the reason in one line.
func (e *FieldError) Error() string {
	return fmt.Sprintf("accounts: invalid %s: %s", e.Field, e.Reason)
}

// InvalidField returns the field, its value and the reason. The web layer
// maps any error that has this method to HTTP 400 naming the field.
func (e *FieldError) InvalidField() (field, value, reason string) {
	return e.Field, e.Value, e.Reason
}

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field, value, reason string) *FieldError {
	if utf8.RuneCountInString(value) > 100 {
		value = string([]rune(value)[:100]) + "…"
	}
	value = strings.ToValidUTF8(value, "\uFFFD")
	return &FieldError{Field: field, Value: value, Reason: reason}
}

// Password length bounds, in characters. The upper bound keeps a request
// from making the server hash megabytes.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// checkEmail returns the email as it will be stored and its key (lower
// case), or a *FieldError.
func checkEmail(email string) (string, string, error) {
	email = strings.TrimSpace(email)
	switch {
	case email == "":
		return "", "", fieldErr("email", email, "is required")
	case len(email) > 254:
		return "", "", fieldErr("email", email, "must be at most 254 characters")
	case !utf8.ValidString(email) || strings.ContainsAny(email, "\x00\r\n"):
		return "", "", fieldErr("email", email, "must be one plain email address")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return "", "", fieldErr("email", email, "must be an email address such as name@example.com")
	}
	return email, emailKey(email), nil
}

// emailKey is what makes two spellings of an email the same account.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func checkPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw) || strings.IndexByte(pw, 0) >= 0:
		return fieldErr("password", "", "must be text without NUL bytes")
	case n < MinPasswordLength:
		return fieldErr("password", "", fmt.Sprintf("must be at least %d characters", MinPasswordLength))
	case n > MaxPasswordLength:
		return fieldErr("password", "", fmt.Sprintf("must be at most %d characters", MaxPasswordLength))
	}
	return nil
}

// checkHome accepts "" (unknown) or one country code.
func checkHome(field, code string) (string, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return "", nil
	}
	codes, err := rights.ParseTerritory(code)
	if err != nil {
		return "", fieldErr(field, code, err.Error())
	}
	if len(codes) != 1 || codes[0] != code {
		return "", fieldErr(field, code, "must be one country, such as FR or US, not a region")
	}
	return code, nil
}

func checkRole(r Role) (Role, error) {
	switch r {
	case "":
		return RoleViewer, nil
	case RoleViewer, RoleAdmin:
		return r, nil
	}
	return "", fieldErr("role", string(r), `must be "viewer" or "admin"`)
}

// Maturity limits of a profile, in years (catalog titles carry a min_age
// from 0 to 21).
const (
	// MaxMaturity is the highest limit: a profile with it sees everything.
	MaxMaturity = 21
	// KidsMaxMaturity is the highest limit a kids profile may have.
	KidsMaxMaturity = 12
	maxProfileName  = 40
)

func checkProfile(in ProfileInput) (ProfileInput, error) {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		return in, fieldErr("name", in.Name, "is required")
	case !utf8.ValidString(in.Name) || strings.ContainsFunc(in.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return in, fieldErr("name", in.Name, "must be text without control characters")
	case utf8.RuneCountInString(in.Name) > maxProfileName:
		return in, fieldErr("name", in.Name, fmt.Sprintf("must be at most %d characters", maxProfileName))
	}
	lang := strings.TrimSpace(in.Language)
	tag, err := language.Parse(lang)
	if lang == "" || err != nil {
		return in, fieldErr("language", lang, "must be a BCP-47 language tag such as en, zh-Hans or pt-BR")
	}
	in.Language = tag.String()
	if in.MaxAge < 0 || in.MaxAge > MaxMaturity {
		return in, fieldErr("max_age", fmt.Sprint(in.MaxAge), fmt.Sprintf("maturity limit must be between 0 and %d", MaxMaturity))
	}
	if in.Kids && in.MaxAge > KidsMaxMaturity {
		return in, fieldErr("max_age", fmt.Sprint(in.MaxAge), fmt.Sprintf("a kids profile's maturity limit must be at most %d", KidsMaxMaturity))
	}
	if in.PIN != "" {
		if err := checkPIN(in.PIN); err != nil {
			return in, err
		}
	}
	return in, nil
}

func checkPIN(pin string) error {
	if len(pin) != 4 || strings.Trim(pin, "0123456789") != "" {
		return fieldErr("pin", "", "must be exactly 4 digits")
	}
	return nil
}
