package web

import (
	"context"
	"errors"
	"html/template"
	"image/png"
	"net/http"

	"github.com/lineup/lineup/internal/accounts"
)

// Two-factor sign-in (issue 10 item 3): enrolment on /account/2fa, the code
// asked after the password on /signin/code, and LINEUP_ADMIN_2FA=required
// keeping an administrator without it on the enrolment page.

// twoFactorPage is the page that asks for a code (at sign-in), offers the
// key (enrolment) or says two-factor sign-in is on.
type twoFactorPage struct {
	Error, Notice string
	// Challenge is set when the page asks for the code after the
	// password; Next is where the sign-in goes afterwards.
	Challenge, Next string
	// Enrolling shows the key: as text (Secret), as a QR image and as its
	// otpauth:// URI. Required says the service requires it.
	Enrolling, Required bool
	Secret              string
	URI                 template.URL // otpauth://, which html/template would refuse as a string
	// On says two-factor sign-in is on, with CodesLeft recovery codes; Codes
	// are new recovery codes, shown this once.
	On        bool
	Codes     []string
	CodesLeft int
}

// admin2FARequired reports whether LINEUP_ADMIN_2FA=required.
func (s *Server) admin2FARequired() bool { return s.Admin2FA == "required" }

// mustEnrol reports whether a viewer is an administrator whom the service
// requires to turn two-factor sign-in on first.
func (s *Server) mustEnrol(v *viewer) bool {
	return v != nil && s.admin2FARequired() && v.session.User.IsAdmin() && !v.session.User.TwoFactor
}

// enrolmentOnly answers every request of an administrator who must enrol,
// except the enrolment page itself and signing out: pages lead to
// enrolment, everything else is refused saying why.
func (s *Server) enrolmentOnly(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case "/account/2fa", "/account/2fa/qr.png", "/signout", "/favicon.ico", "/healthz", "/readyz":
		return false
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return true
	}
	s.adapt(func(http.ResponseWriter, *http.Request) error {
		return errForbidden("this service requires administrators to turn on two-factor sign-in first: open /account/2fa")
	}).ServeHTTP(w, r)
	return true
}

// askCode renders the page that asks for the code after the password.
func (s *Server) askCode(w http.ResponseWriter, r *http.Request, status int, challenge, next, msg string) error {
	loc := s.localeOf(r)
	return s.render(w, status, "twofactor", s.page(r, loc.T("Two-factor sign-in"), "", twoFactorPage{Challenge: challenge, Next: next, Error: msg}))
}

// signinCode finishes a sign-in with the code from the app or a recovery
// code. A wrong code asks again with the same challenge; a late one goes
// back to the password.
func (s *Server) signinCode(w http.ResponseWriter, r *http.Request) error {
	loc := s.localeOf(r)
	challenge, next := r.PostFormValue("challenge"), safeNext(r.PostFormValue("next"))
	sess, err := s.Accounts.SignInSecondFactor(r.Context(), challenge, r.PostFormValue("code"))
	var le *accounts.LimitError
	switch {
	case errors.As(err, &le):
		s.metrics.lockouts.Inc()
		w.Header().Set("Retry-After", retryAfter(le.RetryAfter))
		return s.askCode(w, r, http.StatusTooManyRequests, challenge, next,
			limitText(loc, le))
	case errors.Is(err, accounts.ErrWrongCode):
		return s.askCode(w, r, http.StatusUnauthorized, challenge, next,
			loc.T("That code is not right or was already used. Enter the code your app shows now, or an unused recovery code."))
	case errors.Is(err, accounts.ErrChallengeExpired):
		return s.render(w, http.StatusUnauthorized, "signin", s.page(r, loc.T("Sign in"), "", signinPage{SignUpOpen: s.Accounts.SignUpOpen(), Next: next,
			Error: loc.T("This sign-in took too long. Enter your email and password again.")}))
	case err != nil:
		return err
	}
	if err := s.checkResidence(r, sess.User); err != nil {
		return err
	}
	s.setSessionCookie(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/profiles?next="+urlQuery(next), http.StatusSeeOther)
	return nil
}

// twoFactorPage offers the key to an account without two-factor sign-in,
// or says it is on.
func (s *Server) twoFactorPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderTwoFactor(w, r, http.StatusOK, twoFactorPage{})
}

