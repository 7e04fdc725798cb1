package accounts

import (
	"fmt"
	"strings"

	"github.com/trustelem/zxcvbn"
)

// MinPasswordScore is the least zxcvbn score (0 to 4) a new password must
// have: 3 means "safely unguessable" by an attacker who can try about 10^8
// guesses offline (zxcvbn's scale), which the commonest passwords,
// dictionary words with a digit or two, keyboard walks and dates are not.
const MinPasswordScore = 3

// CheckNewPassword says whether a new password may be used: at least
// MinPasswordLength characters, at most MaxPasswordLength, and hard enough
// to guess by the zxcvbn estimate, which also counts the account's own
// email (and its parts) as easy to guess. A refusal is a *FieldError for
// the field "password" whose reason says what to do.
func CheckNewPassword(pw, email string) error {
	if err := checkPassword(pw); err != nil {
		return err
	}
	var inputs []string
	if email != "" {
		inputs = append(inputs, email)
		local, domain, _ := strings.Cut(email, "@")
		inputs = append(inputs, local, domain, "lineup")
	}
	r := zxcvbn.PasswordStrength(pw, inputs)
	if r.Score >= MinPasswordScore {
		return nil
	}
	return fieldErr("password", "", weakReason(r))
}

// weakReason names what makes a password easy to guess, from the part of
// it zxcvbn found easiest.
func weakReason(r zxcvbn.Result) string {
	const advice = "; use a few unrelated words or a password manager's suggestion"
	for _, m := range r.Sequence {
		switch m.Pattern {
		case "dictionary":
			switch m.DictionaryName {
			case "passwords":
				return "is one of the most common passwords" + advice
			case "user_inputs":
				return "contains your email or the service's name" + advice
			case "english_wikipedia", "us_tv_and_film":
				return fmt.Sprintf("is built on the common word %q", m.MatchedWord) + advice
			default:
				return fmt.Sprintf("is built on the common name or word %q", m.MatchedWord) + advice
			}
		case "spatial":
			return "is a row of neighbouring keys" + advice
		case "repeat":
			return "repeats the same characters" + advice
		case "sequence":
			return "is a run like abc or 123" + advice
		case "date":
			return "is built on a date" + advice
		}
	}
	return "is too easy to guess" + advice
}
