package web

import (
	"errors"
	"fmt"
	"net/http"
	"path"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/rights/avails"
)

func (s *Server) adminAvailsForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "admin", s.page(r, "Avails", "admin", adminPage{Tab: "avails"}))
}

// adminAvailsUpload imports the sheet from the form and shows its report;
// a refused sheet shows every problem, a conflict every clash, and nothing
// changes then.
func (s *Server) adminAvailsUpload(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	show := func(status int, p adminPage) error {
		p.Tab = "avails"
		return s.render(w, status, "admin", s.page(r, "Avails", "admin", p))
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return show(http.StatusBadRequest, adminPage{Error: "The form could not be read: attach an .xlsx or .csv sheet."})
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return show(http.StatusBadRequest, adminPage{Error: "Choose the avails sheet to import (.xlsx or .csv)."})
	}
	defer f.Close()
	rep, err := s.availsImporter().Import(r.Context(), f, path.Base(hdr.Filename), avails.ImportOptions{
		Options: avails.Options{Licensor: s.AvailsLicensor, Licensee: s.Licensee},
		Force:   r.FormValue("force") == "1", DryRun: r.FormValue("dry_run") == "1", Actor: actorOf(r),
	})
	var se *avails.SheetError
	var fe *avails.FormatError
	var ce *rights.ConflictError
	switch {
	case errors.As(err, &se):
		var lines []string
		for _, p := range se.Problems {
			lines = append(lines, p.String())
		}
		return show(http.StatusUnprocessableEntity, adminPage{AvailsProblems: lines})
	case errors.As(err, &fe):
		return show(http.StatusBadRequest, adminPage{AvailsProblems: []string{fe.Error()}})
	case errors.As(err, &ce):
		var lines []string
		for _, c := range groupConflicts(ce.Conflicts) {
			lines = append(lines, fmt.Sprintf("%s with license %d in %s, %s", c.Kind, c.Other, c.Territories, c.Overlap))
		}
		lines = append(lines, "Tick “Store licenses despite conflicts” to import it anyway; the conflicts are recorded.")
		return show(http.StatusConflict, adminPage{AvailsProblems: lines})
	case err != nil:
		return err
	}
	return show(http.StatusOK, adminPage{Avails: rep})
}

// adminTitleComplete marks a title created from avails as complete: it no
// longer shows as metadata pending.
func (s *Server) adminTitleComplete(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Catalog.CompleteMetadata(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
	return nil
}
