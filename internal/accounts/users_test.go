package accounts_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestAddUserValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newService(t, db, newClock())
		ctx := context.Background()
		ok := accounts.NewUser{Email: "viewer@example.com", Password: "correct horse"}
		tests := []struct {
			name  string
			edit  func(*accounts.NewUser)
			field string
			rule  string
		}{
			{"empty email", func(u *accounts.NewUser) { u.Email = " " }, "email", "an email is required"},
			{"no at sign", func(u *accounts.NewUser) { u.Email = "viewer.example.com" }, "email", "an email needs an @"},
			{"display name", func(u *accounts.NewUser) { u.Email = "Viewer <viewer@example.com>" }, "email", "an email is a bare address, not a display name"},
			{"header injection", func(u *accounts.NewUser) { u.Email = "a@example.com\r\nBcc: b@example.com" }, "email", "an email may not carry line breaks"},
			{"too long email", func(u *accounts.NewUser) { u.Email = strings.Repeat("a", 250) + "@example.com" }, "email", "an email is at most 254 characters"},
			{"short password", func(u *accounts.NewUser) { u.Password = "1234567" }, "password", "a password has at least 8 characters"},
			{"long password", func(u *accounts.NewUser) { u.Password = strings.Repeat("x", 257) }, "password", "a password has at most 256 characters"},
			{"NUL in password", func(u *accounts.NewUser) { u.Password = "abcdefgh\x00" }, "password", "a password is text without NUL"},
			{"unknown role", func(u *accounts.NewUser) { u.Role = "root" }, "role", "the role is viewer or admin"},
			{"region as home", func(u *accounts.NewUser) { u.HomeTerritory = "EU" }, "home_territory", "a home territory is one country, not a region"},
			{"lower-case home", func(u *accounts.NewUser) { u.HomeTerritory = "fr" }, "home_territory", "territories are written in capitals"},
			{"unknown home", func(u *accounts.NewUser) { u.HomeTerritory = "XX" }, "home_territory", "a home territory is a known country"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				nu := ok
				tt.edit(&nu)
				_, err := s.AddUser(ctx, nu)
				if err == nil {
					t.Fatalf("%s: AddUser accepted %+v", tt.rule, nu)
				}
				if got := fieldOf(t, err); got != tt.field {
					t.Errorf("%s: error names field %q, want %q", tt.rule, got, tt.field)
				}
				if nu.Password != "" && strings.Contains(err.Error(), nu.Password) && len(nu.Password) >= 8 {
					t.Errorf("an error must never echo the password: %v", err)
				}
			})
		}
		u, err := s.AddUser(ctx, accounts.NewUser{Email: " Admin@Example.com ", Password: "correct horse", Role: accounts.RoleAdmin, HomeTerritory: "FR"})
		if err != nil {
			t.Fatalf("a valid admin must be added: %v", err)
		}
		if u.Email != "Admin@Example.com" || !u.IsAdmin() || u.HomeTerritory != "FR" || u.ID == 0 {
			t.Errorf("AddUser must keep the email as entered (trimmed), the role and the home: %+v", u)
		}
		got, err := s.UserByEmail(ctx, "admin@EXAMPLE.com")
		if err != nil || got.ID != u.ID {
			t.Errorf("UserByEmail must match without regard to case: %+v, %v", got, err)
		}
		if _, err := s.User(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("User of a missing id: want ErrNotFound, got %v", err)
		}
	})
}

func TestEmailUniqueWhateverTheCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newService(t, db, newClock())
		ctx := context.Background()
		setUp(t, s)
		mustUser(t, s, "Wu.Yue@example.com", "correct horse")
		_, err := s.SignUp(ctx, accounts.NewUser{Email: "wu.yue@EXAMPLE.COM", Password: "another one, quite long"})
		if !errors.Is(err, accounts.ErrEmailTaken) {
			t.Fatalf("email must be unique case-insensitively: want ErrEmailTaken, got %v", err)
		}
		if fieldOf(t, err) != "email" {
			t.Errorf("a taken email is a mistake in the email field")
		}
	})
}

func TestSignUpCanBeTurnedOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		closed := newService(t, db, newClock(), func(c *accounts.Config) { c.SignUpOpen = false })
		if closed.SignUpOpen() {
			t.Errorf("SignUpOpen must report the operator's setting")
		}
		if _, err := closed.SignUp(ctx, accounts.NewUser{Email: "a@example.com", Password: "correct horse"}); !errors.Is(err, accounts.ErrSignUpClosed) {
			t.Errorf("sign-up turned off: want ErrSignUpClosed, got %v", err)
		}
		if _, err := closed.AddUser(ctx, accounts.NewUser{Email: "a@example.com", Password: "correct horse"}); err != nil {
			t.Errorf("the operator's AddUser works with sign-up turned off: %v", err)
		}
		open := newService(t, db, newClock())
		setUp(t, open)
		u, err := open.SignUp(ctx, accounts.NewUser{Email: "b@example.com", Password: "correct horse", Role: accounts.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != accounts.RoleViewer {
			t.Errorf("sign-up must never make an admin, got role %q", u.Role)
		}
	})
}

func TestSignInSessionsAndSignOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newService(t, db, c, func(cfg *accounts.Config) { cfg.SessionTTL = time.Hour })
		u := mustUser(t, s, "viewer@example.com", "correct horse")

		sess, err := s.SignIn(ctx, "VIEWER@example.com", "correct horse", "192.0.2.1:5555")
		if err != nil {
			t.Fatalf("sign-in with the email in another case must work: %v", err)
		}
		if len(sess.Token) < 43 || sess.ID == "" || sess.User.ID != u.ID {
			t.Fatalf("a session has a 32-byte random token, an ID and its user: %+v", sess)
		}
		var stored int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE id = $1`, sess.Token).Scan(&stored)
		if stored != 0 || sess.ID == sess.Token {
			t.Errorf("only the token's SHA-256 may be stored, never the token")
		}
		again, err := s.SignIn(ctx, "viewer@example.com", "correct horse", "")
		if err != nil || again.Token == sess.Token {
			t.Errorf("each sign-in opens its own session with a fresh token: %v", err)
		}

		got, err := s.Session(ctx, sess.Token)
		if err != nil {
			t.Fatalf("a live session must be found: %v", err)
		}
		if got.ID != sess.ID || got.User.Email != "viewer@example.com" || got.ProfileID != 0 || got.Token != "" {
			t.Errorf("Session returns the session with its user and no profile yet (and not the token): %+v", got)
		}
		if !got.ExpiresAt.Equal(c.Now().Add(time.Hour)) {
			t.Errorf("a session expires SessionTTL after sign-in: %v", got.ExpiresAt)
		}
		for _, bad := range []string{"", "x", sess.ID, strings.Repeat("a", 1000)} {
			if _, err := s.Session(ctx, bad); !errors.Is(err, accounts.ErrNoSession) {
				t.Errorf("Session(%.20q): an unknown token is ErrNoSession, got %v", bad, err)
			}
		}

		if err := s.SignOut(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, sess.Token); !errors.Is(err, accounts.ErrNoSession) {
			t.Errorf("sign-out must end the session, got %v", err)
		}
		if err := s.SignOut(ctx, sess.Token); err != nil {
			t.Errorf("signing out twice is not an error: %v", err)
		}
		if _, err := s.Session(ctx, again.Token); err != nil {
			t.Errorf("sign-out ends one session, not the user's others: %v", err)
		}

		c.Advance(time.Hour)
		if _, err := s.Session(ctx, again.Token); !errors.Is(err, accounts.ErrNoSession) {
			t.Errorf("a session is dead at its expiry instant, got %v", err)
		}
		n, err := s.Sweep(ctx)
		if err != nil || n < 1 {
			t.Errorf("Sweep must delete expired sessions: %d, %v", n, err)
		}
	})
}

func TestSetPasswordEndsSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		u := mustUser(t, s, "viewer@example.com", "correct horse")
		sess, err := s.SignIn(ctx, "viewer@example.com", "correct horse", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, u.ID, "battery staple"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, sess.Token); !errors.Is(err, accounts.ErrNoSession) {
			t.Errorf("a new password must end the old sessions, got %v", err)
		}
		if _, err := s.SignIn(ctx, "viewer@example.com", "correct horse", ""); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("the old password must stop working, got %v", err)
		}
		if _, err := s.SignIn(ctx, "viewer@example.com", "battery staple", ""); err != nil {
			t.Errorf("the new password must work: %v", err)
		}
		if err := s.SetPassword(ctx, 424242, "battery staple"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetPassword of a missing user: want ErrNotFound, got %v", err)
		}
		if err := s.SetHomeTerritory(ctx, u.ID, "DE"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.User(ctx, u.ID); got.HomeTerritory != "DE" {
			t.Errorf("SetHomeTerritory must store the home: %+v", got)
		}
		if err := s.SetRole(ctx, u.ID, accounts.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.User(ctx, u.ID); !got.IsAdmin() {
			t.Errorf("SetRole must store the role: %+v", got)
		}
	})
}

func TestWrongPasswordAndUnknownEmailLookAlike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		mustUser(t, s, "viewer@example.com", "correct horse")
		_, wrong := s.SignIn(ctx, "viewer@example.com", "wrong horse", "")
		_, unknown := s.SignIn(ctx, "nobody@example.com", "wrong horse", "")
		if !errors.Is(wrong, accounts.ErrInvalidCredentials) || !errors.Is(unknown, accounts.ErrInvalidCredentials) {
			t.Fatalf("both must be ErrInvalidCredentials: %v / %v", wrong, unknown)
		}
		if wrong.Error() != unknown.Error() {
			t.Errorf("a wrong password and an unknown email must give the same answer: %q vs %q", wrong, unknown)
		}
	})
}

// TestUnknownEmailCostsAHash checks, with the real argon2id parameters,
// that an unknown email is not answered faster than a wrong password (which
// would tell an attacker which emails are registered).
func TestUnknownEmailCostsAHash(t *testing.T) {
	if testing.Short() {
		t.Skip("times real argon2id hashes")
	}
	db := storetest.SQLite(t)
	ctx := context.Background()
	c := newClock()
	s := newService(t, db, c, func(cfg *accounts.Config) {
		cfg.PasswordParams = nil
		cfg.AccountLimit, cfg.AddressLimit = 1000, 1000
	})
	mustUser(t, s, "viewer@example.com", "correct horse")
	// Known and unknown alternate, so that a change in the machine's load
	// (other packages' tests run beside this one) touches both alike.
	var knownDs, unknownDs []time.Duration
	for range 7 {
		for _, email := range []string{"viewer@example.com", "nobody@example.com"} {
			start := time.Now()
			s.SignIn(ctx, email, "wrong horse", "")
			if email == "viewer@example.com" {
				knownDs = append(knownDs, time.Since(start))
			} else {
				unknownDs = append(unknownDs, time.Since(start))
			}
		}
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	known, unknown := median(knownDs), median(unknownDs)
	if unknown*2 < known {
		t.Errorf("an unknown email must cost a password hash like a known one: unknown %v, known %v", unknown, known)
	}
}
