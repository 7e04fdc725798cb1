package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/mail"
)

// noticePage is a short page that says one thing, with at most one form.
type noticePage struct {
	Heading, Error string
	Lines          []string
	// Action, when set, is where the page's form posts.
	Action, Token, Email  string
	AskEmail, AskPassword bool
	Button, Name, Value   string
	Button2, Value2       string
	SignInLink            bool
}

// mailTimeout bounds the sending of one mail, which happens after the
// answer (so that whether a mail was sent never shows in the answer's
// timing).
const mailTimeout = 30 * time.Second

// sendLink mails a user a single-use link of the purpose; text holds one
// %s for the link. The mail leaves in the background: the answer must not
// take longer when an account exists. Failures are logged.
func (s *Server) sendLink(r *http.Request, u accounts.User, p accounts.Purpose, subject, text string) {
	if s.Mail == nil || s.BaseURL == "" {
		s.Log.Warn("no mail sent: LINEUP_SMTP_URL is not set", "purpose", string(p))
		return
	}
	ctx := context.WithoutCancel(r.Context())
	token, err := s.Accounts.IssueLink(ctx, u.ID, p)
	if err != nil {
		s.Log.Error("could not make an emailed link", "purpose", string(p), "err", err)
		return
	}
	path := map[accounts.Purpose]string{accounts.PurposeReset: "/reset", accounts.PurposeSignIn: "/signin/link", accounts.PurposeVerify: "/verify"}[p]
	link := strings.TrimRight(s.BaseURL, "/") + path + "?token=" + url.QueryEscape(token)
	msg := mail.Message{To: u.Email, Subject: subject, Text: fmt.Sprintf(text, link)}
	s.mailWG.Add(1)
	go func() {
		defer s.mailWG.Done()
		ctx, cancel := context.WithTimeout(ctx, mailTimeout)
		defer cancel()
		if err := s.Mail.Send(ctx, msg); err != nil {
			s.Log.Error("could not send mail", "purpose", string(p), "err", err)
		}
	}()
}

// mailOff answers the pages that need mail when none is configured.
func (s *Server) mailOff(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Retry-After", "3600")
	n := noticePage{Heading: "Email is not set up", Lines: []string{"This service cannot send email yet, so it cannot send reset or sign-in links. Ask its operator to reset your password (lineup user passwd)."}}
	return s.render(w, http.StatusServiceUnavailable, "notice", s.page(r, n.Heading, "", n))
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	if s.Mail == nil {
		return s.mailOff(w, r)
	}
	n := noticePage{Heading: "Get back in", Lines: []string{"Enter your account's email. We will send a link that works once, for 30 minutes."},
		Action: "/forgot", AskEmail: true, Email: r.URL.Query().Get("email"),
		Name: "want", Button: "Email me a password reset link", Value: "reset", Button2: "Email me a sign-in link", Value2: "signin"}
	return s.render(w, http.StatusOK, "notice", s.page(r, n.Heading, "", n))
}

// forgot mails a reset or sign-in link. It answers alike whether or not
// the email has an account, and is limited per address as sign-up is.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	if s.Mail == nil {
		return s.mailOff(w, r)
	}
	key := s.clientKey(r)
	if wait := s.signups.wait(key); wait > 0 {
		return tooMany(w, wait, "too many requests for links from this address")
	}
	s.signups.add(key)
	email := strings.TrimSpace(r.PostFormValue("email"))
	if u, err := s.Accounts.UserByEmail(r.Context(), email); err == nil {
		if r.PostFormValue("want") == "signin" {
			s.sendLink(r, u, accounts.PurposeSignIn, "Your sign-in link",
				"Sign in to "+s.ServiceName+" with this link (it works once, for 30 minutes):\n\n%s\n\nIf you did not ask for it, ignore this message.")
		} else {
			s.sendLink(r, u, accounts.PurposeReset, "Reset your password",
				"Choose a new "+s.ServiceName+" password with this link (it works once, for 30 minutes):\n\n%s\n\nIf you did not ask for it, ignore this message: your password stays as it is.")
		}
	}
	n := noticePage{Heading: "Check your email", Lines: []string{"If " + email + " has an account here, we sent it a link. It works once, for 30 minutes."}}
	return s.render(w, http.StatusOK, "notice", s.page(r, n.Heading, "", n))
}

// The emailed links open a page with a button: a GET never spends a link,
// since mail scanners fetch links before people click them.

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	n := noticePage{Heading: "Choose a new password", Action: "/reset", Token: r.URL.Query().Get("token"), AskPassword: true, Button: "Set password"}
	return s.render(w, http.StatusOK, "notice", s.page(r, n.Heading, "", n))
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	token := r.PostFormValue("token")
	_, err := s.Accounts.ResetPassword(r.Context(), token, r.PostFormValue("password"))
	var inv invalidField
	switch {
	case errors.As(err, &inv):
		_, _, reason := inv.InvalidField()
		n := noticePage{Heading: "Choose a new password", Error: "The password " + reason + ".", Action: "/reset", Token: token, AskPassword: true, Button: "Set password"}
		return s.render(w, http.StatusBadRequest, "notice", s.page(r, n.Heading, "", n))
	case errors.Is(err, accounts.ErrBadLink):
		return s.badLink(w, r)
	case err != nil:
		return err
	}
	return s.render(w, http.StatusOK, "signin", s.page(r, "Sign in", "", signinPage{SignUpOpen: s.Accounts.SignUpOpen(),
		Notice: "Your password is changed and every session was signed out. Sign in with the new one."}))
}

