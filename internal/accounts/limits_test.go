package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestSignInLimitPerAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newService(t, db, c) // defaults: 5 per account, 20 per address, 15 minutes
		mustUser(t, s, "viewer@example.com", "correct horse")

		for i := range 5 {
			// A new address each time: only the account's count is at work.
			addr := fmt.Sprintf("198.51.100.%d", i+1)
			if _, err := s.SignIn(ctx, "viewer@example.com", "wrong horse", addr); !errors.Is(err, accounts.ErrInvalidCredentials) {
				t.Fatalf("failure %d of 5 must still be judged on the password, got %v", i+1, err)
			}
		}
		_, err := s.SignIn(ctx, "Viewer@Example.com", "correct horse", "198.51.100.99")
		le := limitOf(t, err)
		if le.Scope != "account" {
			t.Errorf("the sixth try at once on one account is limited by the account, got scope %q", le.Scope)
		}
		// Failures slow the account down, they do not lock it (issue 10
		// row 5): the fifth failure makes the next try wait one second.
		if le.RetryAfter != time.Second {
			t.Errorf("after five failures the next try must wait one second, not be locked: %v", le.RetryAfter)
		}
		if errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("a limited attempt must not say whether the password was right")
		}

		c.Advance(time.Second)
		if _, err := s.SignIn(ctx, "viewer@example.com", "correct horse", "198.51.100.99"); err != nil {
			t.Errorf("once the delay has passed the right password works again: %v", err)
		}
	})
}

func TestSignInLimitAppliesToUnknownEmails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		var err error
		for range 6 {
			_, err = s.SignIn(ctx, "nobody@example.com", "guess", "")
		}
		if limitOf(t, err).Scope != "account" {
			t.Errorf("an unknown email must be limited like a known one, or the limit reveals which emails exist")
		}
	})
}

func TestSignInSuccessResetsAccountCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		mustUser(t, s, "viewer@example.com", "correct horse")
		for round := range 2 {
			for i := range 4 {
				if _, err := s.SignIn(ctx, "viewer@example.com", "typo", ""); !errors.Is(err, accounts.ErrInvalidCredentials) {
					t.Fatalf("round %d failure %d: %v", round, i, err)
				}
			}
			if _, err := s.SignIn(ctx, "viewer@example.com", "correct horse", ""); err != nil {
				t.Fatalf("a success after four failures must clear the account's count (round %d): %v", round, err)
			}
		}
	})
}

func TestSignInLimitPerAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newService(t, db, c, func(cfg *accounts.Config) { cfg.AddressLimit = 3 })
		mustUser(t, s, "viewer@example.com", "correct horse")

		tests := []struct {
			name, first, other string
		}{
			{"IPv4 with port", "203.0.113.7:4000", "203.0.113.7:4001"},
			{"IPv6 counts by /64", "[2001:db8:1:2::1]:443", "2001:db8:1:2:ffff::9"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for i := range 3 {
					if _, err := s.SignIn(ctx, fmt.Sprintf("spray%d@example.com", i), "guess", tt.first); !errors.Is(err, accounts.ErrInvalidCredentials) {
						t.Fatalf("failure %d: %v", i, err)
					}
				}
				_, err := s.SignIn(ctx, "viewer@example.com", "correct horse", tt.other)
				if le := limitOf(t, err); le.Scope != "address" {
					t.Errorf("guesses sprayed across accounts from one address must be limited by the address, got %q", le.Scope)
				}
				if _, err := s.SignIn(ctx, "viewer@example.com", "correct horse", "192.0.2.200"); err != nil {
					t.Errorf("another address is not limited by this one: %v", err)
				}
			})
		}
		c.Advance(accounts.MaxAddressDelay)
		if _, err := s.SignIn(ctx, "viewer@example.com", "correct horse", "203.0.113.7"); err != nil {
			t.Errorf("an address waits at most MaxAddressDelay: %v", err)
		}
	})
}

func TestSignInLimitHoldsUnderParallelGuesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		mustUser(t, s, "viewer@example.com", "correct horse")
		var mu sync.Mutex
		judged := 0
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				_, err := s.SignIn(ctx, "viewer@example.com", "guess", "")
				if errors.Is(err, accounts.ErrInvalidCredentials) {
					mu.Lock()
					judged++
					mu.Unlock()
				} else if !errors.Is(err, accounts.ErrRateLimited) {
					t.Errorf("a parallel guess: %v", err)
				}
			})
		}
		wg.Wait()
		if judged != 5 {
			t.Errorf("20 parallel guesses on one account may have exactly 5 passwords checked, got %d", judged)
		}
	})
}

func TestPINLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newService(t, db, c)
		u := mustUser(t, s, "viewer@example.com", "correct horse")
		p := mustProfile(t, s, u.ID, accounts.ProfileInput{Name: "Grown-up", Language: "en", MaxAge: 21, PIN: "4321"})
		for i := range 5 {
			if err := s.CheckPIN(ctx, u.ID, p.ID, "0000"); !errors.Is(err, accounts.ErrWrongPIN) {
				t.Fatalf("wrong PIN %d of 5 must be ErrWrongPIN, got %v", i+1, err)
			}
		}
		err := s.CheckPIN(ctx, u.ID, p.ID, "4321")
		if le := limitOf(t, err); le.Scope != "pin" || le.RetryAfter != 15*time.Minute {
			t.Errorf("after 5 wrong PINs even the right one waits out the 15-minute window: %+v", le)
		}
		c.Advance(15 * time.Minute)
		if err := s.CheckPIN(ctx, u.ID, p.ID, "4321"); err != nil {
			t.Errorf("the right PIN works once the window closes: %v", err)
		}
	})
}
