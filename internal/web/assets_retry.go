package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/media"
)

// assetsRetry queues a failed asset's encode again (POST
// /api/v1/assets/{id}/retry) and answers the asset, now queued; an asset
// that has not failed is 409.
func (s *Server) assetsRetry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Media.Retry(r.Context(), id)
	if errors.Is(err, media.ErrNotRetryable) {
		return &httpError{status: http.StatusConflict, detail: "only a failed asset can be retried; this one is " + stateOf(s, r, id)}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, a)
}

// adminAssetRetry is the Jobs page's Retry button: it queues the failed
// asset again and goes back to the page.
func (s *Server) adminAssetRetry(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errBadRequest("id", r.PathValue("id"), "the asset ID must be a number")
	}
	if _, err := s.Media.Retry(r.Context(), id); err != nil && !errors.Is(err, media.ErrNotRetryable) {
		return err
	}
	http.Redirect(w, r, "/admin/jobs", http.StatusSeeOther)
	return nil
}

func stateOf(s *Server, r *http.Request, id int64) string {
	a, err := s.Media.Asset(r.Context(), id)
	if err != nil {
		return "unknown"
	}
	return string(a.State)
}
