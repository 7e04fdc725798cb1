package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/store"
)

// candidateFrameKey matches the published candidate frames the images
// route may serve: <published prefix under assets/>frames/frame_NN.jpg.
var candidateFrameKey = regexp.MustCompile(`^assets/(?:[^/]+/)+` + media.FramesDir + `/frame_\d\d\.jpg$`)

// candidate is one frame an admin may pick.
type candidate struct {
	N   int
	URL string
}

// candidateFrames lists the candidate frames of a title's playable video,
// none when it has no video yet.
func (s *Server) candidateFrames(ctx context.Context, titleID int64) ([]candidate, string, error) {
	if s.Media == nil {
		return nil, "", nil
	}
	a, err := s.Media.PlayableAsset(ctx, titleID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", nil
	} else if err != nil {
		return nil, "", err
	}
	var out []candidate
	for i := 1; i <= media.MaxCandidateFrames; i++ {
		key := a.PublishedPrefix + media.FramesDir + "/" + media.CandidateFrameName(i)
		if _, err := s.Blob.Stat(ctx, key); errors.Is(err, blob.ErrNotFound) {
			break
		} else if err != nil {
			return nil, "", err
		}
		out = append(out, candidate{N: i, URL: s.imageURL(key)})
	}
	return out, a.PublishedPrefix, nil
}

// adminArtworkPage shows a title's artwork, the candidate frames of its
// video to pick from, and the upload form.
func (s *Server) adminArtworkPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderArtwork(w, r, http.StatusOK, "", "")
}

func (s *Server) renderArtwork(w http.ResponseWriter, r *http.Request, status int, errMsg, notice string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Catalog.GetTitle(r.Context(), id)
	if err != nil {
		return err
	}
	cands, _, err := s.candidateFrames(r.Context(), id)
	if err != nil {
		return err
	}
	art, err := s.Catalog.ArtworkFor(r.Context(), []int64{id})
	if err != nil {
		return err
	}
	p := adminPage{Tab: "artwork", Error: errMsg, Notice: notice, Titles: []adminTitle{{ID: id, Original: t.OriginalTitle}}, Candidates: cands}
	if a, ok := art[id][catalog.Poster]; ok {
		p.Poster = s.pictureOf(a, 320)
	}
	if a, ok := art[id][catalog.Backdrop]; ok {
		p.Backdrop = s.pictureOf(a, 640)
	}
	return s.render(w, status, "admin", s.page(r, s.localeOf(r).T("Admin"), "admin", p))
}

// adminArtworkPick makes a candidate frame the title's poster or backdrop.
func (s *Server) adminArtworkPick(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PostFormValue("frame"))
	if err != nil || n < 1 || n > media.MaxCandidateFrames {
		return errBadRequest("frame", r.PostFormValue("frame"), "frame must be the number of a candidate frame, 1 to 6")
	}
	_, prefix, err := s.candidateFrames(r.Context(), id)
	if err != nil {
		return err
	}
	if prefix == "" {
		return s.renderArtwork(w, r, http.StatusConflict, s.localeOf(r).T("this title has no video yet, so no frames to pick from: upload an image instead"), "")
	}
	rc, _, err := s.Blob.Get(r.Context(), prefix+media.FramesDir+"/"+media.CandidateFrameName(n), 0, -1)
	if errors.Is(err, blob.ErrNotFound) {
		return errNotFound("no such candidate frame")
	} else if err != nil {
		return err
	}
	frame, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	a, renditions, err := catalog.PrepareArtwork(id, r.PostFormValue("kind"), bytes.NewReader(frame))
	var inv invalidField
	if errors.As(err, &inv) {
		_, _, reason := inv.InvalidField()
		return s.renderArtwork(w, r, http.StatusUnprocessableEntity, s.localeOf(r).Text(reason), "")
	} else if err != nil {
		return err
	}
	if err := s.saveArtwork(r.Context(), a, renditions); err != nil {
		return err
	}
	notice := s.localeOf(r).T("Frame %d is now the poster.", n)
	if a.Kind == catalog.Backdrop {
		notice = s.localeOf(r).T("Frame %d is now the backdrop.", n)
	}
	return s.renderArtwork(w, r, http.StatusOK, "", notice)
}
