package web

import (
	"bytes"
	"net/http"

	"github.com/lineup/lineup/internal/rights/avails"
)

func (s *Server) availsExport(w http.ResponseWriter, r *http.Request) error {
	title, err := queryID(r, "title", false)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	ctype := map[string]string{
		"csv":  "text/csv; charset=utf-8",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	}[format]
	if ctype == "" {
		return errBadRequest("format", format, "format must be csv or xlsx")
	}
	all, err := s.Rights.List(r.Context(), title)
	if err != nil {
		return err
	}
	ls := avails.Digital(all)
	refs, err := avails.TitleRefs(r.Context(), s.Catalog, avails.TitleIDs(ls))
	if err != nil {
		return err
	}
	rows, err := s.availsImporter().ExportRows(r.Context(), ls)
	if err != nil {
		return err
	}
	// Built whole before the first byte goes out, so that a failure is
	// still a proper problem response rather than half a sheet.
	var buf bytes.Buffer
	if err := avails.Export(&buf, format, ls, refs, rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="avails.`+format+`"`)
	_, err = buf.WriteTo(w)
	return err
}
