package playback

import (
	"errors"
	"strings"

	"github.com/lineup/lineup/internal/rights"
)

// Reason names the rule that refused a playback, a playlist or a key. It is
// what problem+json's "rule" member says.
type Reason string

const (
	// ReasonMaturity: the title's minimum age is above the profile's limit.
	ReasonMaturity Reason = "maturity"
	// ReasonNotAvailable: no license of the service covers the territory
	// now.
	ReasonNotAvailable Reason = "not_available"
	// ReasonNoMedia: the title has no playable asset yet.
	ReasonNoMedia Reason = "no_media"
	// ReasonToken: the playback token is tampered, malformed or signed
	// with a key no longer listed.
	ReasonToken Reason = "token"
	// ReasonExpired: the playback token is past its expiry.
	ReasonExpired Reason = "expired"
	// ReasonAsset: the token names another asset than the one asked for.
	ReasonAsset Reason = "asset"
	// ReasonTerritory: the viewer is now in a country the token (or the
	// license) does not cover.
	ReasonTerritory Reason = "territory"
	// ReasonWindow: the license window has ended (or not begun) in the
	// viewer's country.
	ReasonWindow Reason = "window"
	// ReasonSession: the session the playback was granted to has ended
	// (signed out, password changed, signed out everywhere), or the
	// request comes from another one.
	ReasonSession Reason = "session"
	// ReasonStreamLimit: the account already plays as many streams as it
	// may.
	ReasonStreamLimit Reason = "stream_limit"
	// ReasonLease: the stream's lease lapsed (no heartbeat for
	// LeaseLapse) or was taken by another stream.
	ReasonLease Reason = "lease"
)

// Sentinels matched by a *DeniedError of the same reason.
var (
	ErrMaturity     = errors.New("the title is above this profile's maturity limit")
	ErrNotAvailable = errors.New("the title is not available in this territory now")
	ErrNoMedia      = errors.New("the title has nothing to play yet")
	ErrToken        = errors.New("this playback link is not valid")
	ErrTokenExpired = errors.New("this playback link has expired: press play again")
	ErrOtherAsset   = errors.New("this playback link is for another video")
	ErrTerritory    = errors.New("you are now in a country where this title is not available")
	ErrWindow       = errors.New("the license window for this title has ended here")
	ErrSession      = errors.New("this session has ended (signed out): sign in again")
	ErrStreamLimit  = errors.New("too many streams are playing on this account")
	ErrLease        = errors.New("this stream was stopped: press play again")
)

var sentinels = map[Reason]error{
	ReasonMaturity: ErrMaturity, ReasonNotAvailable: ErrNotAvailable, ReasonNoMedia: ErrNoMedia,
	ReasonToken: ErrToken, ReasonExpired: ErrTokenExpired, ReasonAsset: ErrOtherAsset,
	ReasonTerritory: ErrTerritory, ReasonWindow: ErrWindow, ReasonSession: ErrSession,
	ReasonStreamLimit: ErrStreamLimit, ReasonLease: ErrLease,
}

// Stream is one stream an account is playing, as a refused viewer is told.
type Stream struct {
	Profile string `json:"profile"`
	Device  string `json:"device"`
}

// DeniedError says that a viewer may not play a title (or fetch its
// playlist or key) and which rule refused it. errors.Is matches the
// sentinel of its Reason. Every refusal is HTTP 403 except no media, 409.
type DeniedError struct {
	Reason  Reason
	TitleID int64
	// Availability is set for ReasonNotAvailable: when the title comes
	// (StartsAt of the next window), if it is known, so the page can say
	// "Available from 22 June".
	Availability rights.Availability
	// Territory is the viewer's country now, for ReasonTerritory.
	Territory string
	// Playing lists the account's streams, for ReasonStreamLimit.
	Playing []Stream
}

// Error states the reason in words a viewer may read.
func (e *DeniedError) Error() string {
	switch e.Reason {
	case ReasonTerritory:
		if e.Territory != "" {
			return "you are now in " + rights.CountryName(e.Territory) + ", where this title is not available: playback stopped"
		}
	case ReasonStreamLimit:
		var on []string
		for _, p := range e.Playing {
			on = append(on, p.Profile+" on "+p.Device)
		}
		if len(on) > 0 {
			return "too many streams: this account is already playing on " + strings.Join(on, ", ") + "; stop one of them and press play again"
		}
	}
	return e.sentinel().Error()
}

// Is matches the sentinel of the error's reason.
func (e *DeniedError) Is(target error) bool { return target == e.sentinel() }

func (e *DeniedError) sentinel() error {
	if err, ok := sentinels[e.Reason]; ok {
		return err
	}
	return ErrNotAvailable
}
