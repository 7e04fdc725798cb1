package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// enrol turns two-factor sign-in on for u and returns its TOTP secret and
// recovery codes.
func enrol(t *testing.T, s *accounts.Service, c *clock, u accounts.User) (string, []string) {
	t.Helper()
	ctx := context.Background()
	k, err := s.EnrolmentKey(ctx, u.ID, "Lineup")
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(k.Secret(), c.Now())
	codes, err := s.ConfirmTOTP(ctx, u.ID, code)
	if err != nil {
		t.Fatalf("confirm TOTP: %v", err)
	}
	return k.Secret(), codes
}

func countSessions(t *testing.T, db *store.DB, userID int64) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// challengeOf signs in with the right password and returns the challenge
// the second step needs.
func challengeOf(t *testing.T, s *accounts.Service, email, password string) string {
	t.Helper()
	_, err := s.SignIn(context.Background(), email, password, "192.0.2.1")
	var sf *accounts.SecondFactorError
	if !errors.As(err, &sf) {
		t.Fatalf("the right password of a two-factor account must ask for the code, got %v", err)
	}
	return sf.Challenge
}

func TestTwoFactorRules(t *testing.T) {
	const pw = "an admin's long passphrase"
	tests := []struct {
		rule string
		run  func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User)
	}{
		{"enrolment shows the same key until a first code confirms it, and a wrong first code turns nothing on", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			ctx := context.Background()
			k1, _ := s.EnrolmentKey(ctx, u.ID, "Lineup")
			k2, _ := s.EnrolmentKey(ctx, u.ID, "Lineup")
			if k1.Secret() != k2.Secret() || !strings.HasPrefix(k1.URL(), "otpauth://totp/Lineup:") {
				t.Errorf("the pending key must stay the same and be an otpauth URI: %s vs %s", k1.URL(), k2.URL())
			}
			if _, err := s.ConfirmTOTP(ctx, u.ID, "000000"); !errors.Is(err, accounts.ErrWrongCode) {
				t.Errorf("a wrong first code: want ErrWrongCode, got %v", err)
			}
			if _, err := s.SignIn(ctx, u.Email, pw, ""); err != nil {
				t.Errorf("two-factor must stay off until confirmed: %v", err)
			}
		}},
		{"the password alone opens no session; the code then does", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			secret, _ := enrol(t, s, c, u)
			c.Advance(time.Minute)
			ch := challengeOf(t, s, u.Email, pw)
			if n := countSessions(t, db, u.ID); n != 0 {
				t.Fatalf("no session may exist before the code, found %d", n)
			}
			code, _ := totp.GenerateCode(secret, c.Now())
			sess, err := s.SignInSecondFactor(context.Background(), ch, code)
			if err != nil || sess.Token == "" || !sess.User.TwoFactor {
				t.Fatalf("the right code must open a session: %v", err)
			}
			if _, err := s.SignInSecondFactor(context.Background(), ch, code); !errors.Is(err, accounts.ErrChallengeExpired) {
				t.Errorf("a challenge works once: %v", err)
			}
		}},
		{"a code is not accepted twice in its step window", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			secret, _ := enrol(t, s, c, u)
			c.Advance(time.Minute)
			code, _ := totp.GenerateCode(secret, c.Now())
			if _, err := s.SignInSecondFactor(context.Background(), challengeOf(t, s, u.Email, pw), code); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SignInSecondFactor(context.Background(), challengeOf(t, s, u.Email, pw), code); !errors.Is(err, accounts.ErrWrongCode) {
				t.Errorf("a replayed code must be refused: %v", err)
			}
			// Nor the code of the step before, once a later one was used.
			if _, err := s.SignInSecondFactor(context.Background(), challengeOf(t, s, u.Email, pw), mustCode(t, secret, c.Now().Add(-30*time.Second))); !errors.Is(err, accounts.ErrWrongCode) {
				t.Errorf("an older code must be refused after a newer one: %v", err)
			}
		}},
		{"the enrolment code cannot sign in again", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			secret, _ := enrol(t, s, c, u)
			if _, err := s.SignInSecondFactor(context.Background(), challengeOf(t, s, u.Email, pw), mustCode(t, secret, c.Now())); !errors.Is(err, accounts.ErrWrongCode) {
				t.Errorf("the code that confirmed enrolment must not be accepted again: %v", err)
			}
		}},
		{"wrong codes are limited, and the right code waits too", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			secret, _ := enrol(t, s, c, u)
			c.Advance(time.Minute)
			ch := challengeOf(t, s, u.Email, pw)
			for i := range 5 {
				if _, err := s.SignInSecondFactor(context.Background(), ch, "12345"+string(rune('0'+i))); !errors.Is(err, accounts.ErrWrongCode) && !errors.Is(err, accounts.ErrRateLimited) {
					t.Fatalf("wrong code %d: %v", i+1, err)
				}
			}
			_, err := s.SignInSecondFactor(context.Background(), ch, mustCode(t, secret, c.Now()))
			var le *accounts.LimitError
			if !errors.As(err, &le) || le.Scope != "code" || le.RetryAfter <= 0 {
				t.Errorf("after five wrong codes even the right one must wait: %v", err)
			}
		}},
		{"a recovery code replaces the app's code, once", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			_, codes := enrol(t, s, c, u)
			if len(codes) != accounts.RecoveryCodeCount {
				t.Fatalf("want %d recovery codes, got %d", accounts.RecoveryCodeCount, len(codes))
			}
			var stored string
			db.QueryRowContext(context.Background(), `SELECT code_hash FROM recovery_codes WHERE user_id = $1 LIMIT 1`, u.ID).Scan(&stored)
			for _, code := range codes {
				if strings.Contains(stored, strings.ReplaceAll(code, "-", "")) {
					t.Fatalf("recovery codes must be stored hashed")
				}
			}
			if _, err := s.SignInSecondFactor(context.Background(), challengeOf(t, s, u.Email, pw), strings.ToUpper(codes[3])); err != nil {
				t.Fatalf("a recovery code must sign in (typed in capitals too): %v", err)
			}
			if _, err := s.SignInSecondFactor(context.Background(), challengeOf(t, s, u.Email, pw), codes[3]); !errors.Is(err, accounts.ErrWrongCode) {
				t.Errorf("a recovery code works once: %v", err)
			}
			if n, _ := s.RecoveryCodesLeft(context.Background(), u.ID); n != accounts.RecoveryCodeCount-1 {
				t.Errorf("want %d recovery codes left, got %d", accounts.RecoveryCodeCount-1, n)
			}
		}},
		{"the challenge expires after five minutes", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			secret, _ := enrol(t, s, c, u)
			ch := challengeOf(t, s, u.Email, pw)
			c.Advance(accounts.ChallengeTTL + time.Second)
			if _, err := s.SignInSecondFactor(context.Background(), ch, mustCode(t, secret, c.Now())); !errors.Is(err, accounts.ErrChallengeExpired) {
				t.Errorf("a late code: want ErrChallengeExpired, got %v", err)
			}
		}},
		{"an emailed sign-in link still asks for the code", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			enrol(t, s, c, u)
			link, err := s.IssueLink(context.Background(), u.ID, accounts.PurposeSignIn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SignInWithLink(context.Background(), link); !errors.Is(err, accounts.ErrSecondFactor) {
				t.Errorf("the mailbox alone must not get past two-factor: %v", err)
			}
			if n := countSessions(t, db, u.ID); n != 0 {
				t.Errorf("no session may exist before the code, found %d", n)
			}
		}},
		{"new recovery codes need a current code, and the old ones stop working", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			secret, old := enrol(t, s, c, u)
			if _, err := s.NewRecoveryCodes(context.Background(), u.ID, "000000"); !errors.Is(err, accounts.ErrWrongCode) {
				t.Errorf("new recovery codes without the right code: want ErrWrongCode, got %v", err)
			}
			c.Advance(time.Minute)
			fresh, err := s.NewRecoveryCodes(context.Background(), u.ID, mustCode(t, secret, c.Now()))
			if err != nil || len(fresh) != accounts.RecoveryCodeCount {
				t.Fatalf("new recovery codes: %d, %v", len(fresh), err)
			}
			if _, err := s.SignInSecondFactor(context.Background(), challengeOf(t, s, u.Email, pw), old[0]); !errors.Is(err, accounts.ErrWrongCode) {
				t.Errorf("an old recovery code must stop working: %v", err)
			}
			if _, err := s.SignInSecondFactor(context.Background(), challengeOf(t, s, u.Email, pw), fresh[0]); err != nil {
				t.Errorf("a new recovery code must work: %v", err)
			}
		}},
		{"the operator can turn two-factor off, which signs the account out", func(t *testing.T, s *accounts.Service, db *store.DB, c *clock, u accounts.User) {
			secret, _ := enrol(t, s, c, u)
			c.Advance(time.Minute)
			if _, err := s.SignInSecondFactor(context.Background(), challengeOf(t, s, u.Email, pw), mustCode(t, secret, c.Now())); err != nil {
				t.Fatal(err)
			}
			if err := s.TurnOffTOTP(context.Background(), u.ID); err != nil {
				t.Fatal(err)
			}
			if n := countSessions(t, db, u.ID); n != 0 {
				t.Errorf("turning two-factor off must end the account's sessions, %d left", n)
			}
			if sess, err := s.SignIn(context.Background(), u.Email, pw, ""); err != nil || sess.User.TwoFactor {
				t.Errorf("with two-factor off the password alone signs in: %v", err)
			}
		}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range tests {
			t.Run(tc.rule, func(t *testing.T) {
				c := newClock()
				s := newService(t, db, c)
				email := strings.NewReplacer(" ", "", ",", "", "'", "", ";", "").Replace(tc.rule)
				if len(email) > 40 {
					email = email[:40]
				}
				u, err := s.AddUser(context.Background(), accounts.NewUser{Email: email + "@example.com", Password: pw, Role: accounts.RoleAdmin})
				if err != nil {
					t.Fatal(err)
				}
				tc.run(t, s, db, c, u)
			})
		}
	})
}

func mustCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestFirstAdminOpensSignUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		if _, err := s.SignUp(ctx, accounts.NewUser{Email: "early@example.com", Password: "a viewer's passphrase"}); !errors.Is(err, accounts.ErrNotSetUp) {
			t.Errorf("sign-up before any administrator exists: want ErrNotSetUp, got %v", err)
		}
		if _, err := s.AddFirstAdmin(ctx, accounts.NewUser{Email: "first@example.com", Password: "password"}); err == nil {
			t.Errorf("the first admin's password follows the password rules")
		}
		u, err := s.AddFirstAdmin(ctx, accounts.NewUser{Email: "first@example.com", Password: "the first admin's passphrase"})
		if err != nil || !u.IsAdmin() {
			t.Fatalf("the first admin: %+v %v", u, err)
		}
		if _, err := s.AddFirstAdmin(ctx, accounts.NewUser{Email: "second@example.com", Password: "the second admin's passphrase"}); !errors.Is(err, accounts.ErrAlreadySetUp) {
			t.Errorf("a second first admin: want ErrAlreadySetUp, got %v", err)
		}
		if _, err := s.SignUp(ctx, accounts.NewUser{Email: "later@example.com", Password: "a viewer's passphrase"}); err != nil {
			t.Errorf("sign-up opens once an administrator exists: %v", err)
		}
	})
}

func TestParentalPINStandsInForThePassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		u := mustUser(t, s, "parent@example.com", "the parent's passphrase")
		if err := s.CheckHolder(ctx, u.ID, "4821"); !errors.Is(err, accounts.ErrWrongHolderSecret) {
			t.Errorf("without a parental PIN a PIN is no proof: %v", err)
		}
		if err := s.SetParentalPIN(ctx, u.ID, "not the password", "4821"); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("setting the parental PIN needs the password: %v", err)
		}
		if err := s.SetParentalPIN(ctx, u.ID, "the parent's passphrase", "48"); fieldOf(t, err) != "parental_pin" {
			t.Errorf("a PIN that is not four digits is refused naming the field: %v", err)
		}
		if err := s.SetParentalPIN(ctx, u.ID, "the parent's passphrase", "4821"); err != nil {
			t.Fatal(err)
		}
		var hash string
		db.QueryRowContext(ctx, `SELECT parental_pin_hash FROM users WHERE id = $1`, u.ID).Scan(&hash)
		if !strings.HasPrefix(hash, "$argon2id$") {
			t.Errorf("the parental PIN must be stored hashed, got %q", hash)
		}
		for _, secret := range []string{"4821", "the parent's passphrase"} {
			if err := s.CheckHolder(ctx, u.ID, secret); err != nil {
				t.Errorf("the password or the parental PIN must be accepted (%q): %v", secret, err)
			}
		}
		for i := range 5 {
			if err := s.CheckHolder(ctx, u.ID, "000"+string(rune('0'+i))); !errors.Is(err, accounts.ErrWrongHolderSecret) {
				t.Fatalf("wrong PIN %d: %v", i+1, err)
			}
		}
		if err := s.CheckHolder(ctx, u.ID, "4821"); !errors.Is(err, accounts.ErrRateLimited) {
			t.Errorf("after five wrong parental PINs even the right one waits: %v", err)
		}
	})
}

// Two nodes started with no administrator each print a setup link; both
// links followed at the same moment make one administrator, not two.
func TestFirstAdminOnceAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		nodes := []*accounts.Service{newService(t, db, newClock()), newService(t, db, newClock())}
		const tries = 6
		errs := make(chan error, tries)
		var start sync.WaitGroup
		start.Add(1)
		for i := range tries {
			go func() {
				start.Wait()
				_, err := nodes[i%2].AddFirstAdmin(ctx, accounts.NewUser{Email: fmt.Sprintf("admin%d@example.com", i), Password: "the first admin's passphrase"})
				errs <- err
			}()
		}
		start.Done()
		made := 0
		for range tries {
			err := <-errs
			switch {
			case err == nil:
				made++
			case !errors.Is(err, accounts.ErrAlreadySetUp):
				t.Errorf("a setup link followed after another: want ErrAlreadySetUp, got %v", err)
			}
		}
		if made != 1 {
			t.Fatalf("setup links followed at once on two nodes made %d administrators; the first run makes exactly one", made)
		}
	})
}
