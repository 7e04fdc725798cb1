package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/rights"
)

// errorPage is what the HTML error page shows: a heading and a sentence in
// the viewer's language, what to do next, and the error ID of a failure on
// our side.
type errorPage struct {
	Status           int
	Heading, Message string
	ErrorID          string
}

// isPageRequest reports whether a failed request gets an HTML error page
// rather than problem+json: everything but the API, the probes, metrics
// and the stream paths, which scripts and players read.
func isPageRequest(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/api/"), strings.HasPrefix(p, "/stream/"), strings.HasPrefix(p, "/keys/"), strings.HasPrefix(p, "/media/"),
		p == "/healthz", p == "/readyz", p == "/metrics":
		return false
	}
	return true
}

// renderError answers a page route's error with an HTML page in the
// viewer's language, with the same status the API would give. The page
// never names a title the profile may not see: its <title> and <h1> say
// what went wrong, not what was asked for.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error, p Problem) {
	loc := s.localeOf(r)
	e := errorPage{Status: p.Status, ErrorID: p.ErrorID}
	var de *playback.DeniedError
	var he *httpError
	// A limit's wait is in Retry-After, set by whoever refused (tooMany).
	wait := p.retryAfter
	if wait <= 0 {
		wait, _ = strconv.Atoi(w.Header().Get("Retry-After"))
	}
	switch {
	case errors.Is(err, playback.ErrNoMedia):
		e.Heading = loc.T("Still being prepared")
		e.Message = loc.T("The video of this title is still being prepared. Try again in a few minutes.")
	case errors.Is(err, playback.ErrMaturity), errors.Is(err, errAboveMaturity):
		e.Heading = loc.T("Not available on this profile")
		e.Message = loc.T("This title is above this profile's maturity rating. Choose another profile to watch it.")
	case errors.As(err, &de) && de.Availability.StartsAt != nil:
		v := viewerFrom(r.Context())
		territory := s.territoryOf(r)
		if v != nil {
			territory = v.where.Territory
		}
		e.Heading = loc.T("Not available yet")
		e.Message = loc.T("This title will be available in %[2]s from %[1]s.",
			loc.Day(rights.LocalDate(*de.Availability.StartsAt, territory), s.Now()), loc.Country(territory))
	case errors.As(err, &de):
		e.Heading = loc.T("Not available here")
		e.Message = loc.T("This title is not available in %s now.", loc.Country(s.territoryOf(r)))
	case p.Status == http.StatusNotFound:
		e.Heading = loc.T("Page not found")
		e.Message = loc.T("There is nothing at this address. The link may be mistyped, or the title may have left the lineup.")
	case p.Status == http.StatusBadRequest && errors.As(err, &he) && he.field == "id":
		e.Heading = loc.T("Page not found")
		e.Message = loc.T("This address is not right: a title's number is a positive whole number.")
	case p.Status == http.StatusForbidden:
		e.Heading = loc.T("Not allowed")
		e.Message = loc.T("You can't open this page. Sign in with another account, or go back to the home page.")
		if errors.As(err, &he) {
			e.Message = loc.Text(he.detail)
		}
	case p.Status == http.StatusTooManyRequests && wait > 0:
		e.Heading = loc.T("Too many requests")
		e.Message = loc.T("Too many requests from this address. Try again in %d seconds.", wait)
	case p.Status == http.StatusServiceUnavailable:
		e.Heading = loc.T("Temporarily unavailable")
		e.Message = loc.T("Part of the service is not answering. Try again in a minute.")
	case p.Status >= 500:
		e.Heading = loc.T("Something went wrong on our side")
		e.Message = loc.T("Try again in a moment. If it keeps happening, report it with the error ID below.")
	default:
		e.Heading = loc.T("This request can't be completed")
		e.Message = loc.Text(p.Detail)
	}
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	d := s.page(r, e.Heading, "", e)
	if err := s.render(w, p.Status, "error", d); err != nil {
		// The error page itself failed: fall back to the API's answer.
		s.Log.Error("error page failed", "path", r.URL.Path, "err", err)
		writeProblem(w, p)
	}
}
