package web

import (
	"context"
	"net/http"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/locale"
	"github.com/lineup/lineup/internal/mail"
)

// linkMail is one of the mails that carry a single-use link: its subject
// and body are catalogue keys (internal/locale), the body a format taking
// the service's name (%[1]s) and the link (%[2]s), so that each language
// orders the sentence its own way.
type linkMail struct{ subject, body string }

// The mails the account pages send.
var (
	signInMail = linkMail{"Your sign-in link",
		"Sign in to %[1]s with this link (it works once, for 30 minutes):\n\n%[2]s\n\nIf you did not ask for it, ignore this message."}
	resetMail = linkMail{"Reset your password",
		"Choose a new %[1]s password with this link (it works once, for 30 minutes):\n\n%[2]s\n\nIf you did not ask for it, ignore this message: your password stays as it is."}
	takenMail = linkMail{"Someone tried to create an account with your email",
		"Someone (perhaps you) tried to create a new %[1]s account with this email, which already has one.\n\nIf it was you, sign in with this link (it works once, for 30 minutes):\n\n%[2]s\n\nIf it was not you, ignore this message: nothing changed."}
	verifyMail = linkMail{"Confirm your email",
		"Welcome to %[1]s. Confirm your email to finish creating your account (the link works once, for 30 minutes):\n\n%[2]s\n\nIf you did not sign up, ignore this message."}
)

// message writes the mail to one recipient in the language loc.
func (m linkMail) message(loc *locale.Locale, to, service, link string) mail.Message {
	return mail.Message{To: to, Subject: loc.T(m.subject), Text: loc.T(m.body, service, link)}
}

// mailLocale is the language a mail to u is written in: the language of
// the account's first profile (the one its owner made first), else the
// Accept-Language of the request that caused the mail, else English. A
// profile lookup that fails falls back to the request's language: the mail
// still leaves.
func (s *Server) mailLocale(ctx context.Context, r *http.Request, u accounts.User) *locale.Locale {
	lang := ""
	if ps, err := s.Accounts.Profiles(ctx, u.ID); err == nil {
		for _, p := range ps {
			if p.Language != "" {
				lang = p.Language
				break
			}
		}
	}
	return s.locales.Pick(lang, r.Header.Get("Accept-Language"))
}

// fieldSentences are the sentences, catalogue keys, that a field's reason
// completes.
var fieldSentences = map[string]string{
	"email":    "The email %s.",
	"password": "The password %s.",
	"name":     "The name %s.",
	"language": "The language %s.",
	"pin":      "The PIN %s.",
}

// fieldText says what is wrong with a field of an account form in a
// sentence of the viewer's language: the field's reason (written in English
// by accounts, recognised by locale.Text) completing "The password %s.".
// A field without a sentence of its own shows its reason alone.
func fieldText(loc *locale.Locale, inv invalidField) string {
	field, _, reason := inv.InvalidField()
	frame, ok := fieldSentences[field]
	if !ok {
		return loc.Text(reason)
	}
	return loc.T(frame, loc.Text(reason))
}
