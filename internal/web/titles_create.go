package web

import (
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/catalog"
)

func (s *Server) titlesCreate(w http.ResponseWriter, r *http.Request) error {
	var t catalog.Title
	if err := decodeJSON(r, &t); err != nil {
		return err
	}
	created, err := s.Catalog.CreateTitle(r.Context(), t)
	if err != nil {
		return err
	}
	if s.Search != nil {
		if err := s.Search.IndexTitle(r.Context(), created); err != nil {
			// The title is stored; the periodic rebuild will index it.
			s.Log.Warn("search: index new title", "title_id", created.ID, "err", err)
		}
	}
	w.Header().Set("Location", "/api/v1/titles/"+strconv.FormatInt(created.ID, 10))
	return writeJSON(w, http.StatusCreated, created)
}
