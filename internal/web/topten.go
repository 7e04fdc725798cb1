package web

import (
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/rights"
)

// weekOf reads ?week= (any date of the week), this week by default.
func (s *Server) weekOf(r *http.Request, territory string) (string, error) {
	w := r.URL.Query().Get("week")
	if w == "" {
		return rights.LocalDate(s.Now(), territory), nil
	}
	if !dayPattern.MatchString(w) {
		return "", errBadRequest("week", w, "week must be a date in the week, written YYYY-MM-DD")
	}
	return w, nil
}

// topTenAPI answers GET /api/v1/top10: a territory's weekly Top 10, Monday
// to Sunday in its own time zone.
func (s *Server) topTenAPI(w http.ResponseWriter, r *http.Request) error {
	if s.Plays == nil {
		return errNotFound("this service counts no views")
	}
	territory, err := s.queryTerritory(r)
	if err != nil {
		return err
	}
	week, err := s.weekOf(r, territory)
	if err != nil {
		return err
	}
	top, err := s.Plays.Weekly(r.Context(), territory, week)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, top)
}

// topTenPage shows the viewer's territory's Top 10 of the week with
// numbered badges.
func (s *Server) topTenPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerFrom(r.Context())
	territory := v.where.Territory
	week, err := s.weekOf(r, territory)
	if err != nil {
		return err
	}
	row := homeRow{Key: "top10", Heading: "Top 10 in " + rights.CountryName(territory), Empty: "Nothing has been watched here this week yet."}
	if s.Plays != nil {
		top, err := s.Plays.Weekly(r.Context(), territory, week)
		if err != nil {
			return err
		}
		row.Heading += ", week of " + humanDate(top.From, s.Now())
		var ids []int64
		for _, e := range top.Entries {
			ids = append(ids, e.TitleID)
		}
		titles, err := s.Catalog.GetTitles(r.Context(), ids)
		if err != nil {
			return err
		}
		for _, e := range top.Entries {
			t, ok := titles[e.TitleID]
			if !ok || !v.profile.Allows(t.MinAge) {
				continue
			}
			name, _ := t.Localized(v.Lang())
			row.Cards = append(row.Cards, card{TitleID: e.TitleID, Name: name, Hue: hue(e.TitleID), Rank: e.Rank,
				When: strconv.FormatFloat(e.Views, 'f', 1, 64) + " views"})
		}
	}
	return s.render(w, http.StatusOK, "home", s.page(r, "Top 10", "top10", homePage{Rows: []homeRow{row}}))
}
