package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/rights"
)

// playbackRequest is the body of POST /api/v1/playback.
type playbackRequest struct {
	Title int64 `json:"title"`
}

// playbackGrant is what a player needs to start.
type playbackGrant struct {
	StreamURL      string    `json:"stream_url"`
	ThumbnailsURL  string    `json:"thumbnails_url"`
	ExpiresAt      time.Time `json:"expires_at"`
	ResumePosition float64   `json:"resume_position"`
	Territory      string    `json:"territory"`
}

// entitle checks that the viewer's profile may watch the title here and now
// and signs a stream token for it.
func (s *Server) entitle(r *http.Request, titleID int64) (playbackGrant, error) {
	v := viewerFrom(r.Context())
	g, err := s.Playback.Entitle(r.Context(), playback.Viewer{ProfileID: v.profile.ID, MaxAge: v.MaxAge(), Territory: v.where.Territory, Zone: v.where.Zone}, titleID)
	if err != nil {
		return playbackGrant{}, err
	}
	out := playbackGrant{
		StreamURL: streamURL(g.Token, g.Claims.AssetID), ExpiresAt: g.Claims.ExpiresAt, Territory: v.where.Territory,
		ThumbnailsURL: "/stream/" + g.Token + "/" + strconv.FormatInt(g.Claims.AssetID, 10) + "/" + media.ThumbnailsTrack,
	}
	if p, err := s.Accounts.Progress(r.Context(), v.profile.ID, titleID); err == nil && !p.Finished {
		out.ResumePosition = p.Resume().Seconds()
	}
	return out, nil
}

func (s *Server) playbackStart(w http.ResponseWriter, r *http.Request) error {
	var req playbackRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Title <= 0 {
		return errBadRequest("title", "", "title must be a title ID")
	}
	g, err := s.entitle(r, req.Title)
	if err != nil {
		return err
	}
	if s.Plays != nil {
		s.Plays.Start(r.Context(), viewerFrom(r.Context()).profile.ID, req.Title, g.Territory)
	}
	return writeJSON(w, http.StatusOK, g)
}

// progressRequest is the player's report, every 10 s and on pause/stop.
type progressRequest struct {
	Title    int64   `json:"title"`
	Asset    int64   `json:"asset"`
	Position float64 `json:"position"`
	Duration float64 `json:"duration"`
	Event    string  `json:"event"` // "heartbeat" (default), "start" (a resume), "stop"
}

func (s *Server) progressSave(w http.ResponseWriter, r *http.Request) error {
	var req progressRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Title <= 0 || req.Position < 0 || req.Duration < 0 || req.Position > req.Duration+1 {
		return errBadRequest("position", strconv.FormatFloat(req.Position, 'f', -1, 64), "send title, and position within duration, in seconds")
	}
	v := viewerFrom(r.Context())
	if err := s.mayWatch(r, req.Title); err != nil {
		return err
	}
	secs := func(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
	if err := s.Accounts.SaveProgress(r.Context(), v.profile.ID, req.Title, req.Asset, secs(req.Position), secs(req.Duration)); err != nil {
		return err
	}
	if s.Plays != nil {
		if req.Event == "start" {
			s.Plays.Start(r.Context(), v.profile.ID, req.Title, v.where.Territory)
		} else {
			s.Plays.Heartbeat(r.Context(), v.profile.ID, req.Title, v.where.Territory, req.Event == "stop")
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// mayWatch refuses progress and plays of a title the viewer's profile may
// not watch here and now (issue 10 row 9: progress for a title with no
// license anywhere made it #1 in a Top 10): a title above the profile's
// maturity limit does not exist for it (404), one without a license here
// and now is forbidden (403).
func (s *Server) mayWatch(r *http.Request, titleID int64) error {
	v := viewerFrom(r.Context())
	t, err := s.Catalog.GetTitle(r.Context(), titleID)
	if err != nil {
		return err
	}
	if !v.profile.Allows(t.MinAge) {
		return errNotFound("no such title")
	}
	a, err := s.Rights.Availability(r.Context(), titleID, v.where.Territory, s.Now())
	if err != nil {
		return err
	}
	if !a.Available {
		return errForbidden("this title is not available to watch in " + rights.CountryName(v.where.Territory) + " now")
	}
	return nil
}

// viewerAPI needs a signed-in viewer with a profile, answering JSON.
func (s *Server) viewerAPI(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := viewerFrom(r.Context())
		if v == nil {
			return errUnauthorized("sign in first")
		}
		if v.profile == nil {
			return errForbidden("pick a profile first")
		}
		if r.Method != http.MethodGet {
			if err := s.checkCSRF(r); err != nil {
				return err
			}
		}
		return next(w, r)
	}
}

type watchPage struct {
	TitleID                  int64
	Name                     string
	Back                     string
	HLSJS                    string
	PlaybackURL, ProgressURL string
}

// watch is the player page. A title the viewer may not watch gets the error
// page that says why (above the profile's maturity, not available here yet,
// still being prepared) instead of a broken player, without its name when
// the profile may not see it.
func (s *Server) watch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := viewerFrom(r.Context())
	t, err := s.Catalog.GetTitle(r.Context(), id)
	if err != nil {
		return err
	}
	if _, err := s.entitle(r, id); err != nil {
		return err
	}
	name, _ := t.Localized(v.Lang())
	p := watchPage{TitleID: id, Name: name, Back: "/titles/" + strconv.FormatInt(id, 10), HLSJS: s.assets.url("vendor/hls.min.js"),
		PlaybackURL: "/api/v1/playback", ProgressURL: "/api/v1/progress"}
	return s.render(w, http.StatusOK, "watch", s.page(r, name, "", p))
}
