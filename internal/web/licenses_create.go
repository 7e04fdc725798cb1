package web

import (
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/rights"
)

// licenseRequest is the body of POST /api/v1/licenses: a license, plus
// force to store it despite conflicts.
type licenseRequest struct {
	rights.License
	Force bool `json:"force"`
}

func (s *Server) licensesCreate(w http.ResponseWriter, r *http.Request) error {
	var req licenseRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	force, err := queryBool(r, "force")
	if err != nil {
		return err
	}
	l, conflicts, err := s.Rights.AddAs(r.Context(), req.License, req.Force || force, rights.Change{Actor: actor(r)})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/licenses/"+strconv.FormatInt(l.ID, 10))
	return writeJSON(w, http.StatusCreated, map[string]any{"license": l, "conflicts": nonNil(conflicts)})
}

func (s *Server) licensesCheck(w http.ResponseWriter, r *http.Request) error {
	var l rights.License
	if err := decodeJSON(r, &l); err != nil {
		return err
	}
	conflicts, err := s.Rights.Check(r.Context(), l)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"conflicts": nonNil(conflicts)})
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
