package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/geo"
	"github.com/lineup/lineup/internal/locale"
	"github.com/lineup/lineup/internal/store"
)

//go:embed templates
var templateFiles embed.FS

const sessionCookie = "lineup_session"

// parsePages parses every page template with the layout, once, at start.
func (s *Server) parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":   s.assets.url,
		"hue":     hue,
		"initial": initial,
		// html/template reads any attribute named profile (data-profile
		// too) as a URL, the old <head profile>, and would URL-escape
		// 小明; the attribute is written whole here, HTML-escaped.
		"dataProfile": func(name string) template.HTMLAttr {
			return template.HTMLAttr(`data-profile="` + template.HTMLEscapeString(name) + `"`)
		},
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// initial is the first letter of a name, as a profile's avatar shows it:
// a whole character ("小" of "小明", not its first byte), upper-cased.
func initial(name string) string {
	for _, r := range name {
		return string(unicode.ToUpper(r))
	}
	return ""
}

// hue gives each title a stable colour for its placeholder poster.
func hue(id int64) int64 { return (id * 47) % 360 }

// viewer is who is asking: nil when signed out.
type viewer struct {
	session accounts.Session
	profile *accounts.Profile
	where   geo.Result
}

// Admin reports whether the viewer has the admin role.
func (v *viewer) Admin() bool { return v != nil && v.session.User.IsAdmin() }

// ProfileName is the chosen profile's name, or the account's email.
func (v *viewer) ProfileName() string {
	if v.profile != nil {
		return v.profile.Name
	}
	return v.session.User.Email
}

// Lang is the profile's language, English without one.
func (v *viewer) Lang() string {
	if v != nil && v.profile != nil && v.profile.Language != "" {
		return v.profile.Language
	}
	return "en"
}

// CaptionSize and CaptionBackground are how the profile wants subtitles
// drawn (the player's ::cue classes); medium on a box without a profile.
func (v *viewer) CaptionSize() string {
	if v != nil && v.profile != nil && v.profile.CaptionSize != "" {
		return v.profile.CaptionSize
	}
	return "medium"
}

func (v *viewer) CaptionBackground() string {
	if v != nil && v.profile != nil && v.profile.CaptionBackground != "" {
		return v.profile.CaptionBackground
	}
	return "box"
}

// MaxAge is the profile's maturity limit.
func (v *viewer) MaxAge() int {
	if v != nil && v.profile != nil {
		return v.profile.MaxAge
	}
	return accounts.MaxMaturity
}

type ctxKey struct{}

func viewerFrom(ctx context.Context) *viewer {
	v, _ := ctx.Value(ctxKey{}).(*viewer)
	return v
}

// pageData is what every page template gets.
type pageData struct {
	ServiceName   string
	PageTitle     string
	Lang          string
	Nav           string
	Territory     string
	TerritoryName string
	Viewer        *viewer
	CSRF          string
	Content       any
	// L is the interface language of the page.
	L *locale.Locale
}

// T translates a message of the page's template into its language (see
// locale.Locale.T): {{$.T "Play"}}, {{$.T "Available from %s" .Date}}.
func (d pageData) T(key string, args ...any) string { return d.L.T(key, args...) }

// TH translates a message whose arguments are marked up: each argument is
// HTML-escaped and wrapped in <strong>, the rest of the sentence escaped,
// so that a sentence stays whole in every language while its parts stand
// out: {{$.TH "Showing the lineup for %s" .TerritoryName}}.
func (d pageData) TH(key string, args ...string) template.HTML {
	marks := make([]any, len(args))
	for i := range args {
		marks[i] = "⟦" + strconv.Itoa(i) + "⟧" // survives HTML escaping, unlike NUL
	}
	out := template.HTMLEscapeString(d.L.T(key, marks...))
	for i, a := range args {
		out = strings.Replace(out, marks[i].(string), "<strong>"+template.HTMLEscapeString(a)+"</strong>", 1)
	}
	return template.HTML(out)
}

// localeOf is the interface language of a request: the profile's language,
// else the browser's Accept-Language, else English.
func (s *Server) localeOf(r *http.Request) *locale.Locale {
	profileLang := ""
	if v := viewerFrom(r.Context()); v != nil && v.profile != nil {
		profileLang = v.profile.Language
	}
	return s.locales.Pick(profileLang, r.Header.Get("Accept-Language"))
}

// page builds the common page data for a request. title is shown as it is:
// callers translate it.
func (s *Server) page(r *http.Request, title, nav string, content any) pageData {
	v := viewerFrom(r.Context())
	loc := s.localeOf(r)
	d := pageData{ServiceName: s.ServiceName, PageTitle: title, Nav: nav, Viewer: v, Content: content, Lang: loc.Tag(), L: loc}
	d.Territory = s.territoryOf(r)
	d.TerritoryName = loc.Country(d.Territory)
	if v != nil {
		d.CSRF = accounts.CSRFToken(s.CSRFKey, v.session.ID)
	}
	return d
}

// territoryOf is the territory a request sees.
func (s *Server) territoryOf(r *http.Request) string {
	if v := viewerFrom(r.Context()); v != nil {
		return v.where.Territory
	}
	if s.Geo != nil {
		if res, err := s.Geo.Territory(r, ""); err == nil {
			return res.Territory
		}
	}
	return s.DefaultTerritory
}

