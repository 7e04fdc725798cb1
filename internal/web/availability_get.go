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
	// AsOf echoes as_of when the answer is as Lineup recorded it then.
	AsOf *time.Time `json:"as_of,omitempty"`
	// Zone echoes the viewer's zone when one was given.
	Zone string `json:"zone,omitempty"`
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
	asOf, err := queryAsOf(r)
	if err != nil {
		return err
	}
	zone := r.URL.Query().Get("zone")
	if zone != "" && !rights.InTerritory(zone, territory) {
		return errBadRequest("zone", zone, "zone must be one of the territory's time zones (an IANA name such as "+rights.Zones(territory)[0]+")")
	}
	if _, err := s.Catalog.GetTitle(r.Context(), title); err != nil {
		return err
	}
	a, err := s.Rights.Available(r.Context(), rights.AvailabilityQuery{TitleID: title, Territory: territory, At: at, AsOf: asOf, ViewerZone: zone})
	if err != nil {
		return err
	}
	resp := availabilityResponse{Title: title, Territory: territory, At: at, Availability: a, Zone: zone}
	if !asOf.IsZero() {
		resp.AsOf = &asOf
	}
	return writeJSON(w, http.StatusOK, resp)
}
