package web

import (
	"context"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/lineup/lineup/internal/rights/avails"
)

// availsImport reads an EMA Avails sheet (.xlsx or .csv) sent either as the
// raw body (with ?filename= or ?format=) or as the "file" part of a
// multipart form, and stores its licenses all together or not at all.
func (s *Server) availsImport(w http.ResponseWriter, r *http.Request) error {
	force, err := queryBool(r, "force")
	if err != nil {
		return err
	}
	body, name, err := uploadedFile(r)
	if err != nil {
		return err
	}
	defer body.Close()
	ls, err := avails.Parse(r.Context(), body, name, avails.Options{
		Resolve:  s.resolveAvailsTitle,
		Licensor: s.AvailsLicensor,
		Licensee: s.Licensee,
	})
	if err != nil {
		return err
	}
	stored, err := s.Rights.AddAll(r.Context(), ls, force)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"imported": len(stored), "licenses": nonNil(stored)})
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

// resolveAvailsTitle finds the title an avails row names.
func (s *Server) resolveAvailsTitle(ctx context.Context, ref avails.TitleRef) (int64, error) {
	return s.Catalog.ResolveTitleRef(ctx, ref.ContentID, ref.AltID, ref.Alias)
}
