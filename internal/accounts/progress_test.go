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

func TestFinished(t *testing.T) {
	const film = 119 * time.Minute
	tests := []struct {
		name     string
		pos, dur time.Duration
		want     bool
		rule     string
	}{
		{"start", 0, film, false, "position 0 is not finished"},
		{"middle", film / 2, film, false, "halfway is not finished"},
		{"just under 95%", film*95/100 - time.Second, film, false, "under 95% and before the last minute is not finished"},
		{"95%", film * 95 / 100, film, true, "95% of the duration is finished"},
		{"end", film, film, true, "the end is finished"},
		{"short: last minute", 9 * time.Minute, 10 * time.Minute, true, "within the last 60 s is finished even under 95%"},
		{"short: before last minute", 8*time.Minute + 59*time.Second, 10 * time.Minute, false, "61 s before the end of 10 min is not finished"},
		{"clip shorter than a minute", 5 * time.Second, 50 * time.Second, true, "a clip under a minute is always within its last minute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accounts.Finished(tt.pos, tt.dur); got != tt.want {
				t.Errorf("%s: Finished(%v, %v) = %v", tt.rule, tt.pos, tt.dur, got)
			}
		})
	}
}

func TestProgressAndContinueWatching(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		s := newService(t, db, c)
		u := mustUser(t, s, "viewer@example.com", "correct horse")
		p := mustProfile(t, s, u.ID, accounts.ProfileInput{Name: "Ren", Language: "en", MaxAge: 21})
		q := mustProfile(t, s, u.ID, accounts.ProfileInput{Name: "Other", Language: "en", MaxAge: 21})
		const film = 119 * time.Minute
		titles := map[string]int64{}
		for _, n := range []string{"started", "resumed", "finished", "credits", "untouched", "older"} {
			titles[n] = newTitle(t, db, n)
		}
		save := func(name string, pos time.Duration) {
			t.Helper()
			if err := s.SaveProgress(ctx, p.ID, titles[name], 7, pos, film); err != nil {
				t.Fatalf("save %s: %v", name, err)
			}
			c.Advance(time.Minute)
		}
		save("older", 10*time.Minute)
		save("started", 5*time.Minute)
		save("resumed", 20*time.Minute)
		save("finished", film)
		save("credits", film-30*time.Second)
		save("untouched", 0)
		save("resumed", 42*time.Minute) // watched again: now the most recent

		got, err := s.Progress(ctx, p.ID, titles["resumed"])
		if err != nil {
			t.Fatal(err)
		}
		if got.Position != 42*time.Minute || got.Duration != film || got.AssetID != 7 || got.Resume() != 42*time.Minute || got.Finished {
			t.Errorf("Progress must return the last saved position for resume: %+v", got)
		}
		if fin, _ := s.Progress(ctx, p.ID, titles["finished"]); !fin.Finished || fin.Resume() != 0 {
			t.Errorf("a finished title resumes from the start: %+v", fin)
		}
		if _, err := s.Progress(ctx, q.ID, titles["resumed"]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("progress is per profile: want ErrNotFound for the other profile, got %v", err)
		}

		row, err := s.ContinueWatching(ctx, p.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"resumed", "started", "older"}
		if len(row) != len(want) {
			t.Fatalf("Continue Watching holds started, unfinished titles only (not position 0, not 95%%, not the last minute): %+v", row)
		}
		for i, n := range want {
			if row[i].TitleID != titles[n] {
				t.Errorf("Continue Watching is ordered by last watched, newest first: position %d is %d, want %s", i, row[i].TitleID, n)
			}
		}
		if top, _ := s.ContinueWatching(ctx, p.ID, 1); len(top) != 1 || top[0].TitleID != titles["resumed"] {
			t.Errorf("ContinueWatching honours its limit: %+v", top)
		}

		if err := s.SaveProgress(ctx, p.ID, titles["older"], 7, 3*film, film); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Progress(ctx, p.ID, titles["older"]); got.Position != film || !got.Finished {
			t.Errorf("a position past the end counts as the end: %+v", got)
		}
		if err := s.ClearProgress(ctx, p.ID, titles["started"]); err != nil {
			t.Fatal(err)
		}
		if row, _ := s.ContinueWatching(ctx, p.ID, 0); len(row) != 1 {
			t.Errorf("ClearProgress takes a title off Continue Watching: %+v", row)
		}

		bad := []struct {
			name     string
			pos, dur time.Duration
			field    string
		}{
			{"negative position", -time.Second, film, "position"},
			{"zero duration", 0, 0, "duration"},
			{"negative duration", 0, -film, "duration"},
			{"absurd duration", 0, 2000 * time.Hour, "duration"},
		}
		for _, tt := range bad {
			if err := s.SaveProgress(ctx, p.ID, titles["started"], 7, tt.pos, tt.dur); fieldOf(t, err) != tt.field {
				t.Errorf("%s must be refused naming %s", tt.name, tt.field)
			}
		}
		if err := s.SaveProgress(ctx, p.ID, 424242, 7, time.Minute, film); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("progress in a missing title: want ErrNotFound, got %v", err)
		}
		if err := s.SaveProgress(ctx, 424242, titles["started"], 7, time.Minute, film); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("progress of a missing profile: want ErrNotFound, got %v", err)
		}
	})
}
