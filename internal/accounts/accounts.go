// Package accounts keeps Lineup's viewers: users and their passwords,
// profiles (up to five per user, each with a language, a maturity limit and
// an optional PIN), server-side sessions, sign-in attempt limits, My List and
// playback progress.
//
// Sessions live in the database, so any web node can serve any viewer: the
// browser holds a random token, the database only its SHA-256. Nothing here
// knows about HTTP; the web layer sets cookies and reads forms.
package accounts

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/lineup/lineup/internal/store"
)

// Role says what a user may do: watch, or also run the service.
type Role string

const (
	// RoleViewer may watch and manage their own profiles.
	RoleViewer Role = "viewer"
	// RoleAdmin may also use the admin pages and API.
	RoleAdmin Role = "admin"
)

// User is one account. PasswordHash never leaves the package.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Role  Role   `json:"role"`
	// HomeTerritory is the subscriber's country of residence (ISO 3166-1
	// alpha-2), "" when unknown; the EU portability rule keys on it.
	HomeTerritory string    `json:"home_territory"`
	CreatedAt     time.Time `json:"created_at"`
	// TwoFactor says the account signs in with a TOTP code after its
	// password (EnrolTOTP, ConfirmTOTP).
	TwoFactor bool `json:"two_factor"`
}

// IsAdmin reports whether the user has the admin role.
func (u User) IsAdmin() bool { return u.Role == RoleAdmin }

// Errors a caller tells apart with errors.Is. Each is returned wrapped.
var (
	// ErrInvalidCredentials is the one answer to a wrong password and to
	// an email nobody registered: a caller cannot tell them apart.
	ErrInvalidCredentials = errors.New("wrong email or password")
	// ErrSignUpClosed is returned by SignUp when the operator turned
	// sign-up off.
	ErrSignUpClosed = errors.New("sign-up is closed on this service; ask the operator for an account")
	// ErrEmailTaken says an account already uses the email (in any case).
	// It comes wrapped in a *FieldError for the field "email".
	ErrEmailTaken = errors.New("an account with this email already exists")
	// ErrNoSession says a session token is unknown, signed out or expired.
	ErrNoSession = errors.New("no such session: sign in again")
	// ErrTooManyProfiles is returned when a user who has MaxProfiles
	// profiles asks for another.
	ErrTooManyProfiles = fmt.Errorf("an account has at most %d profiles: delete one to add another", MaxProfiles)
	// ErrWrongPIN says the PIN given for a profile is not its PIN.
	ErrWrongPIN = errors.New("wrong PIN")
	// ErrUnverified says the right password was given for an account
	// whose email was never confirmed: follow the emailed link first.
	ErrUnverified = errors.New("confirm your email first: follow the link we sent you, or ask for a new one")
	// ErrRateLimited is matched by every *LimitError.
	ErrRateLimited = errors.New("too many failed attempts")
)

// LimitError says that too many attempts failed recently (sign-in for an
// account or from an address, or a profile's PIN) and when to try again.
// errors.Is(err, ErrRateLimited) matches it.
type LimitError struct {
	// Scope is what is limited: "account", "address", "pin" (a profile's
	// or the parental PIN) or "code" (two-factor codes).
	Scope string
	// RetryAfter is how long until an attempt is accepted again, rounded
	// up to the second; the web layer sends it as Retry-After.
	RetryAfter time.Duration
}

// Error says what is limited and for how long, without naming the account.
func (e *LimitError) Error() string {
	what := "sign-in attempts"
	switch e.Scope {
	case "pin":
		what = "wrong PINs"
	case "code":
		what = "wrong codes"
	}
	return fmt.Sprintf("too many %s: try again in %s", what, e.RetryAfter)
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *LimitError) Is(target error) bool { return target == ErrRateLimited }

