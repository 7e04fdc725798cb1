package web

import (
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/lineup/lineup/internal/rights/avails"
)

// availsImport reads an EMA Avails sheet (.xlsx or .csv) sent either as the
// raw body (with ?filename= or ?format=) or as the "file" part of a
// multipart form, and applies it: titles created, licenses created, amended
// or withdrawn, rows set aside. It answers with the import's report: 201
// when something changed, 200 when nothing did or with ?dry_run=1 (nothing
// is stored then).
func (s *Server) availsImport(w http.ResponseWriter, r *http.Request) error {
	force, err := queryBool(r, "force")
	if err != nil {
		return err
	}
	dryRun, err := queryBool(r, "dry_run")
	if err != nil {
		return err
	}
	body, name, err := uploadedFile(r)
	if err != nil {
		return err
	}
	defer body.Close()
	rep, err := s.availsImporter().Import(r.Context(), body, name, avails.ImportOptions{
		Options: avails.Options{Licensor: s.AvailsLicensor, Licensee: s.Licensee},
		Force:   force, DryRun: dryRun, Actor: actorOf(r),
	})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rep.Changed() && !rep.DryRun {
		status = http.StatusCreated
	}
	return writeJSON(w, status, rep)
}

// availsImporter builds the avails importer over the server's services.
func (s *Server) availsImporter() *avails.Importer {
	return avails.NewImporter(s.DB, s.Catalog, s.Rights, s.Now)
}

// actorOf names who makes a change, for the history of what it changes:
// the signed-in admin's email, or "api token" for the admin bearer token.
func actorOf(r *http.Request) string {
	if v := viewerFrom(r.Context()); v != nil && v.session.User.Email != "" {
		return v.session.User.Email
	}
	return "api token"
}

// uploadedFile finds the sheet in the request and a file name that says its
// format.
func uploadedFile(r *http.Request) (io.ReadCloser, string, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, "", errBadRequest("file", "", "the multipart form could not be read: "+err.Error())
		}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return nil, "", errBadRequest("file", "", "the form has no part named file; attach the sheet as file")
			}
			if err != nil {
				return nil, "", errBadRequest("file", "", "the multipart form could not be read: "+err.Error())
			}
			if part.FormName() == "file" {
				return part, path.Base(part.FileName()), nil
			}
		}
	}
	name := r.URL.Query().Get("filename")
	if name == "" {
		switch f := r.URL.Query().Get("format"); {
		case f == "csv" || mt == "text/csv":
			name = "avails.csv"
		case f == "xlsx" || strings.Contains(mt, "spreadsheetml"):
			name = "avails.xlsx"
		default:
			return nil, "", errBadRequest("format", f, "say what the sheet is: ?format=csv or ?format=xlsx, a filename=, or a Content-Type of text/csv or an .xlsx type")
		}
	}
	return r.Body, path.Base(name), nil
}
