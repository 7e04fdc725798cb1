package playback_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/protect"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

const session1 = "1111111111111111111111111111111111111111111111111111111111111111"

// TestStreamLeasesAndKeyRules proves the stream limit and the rules of a
// key request on both databases: a stream too many is refused naming who
// plays, a stopped or lapsed stream frees its place and loses its key,
// players starting at the same instant never exceed the limit, and each
// key rule refuses with its own reason.
func TestStreamLeasesAndKeyRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := t0
		var mu sync.Mutex
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		start := t0.Add(-24 * time.Hour)
		r := fakeRights{"US": {Available: true, LicenseID: 1, StartsAt: &start}, "FR": {Available: true, LicenseID: 2, StartsAt: &start}}
		key := protect.NewKey()
		s, err := playback.New(playback.Config{Signer: mustSigner(t, "k1", map[string][]byte{"k1": key1}), Rights: r, Titles: fakeTitles{1: 0, 2: 16},
			Assets: playback.AssetFunc(func(context.Context, int64) (int64, error) { return 7, nil }),
			Keys:   playback.KeyFunc(func(context.Context, int64, int) (protect.Key, error) { return key, nil }),
			DB:     db, MaxStreams: 2, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		viewer := func(profile string, device string) playback.Viewer {
			return playback.Viewer{ProfileID: 1, MaxAge: 18, Territory: "US", UserID: 5, SessionID: session1, ProfileName: profile, Device: device}
		}
		a, err := s.Start(ctx, viewer("Alex", "Firefox on Linux"), 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Start(ctx, viewer("Kim", "Chrome on Android"), 1, 0); err != nil {
			t.Fatal(err)
		}
		_, err = s.Start(ctx, viewer("Sam", "Safari on iPhone"), 1, 0)
		var de *playback.DeniedError
		if !errors.As(err, &de) || de.Reason != playback.ReasonStreamLimit || !strings.Contains(err.Error(), "Alex on Firefox on Linux, Kim on Chrome on Android") {
			t.Fatalf("a third stream on a two-stream account is refused naming the profiles and devices playing: %v", err)
		}
		// A refresh of a playing stream keeps its lease: no new place.
		if g, err := s.Start(ctx, viewer("Alex", "Firefox on Linux"), 1, a.Claims.LeaseID); err != nil || g.Claims.LeaseID != a.Claims.LeaseID {
			t.Fatalf("a token refresh keeps the stream's lease: %v %+v", err, g.Claims)
		}

		keyReq := func(tok string) playback.KeyRequest {
			return playback.KeyRequest{Token: tok, AssetID: 7, SessionID: session1, Territory: "US", MaxAge: 18}
		}
		if k, err := s.Key(ctx, keyReq(a.Token)); err != nil || k != key {
			t.Fatalf("the stream's key is delivered: %v", err)
		}
		rules := []struct {
			name   string
			change func(*playback.KeyRequest)
			want   playback.Reason
		}{
			{"another asset", func(q *playback.KeyRequest) { q.AssetID = 8 }, playback.ReasonAsset},
			{"tampered token", func(q *playback.KeyRequest) { q.Token = "x" + q.Token[1:] }, playback.ReasonToken},
			{"no session", func(q *playback.KeyRequest) { q.SessionID = "" }, playback.ReasonSession},
			{"another session", func(q *playback.KeyRequest) { q.SessionID = strings.Repeat("2", 64) }, playback.ReasonSession},
			{"moved outside the license", func(q *playback.KeyRequest) { q.Territory = "CN" }, playback.ReasonTerritory},
			{"profile limit lowered", func(q *playback.KeyRequest) { q.MaxAge = -1 }, playback.ReasonMaturity},
		}
		for _, rule := range rules {
			q := keyReq(a.Token)
			rule.change(&q)
			if _, err := s.Key(ctx, q); !errors.As(err, &de) || de.Reason != rule.want {
				t.Errorf("%s: a key request must be refused with rule %s, got %v", rule.name, rule.want, err)
			}
		}
		q := keyReq(a.Token)
		q.Territory = "FR"
		if _, err := s.Key(ctx, q); err != nil {
			t.Errorf("moving to another licensed country keeps the key: %v", err)
		}

		// Heartbeats keep a lease; 60 s without one lapse it and free its place.
		advance(50 * time.Second)
		if err := s.Heartbeat(ctx, viewer("Alex", "Firefox on Linux"), 1, a.Claims.LeaseID); err != nil {
			t.Fatalf("a heartbeat within 60 s renews the lease: %v", err)
		}
		advance(20 * time.Second) // Kim's lease is 70 s old, Alex's 20 s
		if _, err := s.Key(ctx, keyReq(a.Token)); err != nil {
			t.Errorf("a renewed lease keeps its key: %v", err)
		}
		c, err := s.Start(ctx, viewer("Sam", "Safari on iPhone"), 1, 0)
		if err != nil {
			t.Fatalf("a lease that lapsed (60 s without a heartbeat) frees its place: %v", err)
		}
		if err := s.Stop(ctx, viewer("Alex", "Firefox on Linux"), a.Claims.LeaseID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Key(ctx, keyReq(a.Token)); !errors.As(err, &de) || de.Reason != playback.ReasonLease {
			t.Errorf("a stopped stream's key is refused (rule lease): %v", err)
		}
		if err := s.Heartbeat(ctx, viewer("Alex", "Firefox on Linux"), 1, a.Claims.LeaseID); !errors.As(err, &de) || de.Reason != playback.ReasonLease {
			t.Errorf("a stopped stream's heartbeat is refused (rule lease): %v", err)
		}
		moved := viewer("Sam", "Safari on iPhone")
		moved.Territory = "CN"
		if err := s.Heartbeat(ctx, moved, 1, c.Claims.LeaseID); !errors.As(err, &de) || de.Reason != playback.ReasonTerritory || !strings.Contains(err.Error(), "China") {
			t.Errorf("a heartbeat from outside the license stops the stream and says where the viewer is: %v", err)
		}

		// Ten players of another account start at once: two get a place.
		advance(2 * time.Minute)
		var ok, refused atomic.Int32
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := viewer("P", "a device")
				v.UserID = 6
				_, err := s.Start(ctx, v, 1, 0)
				switch {
				case err == nil:
					ok.Add(1)
				case errors.As(err, new(*playback.DeniedError)):
					refused.Add(1)
				default:
					t.Errorf("start: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 2 || refused.Load() != 8 {
			t.Errorf("players starting at the same instant must never exceed the limit of 2: %d started, %d refused", ok.Load(), refused.Load())
		}

		// And while places are free, none is refused: fifteen players of a
		// third account start at once under a limit of twenty.
		roomy, err := playback.New(playback.Config{Signer: mustSigner(t, "k1", map[string][]byte{"k1": key1}), Rights: r, Titles: fakeTitles{1: 0},
			Assets: playback.AssetFunc(func(context.Context, int64) (int64, error) { return 7, nil }), DB: db, MaxStreams: 20, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		var failed atomic.Int32
		for range 15 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := viewer("P", "a device")
				v.UserID = 7
				if _, err := roomy.Start(ctx, v, 1, 0); err != nil {
					failed.Add(1)
					t.Logf("start: %v", err)
				}
			}()
		}
		wg.Wait()
		if failed.Load() != 0 {
			t.Errorf("a stream must not be refused while the account has free places: %d of 15 refused under a limit of 20", failed.Load())
		}
	})
}
