package web

import (
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/search"
)

// searchQuery builds the search for a request: the viewer's territory and
// the profile's maturity limit (none for an API client without a profile).
func (s *Server) searchQuery(r *http.Request) (search.Query, error) {
	q := search.Query{Text: r.URL.Query().Get("q"), At: s.Now(), MaxAge: -1, Lang: langOf(r), Limit: 20}
	if v := viewerFrom(r.Context()); v != nil {
		q.Territory, q.Lang = v.where.Territory, v.Lang()
		if v.profile != nil {
			q.MaxAge = v.profile.MaxAge
		}
	}
	if t := r.URL.Query().Get("territory"); t != "" || q.Territory == "" {
		territory, err := s.queryTerritory(r)
		if err != nil {
			return q, err
		}
		q.Territory = territory
	}
	return q, nil
}

// searchAPI answers GET /api/v1/search: titles matching q in any language
// that the territory has now or soon, within the profile's maturity.
func (s *Server) searchAPI(w http.ResponseWriter, r *http.Request) error {
	q, err := s.searchQuery(r)
	if err != nil {
		return err
	}
	hits, err := s.Search.Search(r.Context(), q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"query": q.Text, "territory": q.Territory, "hits": nonNil(hits)})
}

type searchPage struct {
	Query string
	Cards []card
	Done  bool
}

// searchPageHandler renders results on the server (it works without
// JavaScript); search.js refreshes them as the viewer types.
func (s *Server) searchPageHandler(w http.ResponseWriter, r *http.Request) error {
	q, err := s.searchQuery(r)
	if err != nil {
		return err
	}
	loc := s.localeOf(r)
	p := searchPage{Query: q.Text}
	if q.Text != "" {
		hits, err := s.Search.Search(r.Context(), q)
		if err != nil {
			return err
		}
		p.Done = true
		for _, h := range hits {
			c := card{TitleID: h.TitleID, Name: h.Title, Hue: hue(h.TitleID)}
			if !h.Available && h.StartsAt != nil {
				c.When = loc.T("From %s", loc.Day(rights.LocalDate(*h.StartsAt, q.Territory), s.Now()))
			} else if h.Year > 0 {
				c.When = strconv.Itoa(h.Year)
			}
			p.Cards = append(p.Cards, c)
		}
	}
	if err := s.illustrate(r.Context(), p.Cards); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "search", s.page(r, loc.T("Search"), "search", p))
}
