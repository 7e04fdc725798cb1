package web

import (
	"net/http"

	"github.com/lineup/lineup/internal/rights"
)

func (s *Server) territoriesList(w http.ResponseWriter, r *http.Request) error {
	type territory struct {
		Code string `json:"code"`
		Name string `json:"name"`
		Zone string `json:"time_zone"`
		EU   bool   `json:"eu"`
	}
	var out []territory
	for _, c := range rights.Countries() {
		out = append(out, territory{c, rights.CountryName(c), rights.Zone(c).String(), rights.IsEU(c)})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"territories": out})
}
