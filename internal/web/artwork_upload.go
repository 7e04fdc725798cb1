package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/catalog"
)

// adminArtworkUpload takes a poster or backdrop for a title (a multipart
// form with kind and image), makes its renditions, stores them and records
// them; the admin titles page says what happened. A bad image is refused
// with the reason and changes nothing.
func (s *Server) adminArtworkUpload(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Catalog.GetTitle(r.Context(), id); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, catalog.MaxArtworkBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return s.renderTitlesNotice(w, r, http.StatusRequestEntityTooLarge, "the image is larger than 20 MiB: send a smaller file", "")
		}
		return errBadRequest("image", "", "send the image as a multipart form with the fields kind and image")
	}
	f, _, err := r.FormFile("image")
	if err != nil {
		return s.renderTitlesNotice(w, r, http.StatusBadRequest, "choose an image file (JPEG, PNG or WebP) to upload", "")
	}
	defer f.Close()
	a, renditions, err := catalog.PrepareArtwork(id, r.FormValue("kind"), f)
	var inv invalidField
	if errors.As(err, &inv) {
		_, _, reason := inv.InvalidField()
		return s.renderTitlesNotice(w, r, http.StatusUnprocessableEntity, reason, "")
	} else if err != nil {
		return err
	}
	for _, rd := range renditions {
		if err := s.Blob.Put(r.Context(), a.Key(rd.Width), bytes.NewReader(rd.JPEG), int64(len(rd.JPEG)), "image/jpeg"); err != nil {
			return err
		}
	}
	if err := s.Catalog.SaveArtwork(r.Context(), a); err != nil {
		return err
	}
	return s.renderTitlesNotice(w, r, http.StatusOK, "", "The "+a.Kind+" of title "+strconv.FormatInt(id, 10)+" is saved, in "+strconv.Itoa(len(renditions))+" sizes.")
}

// renderTitlesNotice shows the admin titles page with an error or a notice.
func (s *Server) renderTitlesNotice(w http.ResponseWriter, r *http.Request, status int, errMsg, notice string) error {
	titles, _, err := s.adminTitles(r)
	if err != nil {
		return err
	}
	return s.render(w, status, "admin", s.page(r, "Admin", "admin", adminPage{Tab: "titles", Titles: titles, Error: errMsg, Notice: notice}))
}
