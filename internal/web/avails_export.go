package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/rights"
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
	// Avails speak of digital distribution only: theatrical and TV grants
	// have no row in the sheet and are left out.
	var ls []rights.License
	for _, l := range all {
		switch l.Type {
		case rights.SVOD, rights.AVOD, rights.TVOD, rights.EST:
			ls = append(ls, l)
		}
	}
	refs, err := s.titleRefs(r, ls)
	if err != nil {
		return err
	}
	// Built whole before the first byte goes out, so that a failure is
	// still a proper problem response rather than half a sheet.
	var buf bytes.Buffer
	if err := avails.Export(&buf, format, ls, func(id int64) avails.TitleRef { return refs[id] }); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="avails.`+format+`"`)
	_, err = buf.WriteTo(w)
	return err
}

func (s *Server) titleRefs(r *http.Request, ls []rights.License) (map[int64]avails.TitleRef, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, l := range ls {
		if !seen[l.TitleID] {
			seen[l.TitleID] = true
			ids = append(ids, l.TitleID)
		}
	}
	titles, err := s.Catalog.GetTitles(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	refs := make(map[int64]avails.TitleRef, len(ids))
	for id, t := range titles {
		refs[id] = avails.TitleRef{ContentID: "lineup:title:" + strconv.FormatInt(id, 10), Alias: t.OriginalTitle}
	}
	return refs, nil
}
