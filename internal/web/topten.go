package web

import (
	"math"
	"net/http"

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
	loc := s.localeOf(r)
	row := homeRow{Key: "top10", Heading: loc.T("Top 10 in %s", loc.Country(territory)), Empty: loc.T("Nothing has been watched here this week yet.")}
	if s.Plays != nil {
		top, err := s.Plays.Weekly(r.Context(), territory, week)
		if err != nil {
			return err
		}
		row.Heading = loc.T("Top 10 in %[1]s, week of %[2]s", loc.Country(territory), loc.Day(top.From, s.Now()))
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
				When: loc.T("%d views", wholeViews(e.Views))})
		}
	}
	if err := s.illustrate(r.Context(), row.Cards); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "home", s.page(r, loc.T("Top 10"), "top10", homePage{Rows: []homeRow{row}}))
}

// wholeViews is a title's views as a page shows them: a whole number, as
// charts of views are published, and at least 1 for a title that was
// watched at all (1.1 views is "1 view", 0.4 is "1 view", not "0 views").
func wholeViews(v float64) int {
	n := int(math.Round(v))
	if n < 1 && v > 0 {
		n = 1
	}
	return n
}
