package playback

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// Rights answers whether a title is available to the service in a country
// at an instant; *rights.Service satisfies it.
type Rights interface {
	Availability(ctx context.Context, titleID int64, territory string, at time.Time) (rights.Availability, error)
}

// Titles looks a title up; *catalog.Service satisfies it. Entitle reads
// only MinAge.
type Titles interface {
	GetTitle(ctx context.Context, id int64) (catalog.Title, error)
}

// Assets says which asset of a title plays: the ID of a ready asset, or an
// error wrapping store.ErrNotFound when the title has none yet.
type Assets interface {
	PlayableAsset(ctx context.Context, titleID int64) (int64, error)
}

// AssetFunc adapts a function to the Assets interface.
type AssetFunc func(ctx context.Context, titleID int64) (int64, error)

// PlayableAsset calls f.
func (f AssetFunc) PlayableAsset(ctx context.Context, titleID int64) (int64, error) {
	return f(ctx, titleID)
}

// Config is what a Service needs. Signer, Rights, Titles and Assets are
// required.
type Config struct {
	Signer *Signer
	Rights Rights
	Titles Titles
	Assets Assets
	// TTL is the longest a token lives; zero means 6 hours. A token never
	// outlives the license window it was granted under.
	TTL time.Duration
	// Now returns the current instant; nil means time.Now.
	Now func() time.Time
}

// Service decides entitlements and signs their tokens. It is safe for
// concurrent use.
type Service struct {
	cfg Config
}

// New returns a Service; it fails when a required dependency is missing.
func New(cfg Config) (*Service, error) {
	if cfg.Signer == nil || cfg.Rights == nil || cfg.Titles == nil || cfg.Assets == nil {
		return nil, errors.New("playback: Signer, Rights, Titles and Assets are all required")
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 6 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}, nil
}

// Signer returns the Signer that stream handlers verify tokens with.
func (s *Service) Signer() *Signer { return s.cfg.Signer }

// Viewer is who asks to play: the profile, its maturity limit and the
// territory the request was placed in (geo.Result.Territory).
type Viewer struct {
	ProfileID int64
	// MaxAge is the profile's maturity limit (accounts.Profile.MaxAge).
	MaxAge    int
	Territory string
	// Zone is the viewer's IANA time zone when known and one of
	// Territory's zones (geo.Result.Zone); "" otherwise. With it, dates
	// without a time open at the viewer's own local midnight.
	Zone string
}

// zonedRights is the optional extension of Rights that takes the viewer's
// zone; *rights.Service has it.
type zonedRights interface {
	Available(ctx context.Context, q rights.AvailabilityQuery) (rights.Availability, error)
}

// Grant is a decision to let a viewer play: the signed token and what it
// says.
type Grant struct {
	Token  string
	Claims Claims
	// Availability is the title's availability in the viewer's territory
	// (when the window ends, its last day), for the player page.
	Availability rights.Availability
}

// Reason names why Entitle refused.
type Reason string

const (
	// ReasonMaturity: the title's minimum age is above the profile's limit.
	ReasonMaturity Reason = "maturity"
	// ReasonNotAvailable: no license of the service covers the territory
	// now.
	ReasonNotAvailable Reason = "not_available"
	// ReasonNoMedia: the title has no playable asset yet.
	ReasonNoMedia Reason = "no_media"
)

// Sentinels matched by a *DeniedError of the same reason.
var (
	ErrMaturity     = errors.New("the title is above this profile's maturity limit")
	ErrNotAvailable = errors.New("the title is not available in this territory now")
	ErrNoMedia      = errors.New("the title has nothing to play yet")
)

// DeniedError says that a viewer may not play a title and why. errors.Is
// matches ErrMaturity, ErrNotAvailable or ErrNoMedia by Reason. Maturity
// and availability refusals are HTTP 403; no media is 409.
type DeniedError struct {
	Reason  Reason
	TitleID int64
	// Availability is set for ReasonNotAvailable: when the title comes
	// (StartsAt of the next window), if it is known, so the page can say
	// "Available from 22 June".
	Availability rights.Availability
}

// Error states the reason in words a viewer may read.
func (e *DeniedError) Error() string { return e.sentinel().Error() }

// Is matches the sentinel of the error's reason.
func (e *DeniedError) Is(target error) bool { return target == e.sentinel() }

func (e *DeniedError) sentinel() error {
	switch e.Reason {
	case ReasonMaturity:
		return ErrMaturity
	case ReasonNoMedia:
		return ErrNoMedia
	}
	return ErrNotAvailable
}

// Entitle decides whether a viewer may start a title now and, if so,
// returns a token for the title's playable asset. It checks, in order: the
// title exists (else an error wrapping store.ErrNotFound), its MinAge is
// within v.MaxAge (a kids profile never learns more), it is available to
// the service in v.Territory now, and it has a playable asset; a refusal is
// a *DeniedError. The token expires at now + TTL or at the end of the
// availability, whichever is first, so a window that closes while someone
// watches stops the next playlist fetch.
func (s *Service) Entitle(ctx context.Context, v Viewer, titleID int64) (Grant, error) {
	if v.ProfileID <= 0 {
		return Grant{}, errors.New("playback: entitle: no profile chosen")
	}
	t, err := s.cfg.Titles.GetTitle(ctx, titleID)
	if err != nil {
		return Grant{}, fmt.Errorf("playback: entitle: %w", err)
	}
	if t.MinAge > v.MaxAge {
		return Grant{}, &DeniedError{Reason: ReasonMaturity, TitleID: titleID}
	}
	now := s.cfg.Now()
	var av rights.Availability
	if zr, ok := s.cfg.Rights.(zonedRights); ok && v.Zone != "" {
		av, err = zr.Available(ctx, rights.AvailabilityQuery{TitleID: titleID, Territory: v.Territory, At: now, ViewerZone: v.Zone})
	} else {
		av, err = s.cfg.Rights.Availability(ctx, titleID, v.Territory, now)
	}
	if err != nil {
		return Grant{}, fmt.Errorf("playback: entitle: %w", err)
	}
	exp := now.Add(s.cfg.TTL)
	if av.EndsAt != nil && av.EndsAt.Before(exp) {
		exp = *av.EndsAt
	}
	// Tokens carry whole seconds, rounded down: never past the window.
	exp = time.Unix(exp.Unix(), 0).UTC()
	if !av.Available || !exp.After(now) {
		return Grant{}, &DeniedError{Reason: ReasonNotAvailable, TitleID: titleID, Availability: av}
	}
	assetID, err := s.cfg.Assets.PlayableAsset(ctx, titleID)
	if errors.Is(err, store.ErrNotFound) {
		return Grant{}, &DeniedError{Reason: ReasonNoMedia, TitleID: titleID}
	}
	if err != nil {
		return Grant{}, fmt.Errorf("playback: entitle: asset: %w", err)
	}
	c := Claims{AssetID: assetID, ProfileID: v.ProfileID, TitleID: titleID, Territory: v.Territory, ExpiresAt: exp}
	tok, err := s.cfg.Signer.Sign(c)
	if err != nil {
		return Grant{}, fmt.Errorf("playback: entitle: %w", err)
	}
	c.KeyID = s.cfg.Signer.current
	return Grant{Token: tok, Claims: c, Availability: av}, nil
}
