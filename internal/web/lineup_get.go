package web

import (
	"net/http"

	"github.com/lineup/lineup/internal/rights"
)

// lineupItem is a lineup entry with the names a screen shows.
type lineupItem struct {
	rights.LineupItem
	// Title is localized for ?lang= (English by default), falling back to
	// the original title.
	Title         string `json:"title"`
	OriginalTitle string `json:"original_title"`
}

type lineupRow struct {
	Items      []lineupItem `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

func (s *Server) lineupGet(w http.ResponseWriter, r *http.Request) error {
	territory, err := s.queryTerritory(r)
	if err != nil {
		return err
	}
	at, err := s.queryAt(r)
	if err != nil {
		return err
	}
	limit, err := queryLimit(r, 20, 100)
	if err != nil {
		return err
	}
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "en"
	}
	asOf, err := queryAsOf(r)
	if err != nil {
		return err
	}
	q := rights.LineupQuery{Territory: territory, At: at, Limit: limit, Row: r.URL.Query().Get("row"), Cursor: r.URL.Query().Get("cursor"), AsOf: asOf}
	switch q.Row {
	case "", "available_now", "coming_soon", "leaving_soon":
	default:
		return errBadRequest("row", q.Row, "row must be available_now, coming_soon or leaving_soon")
	}
	if q.Cursor != "" && q.Row == "" {
		return errBadRequest("cursor", q.Cursor, "a cursor belongs to one row: send row= with it")
	}
	l, err := s.Rights.Lineup(r.Context(), q)
	if err != nil {
		return err
	}
	var ids []int64
	for _, row := range []rights.Row{l.AvailableNow, l.ComingSoon, l.LeavingSoon} {
		for _, it := range row.Items {
			ids = append(ids, it.TitleID)
		}
	}
	titles, err := s.Catalog.GetTitles(r.Context(), ids)
	if err != nil {
		return err
	}
	named := func(row rights.Row) lineupRow {
		out := lineupRow{Items: make([]lineupItem, 0, len(row.Items)), NextCursor: row.NextCursor}
		for _, it := range row.Items {
			t := titles[it.TitleID]
			local, _ := t.Localized(lang)
			out.Items = append(out.Items, lineupItem{LineupItem: it, Title: local, OriginalTitle: t.OriginalTitle})
		}
		return out
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"territory":     territory,
		"at":            at,
		"available_now": named(l.AvailableNow),
		"coming_soon":   named(l.ComingSoon),
		"leaving_soon":  named(l.LeavingSoon),
	})
}
