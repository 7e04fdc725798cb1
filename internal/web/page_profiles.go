package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/accounts"
)

type profilesPage struct {
	Profiles []accounts.Profile
	CanAdd   bool
	Next     string
	Error    string
}

func (s *Server) profilesPicker(w http.ResponseWriter, r *http.Request) error {
	return s.renderProfiles(w, r, http.StatusOK, "")
}

func (s *Server) renderProfiles(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	v := viewerFrom(r.Context())
	ps, err := s.Accounts.Profiles(r.Context(), v.session.User.ID)
	if err != nil {
		return err
	}
	next := r.FormValue("next")
	return s.render(w, status, "profiles", s.page(r, "Profiles", "", profilesPage{
		Profiles: ps, CanAdd: len(ps) < accounts.MaxProfiles, Next: next, Error: msg}))
}

// profilesSelect picks the profile this session watches as (PIN checked,
// wrong tries limited).
func (s *Server) profilesSelect(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, _ := r.Cookie(sessionCookie)
	if c == nil {
		return errUnauthorized("sign in first")
	}
	err = s.Accounts.SelectProfile(r.Context(), c.Value, id, r.PostFormValue("pin"))
	var le *accounts.LimitError
	switch {
	case errors.As(err, &le):
		w.Header().Set("Retry-After", strconv.Itoa(int(le.RetryAfter.Seconds())+1))
		return s.renderProfiles(w, r, http.StatusTooManyRequests, le.Error())
	case errors.Is(err, accounts.ErrWrongPIN):
		return s.renderProfiles(w, r, http.StatusForbidden, "That PIN is not right.")
	case err != nil:
		return err
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) profilesCreate(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	v := viewerFrom(r.Context())
	maxAge, _ := strconv.Atoi(r.PostFormValue("max_age"))
	kids := r.PostFormValue("kids") == "1"
	if kids && maxAge > accounts.KidsMaxMaturity {
		maxAge = accounts.KidsMaxMaturity
	}
	_, err := s.Accounts.AddProfile(r.Context(), v.session.User.ID, accounts.ProfileInput{
		Name: r.PostFormValue("name"), Language: r.PostFormValue("language"), MaxAge: maxAge, Kids: kids, PIN: r.PostFormValue("pin"),
	})
	var inv invalidField
	switch {
	case errors.Is(err, accounts.ErrTooManyProfiles):
		return s.renderProfiles(w, r, http.StatusConflict, "An account has at most five profiles.")
	case errors.As(err, &inv):
		_, _, reason := inv.InvalidField()
		return s.renderProfiles(w, r, http.StatusBadRequest, reason)
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/profiles", http.StatusSeeOther)
	return nil
}
