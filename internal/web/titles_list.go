package web

import (
	"net/http"

	"github.com/lineup/lineup/internal/catalog"
)

func (s *Server) titlesList(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r, 50, 200)
	if err != nil {
		return err
	}
	after, err := queryID(r, "after", false)
	if err != nil {
		return err
	}
	titles, err := s.Catalog.ListTitles(r.Context(), catalog.ListQuery{Limit: limit, After: after, Genre: r.URL.Query().Get("genre")})
	if err != nil {
		return err
	}
	page := map[string]any{"titles": titles}
	if len(titles) == limit {
		page["next_after"] = titles[len(titles)-1].ID
	}
	return writeJSON(w, http.StatusOK, page)
}
