package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/rights"
)

// actor names who is changing a license, for its history: the admin's
// email when signed in, "admin token" for LINEUP_ADMIN_TOKEN.
func actor(r *http.Request) string {
	if v := viewerFrom(r.Context()); v != nil {
		if _, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); !bearer {
			return v.session.User.Email
		}
	}
	return "admin token"
}

// licensePatch is the body of PATCH /api/v1/licenses/{id}: the license's
// fields to change (those absent keep their value), why, and force.
type licensePatch struct {
	rights.License
	Reason string `json:"reason"`
	Force  bool   `json:"force"`
}

// licensesAmend changes a license's terms: the body is read over the stored
// license, so only the fields sent change; the result is conflict-checked
// like a new license (409 unless forced).
func (s *Server) licensesAmend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cur, err := s.Rights.Get(r.Context(), id)
	if err != nil {
		return err
	}
	req := licensePatch{License: cur}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	force, err := queryBool(r, "force")
	if err != nil {
		return err
	}
	l, conflicts, err := s.Rights.Amend(r.Context(), id, req.License, rights.Change{Actor: actor(r), Reason: req.Reason}, req.Force || force)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"license": l, "conflicts": nonNil(conflicts), "changed": l.Version != cur.Version})
}

// licensesCheckAmend answers which conflicts a PATCH with the same body
// would meet, changing nothing.
func (s *Server) licensesCheckAmend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cur, err := s.Rights.Get(r.Context(), id)
	if err != nil {
		return err
	}
	req := licensePatch{License: cur}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	cs, err := s.Rights.CheckAmend(r.Context(), id, req.License)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"conflicts": nonNil(cs)})
}

type terminateRequest struct {
	End    rights.Moment `json:"end"`
	Reason string        `json:"reason"`
}

func (s *Server) licensesTerminate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req terminateRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	l, err := s.Rights.Terminate(r.Context(), id, req.End, rights.Change{Actor: actor(r), Reason: req.Reason})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"license": l})
}

// licensesWithdraw withdraws a license: kept, marked withdrawn, never
// counted again. The reason comes as ?reason= or as {"reason": …}.
func (s *Server) licensesWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	req.Reason = r.URL.Query().Get("reason")
	if r.ContentLength != 0 && req.Reason == "" {
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
	}
	l, err := s.Rights.Withdraw(r.Context(), id, rights.Change{Actor: actor(r), Reason: req.Reason})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"license": l})
}

func (s *Server) licensesHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, err := s.Rights.History(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"license_id": id, "history": h})
}

// queryAsOf reads the optional as_of: the recorded moment to answer as of
// (RFC 3339 with an offset); zero when absent.
func queryAsOf(r *http.Request) (time.Time, error) {
	v := r.URL.Query().Get("as_of")
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, errBadRequest("as_of", v, "as_of must be an RFC 3339 date-time with an offset, such as 2018-06-01T00:00:00Z: the moment whose recorded licenses answer")
	}
	return t, nil
}
