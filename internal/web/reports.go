package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/rights"
)

// parseWithin reads a span such as "90d", "12w" or "36h".
func parseWithin(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	bad := errBadRequest("within", v, "within must be a number of days or weeks such as 90d or 12w (or hours, 36h)")
	if len(v) < 2 {
		return 0, bad
	}
	n, err := strconv.Atoi(v[:len(v)-1])
	if err != nil || n <= 0 {
		return 0, bad
	}
	switch v[len(v)-1] {
	case 'd':
		return time.Duration(n) * 24 * time.Hour, nil
	case 'w':
		return time.Duration(n) * 7 * 24 * time.Hour, nil
	case 'h':
		return time.Duration(n) * time.Hour, nil
	}
	return 0, bad
}

// queryTerritories reads an optional territory=FR,DE (ZZ and EU allowed).
func queryTerritories(r *http.Request) []string {
	var out []string
	for _, v := range r.URL.Query()["territory"] {
		out = append(out, splitCodes(v)...)
	}
	return out
}

type expiringItem struct {
	rights.Expiring
	Title string `json:"title"`
}

// reportsExpiring lists the titles leaving the service within a span:
// GET /api/v1/reports/expiring?within=90d&territory=FR,DE.
func (s *Server) reportsExpiring(w http.ResponseWriter, r *http.Request) error {
	within, err := parseWithin(r.URL.Query().Get("within"))
	if err != nil {
		return err
	}
	at, err := s.queryAt(r)
	if err != nil {
		return err
	}
	limit, err := queryLimit(r, 500, 5000)
	if err != nil {
		return err
	}
	items, more, err := s.Rights.Expiring(r.Context(), rights.ExpiringQuery{Within: within, Territories: queryTerritories(r), At: at, Limit: limit})
	if err != nil {
		return err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.TitleID
	}
	titles, err := s.Catalog.GetTitles(r.Context(), ids)
	if err != nil {
		return err
	}
	out := make([]expiringItem, len(items))
	for i, it := range items {
		out[i] = expiringItem{Expiring: it, Title: titles[it.TitleID].OriginalTitle}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"at": at, "within": r.URL.Query().Get("within"), "items": out, "truncated": more})
}

var windowsColumns = []string{"title_id", "title", "territory", "license_id", "license_type", "exclusive", "start_date", "last_day", "starts_at", "ends_at"}

// reportsWindows lists the service's windows for the programming team, as
// CSV, xlsx or JSON (format=, or the Accept header; JSON by default).
func (s *Server) reportsWindows(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		for _, a := range strings.Split(r.Header.Get("Accept"), ",") {
			mt, _, _ := mime.ParseMediaType(strings.TrimSpace(a))
			switch mt {
			case "text/csv":
				format = "csv"
			case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
				format = "xlsx"
			}
			if format != "" {
				break
			}
		}
	}
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" && format != "xlsx" {
		return errBadRequest("format", format, "format must be csv, xlsx or json")
	}
	title, err := queryID(r, "title", false)
	if err != nil {
		return err
	}
	var ws []rights.Window
	err = s.Rights.Windows(r.Context(), rights.WindowsQuery{Territories: queryTerritories(r), TitleID: title}, func(x rights.Window) error {
		ws = append(ws, x)
		return nil
	})
	if err != nil {
		return err
	}
	ids := make([]int64, len(ws))
	for i, x := range ws {
		ids[i] = x.TitleID
	}
	titles, err := s.Catalog.GetTitles(r.Context(), ids)
	if err != nil {
		return err
	}
	if format == "json" {
		type item struct {
			rights.Window
			Title string `json:"title"`
		}
		out := make([]item, len(ws))
		for i, x := range ws {
			out[i] = item{Window: x, Title: titles[x.TitleID].OriginalTitle}
		}
		return writeJSON(w, http.StatusOK, map[string]any{"windows": out})
	}
	rows := make([][]string, len(ws))
	for i, x := range ws {
		end := ""
		if x.EndsAt != nil {
			end = x.EndsAt.Format(time.RFC3339)
		}
		rows[i] = []string{strconv.FormatInt(x.TitleID, 10), titles[x.TitleID].OriginalTitle, x.Territory, strconv.FormatInt(x.LicenseID, 10),
			string(x.LicenseType), strconv.FormatBool(x.Exclusive), x.StartDate, x.LastDay, x.StartsAt.Format(time.RFC3339), end}
	}
	var buf bytes.Buffer
	name := "lineup-windows-" + s.Now().UTC().Format("2006-01-02")
	switch format {
	case "csv":
		cw := csv.NewWriter(&buf)
		cw.Write(windowsColumns)
		cw.WriteAll(rows)
		if err := cw.Error(); err != nil {
			return fmt.Errorf("web: windows csv: %w", err)
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		name += ".csv"
	case "xlsx":
		if err := writeXLSX(&buf, "Windows", windowsColumns, rows); err != nil {
			return fmt.Errorf("web: windows xlsx: %w", err)
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		name += ".xlsx"
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}
