package web

import (
	"net/http"
	"time"

	"github.com/lineup/lineup/internal/rights"
)

// availabilityResponse echoes the question with the answer.
type availabilityResponse struct {
	Title     int64     `json:"title"`
	Territory string    `json:"territory"`
	At        time.Time `json:"at"`
	rights.Availability
}

func (s *Server) availabilityGet(w http.ResponseWriter, r *http.Request) error {
	title, err := queryID(r, "title", true)
	if err != nil {
		return err
	}
	territory, err := s.queryTerritory(r)
	if err != nil {
		return err
	}
	at, err := s.queryAt(r)
	if err != nil {
		return err
	}
	if _, err := s.Catalog.GetTitle(r.Context(), title); err != nil {
		return err
	}
	a, err := s.Rights.Availability(r.Context(), title, territory, at)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, availabilityResponse{Title: title, Territory: territory, At: at, Availability: a})
}
