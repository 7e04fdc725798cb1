package playback

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lineup/lineup/internal/protect"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// Rights answers whether a title is available to the service in a country
// at an instant; *rights.Service satisfies it.
type Rights interface {
	Availability(ctx context.Context, titleID int64, territory string, at time.Time) (rights.Availability, error)
}

// Titles tells a title's maturity; *catalog.Service satisfies it. A
// missing title is an error wrapping store.ErrNotFound.
type Titles interface {
	MinAge(ctx context.Context, id int64) (int, error)
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

// KeySource hands out an asset's content keys, unwrapped; the key
// handler's only way to them. index is the key period (the N of the stored
// playlists' "lineup-key:N"). A key that does not exist is an error
// wrapping store.ErrNotFound.
type KeySource interface {
	ContentKey(ctx context.Context, assetID int64, index int) (protect.Key, error)
}

// KeyFunc adapts a function to the KeySource interface.
type KeyFunc func(ctx context.Context, assetID int64, index int) (protect.Key, error)

// ContentKey calls f.
func (f KeyFunc) ContentKey(ctx context.Context, assetID int64, index int) (protect.Key, error) {
	return f(ctx, assetID, index)
}

// Config is what a Service needs. Signer, Rights, Titles and Assets are
// required.
type Config struct {
	Signer *Signer
	Rights Rights
	Titles Titles
	Assets Assets
	// Keys delivers content keys; nil refuses every key request.
	Keys KeySource
	// DB keeps stream leases; nil means no stream limit.
	DB *store.DB
	// MaxStreams is how many streams an account may play at once; zero
	// means DefaultMaxStreams.
	MaxStreams int
	// TTL is the longest a playlist token lives (LINEUP_PLAYLIST_TTL); zero
	// means DefaultTTL. A token never outlives the license window it was
	// granted under; the player asks for a fresh one before it expires.
	TTL time.Duration
	// Now returns the current instant; nil means time.Now.
	Now func() time.Time
}

// Defaults.
const (
	DefaultTTL        = 10 * time.Minute
	DefaultMaxStreams = 4
	// LeaseLapse is how long a stream lease lives after its last
	// heartbeat.
	LeaseLapse = 60 * time.Second
)

// Service decides entitlements, signs their tokens, keeps stream leases
// and delivers content keys. It is safe for concurrent use.
type Service struct {
	cfg Config
}

// New returns a Service; it fails when a required dependency is missing.
func New(cfg Config) (*Service, error) {
	if cfg.Signer == nil || cfg.Rights == nil || cfg.Titles == nil || cfg.Assets == nil {
		return nil, errors.New("playback: Signer, Rights, Titles and Assets are all required")
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.MaxStreams <= 0 {
		cfg.MaxStreams = DefaultMaxStreams
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}, nil
}

// Signer returns the Signer that stream handlers verify tokens with.
func (s *Service) Signer() *Signer { return s.cfg.Signer }

// TTL is the longest a playlist token lives.
func (s *Service) TTL() time.Duration { return s.cfg.TTL }

// Viewer is who asks to play: the profile, its maturity limit and the
// territory the request was placed in (geo.Result.Territory), and for
// leases and key checks the account, session and device.
type Viewer struct {
	ProfileID int64
	// MaxAge is the profile's maturity limit (accounts.Profile.MaxAge).
	MaxAge    int
	Territory string
	// Home is the account's home country ("" when unknown).
	Home string
	// UserID and SessionID name the account and the signed-in session
	// (accounts.Session.ID); without a session no key is delivered.
	UserID    int64
	SessionID string
	// ProfileName and Device describe the stream to whoever is refused
	// for too many streams ("Alex", "Firefox on Linux").
	ProfileName string
	Device      string
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

// Check decides whether a viewer may start a title now, signing nothing
// and taking no lease: the watch page asks it to show a reason instead of
// a player. It checks, in order: the title exists (else an error wrapping
// store.ErrNotFound), its minimum age is within v.MaxAge (a kids profile
// never learns more), it is available to the service in v.Territory now,
// and it has a playable asset; a refusal is a *DeniedError. It returns
// the asset and the availability.
func (s *Service) Check(ctx context.Context, v Viewer, titleID int64) (int64, rights.Availability, error) {
	minAge, err := s.cfg.Titles.MinAge(ctx, titleID)
	if err != nil {
		return 0, rights.Availability{}, fmt.Errorf("playback: entitle: %w", err)
	}
	if minAge > v.MaxAge {
		return 0, rights.Availability{}, &DeniedError{Reason: ReasonMaturity, TitleID: titleID}
	}
	now := s.cfg.Now()
	av, err := s.cfg.Rights.Availability(ctx, titleID, v.Territory, now)
	if err != nil {
		return 0, av, fmt.Errorf("playback: entitle: %w", err)
	}
	// Tokens carry whole seconds: a window that ends before the next one
	// gives nothing to play.
	if !av.Available || av.EndsAt != nil && av.EndsAt.Unix() <= now.Unix() {
		return 0, av, &DeniedError{Reason: ReasonNotAvailable, TitleID: titleID, Availability: av}
	}
	assetID, err := s.cfg.Assets.PlayableAsset(ctx, titleID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, av, &DeniedError{Reason: ReasonNoMedia, TitleID: titleID}
	}
	if err != nil {
		return 0, av, fmt.Errorf("playback: entitle: asset: %w", err)
	}
	return assetID, av, nil
}

// Entitle decides whether a viewer may start a title now (see Check) and,
// if so, returns a token for the title's playable asset, bound to the
// viewer's profile, territory, home, session and leaseID (0 for none). The
// token expires at now + TTL or at the end of the availability, whichever
// is first, so a window that closes while someone watches stops the next
// playlist fetch.
func (s *Service) Entitle(ctx context.Context, v Viewer, titleID int64) (Grant, error) {
	return s.entitle(ctx, v, titleID, 0)
}

func (s *Service) entitle(ctx context.Context, v Viewer, titleID, leaseID int64) (Grant, error) {
	if v.ProfileID <= 0 {
		return Grant{}, errors.New("playback: entitle: no profile chosen")
	}
	assetID, av, err := s.Check(ctx, v, titleID)
	if err != nil {
		return Grant{}, err
	}
	now := s.cfg.Now()
	exp := now.Add(s.cfg.TTL)
	if av.EndsAt != nil && av.EndsAt.Before(exp) {
		exp = *av.EndsAt
	}
	// Tokens carry whole seconds, rounded down: never past the window.
	exp = time.Unix(exp.Unix(), 0).UTC()
	c := Claims{AssetID: assetID, ProfileID: v.ProfileID, TitleID: titleID, Territory: v.Territory, ExpiresAt: exp,
		Home: v.Home, SessionID: v.SessionID, LeaseID: leaseID}
	tok, err := s.cfg.Signer.Sign(c)
	if err != nil {
		return Grant{}, fmt.Errorf("playback: entitle: %w", err)
	}
	c.KeyID = s.cfg.Signer.current
	return Grant{Token: tok, Claims: c, Availability: av}, nil
}
