package accounts_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestMyList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newService(t, db, c)
		u := mustUser(t, s, "viewer@example.com", "correct horse")
		p := mustProfile(t, s, u.ID, accounts.ProfileInput{Name: "Ren", Language: "en", MaxAge: 21})
		q := mustProfile(t, s, u.ID, accounts.ProfileInput{Name: "Kids", Language: "en", MaxAge: 7, Kids: true})
		us, them, other := newTitle(t, db, "后来的我们"), newTitle(t, db, "Us and Them (dub)"), newTitle(t, db, "Other")

		for _, id := range []int64{us, them, other} {
			if err := s.AddToList(ctx, p.ID, id); err != nil {
				t.Fatal(err)
			}
			c.Advance(time.Minute)
		}
		if err := s.AddToList(ctx, p.ID, us); err != nil {
			t.Errorf("adding a title already on the list is not an error: %v", err)
		}
		list, err := s.List(ctx, p.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{other, them, us}
		if len(list) != len(want) {
			t.Fatalf("My List holds each title once: %+v", list)
		}
		for i := range want {
			if list[i].TitleID != want[i] {
				t.Errorf("My List is ordered by added time, newest first (re-adding keeps the place): %+v", list)
				break
			}
		}
		if top, _ := s.List(ctx, p.ID, 2); len(top) != 2 || top[0].TitleID != other {
			t.Errorf("List honours its limit: %+v", top)
		}
		if l, _ := s.List(ctx, q.ID, 0); len(l) != 0 {
			t.Errorf("My List is per profile: the other profile's list must be empty, got %+v", l)
		}
		if in, _ := s.InList(ctx, p.ID, them); !in {
			t.Errorf("InList must see a listed title")
		}
		if err := s.RemoveFromList(ctx, p.ID, them); err != nil {
			t.Fatal(err)
		}
		if in, _ := s.InList(ctx, p.ID, them); in {
			t.Errorf("RemoveFromList must take the title off")
		}
		if err := s.RemoveFromList(ctx, p.ID, them); err != nil {
			t.Errorf("removing what is not there is not an error: %v", err)
		}
		if err := s.AddToList(ctx, p.ID, 424242); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("adding a missing title: want ErrNotFound, got %v", err)
		}
		if err := s.AddToList(ctx, 424242, us); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("adding to a missing profile: want ErrNotFound, got %v", err)
		}
	})
}
