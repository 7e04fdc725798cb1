package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/rights"
)

// playbackRequest is the body of POST /api/v1/playback. Lease is the
// stream lease the player already holds when it refreshes its token (0 to
// start a new stream).
type playbackRequest struct {
	Title int64 `json:"title"`
	Lease int64 `json:"lease"`
}

// playbackGrant is what a player needs to start.
type playbackGrant struct {
	StreamURL     string    `json:"stream_url"`
	ThumbnailsURL string    `json:"thumbnails_url"`
	ExpiresAt     time.Time `json:"expires_at"`
	// Token is the playlist token in StreamURL, so that the player can
	// put a fresh one into the URLs it already has.
	Token string `json:"token"`
	// RefreshAfter is when, in seconds from now, the player asks for a
	// fresh token (well before ExpiresAt).
	RefreshAfter float64 `json:"refresh_after"`
	// Lease is the stream's lease, renewed by HeartbeatURL every
	// HeartbeatSeconds; it lapses after 60 s without.
	Lease            int64   `json:"lease"`
	HeartbeatURL     string  `json:"heartbeat_url"`
	HeartbeatSeconds int     `json:"heartbeat_seconds"`
	StopURL          string  `json:"stop_url"`
	ResumePosition   float64 `json:"resume_position"`
	Territory        string  `json:"territory"`
}

// heartbeatSeconds is how often the player renews its lease; the lease
// lapses after playback.LeaseLapse (60 s), so two heartbeats can be lost.
const heartbeatSeconds = 15

// playbackViewer is who the request is, as playback sees a viewer.
func (s *Server) playbackViewer(r *http.Request) playback.Viewer {
	v := viewerFrom(r.Context())
	return playback.Viewer{ProfileID: v.profile.ID, MaxAge: v.MaxAge(), Territory: v.where.Territory, Zone: v.where.Zone, Home: v.session.User.HomeTerritory,
		UserID: v.session.User.ID, SessionID: v.session.ID, ProfileName: v.profile.Name, Device: playback.Device(r.UserAgent())}
}

// playbackStart decides entitlement once, takes (or renews) a stream lease
// and signs once: it reads the title's maturity, its availability here and
// its playable asset, nothing more.
func (s *Server) playbackStart(w http.ResponseWriter, r *http.Request) error {
	var req playbackRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Title <= 0 {
		return errBadRequest("title", "", "title must be a title ID")
	}
	pv := s.playbackViewer(r)
	g, err := s.Playback.Start(r.Context(), pv, req.Title, req.Lease)
	if err != nil {
		s.metrics.countPlayback(err)
		return err
	}
	s.metrics.countPlayback(nil)
	out := playbackGrant{
		StreamURL: streamURL(g.Token, g.Claims.AssetID), ExpiresAt: g.Claims.ExpiresAt, Territory: pv.Territory, Token: g.Token,
		ThumbnailsURL: "/stream/" + g.Token + "/" + strconv.FormatInt(g.Claims.AssetID, 10) + "/" + media.ThumbnailsTrack,
		Lease:         g.Claims.LeaseID, HeartbeatURL: "/api/v1/playback/heartbeat", StopURL: "/api/v1/playback/stop", HeartbeatSeconds: heartbeatSeconds,
	}
	// Ask again at four fifths of the token's life, leaving time to retry.
	out.RefreshAfter = max(g.Claims.ExpiresAt.Sub(s.Now()).Seconds()*0.8, 1)
	if req.Lease == 0 {
		if p, err := s.Accounts.Progress(r.Context(), pv.ProfileID, req.Title); err == nil && !p.Finished {
			out.ResumePosition = p.Resume().Seconds()
		}
		if s.Plays != nil {
			s.Plays.Start(r.Context(), pv.ProfileID, req.Title, pv.Territory)
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// leaseRequest is the body of the heartbeat and stop calls.
type leaseRequest struct {
	Title int64 `json:"title"`
	Lease int64 `json:"lease"`
}

// playbackHeartbeat renews a stream's lease and decides again whether it
// may go on (territory, window, maturity); 204, or 403 naming the rule.
func (s *Server) playbackHeartbeat(w http.ResponseWriter, r *http.Request) error {
	var req leaseRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Title <= 0 || req.Lease <= 0 {
		return errBadRequest("lease", strconv.FormatInt(req.Lease, 10), "send the title and the lease that POST /api/v1/playback gave")
	}
	if err := s.Playback.Heartbeat(r.Context(), s.playbackViewer(r), req.Title, req.Lease); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// playbackStop releases a stream's lease at once, so another device may
// start without waiting for it to lapse.
func (s *Server) playbackStop(w http.ResponseWriter, r *http.Request) error {
	var req leaseRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.Playback.Stop(r.Context(), s.playbackViewer(r), req.Lease); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
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
	// Decide only (nothing signed): the player asks POST
	// /api/v1/playback for its token.
	if _, _, err := s.Playback.Check(r.Context(), s.playbackViewer(r), id); err != nil {
		return err
	}
	name, _ := t.Localized(v.Lang())
	p := watchPage{TitleID: id, Name: name, Back: "/titles/" + strconv.FormatInt(id, 10), HLSJS: s.assets.url("vendor/hls.min.js"),
		PlaybackURL: "/api/v1/playback", ProgressURL: "/api/v1/progress"}
	return s.render(w, http.StatusOK, "watch", s.page(r, name, "", p))
}
