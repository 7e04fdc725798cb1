package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestResidenceRule(t *testing.T) {
	ev := func(pairs ...string) []accounts.Evidence {
		var out []accounts.Evidence
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, accounts.Evidence{Day: pairs[i], Country: pairs[i+1], SignIns: 1})
		}
		return out
	}
	for _, c := range []struct {
		name  string
		ev    []accounts.Evidence
		where string
		lapse bool
	}{
		{"no evidence keeps the claim", nil, "", false},
		{"a short trip keeps the claim", ev("05", "DE", "04", "DE", "03", "FR"), "", false},
		{"five days from one other country lapse it", ev("07", "DE", "06", "DE", "05", "DE", "04", "DE", "03", "DE", "02", "FR"), "DE", true},
		{"five days split between countries keep it", ev("07", "DE", "06", "IT", "05", "DE", "04", "DE", "03", "DE"), "", false},
		{"a day with a sign-in from home as well keeps it", ev("07", "DE", "06", "DE", "05", "DE", "05", "FR", "04", "DE", "03", "DE"), "", false},
		{"five days at home keep it", ev("07", "FR", "06", "FR", "05", "FR", "04", "FR", "03", "FR"), "", false},
	} {
		where, lapse := accounts.LivesElsewhere("FR", c.ev)
		if where != c.where || lapse != c.lapse {
			t.Errorf("%s: got %q %v, want %q %v", c.name, where, lapse, c.where, c.lapse)
		}
	}
}

func TestCheckResidenceMovesHome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newService(t, db, c)
		u, err := s.AddUser(ctx, accounts.NewUser{Email: "fr@example.com", Password: "correct horse battery", HomeTerritory: "FR"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range accounts.ResidenceDays {
			if u, err = s.CheckResidence(ctx, u, "DE"); err != nil {
				t.Fatal(err)
			}
			if i < accounts.ResidenceDays-1 && u.HomeTerritory != "FR" {
				t.Fatalf("day %d in Germany must keep the French home", i+1)
			}
			c.Advance(24 * time.Hour)
		}
		stored, _ := s.User(ctx, u.ID)
		if u.HomeTerritory != "DE" || stored.HomeTerritory != "DE" {
			t.Errorf("five days of sign-ins from Germany only must move the home to DE: %q, stored %q", u.HomeTerritory, stored.HomeTerritory)
		}
	})
}
