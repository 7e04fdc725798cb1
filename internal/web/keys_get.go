package web

import (
	"net/http"
	"strconv"

	"github.com/lineup/lineup/internal/playback"
)

// keysGet delivers a content key to one viewer, deciding again at each
// request from what is true now: the token of the key URI, the session of
// the request's cookie (still alive, and the one the playback was granted
// to), the profile's maturity limit now, the title's availability in the
// viewer's country now, and the stream's lease. A refusal is a 403
// problem+json whose rule and detail say which check failed; the key
// itself is 16 bytes, never stored by anyone (no-store).
func (s *Server) keysGet(w http.ResponseWriter, r *http.Request) error {
	asset, err := strconv.ParseInt(r.PathValue("asset"), 10, 64)
	if err != nil {
		asset = -1
	}
	index, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || index < 0 {
		return errNotFound("no such key")
	}
	req := playback.KeyRequest{Token: r.PathValue("token"), AssetID: asset, Index: index, Territory: s.territoryOf(r)}
	if v := viewerFrom(r.Context()); v != nil {
		req.SessionID = v.session.ID
		// The profile the token names, as it is now: the session's own
		// when it is still the chosen one, else looked up (it must belong
		// to this account).
		if c, err := s.Playback.Signer().Verify(req.Token, s.Now()); err == nil {
			switch {
			case v.profile != nil && v.profile.ID == c.ProfileID:
				req.MaxAge = v.profile.MaxAge
			default:
				p, err := s.Accounts.Profile(r.Context(), v.session.User.ID, c.ProfileID)
				if err != nil {
					req.SessionID = "" // not this account's profile
				}
				req.MaxAge = p.MaxAge
			}
		}
	}
	key, err := s.Playback.Key(r.Context(), req)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(key)))
	_, err = w.Write(key[:])
	return err
}
