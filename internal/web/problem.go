package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// Problem is an RFC 9457 problem+json body. Extra members carry the details
// a client can act on: the field that was wrong, the conflicts that refused
// a license, the rows of a sheet that did not import.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Rule names the playback rule that refused a request ("territory",
	// "session", "stream_limit", …), for players to act on.
	Rule string `json:"rule,omitempty"`
	// Playing lists the streams already playing, for rule stream_limit.
	Playing   any    `json:"playing,omitempty"`
	Field     string `json:"field,omitempty"`
	Value     string `json:"value,omitempty"`
	ErrorID   string `json:"error_id,omitempty"`
	Conflicts any    `json:"conflicts,omitempty"`
	Problems  any    `json:"problems,omitempty"`

	// retryAfter, when positive, is sent as Retry-After (seconds).
	retryAfter int
	// dependency names what failed when the request did not (503, 507).
	dependency string
}

// statusClientClosed is recorded, not sent, when the client closed the
// connection before its answer was ready.
const statusClientClosed = 499

// httpError is an error that already knows its status and what the client
// may be told.
type httpError struct {
	status int
	detail string
	field  string
	value  string
}

func (e *httpError) Error() string { return e.detail }

func errBadRequest(field, value, detail string) error {
	return &httpError{status: http.StatusBadRequest, field: field, value: value, detail: detail}
}

func errNotFound(detail string) error {
	return &httpError{status: http.StatusNotFound, detail: detail}
}

func errUnauthorized(detail string) error {
	return &httpError{status: http.StatusUnauthorized, detail: detail}
}

func errForbidden(detail string) error {
	return &httpError{status: http.StatusForbidden, detail: detail}
}

// errAboveMaturity refuses a title above the profile's maturity limit. Its
// words never name the title: the profile may not even see its name.
var errAboveMaturity = &httpError{status: http.StatusForbidden, detail: "this title is above the profile's maturity limit"}

// invalidField is implemented by the domain packages' validation errors.
type invalidField interface {
	InvalidField() (field, value, reason string)
}

// unprocessable is implemented by errors that say a well-formed request
// cannot be answered from the data stored, and what to do about it (a
// missing exchange rate): 422.
type unprocessable interface {
	Unprocessable() string
}

// problemRows is implemented by errors that list many bad rows (avails).
type problemRows interface {
	ProblemRows() any
}

// adapt turns a handlerFunc into an http.Handler: a nil error means the
// handler wrote its answer; anything else becomes problem+json. Internal
// failures are logged once with an error ID that the client also gets, and
// their text is never sent.
func (s *Server) adapt(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec, ok := w.(*statusRecorder); ok {
			rec.pattern = r.Pattern
		}
		err := h(w, r)
		if err == nil {
			s.outages.recheck(r.Context())
			return
		}
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			// The client went away (a player that moved on, a closed
			// tab): nobody is left to answer and nothing failed here.
			// 499 is nginx's "client closed request", for the log and
			// the metrics.
			if rec, ok := w.(*statusRecorder); ok && rec.status == 0 {
				rec.status = statusClientClosed
			}
			s.Log.Debug("client went away", "method", r.Method, "path", redactPath(r.URL.Path))
			return
		}
		p := s.problemFor(err)
		if p.Rule != "" {
			// Which rule refused a stream, for whoever follows a viewer's
			// complaint (never the token: the path is redacted).
			s.Log.Info("playback refused", "rule", p.Rule, "path", redactPath(r.URL.Path))
		}
		if p.dependency != "" {
			// A database or disk that fails fails every request at once:
			// logged once per outage (see outages), not per request.
			s.outages.down(p.dependency, err)
			if isPageRequest(r) {
				s.renderError(w, r, err, p)
				return
			}
			writeProblem(w, p)
			return
		}
		if p.Status >= 500 {
			p.ErrorID = newErrorID()
			s.Log.Error("request failed", "error_id", p.ErrorID, "request_id", requestIDFrom(r.Context()), "method", r.Method, "path", redactPath(r.URL.Path), "err", err)
		}
		if isPageRequest(r) {
			s.renderError(w, r, err, p)
			return
		}
		writeProblem(w, p)
	})
}

