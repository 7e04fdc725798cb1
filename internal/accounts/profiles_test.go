package accounts_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestProfileValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newService(t, db, newClock())
		u := mustUser(t, s, "viewer@example.com", "correct horse")
		ok := accounts.ProfileInput{Name: "Ren", Language: "zh-Hans", MaxAge: 21}
		tests := []struct {
			name  string
			edit  func(*accounts.ProfileInput)
			field string
			rule  string
		}{
			{"no name", func(p *accounts.ProfileInput) { p.Name = "  " }, "name", "a profile needs a name"},
			{"long name", func(p *accounts.ProfileInput) {
				p.Name = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"
			}, "name", "a name is at most 40 characters"},
			{"control in name", func(p *accounts.ProfileInput) { p.Name = "a\x1bb" }, "name", "a name has no control characters"},
			{"no language", func(p *accounts.ProfileInput) { p.Language = "" }, "language", "a profile needs a language"},
			{"bad language", func(p *accounts.ProfileInput) { p.Language = "english!" }, "language", "the language is a BCP-47 tag"},
			{"negative age", func(p *accounts.ProfileInput) { p.MaxAge = -1 }, "max_age", "the maturity limit is not negative"},
			{"age above 21", func(p *accounts.ProfileInput) { p.MaxAge = 22 }, "max_age", "the maturity limit is at most 21"},
			{"adult kids profile", func(p *accounts.ProfileInput) { p.Kids, p.MaxAge = true, 16 }, "max_age", "a kids profile's limit is at most 12"},
			{"short PIN", func(p *accounts.ProfileInput) { p.PIN = "123" }, "pin", "a PIN is 4 digits"},
			{"letters in PIN", func(p *accounts.ProfileInput) { p.PIN = "12a4" }, "pin", "a PIN is digits"},
			{"long PIN", func(p *accounts.ProfileInput) { p.PIN = "12345" }, "pin", "a PIN is exactly 4 digits"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := ok
				tt.edit(&in)
				_, err := s.AddProfile(context.Background(), u.ID, in)
				if err == nil {
					t.Fatalf("%s: AddProfile accepted %+v", tt.rule, in)
				}
				if got := fieldOf(t, err); got != tt.field {
					t.Errorf("%s: error names %q, want %q", tt.rule, got, tt.field)
				}
			})
		}
	})
}

func TestProfilesUpToFive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		u := mustUser(t, s, "viewer@example.com", "correct horse")
		names := []string{"Jianqing", "Xiaoxiao", "Kids", "Dad", "Guest"}
		for i, n := range names {
			in := accounts.ProfileInput{Name: n, Language: "zh-hans", MaxAge: 21}
			if n == "Kids" {
				in.Kids, in.MaxAge = true, 7
			}
			p := mustProfile(t, s, u.ID, in)
			if p.Language != "zh-Hans" {
				t.Errorf("profile %d: language must be stored as a canonical BCP-47 tag, got %q", i, p.Language)
			}
		}
		_, err := s.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Sixth", Language: "en", MaxAge: 21})
		if !errors.Is(err, accounts.ErrTooManyProfiles) {
			t.Fatalf("a sixth profile must be refused with ErrTooManyProfiles, got %v", err)
		}
		if got := err.Error(); !strings.Contains(got, "at most 5 profiles") {
			t.Errorf("the refusal must say the limit: %q", got)
		}
		ps, err := s.Profiles(ctx, u.ID)
		if err != nil || len(ps) != 5 {
			t.Fatalf("Profiles: %d, %v", len(ps), err)
		}
		for i, p := range ps {
			if p.Name != names[i] {
				t.Errorf("profiles come in the order they were made: %d is %q, want %q", i, p.Name, names[i])
			}
		}
		if kids := ps[2]; !kids.Kids || kids.Allows(12) || !kids.Allows(7) || !kids.Allows(0) {
			t.Errorf("a kids profile with limit 7 allows titles up to 7 only: %+v", kids)
		}
		if err := s.DeleteProfile(ctx, u.ID, ps[4].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Sixth", Language: "en", MaxAge: 21}); err != nil {
			t.Errorf("after deleting one, a profile may be added again: %v", err)
		}
		if _, err := s.AddProfile(ctx, 424242, accounts.ProfileInput{Name: "X", Language: "en"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a profile for a missing user: want ErrNotFound, got %v", err)
		}
	})
}

func TestProfilesUpToFiveUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		u := mustUser(t, s, "viewer@example.com", "correct horse")
		var wg sync.WaitGroup
		var mu sync.Mutex
		added := 0
		for range 12 {
			wg.Go(func() {
				_, err := s.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "P", Language: "en", MaxAge: 21})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					added++
				case !errors.Is(err, accounts.ErrTooManyProfiles):
					t.Errorf("concurrent AddProfile: %v", err)
				}
			})
		}
		wg.Wait()
		ps, _ := s.Profiles(ctx, u.ID)
		if added != 5 || len(ps) != 5 {
			t.Errorf("12 concurrent AddProfile calls must make exactly 5 profiles: %d added, %d stored", added, len(ps))
		}
	})
}

func TestProfilesBelongToTheirAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		a := mustUser(t, s, "a@example.com", "correct horse")
		b := mustUser(t, s, "b@example.com", "correct horse")
		pa := mustProfile(t, s, a.ID, accounts.ProfileInput{Name: "A", Language: "en", MaxAge: 21, PIN: "1111"})
		in := accounts.ProfileInput{Name: "Taken", Language: "en", MaxAge: 21}
		checks := map[string]error{
			"Profile":         func() error { _, err := s.Profile(ctx, b.ID, pa.ID); return err }(),
			"UpdateProfile":   func() error { _, err := s.UpdateProfile(ctx, b.ID, pa.ID, in); return err }(),
			"SetPIN":          s.SetPIN(ctx, b.ID, pa.ID, ""),
			"CheckPIN":        s.CheckPIN(ctx, b.ID, pa.ID, "1111"),
			"SetCaptionStyle": s.SetCaptionStyle(ctx, b.ID, pa.ID, "large", "none"),
			"DeleteProfile":   s.DeleteProfile(ctx, b.ID, pa.ID),
		}
		for name, err := range checks {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s with another account's profile must be ErrNotFound, got %v", name, err)
			}
		}
		got, err := s.Profile(ctx, a.ID, pa.ID)
		if err != nil || got.Name != "A" || !got.HasPIN {
			t.Errorf("another account's attempts must leave the profile as it was: %+v, %v", got, err)
		}
		sess, err := s.SignIn(ctx, "b@example.com", "correct horse", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SelectProfile(ctx, sess.Token, pa.ID, "1111"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a session may not pick another account's profile, got %v", err)
		}
	})
}

func TestSelectProfileAndPIN(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		u := mustUser(t, s, "viewer@example.com", "correct horse")
		open := mustProfile(t, s, u.ID, accounts.ProfileInput{Name: "Kids", Language: "en", MaxAge: 7, Kids: true})
		locked := mustProfile(t, s, u.ID, accounts.ProfileInput{Name: "Grown-up", Language: "en", MaxAge: 21, PIN: "4321"})
		if open.HasPIN || !locked.HasPIN {
			t.Fatalf("HasPIN must say which profile has a PIN: %+v %+v", open, locked)
		}
		sess, err := s.SignIn(ctx, "viewer@example.com", "correct horse", "")
		if err != nil {
			t.Fatal(err)
		}
		profileOf := func() int64 {
			t.Helper()
			got, err := s.Session(ctx, sess.Token)
			if err != nil {
				t.Fatal(err)
			}
			return got.ProfileID
		}
		if err := s.SelectProfile(ctx, sess.Token, open.ID, ""); err != nil || profileOf() != open.ID {
			t.Errorf("a profile without a PIN is picked without one: %v", err)
		}
		if err := s.SelectProfile(ctx, sess.Token, locked.ID, ""); !errors.Is(err, accounts.ErrWrongPIN) || profileOf() != open.ID {
			t.Errorf("a PIN-locked profile needs its PIN (and the session keeps its profile): %v", err)
		}
		if err := s.SelectProfile(ctx, sess.Token, locked.ID, "1234"); !errors.Is(err, accounts.ErrWrongPIN) {
			t.Errorf("a wrong PIN is ErrWrongPIN, got %v", err)
		}
		if err := s.SelectProfile(ctx, sess.Token, locked.ID, "4321"); err != nil || profileOf() != locked.ID {
			t.Errorf("the right PIN picks the profile: %v", err)
		}
		if err := s.SetPIN(ctx, u.ID, locked.ID, "12345"); fieldOf(t, err) != "pin" {
			t.Errorf("SetPIN checks the PIN is 4 digits")
		}
		if err := s.SetPIN(ctx, u.ID, locked.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckPIN(ctx, u.ID, locked.ID, ""); err != nil {
			t.Errorf("a removed PIN no longer locks the profile: %v", err)
		}
		if err := s.DeleteProfile(ctx, u.ID, locked.ID); err != nil {
			t.Fatal(err)
		}
		if profileOf() != 0 {
			t.Errorf("deleting the session's profile sends it back to the picker")
		}
		if err := s.SelectProfile(ctx, "no such token", open.ID, ""); !errors.Is(err, accounts.ErrNoSession) {
			t.Errorf("SelectProfile without a live session is ErrNoSession, got %v", err)
		}
		up, err := s.UpdateProfile(ctx, u.ID, open.ID, accounts.ProfileInput{Name: "Little ones", Language: "pt-br", MaxAge: 12, Kids: true, PIN: "9999"})
		if err != nil {
			t.Fatal(err)
		}
		if up.Name != "Little ones" || up.Language != "pt-BR" || up.MaxAge != 12 || up.HasPIN {
			t.Errorf("UpdateProfile changes name, language and limit but never the PIN: %+v", up)
		}
	})
}

func TestCaptionStyle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db, newClock())
		u := mustUser(t, s, "c@example.com", "correct horse")
		p := mustProfile(t, s, u.ID, accounts.ProfileInput{Name: "小明", Language: "zh", MaxAge: 21})
		if p.CaptionSize != "medium" || p.CaptionBackground != "box" {
			t.Errorf("a new profile's captions are medium on a box, got %q on %q", p.CaptionSize, p.CaptionBackground)
		}
		if err := s.SetCaptionStyle(ctx, u.ID, p.ID, "large", "none"); err != nil {
			t.Fatal(err)
		}
		for _, bad := range [][2]string{{"huge", "box"}, {"large", "pink"}} {
			var inv interface {
				InvalidField() (string, string, string)
			}
			if err := s.SetCaptionStyle(ctx, u.ID, p.ID, bad[0], bad[1]); !errors.As(err, &inv) {
				t.Errorf("caption style %v must be refused naming the field, got %v", bad, err)
			}
		}
		got, err := s.Profile(ctx, u.ID, p.ID)
		if err != nil || got.CaptionSize != "large" || got.CaptionBackground != "none" {
			t.Errorf("the caption style must be kept, and a refused change must change nothing: %+v, %v", got, err)
		}
	})
}
