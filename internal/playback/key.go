package playback

import (
	"context"
	"errors"
	"fmt"

	"github.com/lineup/lineup/internal/protect"
)

// verify checks a token for an asset and turns Verify's errors into
// refusals naming their rule.
func (s *Service) verify(token string, assetID int64) (Claims, error) {
	c, err := s.cfg.Signer.Verify(token, s.cfg.Now())
	if errors.Is(err, ErrExpired) {
		return c, &DeniedError{Reason: ReasonExpired}
	}
	if err != nil {
		return c, &DeniedError{Reason: ReasonToken}
	}
	if !c.Allows(assetID) {
		return c, &DeniedError{Reason: ReasonAsset, TitleID: c.TitleID}
	}
	return c, nil
}

// VerifyPlaylist decides a playlist request: the token is genuine, not
// expired (its expiry is no later than the license window's end), names
// this asset, and the viewer's territory now (territory, found by geo from
// the request and the token's Home) is the one it was granted for. It
// reads no database: an HMAC and a comparison. A viewer who moved gets
// ReasonTerritory and must start again, which decides from the license.
func (s *Service) VerifyPlaylist(token string, assetID int64, territory func(home string) string) (Claims, error) {
	c, err := s.verify(token, assetID)
	if err != nil {
		return c, err
	}
	if now := territory(c.Home); now != c.Territory {
		return c, &DeniedError{Reason: ReasonTerritory, TitleID: c.TitleID, Territory: now}
	}
	return c, nil
}

// KeyRequest is a request for a content key: the token of the key URI,
// the asset and key period it names, and who asks now.
type KeyRequest struct {
	Token   string
	AssetID int64
	Index   int
	// SessionID is the live session of the request's cookie (accounts
	// checked it), "" when the request carries none or it has ended.
	SessionID string
	// Territory is where the request comes from now (geo).
	Territory string
	// MaxAge is the maturity limit the token's profile has now.
	MaxAge int
}

// Key decides a key request from what is true now, not from what was true
// when the token was signed, and returns the content key when every rule
// passes: the token is genuine, unexpired and for this asset; the request
// comes from the session the token was granted to, still alive (signing
// out, a password change and "sign out everywhere" end it); the title is
// within the profile's maturity limit; it is available in the viewer's
// current territory now (the license covers the country and the window is
// open); and the stream's lease is alive. Each refusal is a *DeniedError
// naming its rule.
func (s *Service) Key(ctx context.Context, req KeyRequest) (protect.Key, error) {
	c, err := s.verify(req.Token, req.AssetID)
	var de *DeniedError
	if errors.As(err, &de) && de.Reason == ReasonExpired && c.TitleID > 0 {
		// A token ends at the license window's end at the latest: say so
		// when that is why.
		if av, aerr := s.cfg.Rights.Availability(ctx, c.TitleID, c.Territory, s.cfg.Now()); aerr == nil && !av.Available {
			return protect.Key{}, &DeniedError{Reason: ReasonWindow, TitleID: c.TitleID, Availability: av}
		}
	}
	if err != nil {
		return protect.Key{}, err
	}
	if req.SessionID == "" || c.SessionID == "" || req.SessionID != c.SessionID {
		return protect.Key{}, &DeniedError{Reason: ReasonSession, TitleID: c.TitleID}
	}
	v := Viewer{ProfileID: c.ProfileID, MaxAge: req.MaxAge, Territory: req.Territory}
	if err := s.recheck(ctx, v, c.TitleID, c.Territory); err != nil {
		return protect.Key{}, err
	}
	if s.cfg.DB != nil && c.LeaseID > 0 {
		ok, err := s.leaseAlive(ctx, c.LeaseID, c.SessionID)
		if err != nil {
			return protect.Key{}, err
		}
		if !ok {
			return protect.Key{}, &DeniedError{Reason: ReasonLease, TitleID: c.TitleID}
		}
	}
	if s.cfg.Keys == nil {
		return protect.Key{}, errors.New("playback: key: no key source configured")
	}
	k, err := s.cfg.Keys.ContentKey(ctx, req.AssetID, req.Index)
	if err != nil {
		return protect.Key{}, fmt.Errorf("playback: key: %w", err)
	}
	return k, nil
}

// recheck decides again, at a use of a stream, that the title is within
// v's maturity limit and available in v.Territory now. granted is the
// territory the stream was granted for ("" when unknown): a title that is
// no longer available where the viewer is now is ReasonTerritory when the
// viewer moved, ReasonWindow when they did not (the window ended).
func (s *Service) recheck(ctx context.Context, v Viewer, titleID int64, granted string) error {
	minAge, err := s.cfg.Titles.MinAge(ctx, titleID)
	if err != nil {
		return fmt.Errorf("playback: check: %w", err)
	}
	if minAge > v.MaxAge {
		return &DeniedError{Reason: ReasonMaturity, TitleID: titleID}
	}
	now := s.cfg.Now()
	av, err := s.cfg.Rights.Availability(ctx, titleID, v.Territory, now)
	if err != nil {
		return fmt.Errorf("playback: check: %w", err)
	}
	if av.Available {
		return nil
	}
	if granted != "" && granted == v.Territory {
		return &DeniedError{Reason: ReasonWindow, TitleID: titleID, Availability: av}
	}
	return &DeniedError{Reason: ReasonTerritory, TitleID: titleID, Territory: v.Territory}
}
