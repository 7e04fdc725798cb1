package web

import (
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/rights"
)

func (s *Server) licensesList(w http.ResponseWriter, r *http.Request) error {
	title, err := queryID(r, "title", false)
	if err != nil {
		return err
	}
	limit, err := queryLimit(r, 100, rights.MaxPage)
	if err != nil {
		return err
	}
	after, err := queryCursor(r)
	if err != nil {
		return err
	}
	ls, more, err := s.Rights.ListPage(r.Context(), title, after, limit)
	if err != nil {
		return err
	}
	resp := map[string]any{"licenses": nonNil(ls)}
	if more {
		resp["next_cursor"] = strconv.FormatInt(ls[len(ls)-1].ID, 10)
	}
	return writeJSON(w, http.StatusOK, resp)
}

// queryCursor reads a license list's cursor: the next_cursor of the page
// before (0, the start, when absent).
func queryCursor(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("cursor")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errBadRequest("cursor", v, "cursor must be the next_cursor of the page before")
	}
	return n, nil
}

func (s *Server) licensesGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.Rights.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}

func (s *Server) conflictsList(w http.ResponseWriter, r *http.Request) error {
	title, err := queryID(r, "title", false)
	if err != nil {
		return err
	}
	cs, err := s.Rights.RecordedConflicts(r.Context(), title)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"conflicts": nonNil(cs)})
}
