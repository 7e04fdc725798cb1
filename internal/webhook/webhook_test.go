package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
	"github.com/lineup/lineup/internal/webhook"
)

const secret = "webhook-test-secret"

// delivery is one request the receiver accepted.
type delivery struct {
	id, typ string
	event   rights.Event
}

// receiver is a real HTTP endpoint that refuses the first attempt of every
// delivery with 500 and accepts the second, checking each signature.
type receiver struct {
	t        *testing.T
	mu       sync.Mutex
	attempts map[string]int
	got      chan delivery
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if !webhook.Verify(secret, r.Header.Get("X-Lineup-Timestamp"), body, r.Header.Get("X-Lineup-Signature"), time.Now(), 5*time.Minute) {
		rc.t.Errorf("a delivery must carry a valid HMAC signature of its timestamp and body: %q", r.Header.Get("X-Lineup-Signature"))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if webhook.Verify("another secret", r.Header.Get("X-Lineup-Timestamp"), body, r.Header.Get("X-Lineup-Signature"), time.Now(), 5*time.Minute) {
		rc.t.Errorf("a signature must not verify with another secret")
	}
	id := r.Header.Get("X-Lineup-Delivery")
	rc.mu.Lock()
	rc.attempts[id]++
	n := rc.attempts[id]
	rc.mu.Unlock()
	if n == 1 {
		http.Error(w, "down for a moment", http.StatusInternalServerError)
		return
	}
	var e rights.Event
	if err := json.Unmarshal(body, &e); err != nil {
		rc.t.Errorf("the body is the event as JSON: %v", err)
	}
	w.WriteHeader(http.StatusNoContent)
	rc.got <- delivery{id: id, typ: r.Header.Get("X-Lineup-Event"), event: e}
}

func TestWebhookDeliversSignedRetriedEvents(t *testing.T) {
	engines := map[string]func(t *testing.T) (*store.DB, string){
		"sqlite": func(t *testing.T) (*store.DB, string) { return storetest.SQLite(t), "" },
		"postgres": func(t *testing.T) (*store.DB, string) {
			url := storetest.PostgresURL(t)
			db, err := store.Open(t.Context(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			return db, url
		},
	}
	for name, openDB := range engines {
		t.Run(name, func(t *testing.T) {
			db, url := openDB(t)
			ctx := t.Context()
			rc := &receiver{t: t, attempts: map[string]int{}, got: make(chan delivery, 20)}
			srv := httptest.NewServer(rc)
			t.Cleanup(srv.Close)

			q, err := jobs.New(ctx, db, jobs.Config{DatabaseURL: url, Work: true, FetchPollInterval: 100 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(q.Close)
			scanNow := time.Date(2018, 6, 15, 0, 30, 0, 0, time.UTC)
			var svc *rights.Service
			sender, err := webhook.New(q, rightsProxy{&svc}, webhook.Config{URL: srv.URL + "/hook", Secret: secret, NoticeDays: 7, Now: func() time.Time {
				return time.Now()
			}})
			if err != nil {
				t.Fatal(err)
			}
			svc = rights.New(db, rights.Config{Licensee: "Lineup", Notify: sender.Notify})
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				q.Stop(stop)
			})

			var title int64
			if err := db.QueryRowContext(ctx, `INSERT INTO titles (original_title, original_language, created_at) VALUES ('t', 'zh', 1) RETURNING id`).Scan(&title); err != nil {
				t.Fatal(err)
			}
			m := func(s string) rights.Moment { v, _ := rights.ParseMoment(s); return v }
			opening, _, err := svc.Add(ctx, rights.License{TitleID: title, Licensor: "S", Licensee: "Lineup", Type: rights.SVOD,
				Territories: []string{"IS"}, Start: m("2018-06-22")}, false)
			if err != nil {
				t.Fatal(err)
			}
			leaving, _, err := svc.Add(ctx, rights.License{TitleID: title, Licensor: "S", Licensee: "Lineup", Type: rights.AVOD,
				Territories: []string{"FR"}, Start: m("2018-01-01"), End: m("2018-06-22")}, false)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.Amend(ctx, opening.ID, rights.License{Territories: []string{"IS"}, Start: m("2018-06-22"), End: m("2020-01-01")},
				rights.Change{Actor: "ana@example.com", Reason: "renewed"}, false); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Withdraw(ctx, leaving.ID, rights.Change{Actor: "ana@example.com", Reason: "error"}); err != nil {
				t.Fatal(err)
			}

			want := map[string]bool{rights.EventCreated: true, rights.EventAmended: true, rights.EventWithdrawn: true}
			seen := map[string]delivery{}
			wait := time.After(45 * time.Second)
			for len(seen) < 4 {
				select {
				case d := <-rc.got:
					key := d.typ
					if d.typ == rights.EventCreated {
						key += d.id
					}
					seen[key] = d
				case <-wait:
					t.Fatalf("every event must arrive, retried after a 500: got %d: %+v", len(seen), seen)
				}
			}
			for typ := range want {
				found := false
				for _, d := range seen {
					found = found || d.typ == typ
				}
				if !found {
					t.Errorf("no %s delivery arrived", typ)
				}
			}
			for _, d := range seen {
				if d.typ == rights.EventAmended && (d.event.Actor != "ana@example.com" || d.event.Reason != "renewed" || d.event.License.End.Date != "2020-01-01") {
					t.Errorf("the amended event carries who, why and the new terms: %+v", d.event)
				}
			}
			rc.mu.Lock()
			for id, n := range rc.attempts {
				if n != 2 {
					t.Errorf("delivery %s was tried %d times; want a refused first try and one retry", id, n)
				}
			}
			rc.mu.Unlock()

			// The scan: a window opening in 7 days is announced. (The FR
			// license was withdrawn, so it does not leave.)
			events, err := svc.Upcoming(ctx, scanNow.Truncate(time.Hour).Add(-time.Hour), scanNow.Truncate(time.Hour), 7)
			if err != nil || len(events) != 1 || events[0].Type != rights.EventOpening || events[0].Date != "2018-06-22" || events[0].Territories[0] != "IS" || events[0].InDays != 7 {
				t.Errorf("the scan finds the window opening in 7 days: %+v %v", events, err)
			}
		})
	}
}

// rightsProxy lets the Sender be built before the rights.Service whose
// Notify it is.
type rightsProxy struct{ s **rights.Service }

func (p rightsProxy) Upcoming(ctx context.Context, from, to time.Time, days int) ([]rights.Event, error) {
	return (*p.s).Upcoming(ctx, from, to, days)
}
