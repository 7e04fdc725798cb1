package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/locale"
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
			return s.renderTitlesNotice(w, r, http.StatusRequestEntityTooLarge, s.localeOf(r).Text(fmt.Sprintf("the image is larger than %d MiB: send a smaller file", catalog.MaxArtworkBytes>>20)), "")
		}
		return errBadRequest("image", "", "send the image as a multipart form with the fields kind and image")
	}
	f, _, err := r.FormFile("image")
	if err != nil {
		return s.renderTitlesNotice(w, r, http.StatusBadRequest, s.localeOf(r).T("choose an image file (JPEG, PNG or WebP) to upload"), "")
	}
	defer f.Close()
	a, renditions, err := catalog.PrepareArtwork(id, r.FormValue("kind"), f)
	var inv invalidField
	if errors.As(err, &inv) {
		_, _, reason := inv.InvalidField()
		return s.renderTitlesNotice(w, r, http.StatusUnprocessableEntity, s.localeOf(r).Text(reason), "")
	} else if err != nil {
		return err
	}
	if err := s.saveArtwork(r.Context(), a, renditions); err != nil {
		return err
	}
	return s.renderTitlesNotice(w, r, http.StatusOK, "", artworkSaved(s.localeOf(r), a.Kind, id, len(renditions)))
}

// artworkSaved says an image was stored, in the page's language.
func artworkSaved(loc *locale.Locale, kind string, titleID int64, sizes int) string {
	if kind == catalog.Backdrop {
		return loc.T("The backdrop of title %[2]d is saved, in %[1]d sizes.", sizes, titleID)
	}
	return loc.T("The poster of title %[2]d is saved, in %[1]d sizes.", sizes, titleID)
}

// renderTitlesNotice shows the admin titles page with an error or a notice.
func (s *Server) renderTitlesNotice(w http.ResponseWriter, r *http.Request, status int, errMsg, notice string) error {
	titles, _, err := s.adminTitles(r)
	if err != nil {
		return err
	}
	return s.render(w, status, "admin", s.page(r, s.localeOf(r).T("Admin"), "admin", adminPage{Tab: "titles", Titles: titles, Error: errMsg, Notice: notice}))
}

// saveArtwork stores an artwork's renditions in the media store, then records
// the artwork in the catalogue, so a recorded artwork always has its files.
func (s *Server) saveArtwork(ctx context.Context, a catalog.Artwork, renditions []catalog.Rendition) error {
	for _, rd := range renditions {
		if err := s.Blob.Put(ctx, a.Key(rd.Width), bytes.NewReader(rd.JPEG), int64(len(rd.JPEG)), "image/jpeg"); err != nil {
			return err
		}
	}
	return s.Catalog.SaveArtwork(ctx, a)
}
