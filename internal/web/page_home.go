package web

import (
	"context"
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/locale"
	"github.com/lineup/lineup/internal/rights"
)

// card is one title in a row.
type card struct {
	TitleID  int64
	Name     string
	Hue      int64
	Original bool
	Progress int    // percent watched, 0 for none
	When     string // "From 22 June", "Last day to watch 7 December"
	Rank     int    // Top 10 position, 0 for none
	Poster   picture
}

// homeRow is one row of the home page.
type homeRow struct {
	Key, Heading, Empty string
	Cards               []card
}

type homePage struct {
	Rows []homeRow
	// Sections are extra blocks under the rows (a person's interviews).
	Sections []template.HTML
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerFrom(ctx)
	territory, now := v.where.Territory, s.Now()
	lineup, err := s.Rights.Lineup(ctx, rights.LineupQuery{Territory: territory, At: now, Limit: 40})
	if err != nil {
		return err
	}
	cw, err := s.Accounts.ContinueWatching(ctx, v.profile.ID, 20)
	if err != nil {
		return err
	}
	list, err := s.Accounts.List(ctx, v.profile.ID, 40)
	if err != nil {
		return err
	}
	top, err := s.topTen(ctx, territory, now)
	if err != nil {
		return err
	}
	var ids []int64
	for _, row := range []rights.Row{lineup.AvailableNow, lineup.ComingSoon, lineup.LeavingSoon} {
		for _, it := range row.Items {
			ids = append(ids, it.TitleID)
		}
	}
	for _, p := range cw {
		ids = append(ids, p.TitleID)
	}
	for _, l := range list {
		ids = append(ids, l.TitleID)
	}
	ids = append(ids, top...)
	titles, err := s.Catalog.GetTitles(ctx, ids)
	if err != nil {
		return err
	}
	lang, loc := v.Lang(), s.localeOf(r)
	// A title the profile may not see is left out of every row.
	mk := func(id int64) (card, bool) {
		t, ok := titles[id]
		if !ok || !v.profile.Allows(t.MinAge) {
			return card{}, false
		}
		name, _ := t.Localized(lang)
		return card{TitleID: id, Name: name, Hue: hue(id)}, true
	}
	available := map[int64]bool{}
	for _, it := range lineup.AvailableNow.Items {
		available[it.TitleID] = true
	}

	var rows []homeRow
	var cont []card
	for _, p := range cw {
		if a, err := s.Rights.Availability(ctx, p.TitleID, territory, now); err != nil || !a.Available {
			continue // the window closed: nothing to continue here
		}
		if c, ok := mk(p.TitleID); ok {
			if p.Duration > 0 {
				c.Progress = int(100 * p.Position / p.Duration)
			}
			cont = append(cont, c)
		}
	}
	if len(cont) > 0 {
		rows = append(rows, homeRow{Key: "continue", Heading: loc.T("Continue Watching"), Cards: cont})
	}
	var topCards []card
	for i, id := range top {
		if c, ok := mk(id); ok {
			c.Rank = i + 1
			topCards = append(topCards, c)
		}
	}
	if len(topCards) > 0 {
		rows = append(rows, homeRow{Key: "top10", Heading: loc.T("Top 10 in %s this week", loc.Country(territory)), Cards: topCards})
	}
	var newCards []card
	for _, it := range lineup.AvailableNow.Items {
		if c, ok := mk(it.TitleID); ok {
			newCards = append(newCards, c)
		}
	}
	rows = append(rows, homeRow{Key: "new", Heading: loc.T("New on %s", s.ServiceName), Cards: newCards,
		Empty: loc.T("Nothing is licensed for %s right now.", loc.Country(territory))})
	var soon []card
	for _, it := range lineup.ComingSoon.Items {
		if c, ok := mk(it.TitleID); ok {
			c.When = loc.T("From %s", loc.Day(it.StartDate, now))
			soon = append(soon, c)
		}
	}
	rows = append(rows, homeRow{Key: "coming", Heading: loc.T("Coming Soon"), Cards: soon, Empty: loc.T("Nothing announced yet.")})
	var leaving []card
	for _, it := range lineup.LeavingSoon.Items {
		if c, ok := mk(it.TitleID); ok {
			c.When = loc.T("Last day to watch %s", loc.Day(it.LastDay, now))
			leaving = append(leaving, c)
		}
	}
	if len(leaving) > 0 {
		rows = append(rows, homeRow{Key: "leaving", Heading: loc.T("Leaving Soon"), Cards: leaving})
	}
	var mine []card
	for _, l := range list {
		if c, ok := mk(l.TitleID); ok {
			mine = append(mine, c)
		}
	}
	rows = append(rows, homeRow{Key: "mylist", Heading: loc.T("My List"), Cards: mine, Empty: loc.T("Titles you add to My List appear here.")})
	rows = append(rows, s.genreRows(loc, lineup.AvailableNow.Items, titles, mk)...)
	if err := s.illustrateRows(ctx, rows); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "home", s.page(r, "", "home", homePage{Rows: rows}))
}

// genreRows groups what is available now by genre, the biggest genres
// first.
func (s *Server) genreRows(loc *locale.Locale, items []rights.LineupItem, titles map[int64]catalog.Title, mk func(int64) (card, bool)) []homeRow {
	byGenre := map[string][]card{}
	for _, it := range items {
		c, ok := mk(it.TitleID)
		if !ok {
			continue
		}
		for _, g := range titles[it.TitleID].Genres {
			byGenre[g] = append(byGenre[g], c)
		}
	}
	var genres []string
	for g := range byGenre {
		genres = append(genres, g)
	}
	sort.Slice(genres, func(i, j int) bool {
		if len(byGenre[genres[i]]) != len(byGenre[genres[j]]) {
			return len(byGenre[genres[i]]) > len(byGenre[genres[j]])
		}
		return genres[i] < genres[j]
	})
	var rows []homeRow
	for _, g := range genres {
		rows = append(rows, homeRow{Key: "genre-" + g, Heading: loc.T(titleCase(g)), Cards: byGenre[g]})
	}
	return rows
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}

// topTen is the territory's Top 10 titles today; empty until play events
// are counted.
func (s *Server) topTen(ctx context.Context, territory string, now time.Time) ([]int64, error) {
	if s.Plays == nil {
		return nil, nil
	}
	return s.Plays.TopToday(ctx, territory, now)
}
