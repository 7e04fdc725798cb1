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
	// CanManage is false on a kids profile: it may pick a profile, never
	// add or change one.
	CanManage bool
	Next      string
	Error     string
	Languages []languageOption
	// Current is the profile this session watches as, whose caption
	// appearance the page offers to change; nil before one is chosen.
	Current *accounts.Profile
}

// languageOption is one language a profile may choose, named in itself.
type languageOption struct {
	Tag, Name string
	Selected  bool
}

// profileLanguages are the languages offered for a profile: the interface
// speaks the first three; the others pick titles, synopses and names in
// that language where the catalogue has them, with an English interface.
var profileLanguages = []languageOption{
	{Tag: "en", Name: "English"}, {Tag: "zh", Name: "简体中文"}, {Tag: "zh-Hant", Name: "繁體中文"},
	{Tag: "ja", Name: "日本語"}, {Tag: "ko", Name: "한국어"}, {Tag: "fr", Name: "Français"}, {Tag: "es", Name: "Español"},
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
	loc := s.localeOf(r)
	// The language chosen first is the one the page is shown in.
	langs := make([]languageOption, len(profileLanguages))
	copy(langs, profileLanguages)
	for i := range langs {
		if s.locales.Pick(langs[i].Tag, "").Tag() == loc.Tag() {
			langs[i].Selected = true
			break
		}
	}
	title := loc.T("Who's watching?")
	if len(ps) == 0 {
		title = loc.T("Create your profile")
	}
	manage := !onKidsProfile(v)
	return s.render(w, status, "profiles", s.page(r, title, "", profilesPage{
		Profiles: ps, CanAdd: manage && len(ps) < accounts.MaxProfiles, CanManage: manage, Next: next, Error: msg, Languages: langs, Current: v.profile}))
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
	c, _ := r.Cookie(s.cookieName(r))
	if c == nil {
		return errUnauthorized("sign in first")
	}
	err = s.Accounts.SelectProfile(r.Context(), c.Value, id, r.PostFormValue("pin"))
	var le *accounts.LimitError
	switch {
	case errors.As(err, &le):
		w.Header().Set("Retry-After", retryAfter(le.RetryAfter))
		return s.renderProfiles(w, r, http.StatusTooManyRequests, le.Error())
	case errors.Is(err, accounts.ErrWrongPIN):
		return s.renderProfiles(w, r, http.StatusForbidden, s.localeOf(r).T("That PIN is not right."))
	case err != nil:
		return err
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// onKidsProfile reports whether the session watches as a kids profile.
func onKidsProfile(v *viewer) bool { return v != nil && v.profile != nil && v.profile.Kids }

// holderOnly lets through only the account holder: not from a kids
// profile, and with the account's password typed again (issue 10 row 1: a
// kids profile made itself an adult profile), or the account's parental
// PIN in its place. It answers the refusal
// itself and returns false.
func (s *Server) holderOnly(w http.ResponseWriter, r *http.Request) (bool, error) {
	v := viewerFrom(r.Context())
	if onKidsProfile(v) {
		return false, s.renderProfiles(w, r, http.StatusForbidden, "A kids profile cannot add or change profiles. Switch to a grown-up's profile.")
	}
	err := s.Accounts.CheckHolder(r.Context(), v.session.User.ID, r.PostFormValue("password"))
	var le *accounts.LimitError
	switch {
	case errors.As(err, &le):
		w.Header().Set("Retry-After", retryAfter(le.RetryAfter))
		return false, s.renderProfiles(w, r, http.StatusTooManyRequests, le.Error())
	case errors.Is(err, accounts.ErrInvalidCredentials):
		return false, s.renderProfiles(w, r, http.StatusForbidden, s.localeOf(r).T("Enter the account's password or its parental PIN to add or change a profile."))
	case err != nil:
		return false, err
	}
	return true, nil
}

// profileInput reads a profile form.
func profileInput(r *http.Request) accounts.ProfileInput {
	maxAge, _ := strconv.Atoi(r.PostFormValue("max_age"))
	kids := r.PostFormValue("kids") == "1"
	if kids && maxAge > accounts.KidsMaxMaturity {
		maxAge = accounts.KidsMaxMaturity
	}
	return accounts.ProfileInput{Name: r.PostFormValue("name"), Language: r.PostFormValue("language"), MaxAge: maxAge, Kids: kids, PIN: r.PostFormValue("pin")}
}

// profilesEdit changes a profile's name, language and maturity limit.
func (s *Server) profilesEdit(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if ok, err := s.holderOnly(w, r); !ok {
		return err
	}
	_, err = s.Accounts.UpdateProfile(r.Context(), viewerFrom(r.Context()).session.User.ID, id, profileInput(r))
	var inv invalidField
	if errors.As(err, &inv) {
		_, _, reason := inv.InvalidField()
		return s.renderProfiles(w, r, http.StatusBadRequest, reason)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/profiles", http.StatusSeeOther)
	return nil
}

func (s *Server) profilesCreate(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if ok, err := s.holderOnly(w, r); !ok {
		return err
	}
	v := viewerFrom(r.Context())
	maxAge, _ := strconv.Atoi(r.PostFormValue("max_age"))
	kids := r.PostFormValue("kids") == "1"
	if kids && maxAge > accounts.KidsMaxMaturity {
		maxAge = accounts.KidsMaxMaturity
	}
	before, err := s.Accounts.Profiles(r.Context(), v.session.User.ID)
	if err != nil {
		return err
	}
	p, err := s.Accounts.AddProfile(r.Context(), v.session.User.ID, accounts.ProfileInput{
		Name: r.PostFormValue("name"), Language: r.PostFormValue("language"), MaxAge: maxAge, Kids: kids, PIN: r.PostFormValue("pin"),
	})
	var inv invalidField
	switch {
	case errors.Is(err, accounts.ErrTooManyProfiles):
		return s.renderProfiles(w, r, http.StatusConflict, s.localeOf(r).T("An account has at most five profiles."))
	case errors.As(err, &inv):
		_, _, reason := inv.InvalidField()
		return s.renderProfiles(w, r, http.StatusBadRequest, s.localeOf(r).Text(reason))
	case err != nil:
		return err
	}
	if len(before) == 0 && !p.HasPIN {
		// A new account's first profile is the one it watches as: straight
		// to the home page, in the profile's language.
		if c, _ := r.Cookie(sessionCookie); c != nil {
			if err := s.Accounts.SelectProfile(r.Context(), c.Value, p.ID, r.PostFormValue("pin")); err == nil {
				http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
				return nil
			}
		}
	}
	http.Redirect(w, r, "/profiles", http.StatusSeeOther)
	return nil
}

// profilesCaptions sets how the chosen profile's subtitles look; the player
// applies it with ::cue.
func (s *Server) profilesCaptions(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := viewerFrom(r.Context())
	err = s.Accounts.SetCaptionStyle(r.Context(), v.session.User.ID, id, r.PostFormValue("caption_size"), r.PostFormValue("caption_background"))
	var inv invalidField
	if errors.As(err, &inv) {
		_, _, reason := inv.InvalidField()
		return s.renderProfiles(w, r, http.StatusBadRequest, s.localeOf(r).Text(reason))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/profiles", http.StatusSeeOther)
	return nil
}