func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, status int, p twoFactorPage) error {
	v := viewerFrom(r.Context())
	if onKidsProfile(v) {
		return errForbidden("a kids profile cannot open the account's settings; switch to a grown-up's profile")
	}
	u := v.session.User
	if u.TwoFactor || len(p.Codes) > 0 {
		p.On = true
		n, err := s.Accounts.RecoveryCodesLeft(r.Context(), u.ID)
		if err != nil {
			return err
		}
		p.CodesLeft = n
	} else {
		k, err := s.Accounts.EnrolmentKey(r.Context(), u.ID, s.ServiceName)
		if err != nil {
			return err
		}
		p.Enrolling, p.Secret, p.URI = true, k.Secret(), template.URL(k.URL())
		p.Required = s.mustEnrol(v)
	}
	return s.render(w, status, "twofactor", s.page(r, s.localeOf(r).T("Two-factor sign-in"), "", p))
}

// twoFactorQR is the enrolment key as a QR image, for the app's camera.
func (s *Server) twoFactorQR(w http.ResponseWriter, r *http.Request) error {
	v := viewerFrom(r.Context())
	if onKidsProfile(v) {
		return errForbidden("a kids profile cannot open the account's settings; switch to a grown-up's profile")
	}
	if v.session.User.TwoFactor {
		return errNotFound("two-factor sign-in is already on: its key is not shown again")
	}
	k, err := s.Accounts.EnrolmentKey(r.Context(), v.session.User.ID, s.ServiceName)
	if err != nil {
		return err
	}
	img, err := k.Image(256, 256)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	return png.Encode(w, img)
}

// twoFactorConfirm turns two-factor sign-in on with a first code, and shows
// the recovery codes once.
func (s *Server) twoFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	return s.withCode(w, r, s.Accounts.ConfirmTOTP,
		s.localeOf(r).T("Two-factor sign-in is on. From now on, signing in asks for a code from your app after your password."))
}

// twoFactorRecovery replaces the recovery codes, given a current code from
// the app, and shows the new ones once.
func (s *Server) twoFactorRecovery(w http.ResponseWriter, r *http.Request) error {
	return s.withCode(w, r, s.Accounts.NewRecoveryCodes, "")
}

// withCode runs an account change that a current code from the app allows
// and that gives new recovery codes, shows them once with notice (already
// in the viewer's language; "" for none), and answers a wrong or limited code on the
// two-factor page.
func (s *Server) withCode(w http.ResponseWriter, r *http.Request,
	change func(ctx context.Context, userID int64, code string) ([]string, error), notice string) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	v := viewerFrom(r.Context())
	if onKidsProfile(v) {
		return errForbidden("a kids profile cannot change the account's settings")
	}
	loc := s.localeOf(r)
	codes, err := change(r.Context(), v.session.User.ID, r.PostFormValue("code"))
	var le *accounts.LimitError
	switch {
	case errors.As(err, &le):
		w.Header().Set("Retry-After", retryAfter(le.RetryAfter))
		return s.renderTwoFactor(w, r, http.StatusTooManyRequests, twoFactorPage{
			Error: limitText(loc, le)})
	case errors.Is(err, accounts.ErrWrongCode), errors.Is(err, accounts.ErrNotEnrolling):
		return s.renderTwoFactor(w, r, http.StatusBadRequest, twoFactorPage{
			Error: loc.T("That code is not right or was already used. Enter the code your app shows now, or an unused recovery code.")})
	case err != nil:
		return err
	}
	return s.renderTwoFactor(w, r, http.StatusOK, twoFactorPage{Codes: codes, Notice: notice})
}
