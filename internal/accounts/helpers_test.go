package accounts_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/store"
)

// clock is a settable time source for expiries and attempt windows.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2018, 6, 22, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// cheap argon2id parameters: the tests check rules, not hash strength.
var cheap = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// newService returns a Service over db with cheap hashing, sign-up open,
// the given clock and any changes cfg makes.
func newService(t testing.TB, db *store.DB, c *clock, change ...func(*accounts.Config)) *accounts.Service {
	t.Helper()
	cfg := accounts.Config{SignUpOpen: true, PasswordParams: cheap, Now: c.Now}
	for _, f := range change {
		f(&cfg)
	}
	s, err := accounts.New(db, cfg)
	if err != nil {
		t.Fatalf("new service: %v", err)
	}
	return s
}

func mustUser(t testing.TB, s *accounts.Service, email, password string) accounts.User {
	t.Helper()
	u, err := s.AddUser(context.Background(), accounts.NewUser{Email: email, Password: password})
	if err != nil {
		t.Fatalf("add user %s: %v", email, err)
	}
	return u
}

func mustProfile(t testing.TB, s *accounts.Service, userID int64, in accounts.ProfileInput) accounts.Profile {
	t.Helper()
	p, err := s.AddProfile(context.Background(), userID, in)
	if err != nil {
		t.Fatalf("add profile %+v: %v", in, err)
	}
	return p
}

func newTitle(t testing.TB, db *store.DB, name string) int64 {
	t.Helper()
	var id int64
	err := db.QueryRowContext(context.Background(),
		`INSERT INTO titles (original_title, original_language, created_at) VALUES ($1, $2, $3) RETURNING id`,
		name, "zh", int64(1)).Scan(&id)
	if err != nil {
		t.Fatalf("insert title: %v", err)
	}
	return id
}

// fieldOf returns the field a *FieldError names, failing when err is not one.
func fieldOf(t testing.TB, err error) string {
	t.Helper()
	var fe *accounts.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("want a *FieldError, got %T: %v", err, err)
	}
	return fe.Field
}

// limitOf returns the *LimitError in err, failing when there is none.
func limitOf(t testing.TB, err error) *accounts.LimitError {
	t.Helper()
	var le *accounts.LimitError
	if !errors.As(err, &le) || !errors.Is(err, accounts.ErrRateLimited) {
		t.Fatalf("want a *LimitError matching ErrRateLimited, got %T: %v", err, err)
	}
	return le
}

// setUp gives the service its first administrator, as the setup link
// does, so that sign-up opens.
func setUp(t testing.TB, s *accounts.Service) accounts.User {
	t.Helper()
	u, err := s.AddFirstAdmin(context.Background(), accounts.NewUser{Email: "first.admin@example.com", Password: "the first admin's passphrase"})
	if err != nil {
		t.Fatalf("first admin: %v", err)
	}
	return u
}