func (s *Server) badLink(w http.ResponseWriter, r *http.Request) error {
	n := noticePage{Heading: "This link does not work any more", Lines: []string{"Links we email work once, for 30 minutes. Ask for a new one."},
		Action: "/forgot", AskEmail: true, Name: "want", Button: "Email me a password reset link", Value: "reset", Button2: "Email me a sign-in link", Value2: "signin"}
	return s.render(w, http.StatusGone, "notice", s.page(r, n.Heading, "", n))
}

func (s *Server) linkForm(w http.ResponseWriter, r *http.Request) error {
	n := noticePage{Heading: "Sign in", Lines: []string{"Sign in to " + s.ServiceName + " with the link we emailed you."},
		Action: r.URL.Path, Token: r.URL.Query().Get("token"), Button: "Sign in"}
	if r.URL.Path == "/verify" {
		n.Heading, n.Lines, n.Button = "Confirm your email", []string{"Confirm your email to finish creating your account."}, "Confirm and sign in"
	}
	return s.render(w, http.StatusOK, "notice", s.page(r, n.Heading, "", n))
}

// linkSignIn signs in with an emailed sign-in or verification link; no
// sign-in delay applies to it.
func (s *Server) linkSignIn(w http.ResponseWriter, r *http.Request) error {
	var sess accounts.Session
	var err error
	if r.URL.Path == "/verify" {
		sess, err = s.Accounts.VerifyEmail(r.Context(), r.PostFormValue("token"))
	} else {
		sess, err = s.Accounts.SignInWithLink(r.Context(), r.PostFormValue("token"))
	}
	if errors.Is(err, accounts.ErrBadLink) {
		return s.badLink(w, r)
	}
	var sf *accounts.SecondFactorError
	if errors.As(err, &sf) {
		return s.askCode(w, r, http.StatusOK, sf.Challenge, "/", "")
	}
	if err != nil {
		return err
	}
	if err := s.checkResidence(r, sess.User); err != nil {
		return err
	}
	s.setSessionCookie(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/profiles", http.StatusSeeOther)
	return nil
}

type accountPage struct {
	Email, Error, Done string
	// TwoFactor says two-factor sign-in is on; ParentalPIN that the
	// account has a parental PIN.
	TwoFactor, ParentalPIN bool
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	v := viewerFrom(r.Context())
	if onKidsProfile(v) {
		return errForbidden("a kids profile cannot open the account's settings; switch to a grown-up's profile")
	}
	return s.renderAccount(w, r, http.StatusOK, accountPage{})
}

// renderAccount renders the account page with the account's state.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, p accountPage) error {
	u := viewerFrom(r.Context()).session.User
	has, err := s.Accounts.HasParentalPIN(r.Context(), u.ID)
	if err != nil {
		return err
	}
	p.Email, p.TwoFactor, p.ParentalPIN = u.Email, u.TwoFactor, has
	return s.render(w, status, "account", s.page(r, "Your account", "", p))
}

// accountParentalPIN sets or removes the parental PIN, which can stand in
// for the password when adding or changing a profile.
func (s *Server) accountParentalPIN(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	v := viewerFrom(r.Context())
	if onKidsProfile(v) {
		return errForbidden("a kids profile cannot change the account's settings")
	}
	loc := s.localeOf(r)
	pin := r.PostFormValue("parental_pin")
	err := s.Accounts.SetParentalPIN(r.Context(), v.session.User.ID, r.PostFormValue("current"), pin)
	var inv invalidField
	var le *accounts.LimitError
	p := accountPage{}
	status := http.StatusOK
	switch {
	case errors.As(err, &le):
		w.Header().Set("Retry-After", retryAfter(le.RetryAfter))
		status, p.Error = http.StatusTooManyRequests, le.Error()
	case errors.Is(err, accounts.ErrInvalidCredentials):
		status, p.Error = http.StatusForbidden, loc.T("Your current password is not right.")
	case errors.As(err, &inv):
		status, p.Error = http.StatusBadRequest, loc.T("The parental PIN must be exactly 4 digits.")
	case err != nil:
		return err
	case pin == "":
		p.Done = loc.T("Your parental PIN is removed.")
	default:
		p.Done = loc.T("Your parental PIN is set.")
	}
	return s.renderAccount(w, r, status, p)
}

// accountPassword changes the password and signs out every other session.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	v := viewerFrom(r.Context())
	if onKidsProfile(v) {
		return errForbidden("a kids profile cannot change the account's password")
	}
	err := s.Accounts.ChangePassword(r.Context(), v.session, r.PostFormValue("current"), r.PostFormValue("password"))
	p := accountPage{}
	var inv invalidField
	var le *accounts.LimitError
	status := http.StatusOK
	switch {
	case errors.As(err, &le):
		w.Header().Set("Retry-After", retryAfter(le.RetryAfter))
		status, p.Error = http.StatusTooManyRequests, le.Error()
	case errors.Is(err, accounts.ErrInvalidCredentials):
		status, p.Error = http.StatusForbidden, "Your current password is not right."
	case errors.As(err, &inv):
		_, _, reason := inv.InvalidField()
		status, p.Error = http.StatusBadRequest, "The new password "+reason+"."
	case err != nil:
		return err
	default:
		p.Done = "Your password is changed. Every other session was signed out."
	}
	return s.renderAccount(w, r, status, p)
}

// accountSignOutEverywhere ends every session of the account.
func (s *Server) accountSignOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	v := viewerFrom(r.Context())
	if err := s.Accounts.SignOutEverywhere(r.Context(), v.session.User.ID); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	return s.render(w, http.StatusOK, "signin", s.page(r, "Sign in", "", signinPage{SignUpOpen: s.Accounts.SignUpOpen(),
		Notice: "You are signed out everywhere."}))
}
