package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/lineup/lineup/internal/accounts"
)

// First run (issue 10 item 4): while no administrator exists, `lineup
// serve` prints a one-time link to /setup with a random token; its page
// creates the first administrator, under the same password rules as every
// account, and leads on to two-factor enrolment. Once an administrator
// exists the link stops working, and sign-up opens.

type setupPage struct {
	Token, Email, Error string
}

// setupAllowed checks the setup link's token (in constant time, wrong ones
// throttled per address as wrong admin tokens are) and that no
// administrator exists yet; it answers the refusal itself.
func (s *Server) setupAllowed(w http.ResponseWriter, r *http.Request, token string) (bool, error) {
	loc := s.localeOf(r)
	key := s.clientKey(r)
	if wait := s.adminFails.wait(key); wait > 0 {
		return false, tooMany(w, wait, "too many wrong setup links from this address")
	}
	if s.SetupToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.SetupToken)) != 1 {
		s.adminFails.add(key)
		n := noticePage{Heading: loc.T("This setup link does not work"), Lines: []string{loc.T("Use the link lineup serve printed when it started, or sign in.")}, SignInLink: true}
		return false, s.render(w, http.StatusNotFound, "notice", s.page(r, n.Heading, "", n))
	}
	ok, err := s.Accounts.HasAdmin(r.Context())
	if err != nil {
		return false, err
	}
	if ok {
		return false, s.alreadySetUp(w, r)
	}
	return true, nil
}

func (s *Server) alreadySetUp(w http.ResponseWriter, r *http.Request) error {
	loc := s.localeOf(r)
	n := noticePage{Heading: loc.T("This service is already set up"), Lines: []string{loc.T("It has an administrator, so this setup link no longer works. Sign in instead.")}, SignInLink: true}
	return s.render(w, http.StatusGone, "notice", s.page(r, n.Heading, "", n))
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if ok, err := s.setupAllowed(w, r, token); !ok {
		return err
	}
	return s.render(w, http.StatusOK, "setup", s.page(r, s.localeOf(r).T("Set up %s", s.ServiceName), "", setupPage{Token: token}))
}

// setup creates the first administrator, signs them in and offers (or,
// with LINEUP_ADMIN_2FA=required, requires) two-factor enrolment.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	token := r.PostFormValue("token")
	if ok, err := s.setupAllowed(w, r, token); !ok {
		return err
	}
	loc := s.localeOf(r)
	email, pw := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	_, err := s.Accounts.AddFirstAdmin(r.Context(), accounts.NewUser{Email: email, Password: pw, HomeTerritory: s.territoryOf(r)})
	var inv invalidField
	switch {
	case errors.Is(err, accounts.ErrAlreadySetUp):
		return s.alreadySetUp(w, r)
	case errors.As(err, &inv):
		_, _, reason := inv.InvalidField()
		return s.render(w, http.StatusBadRequest, "setup", s.page(r, loc.T("Set up %s", s.ServiceName), "", setupPage{Token: token, Email: email, Error: loc.Text(reason)}))
	case err != nil:
		return err
	}
	addr := ""
	if s.Geo != nil {
		addr = s.Geo.ClientAddr(r).String()
	}
	sess, err := s.Accounts.SignIn(r.Context(), email, pw, addr)
	if err != nil {
		return err
	}
	s.Log.Info("first administrator created; the setup link no longer works", "email", email)
	s.setSessionCookie(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
	return nil
}

// notSetUp answers sign-up while no administrator exists: the service is
// not set up yet, which its operator fixes.
func (s *Server) notSetUp(w http.ResponseWriter, r *http.Request, err error) error {
	if err != nil {
		return err
	}
	loc := s.localeOf(r)
	w.Header().Set("Retry-After", "3600")
	n := noticePage{Heading: loc.T("This service is not set up yet"), Lines: []string{
		loc.T("It takes no new accounts until its operator creates the administrator's account, with the setup link lineup serve printed. Come back later.")}}
	return s.render(w, http.StatusServiceUnavailable, "notice", s.page(r, n.Heading, "", n))
}