func (s *Server) problemFor(err error) Problem {
	var he *httpError
	var ce *rights.ConflictError
	var mbe *http.MaxBytesError
	var inv invalidField
	var rows problemRows
	var denied *playback.DeniedError
	var limited *accounts.LimitError
	var refused *media.RefusedError
	var unp unprocessable
	switch {
	case errors.As(err, &denied):
		if errors.Is(err, playback.ErrNoMedia) {
			return Problem{Status: http.StatusConflict, Title: "Nothing to play yet", Detail: "the video of this title is still being prepared"}
		}
		p := Problem{Status: http.StatusForbidden, Title: "Not available", Detail: "this title is not available to this profile here and now", Rule: string(denied.Reason)}
		switch denied.Reason {
		case playback.ReasonMaturity, playback.ReasonNotAvailable:
		default:
			p.Title, p.Detail = "Playback refused", denied.Error()
			if len(denied.Playing) > 0 {
				p.Playing = denied.Playing
			}
			return p
		}
		if errors.Is(err, playback.ErrMaturity) {
			p.Detail = "this title is above the profile's maturity limit"
		} else if a := denied.Availability; a.StartsAt != nil {
			p.Detail = "not available yet here; available from " + a.StartsAt.UTC().Format(time.RFC3339)
		}
		return p
	case errors.As(err, &limited):
		return Problem{Status: http.StatusTooManyRequests, Title: "Too many attempts", Detail: limited.Error()}
	case errors.Is(err, accounts.ErrInvalidCredentials), errors.Is(err, accounts.ErrNoSession):
		return Problem{Status: http.StatusUnauthorized, Title: "Unauthorized", Detail: "sign in first"}
	case errors.Is(err, accounts.ErrSignUpClosed), errors.Is(err, accounts.ErrWrongPIN):
		return Problem{Status: http.StatusForbidden, Title: "Forbidden", Detail: err.Error()}
	case errors.Is(err, accounts.ErrTooManyProfiles):
		return Problem{Status: http.StatusConflict, Title: "Too many profiles", Detail: "an account has at most five profiles"}
	case errors.As(err, &refused):
		status := http.StatusUnprocessableEntity
		if errors.Is(err, media.ErrTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		return Problem{Status: status, Title: "The upload was refused", Detail: refused.Reason}
	case errors.As(err, &unp):
		return Problem{Status: http.StatusUnprocessableEntity, Title: "Cannot be answered from the stored data", Detail: unp.Unprocessable()}
	case errors.As(err, &he):
		return Problem{Status: he.status, Title: http.StatusText(he.status), Detail: he.detail, Field: he.field, Value: he.value}
	case errors.As(err, &ce):
		return Problem{Status: http.StatusConflict, Title: "License conflicts with existing rights",
			Detail:    "the license clashes with existing licenses (listed in conflicts); nothing was stored. Send force=true to store it anyway; the conflict is then recorded and shown.",
			Conflicts: ce.Conflicts}
	case errors.As(err, &mbe):
		return Problem{Status: http.StatusRequestEntityTooLarge, Title: "Request body too large",
			Detail: "the body is larger than the limit of " + humanBytes(mbe.Limit) + "; send a smaller one or raise LINEUP_MAX_BODY_BYTES"}
	case errors.As(err, &rows):
		p := Problem{Status: http.StatusUnprocessableEntity, Title: "The sheet has bad rows; nothing was imported", Detail: err.Error(), Problems: rows.ProblemRows()}
		if errors.As(err, &inv) {
			p.Field, p.Value, _ = inv.InvalidField()
		}
		return p
	case errors.As(err, &inv):
		field, value, reason := inv.InvalidField()
		var be *rights.BatchError
		if errors.As(err, &be) {
			reason = fmt.Sprintf("entry %d: %s", be.Entry, reason)
		}
		return Problem{Status: http.StatusBadRequest, Title: "Invalid " + field, Detail: reason, Field: field, Value: value}
	case store.IsDiskFull(err):
		disk := s.diskOf(err)
		return Problem{Status: http.StatusInsufficientStorage, Title: "Disk full",
			Detail:     "the disk holding the " + disk + " is full; nothing was stored. Try again once the operator has freed space.",
			dependency: "disk of the " + disk}
	case store.IsUnavailable(err):
		dep := "database"
		if !store.FromDatabase(err) {
			dep = s.outages.blame(context.WithoutCancel(context.Background()))
		}
		return Problem{Status: http.StatusServiceUnavailable, Title: "Service Unavailable",
			Detail:     "the " + dep + " does not answer; nothing was changed. Try again in a few seconds.",
			retryAfter: retryAfterSeconds, dependency: dep}
	case errors.Is(err, store.ErrNotFound):
		return Problem{Status: http.StatusNotFound, Title: "Not Found", Detail: "no such " + notFoundWhat(err)}
	default:
		return Problem{Status: http.StatusInternalServerError, Title: "Internal Server Error",
			Detail: "something went wrong on our side; quote the error_id when you report it"}
	}
}

// notFoundWhat pulls the noun out of a wrapped ErrNotFound ("catalog: get
// title 42: not found" → "title 42") without leaking anything else.
func notFoundWhat(err error) string {
	msg := err.Error()
	for _, noun := range []string{"title", "license", "person", "asset"} {
		if strings.Contains(msg, noun) {
			return noun
		}
	}
	return "item"
}

func writeProblem(w http.ResponseWriter, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func newErrorID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return itoa(n) + " bytes"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return itoa(n/div) + " " + string("KMGTPE"[exp]) + "iB"
}

func asMaxBytes(err error, target **http.MaxBytesError) bool { return errors.As(err, target) }
