package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/accounts"
)

type signinPage struct {
	SignUp, SignUpOpen         bool
	Email, Next, Error, Notice string
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) error {
	if viewerFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.render(w, http.StatusOK, "signin", s.page(r, s.localeOf(r).T("Sign in"), "", signinPage{SignUpOpen: s.Accounts.SignUpOpen(), Next: r.URL.Query().Get("next")}))
}

// signin checks the password and starts a session. A wrong password and an
// unknown email get the same answer.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) error {
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	addr := ""
	if s.Geo != nil {
		addr = s.Geo.ClientAddr(r).String()
	}
	sess, err := s.Accounts.SignIn(r.Context(), email, r.PostFormValue("password"), addr)
	var sf *accounts.SecondFactorError
	if errors.As(err, &sf) {
		return s.askCode(w, r, http.StatusOK, sf.Challenge, next, "")
	}
	if err != nil {
		p := signinPage{SignUpOpen: s.Accounts.SignUpOpen(), Email: email, Next: next}
		status := http.StatusUnauthorized
		var le *accounts.LimitError
		switch {
		case errors.As(err, &le):
			s.metrics.lockouts.Inc()
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", retryAfter(le.RetryAfter))
			p.Error = s.localeOf(r).T("Too many attempts. Try again in %d seconds.", int((le.RetryAfter+time.Second-1)/time.Second)) +
				" Can't wait? Ask for a sign-in link by email below."
		case errors.Is(err, accounts.ErrInvalidCredentials):
			p.Error = s.localeOf(r).T("That email and password don't match an account.")
		case errors.Is(err, accounts.ErrUnverified):
			status = http.StatusForbidden
			p.Error = "Confirm your email first: follow the link we sent you. No mail? Ask for a sign-in link below."
		default:
			return err
		}
		return s.render(w, status, "signin", s.page(r, s.localeOf(r).T("Sign in"), "", p))
	}
	if err := s.checkResidence(r, sess.User); err != nil {
		return err
	}
	s.setSessionCookie(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/profiles?next="+urlQuery(next), http.StatusSeeOther)
	return nil
}

// checkResidence records where a sign-in came from and re-checks the
// user's home claim (issue 10 row 14: the home country was whatever the
// sign-up address said, never checked again).
func (s *Server) checkResidence(r *http.Request, u accounts.User) error {
	if s.Geo == nil {
		return nil
	}
	res, err := s.Geo.Territory(r, "")
	if err != nil || res.Detected == "" {
		return nil
	}
	if _, err := s.Accounts.CheckResidence(r.Context(), u, res.Detected); err != nil {
		return err
	}
	return nil
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) error {
	if !s.Accounts.SignUpOpen() {
		return errForbidden("this service does not take new sign-ups; ask its operator for an account")
	}
	if ok, err := s.Accounts.HasAdmin(r.Context()); err != nil || !ok {
		return s.notSetUp(w, r, err)
	}
	return s.render(w, http.StatusOK, "signin", s.page(r, s.localeOf(r).T("Create account"), "", signinPage{SignUp: true}))
}

// signup creates an account. It answers the same way whether or not the
// email already has one (issue 10 row 4: "an account with this email
// already exists" told anyone which emails have accounts): the owner of a
// taken email gets a mail saying so instead. Sign-ups are limited per
// address, and the hashing behind them is bounded in accounts.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	if !s.Accounts.SignUpOpen() {
		return errForbidden("this service does not take new sign-ups; ask its operator for an account")
	}
	if ok, err := s.Accounts.HasAdmin(r.Context()); err != nil || !ok {
		return s.notSetUp(w, r, err)
	}
	key := s.clientKey(r)
	if wait := s.signups.wait(key); wait > 0 {
		return tooMany(w, wait, "too many sign-ups from this address")
	}
	s.signups.add(key)
	email, pw := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	home := s.territoryOf(r)
	u, err := s.Accounts.SignUp(r.Context(), accounts.NewUser{Email: email, Password: pw, HomeTerritory: home})
	var inv invalidField
	switch {
	case errors.Is(err, accounts.ErrNotSetUp):
		return s.notSetUp(w, r, nil)
	case errors.Is(err, accounts.ErrEmailTaken):
		if owner, err := s.Accounts.UserByEmail(r.Context(), email); err == nil {
			s.sendLink(r, owner, accounts.PurposeSignIn, "Someone tried to create an account with your email",
				"Someone (perhaps you) tried to create a new "+s.ServiceName+" account with this email, which already has one.\n\n"+
					"If it was you, sign in with this link (it works once, for 30 minutes):\n\n%s\n\nIf it was not you, ignore this message: nothing changed.")
		}
	case errors.As(err, &inv):
		_, _, reason := inv.InvalidField()
		return s.render(w, http.StatusBadRequest, "signin", s.page(r, s.localeOf(r).T("Create account"), "", signinPage{SignUp: true, Email: email, Error: s.localeOf(r).Text(reason)}))
	case err != nil:
		return err
	case s.VerifyEmail:
		s.sendLink(r, u, accounts.PurposeVerify, "Confirm your email",
			"Welcome to "+s.ServiceName+". Confirm your email to finish creating your account (the link works once, for 30 minutes):\n\n%s\n\n"+
				"If you did not sign up, ignore this message.")
	}
	n := noticePage{Heading: "Check your email", SignInLink: !s.VerifyEmail}
	if s.VerifyEmail {
		n.Lines = []string{"We sent a message to " + email + ". Follow its link to finish creating your account."}
	} else {
		n.Heading = "Your account is ready"
		n.Lines = []string{"If " + email + " was new here, your account is ready: sign in with it and your password.",
			"If it had an account before, its owner has been told by email."}
	}
	return s.render(w, http.StatusOK, "notice", s.page(r, n.Heading, "", n))
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if c, err := r.Cookie(s.cookieName(r)); err == nil {
		if err := s.Accounts.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
