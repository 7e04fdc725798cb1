package web

import "net/http"

func (s *Server) licensesList(w http.ResponseWriter, r *http.Request) error {
	title, err := queryID(r, "title", false)
	if err != nil {
		return err
	}
	ls, err := s.Rights.List(r.Context(), title)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"licenses": nonNil(ls)})
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