// render writes a page; a template failure is an internal error, but since
// the page is rendered into a buffer first the client never sees half of it.
func (s *Server) render(w http.ResponseWriter, status int, name string, d pageData) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// withViewer finds the session behind the cookie (or bearer token) and the
// territory the viewer sees, for every request.
func (s *Server) withViewer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The stream and static paths never need the viewer: skipping the
		// session lookup keeps the database off the segment path.
		if s.Accounts == nil || strings.HasPrefix(r.URL.Path, "/stream/") || strings.HasPrefix(r.URL.Path, "/media/") || strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		// A key request only reads (the session, the profile, the title's
		// rating, its licenses, the stream's lease) and must stay fast
		// however busy the database's writer is: on SQLite its reads go
		// to the read-only connections (issue 9).
		if strings.HasPrefix(r.URL.Path, "/keys/") {
			r = r.WithContext(store.ReadOnly(r.Context()))
		}
		token := ""
		if c, err := r.Cookie(s.cookieName(r)); err == nil {
			token = c.Value
		} else if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && !s.isAdminToken(b) {
			token = b
		}
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, err := s.Accounts.Session(r.Context(), token)
		if err != nil {
			if store.IsUnavailable(err) {
				// Signed out is not what is true: say the database is down.
				s.adapt(func(http.ResponseWriter, *http.Request) error { return err }).ServeHTTP(w, r)
				return
			}
			if !errors.Is(err, accounts.ErrNoSession) {
				s.Log.Warn("session lookup failed", "err", err)
			}
			next.ServeHTTP(w, r)
			return
		}
		// The chosen profile came with the session, in one read.
		v := &viewer{session: sess, profile: sess.Profile}
		v.where = geo.Result{Territory: s.DefaultTerritory, Source: "default"}
		if s.Geo != nil {
			if res, err := s.Geo.Territory(r, sess.User.HomeTerritory); err == nil {
				v.where = res
			}
		}
		if s.mustEnrol(v) && s.enrolmentOnly(w, r) {
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, v)))
	})
}

// signedIn sends a signed-out visitor to the sign-in page and back.
func (s *Server) signedIn(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if viewerFrom(r.Context()) == nil {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		return next(w, r)
	}
}

// withProfile also needs a chosen profile: rows, titles and playback are
// per profile (language, maturity, progress).
func (s *Server) withProfile(next handlerFunc) handlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) error {
		if viewerFrom(r.Context()).profile == nil {
			http.Redirect(w, r, "/profiles?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		return next(w, r)
	})
}

// adminPage needs an admin's session.
func (s *Server) adminPage(next handlerFunc) handlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) error {
		if !viewerFrom(r.Context()).Admin() {
			return errForbidden("this page is for administrators")
		}
		return next(w, r)
	})
}

// checkCSRF refuses a form post whose CSRF token does not belong to the
// session. The token comes in the X-CSRF-Token header (scripts), or in the
// form's csrf field; a multipart body (a film upload) is streamed to its
// handler, never parsed here, so its token comes in the header or in the
// csrf query parameter instead.
func (s *Server) checkCSRF(r *http.Request) error {
	v := viewerFrom(r.Context())
	token := r.Header.Get("X-CSRF-Token")
	if token == "" {
		if isMultipart(r) {
			token = r.URL.Query().Get("csrf")
		} else {
			token = r.PostFormValue("csrf")
		}
	}
	if v == nil || !accounts.CheckCSRF(s.CSRFKey, v.session.ID, token) {
		return errForbidden("the form expired or came from another site: reload the page and try again")
	}
	return nil
}

// isMultipart tells a multipart/form-data body.
func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// securityHeaders sets a strict Content-Security-Policy and the usual
// headers on every response; Strict-Transport-Security when the viewer came
// over TLS, directly or through a proxy (LINEUP_PUBLIC_URL is https).
// LINEUP_MEDIA_URL, when set, is the one other origin the player may fetch
// media and thumbnails from.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	media := ""
	if s.MediaURL != "" {
		media = " " + s.MediaURL
	}
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:" + media + "; " +
		"media-src 'self' blob:" + media + "; connect-src 'self'" + media + "; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; " +
		"frame-ancestors 'none'; form-action 'self'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(r.URL.Path, "/stream/") || strings.HasPrefix(r.URL.Path, "/media/") || strings.HasPrefix(r.URL.Path, "/keys/") {
			// Media files are never rendered as documents: the page
			// headers would only add bytes to the busiest path.
			next.ServeHTTP(w, r)
			return
		}
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// setSessionCookie stores the session token: HttpOnly, SameSite=Lax,
// Secure behind TLS.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(r), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
	})
}

// clearSessionCookie removes the session cookie.
func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
}

// cookieName is the session cookie's name: with the __Host- prefix when
// served over TLS, which browsers only accept from a secure origin, for
// the whole site (Path=/) and without a Domain, so that no other host
// (a sibling subdomain) can set or shadow it.
func (s *Server) cookieName(r *http.Request) string {
	if s.secure(r) {
		return "__Host-" + sessionCookie
	}
	return sessionCookie
}

// secure reports whether the viewer reached us over TLS (directly, or
// through a proxy that says so).
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || s.SecureCookies
}

// safeNext keeps a redirect target on this site: a path that starts with
// one slash, with no scheme, no host, no backslash and no control
// character. Browsers drop tabs and newlines from a URL and read a
// backslash as a slash, so "/\t/evil.com" and "/\\evil.com" would lead to
// another site; anything of the kind sends the viewer home instead.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}