// Config is what a Service needs; zero fields take the defaults named.
type Config struct {
	// SignUpOpen lets anyone create a viewer account with SignUp. When
	// false SignUp returns ErrSignUpClosed; AddUser still works.
	SignUpOpen bool
	// SessionTTL is how long a session lasts after sign-in; zero means 30
	// days.
	SessionTTL time.Duration
	// SessionIdle ends a session nobody used for that long; zero means 14
	// days.
	SessionIdle time.Duration
	// VerifyEmail makes SignUp create accounts that cannot sign in until
	// their owner follows the emailed link (VerifyEmail).
	VerifyEmail bool
	// AccountLimit failed sign-ins for one email make each further attempt
	// wait, one second doubling up to LimitWindow (see Delay); zero means
	// 5.
	AccountLimit int
	// AddressLimit failed sign-ins from one client address (an IPv6
	// address counts by its /64) make each further attempt from it wait,
	// up to MaxAddressDelay; zero means 20.
	AddressLimit int
	// PINLimit wrong PINs for one profile within LimitWindow lock the
	// profile's PIN; zero means 5.
	PINLimit int
	// LimitWindow is the length of the attempt window; zero means 15
	// minutes.
	LimitWindow time.Duration
	// HashConcurrency is how many password and PIN hashes (and password
	// strength estimates) may run at once (each hash takes
	// PasswordParams.Memory); further ones wait. Zero means one less than
	// the number of CPUs, at least 1: one CPU stays free to answer
	// everything else.
	HashConcurrency int
	// PasswordParams are the argon2id parameters for new hashes; nil means
	// DefaultPasswordParams. Existing hashes carry their own parameters.
	PasswordParams *argon2id.Params
	// Now returns the current instant; nil means time.Now.
	Now func() time.Time
}

// DefaultPasswordParams are the argon2id parameters new password hashes
// use: 19 MiB of memory, 2 passes, one lane (the OWASP recommendation),
// which keeps many concurrent sign-ins from exhausting a small machine.
var DefaultPasswordParams = argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MaxProfiles is how many profiles one account may have.
const MaxProfiles = 5

// Service keeps users, profiles, sessions, My List and progress in the
// database. It is safe for concurrent use.
type Service struct {
	db        *store.DB
	cfg       Config
	params    *argon2id.Params
	dummyHash string // hashed for unknown emails, so they cost what a real check costs
	hashCounters
	setupMu sync.Mutex // one AddFirstAdmin at a time

}

// New returns a Service over db, which must be migrated. It hashes one
// dummy password (to answer unknown emails in the same time as known ones),
// which is the only way it can fail.
func New(db *store.DB, cfg Config) (*Service, error) {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 14 * 24 * time.Hour
	}
	if cfg.AccountLimit <= 0 {
		cfg.AccountLimit = 5
	}
	if cfg.AddressLimit <= 0 {
		cfg.AddressLimit = 20
	}
	if cfg.PINLimit <= 0 {
		cfg.PINLimit = 5
	}
	if cfg.LimitWindow <= 0 {
		cfg.LimitWindow = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	p := DefaultPasswordParams
	if cfg.PasswordParams != nil {
		p = *cfg.PasswordParams
	}
	if p.Parallelism == 0 {
		p.Parallelism = uint8(min(runtime.NumCPU(), 255))
	}
	if cfg.HashConcurrency <= 0 {
		cfg.HashConcurrency = max(runtime.NumCPU()-1, 1)
	}
	s := &Service{db: db, cfg: cfg, params: &p}
	s.hashSlots = make(chan struct{}, cfg.HashConcurrency)
	h, err := argon2id.CreateHash("lineup dummy password for unknown emails", s.params)
	if err != nil {
		return nil, fmt.Errorf("accounts: hash dummy password: %w", err)
	}
	s.dummyHash = h
	return s, nil
}

// SignUpOpen reports whether SignUp accepts new accounts, so that pages can
// hide the form.
func (s *Service) SignUpOpen() bool { return s.cfg.SignUpOpen }

func (s *Service) now() time.Time { return s.cfg.Now() }

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
