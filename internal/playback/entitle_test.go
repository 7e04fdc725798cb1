package playback_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// fakeRights answers availability from a map of territory to windows.
type fakeRights map[string]rights.Availability

func (f fakeRights) Availability(_ context.Context, _ int64, territory string, _ time.Time) (rights.Availability, error) {
	return f[territory], nil
}

type fakeTitles map[int64]int // title ID → min age

func (f fakeTitles) GetTitle(_ context.Context, id int64) (catalog.Title, error) {
	age, ok := f[id]
	if !ok {
		return catalog.Title{}, fmt.Errorf("catalog: get title %d: %w", id, store.ErrNotFound)
	}
	return catalog.Title{ID: id, MinAge: age}, nil
}

func ptr(t time.Time) *time.Time { return &t }

func TestEntitle(t *testing.T) {
	now := t0
	start := now.Add(-24 * time.Hour)
	soon := now.Add(2 * time.Hour)
	later := now.Add(30 * 24 * time.Hour)
	r := fakeRights{
		"PH": {Available: true, LicenseID: 1, StartsAt: &start},                    // open-ended
		"US": {Available: true, LicenseID: 2, StartsAt: &start, EndsAt: ptr(soon)}, // ends in 2 h
		"FR": {Available: true, LicenseID: 3, StartsAt: &start, EndsAt: ptr(later)},
		"JP": {Available: false, LicenseID: 4, StartsAt: ptr(later)}, // coming in 30 days
		"GB": {Available: true, LicenseID: 5, StartsAt: &start, EndsAt: ptr(now.Add(400 * time.Millisecond))},
	}
	titles := fakeTitles{1: 0, 2: 18, 3: 12}
	assets := playback.AssetFunc(func(_ context.Context, titleID int64) (int64, error) {
		if titleID == 3 {
			return 0, fmt.Errorf("media: no ready asset: %w", store.ErrNotFound)
		}
		return 100 + titleID, nil
	})
	signer := mustSigner(t, "k1", map[string][]byte{"k1": key1})
	s, err := playback.New(playback.Config{Signer: signer, Rights: r, Titles: titles, Assets: assets, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	adult := playback.Viewer{ProfileID: 7, MaxAge: 21}
	kids := playback.Viewer{ProfileID: 8, MaxAge: 7}
	in := func(v playback.Viewer, territory string) playback.Viewer { v.Territory = territory; return v }

	tests := []struct {
		name    string
		viewer  playback.Viewer
		title   int64
		denied  error
		expires time.Time
		rule    string
	}{
		{"open-ended", in(adult, "PH"), 1, nil, now.Add(6 * time.Hour), "an open-ended window gives a token for the TTL"},
		{"window ends first", in(adult, "US"), 1, nil, soon, "a token never outlives the license window"},
		{"window ends later", in(adult, "FR"), 1, nil, now.Add(6 * time.Hour), "a far window end leaves the TTL"},
		{"adult title, adult profile", in(adult, "PH"), 2, nil, now.Add(6 * time.Hour), "a title within the limit plays"},
		{"adult title, kids profile", in(kids, "PH"), 2, playback.ErrMaturity, time.Time{}, "a kids profile may not play an adult title"},
		{"maturity before availability", in(kids, "JP"), 2, playback.ErrMaturity, time.Time{}, "a kids profile is refused for maturity before anything else"},
		{"not yet", in(adult, "JP"), 1, playback.ErrNotAvailable, time.Time{}, "a window not yet open is refused"},
		{"no license", in(adult, "CN"), 1, playback.ErrNotAvailable, time.Time{}, "a territory without a license is refused"},
		{"ends within the second", in(adult, "GB"), 1, playback.ErrNotAvailable, time.Time{}, "a window ending before the next whole second gives no token"},
		{"no asset", in(adult, "PH"), 3, playback.ErrNoMedia, time.Time{}, "a title with nothing to play is refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := s.Entitle(context.Background(), tt.viewer, tt.title)
			if tt.denied != nil {
				var de *playback.DeniedError
				if !errors.Is(err, tt.denied) || !errors.As(err, &de) {
					t.Fatalf("%s: want a *DeniedError matching %v, got %v", tt.rule, tt.denied, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.rule, err)
			}
			if !g.Claims.ExpiresAt.Equal(tt.expires) {
				t.Errorf("%s: token expires %v, want %v", tt.rule, g.Claims.ExpiresAt, tt.expires)
			}
			c, err := signer.Verify(g.Token, now)
			if err != nil {
				t.Fatalf("a granted token must verify: %v", err)
			}
			want := playback.Claims{AssetID: 100 + tt.title, ProfileID: tt.viewer.ProfileID, TitleID: tt.title, Territory: tt.viewer.Territory, ExpiresAt: tt.expires, KeyID: "k1"}
			if c != want || g.Claims != want {
				t.Errorf("the token is bound to asset, profile, title and territory:\n got %+v\nwant %+v", c, want)
			}
		})
	}

	var de *playback.DeniedError
	if _, err := s.Entitle(context.Background(), in(adult, "JP"), 1); errors.As(err, &de) {
		if de.Availability.StartsAt == nil || !de.Availability.StartsAt.Equal(later) {
			t.Errorf("a not-yet refusal carries when the title comes, for the page: %+v", de.Availability)
		}
	}
	if _, err := s.Entitle(context.Background(), in(adult, "PH"), 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a missing title is ErrNotFound, got %v", err)
	}
	if _, err := s.Entitle(context.Background(), playback.Viewer{MaxAge: 21, Territory: "PH"}, 1); err == nil {
		t.Errorf("a viewer without a profile gets no token")
	}
}

// TestEntitleWithRights runs Entitle against the real rights engine and
// catalogue on both databases: the license window decides, in the viewer's
// own time zone.
func TestEntitleWithRights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var titleID, adultID int64
		for _, row := range []struct {
			id  *int64
			age int
		}{{&titleID, 0}, {&adultID, 18}} {
			if err := db.QueryRowContext(ctx, `INSERT INTO titles (original_title, original_language, min_age, created_at) VALUES ($1, 'zh', $2, 1) RETURNING id`,
				"后来的我们", row.age).Scan(row.id); err != nil {
				t.Fatal(err)
			}
		}
		var now time.Time
		rs := rights.New(db, rights.Config{Licensee: "Lineup", Now: func() time.Time { return now }})
		for _, id := range []int64{titleID, adultID} {
			start, _ := rights.ParseMoment("2018-06-22")
			end, _ := rights.ParseMoment("2018-09-01")
			if _, _, err := rs.Add(ctx, rights.License{TitleID: id, Licensor: "Studio", Licensee: "Lineup", Type: rights.SVOD,
				Territories: []string{"PH", "US"}, Start: start, End: end}, false); err != nil {
				t.Fatal(err)
			}
		}
		signer := mustSigner(t, "k1", map[string][]byte{"k1": key1})
		s, err := playback.New(playback.Config{Signer: signer, Rights: rs, Titles: catalog.New(db),
			Assets: playback.AssetFunc(func(context.Context, int64) (int64, error) { return 9, nil }),
			Now:    func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		// 22 June 00:30 in Manila is still 21 June in New York.
		now = time.Date(2018, 6, 21, 16, 30, 0, 0, time.UTC)
		ph := playback.Viewer{ProfileID: 1, MaxAge: 21, Territory: "PH"}
		us := playback.Viewer{ProfileID: 1, MaxAge: 21, Territory: "US"}
		if _, err := s.Entitle(ctx, ph, titleID); err != nil {
			t.Errorf("the window opens at local midnight in Manila: %v", err)
		}
		if _, err := s.Entitle(ctx, us, titleID); !errors.Is(err, playback.ErrNotAvailable) {
			t.Errorf("the same license is not open yet in New York: %v", err)
		}
		// 22 June 01:00 in New York is still 21 June in Los Angeles: a
		// viewer whose GeoIP zone is Los Angeles waits for their midnight.
		now = time.Date(2018, 6, 22, 5, 0, 0, 0, time.UTC)
		if _, err := s.Entitle(ctx, us, titleID); err != nil {
			t.Errorf("open at midnight in New York: %v", err)
		}
		la := playback.Viewer{ProfileID: 1, MaxAge: 21, Territory: "US", Zone: "America/Los_Angeles"}
		if _, err := s.Entitle(ctx, la, titleID); !errors.Is(err, playback.ErrNotAvailable) {
			t.Errorf("a viewer in Los Angeles waits for their own local midnight: %v", err)
		}
		now = time.Date(2018, 6, 22, 7, 0, 0, 0, time.UTC)
		if _, err := s.Entitle(ctx, la, titleID); err != nil {
			t.Errorf("open at midnight in Los Angeles: %v", err)
		}
		if _, err := s.Entitle(ctx, playback.Viewer{ProfileID: 2, MaxAge: 12, Territory: "PH"}, adultID); !errors.Is(err, playback.ErrMaturity) {
			t.Errorf("a kids profile is refused an 18 title: %v", err)
		}
		// Two hours before the window closes in Manila the token lasts two hours.
		end := time.Date(2018, 9, 1, 0, 0, 0, 0, rights.Zone("PH"))
		now = end.Add(-2 * time.Hour)
		g, err := s.Entitle(ctx, ph, titleID)
		if err != nil {
			t.Fatal(err)
		}
		if !g.Claims.ExpiresAt.Equal(end) {
			t.Errorf("the token expires with the license window (%v), got %v", end, g.Claims.ExpiresAt)
		}
		if _, err := signer.Verify(g.Token, end); !errors.Is(err, playback.ErrExpired) {
			t.Errorf("after the window ends the next playlist fetch is refused: %v", err)
		}
	})
}
