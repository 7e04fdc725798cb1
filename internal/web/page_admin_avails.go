package web

import (
	"errors"
	"net/http"
	"path"

	"github.com/lineup/lineup/internal/locale"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/rights/avails"
)

func (s *Server) adminAvailsForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "admin", s.page(r, s.localeOf(r).T("Avails"), "admin", adminPage{Tab: "avails"}))
}

// adminAvailsUpload imports the sheet from the form and shows its report;
// a refused sheet shows every problem, a conflict every clash, and nothing
// changes then.
func (s *Server) adminAvailsUpload(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	loc := s.localeOf(r)
	show := func(status int, p adminPage) error {
		p.Tab = "avails"
		return s.render(w, status, "admin", s.page(r, loc.T("Avails"), "admin", p))
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return show(http.StatusBadRequest, adminPage{Error: loc.T("The form could not be read: attach an .xlsx or .csv sheet.")})
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return show(http.StatusBadRequest, adminPage{Error: loc.T("Choose the avails sheet to import (.xlsx or .csv).")})
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
		lines := append(conflictLines(loc, ce.Conflicts), loc.T("Tick “Store licenses despite conflicts” to import it anyway; the conflicts are recorded."))
		return show(http.StatusConflict, adminPage{AvailsProblems: lines})
	case err != nil:
		return err
	}
	return show(http.StatusOK, adminPage{Avails: rep, AvailsSummary: availsSummary(loc, rep)})
}

// availsSummary says an import's counts in one sentence of the page's
// language (avails.Report.Summary is the English one of the API and CLI).
func availsSummary(loc *locale.Locale, r *avails.Report) string {
	key := "%[1]d license(s) created, %[2]d amended, %[3]d withdrawn, %[4]d row(s) unchanged, %[5]d to be announced, %[6]d set aside, %[7]d title(s) created"
	if r.DryRun {
		key = "dry run, nothing stored: would have %[1]d license(s) created, %[2]d amended, %[3]d withdrawn, %[4]d row(s) unchanged, %[5]d to be announced, %[6]d set aside, %[7]d title(s) created"
	}
	return loc.T(key, len(r.Created), len(r.Amended), len(r.Withdrawn), r.Unchanged, len(r.ToBeAnnounced), len(r.SetAside), len(r.TitlesCreated))
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
