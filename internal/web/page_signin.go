package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/accounts"
)

type signinPage struct {
	SignUp, SignUpOpen bool
	Email, Next, Error string
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
	if err != nil {
		p := signinPage{SignUpOpen: s.Accounts.SignUpOpen(), Email: email, Next: next}
		status := http.StatusUnauthorized
		var le *accounts.LimitError
		switch {
		case errors.As(err, &le):
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(int(le.RetryAfter.Seconds())+1))
			p.Error = s.localeOf(r).T("Too many attempts. Try again in %d seconds.", int(le.RetryAfter.Seconds())+1)
		case errors.Is(err, accounts.ErrInvalidCredentials):
			p.Error = s.localeOf(r).T("That email and password don't match an account.")
		default:
			return err
		}
		return s.render(w, status, "signin", s.page(r, s.localeOf(r).T("Sign in"), "", p))
	}
	s.setSessionCookie(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/profiles?next="+urlQuery(next), http.StatusSeeOther)
	return nil
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) error {
	if !s.Accounts.SignUpOpen() {
		return errForbidden("this service does not take new sign-ups; ask its operator for an account")
	}
	return s.render(w, http.StatusOK, "signin", s.page(r, s.localeOf(r).T("Create account"), "", signinPage{SignUp: true}))
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	if !s.Accounts.SignUpOpen() {
		return errForbidden("this service does not take new sign-ups; ask its operator for an account")
	}
	email, pw := r.PostFormValue("email"), r.PostFormValue("password")
	home := s.territoryOf(r)
	if _, err := s.Accounts.SignUp(r.Context(), accounts.NewUser{Email: email, Password: pw, HomeTerritory: home}); err != nil {
		var inv invalidField
		if errors.As(err, &inv) {
			_, _, reason := inv.InvalidField()
			return s.render(w, http.StatusBadRequest, "signin", s.page(r, s.localeOf(r).T("Create account"), "", signinPage{SignUp: true, Email: email, Error: s.localeOf(r).Text(reason)}))
		}
		return err
	}
	return s.signin(w, r)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Accounts.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
