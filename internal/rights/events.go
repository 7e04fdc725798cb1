package rights

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// The types of Event.
const (
	EventCreated    = "license.created"
	EventAmended    = "license.amended"
	EventTerminated = "license.terminated"
	EventWithdrawn  = "license.withdrawn"
	// EventOpening: a window of the service opens in InDays days.
	EventOpening = "license.opening"
	// EventLeaving: a title's last day under the service's licenses is in
	// InDays days (its window is not continued by another license).
	EventLeaving = "license.leaving"
)

// Event is something that happened to a license, or is about to, as the
// outside world is told of it (see Config.Notify).
type Event struct {
	Type    string    `json:"type"`
	At      time.Time `json:"at"`
	License License   `json:"license"`
	// Actor and Reason are the Change's, for amended, terminated and
	// withdrawn.
	Actor  string `json:"actor,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Territories, Date and InDays describe opening and leaving: the
	// countries, the local date (first day, or last day to watch) in the
	// first of them, and how many days ahead that is.
	Territories []string `json:"territories,omitempty"`
	Date        string   `json:"date,omitempty"`
	InDays      int      `json:"in_days,omitempty"`
}

// notify tells Config.Notify, if set, after a change has been committed.
func (s *Service) notify(ctx context.Context, typ string, l License, ch Change) {
	if s.cfg.Notify == nil {
		return
	}
	at := l.UpdatedAt
	if at.IsZero() {
		at = l.CreatedAt
	}
	s.cfg.Notify(ctx, Event{Type: typ, At: at, License: l, Actor: ch.Actor, Reason: ch.Reason})
}

// Upcoming returns the opening and leaving events of the service's windows
// whose start (opening, when it does not continue another window of the
// service) or end (leaving, when not continued by another license of the
// service) falls in (from+days, to+days]: what to announce
// when a scan that last ran at from runs at to. One event per license and
// kind, its countries sorted; events are ordered by instant, then license.
func (s *Service) Upcoming(ctx context.Context, from, to time.Time, days int) ([]Event, error) {
	ahead := time.Duration(days) * 24 * time.Hour
	lo, hi := from.Add(ahead).UnixMilli(), to.Add(ahead).UnixMilli()
	n := len(s.typeArgs)
	args := append([]any{s.licensee, lo, hi}, s.typeArgs...)
	types := func(alias string) string { return alias + ".license_type IN (" + store.Placeholders(4, n) + ")" }
	type key struct {
		typ string
		id  int64
	}
	type found struct {
		at          int64
		territories []string
	}
	byKey := map[key]*found{}
	collect := func(typ, query string) error {
		return store.EachRow(ctx, s.db, query, args, func(rows *sql.Rows) error {
			var id, at int64
			var territory string
			if err := rows.Scan(&id, &territory, &at); err != nil {
				return err
			}
			k := key{typ, id}
			f := byKey[k]
			if f == nil {
				f = &found{at: at}
				byKey[k] = f
			}
			f.at = min(f.at, at)
			f.territories = append(f.territories, territory)
			return nil
		})
	}
	err := collect(EventOpening, `SELECT w.license_id, w.territory, w.starts_at FROM license_windows w
		WHERE w.licensee = $1 AND w.starts_at > $2 AND w.starts_at <= $3 AND `+types("w")+`
		AND NOT EXISTS (SELECT 1 FROM license_windows o WHERE o.title_id = w.title_id AND o.territory = w.territory
			AND o.licensee = w.licensee AND `+types("o")+` AND o.starts_at < w.starts_at AND o.ends_at >= w.starts_at)`)
	if err == nil {
		err = collect(EventLeaving, `SELECT w.license_id, w.territory, w.ends_at FROM license_windows w
		WHERE w.licensee = $1 AND w.ends_at > $2 AND w.ends_at <= $3 AND `+types("w")+`
		AND NOT EXISTS (SELECT 1 FROM license_windows o WHERE o.title_id = w.title_id AND o.territory = w.territory
			AND o.licensee = w.licensee AND `+types("o")+` AND o.starts_at <= w.ends_at AND o.ends_at > w.ends_at)`)
	}
	if err != nil {
		return nil, fmt.Errorf("rights: upcoming windows: %w", err)
	}
	out := make([]Event, 0, len(byKey))
	for k, f := range byKey {
		l, err := s.Get(ctx, k.id)
		if err != nil {
			return nil, err
		}
		sort.Strings(f.territories)
		e := Event{Type: k.typ, At: time.UnixMilli(f.at).UTC(), License: l, Territories: f.territories, InDays: days}
		if k.typ == EventOpening {
			e.Date = LocalDate(time.UnixMilli(f.at), f.territories[0])
		} else {
			e.Date = LastDay(time.UnixMilli(f.at), f.territories[0])
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		if out[i].License.ID != out[j].License.ID {
			return out[i].License.ID < out[j].License.ID
		}
		return out[i].Type < out[j].Type
	})
	return out, nil
}
