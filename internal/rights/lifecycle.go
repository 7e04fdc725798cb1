package rights

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// Change says who changes a license and why; every change is recorded with
// it (see History).
type Change struct {
	// Actor names who makes the change: an admin's email, an API token's
	// name, "cli:<user>", "avails:<file>". Required.
	Actor string
	// Reason says why. Required to terminate or withdraw; optional to
	// amend.
	Reason string
}

// Action is the kind of a recorded change.
type Action string

// The actions a Revision records.
const (
	ActionCreated    Action = "created"
	ActionAmended    Action = "amended"
	ActionTerminated Action = "terminated"
	ActionWithdrawn  Action = "withdrawn"
)

// Revision is one state of a license and the change that made it.
type Revision struct {
	// Version is the license's version after the change (1 for created).
	Version int64  `json:"version"`
	Action  Action `json:"action"`
	// Actor and Reason are the Change's; empty for the created revision
	// (Add does not take a Change).
	Actor  string    `json:"actor"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	// Before is the license before the change, nil for created.
	Before *License `json:"before"`
	After  License  `json:"after"`
}

// Amend changes the terms of stored license id to those of l and records
// the change. l is the license as it should be: its window (Start, End),
// Territories, Excluded, Exclusive, OriginalBranding, Holdbacks, Zone and
// ExternalID replace the stored ones. Its TitleID, Licensor, Licensee and
// Type, when given, must be the stored ones (names compared with SameName;
// a new spelling of the same name is kept); when zero they are the stored
// ones. ID, Forced, Status, Version and the times are ignored.
//
// The amended license is validated and conflict-checked exactly as a new
// license (against every other license; not against itself). When it
// conflicts and force is false, nothing changes and the error is a
// *ConflictError; with force it is stored with Forced set and the conflicts
// are recorded and returned. When l's terms equal the stored ones, nothing
// is recorded and the stored license is returned as it is (same Version):
// re-sending the same terms is harmless.
//
// An unknown id wraps store.ErrNotFound; a withdrawn license, a change of
// an unchangeable field, an invalid license or a missing Actor is a
// *FieldError. A terminated license may be amended; it stays terminated.
// Changes of one title's licenses are serialized with Add.
func (s *Service) Amend(ctx context.Context, id int64, l License, ch Change, force bool) (License, []Conflict, error) {
	if err := checkChange(ch, false); err != nil {
		return License{}, nil, err
	}
	var out License
	var cs []Conflict
	var before int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.lockLicense(ctx, tx, id)
		if err != nil {
			return err
		}
		before = cur.Version
		r, err := amended(cur, l)
		if err != nil {
			return err
		}
		if sameTerms(cur, r.l) {
			out = cur
			return nil
		}
		cs, err = s.conflicts(ctx, tx, r, id)
		if err != nil {
			return fmt.Errorf("rights: amend license %d: %w", id, err)
		}
		if len(cs) > 0 && !force {
			return &ConflictError{Conflicts: cs}
		}
		for i := range cs {
			cs[i].LicenseID = id
		}
		r.l.Forced = len(cs) > 0
		r.l.Status = cur.Status
		if err := s.record(ctx, tx, cur, r, ActionAmended, ch); err != nil {
			return fmt.Errorf("rights: amend license %d: %w", id, err)
		}
		if err := insertConflicts(ctx, tx, s.db.Dialect, cur.TitleID, cs, r.l.UpdatedAt); err != nil {
			return fmt.Errorf("rights: record conflicts: %w", err)
		}
		out = r.l
		return nil
	})
	if err != nil {
		return License{}, cs, err
	}
	if out.Version != before {
		s.notify(ctx, EventAmended, out, ch)
	}
	return out, cs, nil
}

// CheckAmend returns the conflicts that Amend(id, l) would find, without
// changing anything: what an edit form shows before it is saved. Its errors
// are Amend's.
func (s *Service) CheckAmend(ctx context.Context, id int64, l License) ([]Conflict, error) {
	cur, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur.Status == StatusWithdrawn {
		return nil, withdrawnError(cur)
	}
	r, err := amended(cur, l)
	if err != nil {
		return nil, err
	}
	cs, err := s.conflicts(ctx, s.db, r, id)
	if err != nil {
		return nil, fmt.Errorf("rights: check amendment of license %d: %w", id, err)
	}
	for i := range cs {
		cs[i].LicenseID = id
	}
	return cs, nil
}

// Terminate ends license id early, at end (a date, local midnight in each
// territory as for any end, or an instant), and records why. end must be
// earlier than the current end in at least one covered territory and later
// in none (to extend a license, amend it), and after the start everywhere
// (to call off a license that has not started, withdraw it). Shortening a
// window cannot create conflicts, so none are checked. The license's Status
// becomes StatusTerminated.
//
// An unknown id wraps store.ErrNotFound; a withdrawn license, a bad end, a
// missing Reason or Actor is a *FieldError.
func (s *Service) Terminate(ctx context.Context, id int64, end Moment, ch Change) (License, error) {
	if err := checkChange(ch, true); err != nil {
		return License{}, err
	}
	if end.IsZero() {
		return License{}, &FieldError{Field: "end", Reason: "terminating needs the new end, such as 2019-01-01 or 2019-01-01T00:00:00Z"}
	}
	var out License
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.lockLicense(ctx, tx, id)
		if err != nil {
			return err
		}
		was, err := resolve(cur)
		if err != nil {
			return fmt.Errorf("rights: terminate license %d: stored license does not resolve: %w", id, err)
		}
		next := cur
		next.End = end
		r, err := resolve(next)
		if err != nil {
			var fe *FieldError
			if errors.As(err, &fe) && fe.Field == "end" {
				fe.Reason += "; to call off a license before it starts, withdraw it"
			}
			return err
		}
		earlier := false
		for i, w := range r.windows {
			old := was.windows[i]
			if w.end > old.end {
				return &FieldError{Field: "end", Value: end.String(), Reason: fmt.Sprintf(
					"terminating ends a license early, but %s is after its current end %s in %s: to extend a license, amend it",
					end, endText(cur.End), w.territory)}
			}
			earlier = earlier || w.end < old.end
		}
		if !earlier {
			return &FieldError{Field: "end", Value: end.String(), Reason: fmt.Sprintf(
				"the license already ends at %s: give an earlier end", endText(cur.End))}
		}
		r.l.Forced = cur.Forced
		r.l.Status = StatusTerminated
		if err := s.record(ctx, tx, cur, r, ActionTerminated, ch); err != nil {
			return fmt.Errorf("rights: terminate license %d: %w", id, err)
		}
		out = r.l
		return nil
	})
	if err != nil {
		return License{}, err
	}
	s.notify(ctx, EventTerminated, out, ch)
	return out, nil
}

// Withdraw withdraws license id: it is kept, with its history, marked
// StatusWithdrawn, and never counted again (availability, lineup rows,
// conflicts and holdbacks all ignore it from now on; as-of answers about
// earlier moments still see it). It records why.
//
// An unknown id wraps store.ErrNotFound; a license already withdrawn, a
// missing Reason or Actor is a *FieldError.
func (s *Service) Withdraw(ctx context.Context, id int64, ch Change) (License, error) {
	if err := checkChange(ch, true); err != nil {
		return License{}, err
	}
	var out License
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.lockLicense(ctx, tx, id)
		if err != nil {
			return err
		}
		r, err := resolve(cur)
		if err != nil {
			return fmt.Errorf("rights: withdraw license %d: stored license does not resolve: %w", id, err)
		}
		r.l.Forced = cur.Forced
		r.l.Status = StatusWithdrawn
		if err := s.record(ctx, tx, cur, r, ActionWithdrawn, ch); err != nil {
			return fmt.Errorf("rights: withdraw license %d: %w", id, err)
		}
		out = r.l
		return nil
	})
	if err != nil {
		return License{}, err
	}
	s.notify(ctx, EventWithdrawn, out, ch)
	return out, nil
}

// History returns every state of license id, oldest first: the created
// revision (rebuilt from the record: Add takes no Change, so its Actor and
// Reason are empty), then one revision per recorded change. An unknown id
// wraps store.ErrNotFound.
func (s *Service) History(ctx context.Context, id int64) ([]Revision, error) {
	return s.history(ctx, s.db, id)
}

func (s *Service) history(ctx context.Context, q store.Querier, id int64) ([]Revision, error) {
	ls, err := listIn(ctx, q, `WHERE id = $1`, `WHERE license_id = $1`, 0, id)
	if err != nil {
		return nil, fmt.Errorf("rights: history of license %d: %w", id, err)
	}
	if len(ls) == 0 {
		return nil, fmt.Errorf("rights: license %d: %w", id, store.ErrNotFound)
	}
	cur := ls[0]
	var revs []Revision
	err = store.EachRow(ctx, q, `SELECT version, action, actor, reason, changed_at, before_json, after_json
		FROM license_changes WHERE license_id = $1 ORDER BY id`, []any{id}, func(rows *sql.Rows) error {
		var r Revision
		var action, before, after string
		var at int64
		if err := rows.Scan(&r.Version, &action, &r.Actor, &r.Reason, &at, &before, &after); err != nil {
			return err
		}
		r.Action, r.At = Action(action), time.UnixMilli(at).UTC()
		r.Before = new(License)
		if err := json.Unmarshal([]byte(before), r.Before); err != nil {
			return fmt.Errorf("revision %d before: %w", r.Version, err)
		}
		if err := json.Unmarshal([]byte(after), &r.After); err != nil {
			return fmt.Errorf("revision %d after: %w", r.Version, err)
		}
		revs = append(revs, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rights: history of license %d: %w", id, err)
	}
	first := cur
	if len(revs) > 0 {
		first = *revs[0].Before
	}
	created := Revision{Version: first.Version, Action: ActionCreated, At: first.CreatedAt, After: first}
	return append([]Revision{created}, revs...), nil
}

// GetAsOf returns license id as Lineup recorded it at instant asOf: the
// state in force then (see History). A license created after asOf, or an
// unknown id, wraps store.ErrNotFound.
func (s *Service) GetAsOf(ctx context.Context, id int64, asOf time.Time) (License, error) {
	revs, err := s.History(ctx, id)
	if err != nil {
		return License{}, err
	}
	t := asOf.UnixMilli()
	if t < revs[0].At.UnixMilli() {
		return License{}, fmt.Errorf("rights: license %d as of %s: not yet recorded: %w", id, asOf.UTC().Format(time.RFC3339), store.ErrNotFound)
	}
	out := revs[0].After
	for _, r := range revs[1:] {
		if r.At.UnixMilli() <= t {
			out = r.After
		}
	}
	return out, nil
}

// lockLicense reads license id inside tx after locking its title's licenses
// (see titleExists), refusing a withdrawn one.
func (s *Service) lockLicense(ctx context.Context, tx *sql.Tx, id int64) (License, error) {
	var title int64
	err := tx.QueryRowContext(ctx, `SELECT title_id FROM licenses WHERE id = $1`, id).Scan(&title)
	if errors.Is(err, sql.ErrNoRows) {
		return License{}, fmt.Errorf("rights: license %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return License{}, fmt.Errorf("rights: license %d: %w", id, err)
	}
	if err := titleExists(ctx, tx, title, true, s.db.Dialect); err != nil {
		return License{}, err
	}
	ls, err := listIn(ctx, tx, `WHERE id = $1`, `WHERE license_id = $1`, 0, id)
	if err != nil {
		return License{}, fmt.Errorf("rights: license %d: %w", id, err)
	}
	if len(ls) == 0 {
		return License{}, fmt.Errorf("rights: license %d: %w", id, store.ErrNotFound)
	}
	if ls[0].Status == StatusWithdrawn {
		return License{}, withdrawnError(ls[0])
	}
	return ls[0], nil
}

func withdrawnError(l License) error {
	return &FieldError{Field: "status", Value: string(l.Status), Reason: fmt.Sprintf(
		"license %d was withdrawn on %s and cannot change any more: add a new license instead", l.ID, l.UpdatedAt.Format(time.RFC3339))}
}

// amended returns cur with the terms of l, resolved (see Amend).
func amended(cur, l License) (*resolved, error) {
	if l.TitleID != 0 && l.TitleID != cur.TitleID {
		return nil, unchangeable("title_id", strconv.FormatInt(l.TitleID, 10))
	}
	if l.Licensor == "" {
		l.Licensor = cur.Licensor
	} else if !SameName(l.Licensor, cur.Licensor) {
		return nil, unchangeable("licensor", clip(l.Licensor))
	}
	if l.Licensee == "" {
		l.Licensee = cur.Licensee
	} else if !SameName(l.Licensee, cur.Licensee) {
		return nil, unchangeable("licensee", clip(l.Licensee))
	}
	if l.Type == "" {
		l.Type = cur.Type
	} else if t, err := ParseLicenseType(string(l.Type)); err != nil || t != cur.Type {
		return nil, unchangeable("license_type", clip(string(l.Type)))
	}
	l.TitleID = cur.TitleID
	r, err := resolve(l)
	if err != nil {
		return nil, err
	}
	r.l.ID, r.l.CreatedAt = cur.ID, cur.CreatedAt
	return r, nil
}

func unchangeable(field, value string) error {
	return &FieldError{Field: field, Value: value, Reason: field + " cannot be amended: withdraw this license and add a new one"}
}

// sameTerms reports whether a stored license and a resolved amendment of it
// carry the same terms.
func sameTerms(cur, next License) bool {
	a, b := cur, next
	for _, l := range []*License{&a, &b} {
		l.ID, l.Forced, l.Status, l.Version = 0, false, "", 0
		l.CreatedAt, l.UpdatedAt = time.Time{}, time.Time{}
		if len(l.Holdbacks) == 0 {
			l.Holdbacks = nil
		}
		if len(l.Excluded) == 0 {
			l.Excluded = nil
		}
	}
	return reflect.DeepEqual(a, b)
}

// checkChange checks who and why.
func checkChange(ch Change, reasonRequired bool) error {
	if strings.TrimSpace(ch.Actor) == "" {
		return &FieldError{Field: "actor", Reason: "a change records who made it: give the actor"}
	}
	if err := checkText("actor", ch.Actor, MaxActorLength, false); err != nil {
		return err
	}
	if reasonRequired && strings.TrimSpace(ch.Reason) == "" {
		return &FieldError{Field: "reason", Reason: "say why: a reason is required to terminate or withdraw a license"}
	}
	return checkText("reason", ch.Reason, MaxReasonLength, true)
}

func endText(m Moment) string {
	if m.IsZero() {
		return "(open end)"
	}
	return m.String()
}

// record replaces the stored state of cur with r.l (r.l.Status set by the
// caller) inside tx: the windows believed so far move to
// license_windows_past, closed now; the license row, its holdbacks and its
// windows (none when withdrawn) are rewritten; the change is appended to
// license_changes. It sets r.l's Version and UpdatedAt.
func (s *Service) record(ctx context.Context, tx *sql.Tx, cur License, r *resolved, action Action, ch Change) error {
	now := time.UnixMilli(max(s.now().UnixMilli(), cur.UpdatedAt.UnixMilli())).UTC()
	r.l.ID, r.l.CreatedAt = cur.ID, cur.CreatedAt
	r.l.Version, r.l.UpdatedAt = cur.Version+1, now
	at := now.UnixMilli()
	if _, err := tx.ExecContext(ctx, `INSERT INTO license_windows_past (title_id, territory, license_id, licensee, license_type,
		exclusive, starts_at, ends_at, start_dated, end_dated, recorded_from, recorded_to)
		SELECT title_id, territory, license_id, licensee, license_type, exclusive, starts_at, ends_at, start_dated, end_dated, recorded_from, $3
		FROM license_windows WHERE title_id = $1 AND license_id = $2`, cur.TitleID, cur.ID, at); err != nil {
		return fmt.Errorf("keep past windows: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM license_windows WHERE title_id = $1 AND license_id = $2`, cur.TitleID, cur.ID); err != nil {
		return fmt.Errorf("delete windows: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM holdbacks WHERE license_id = $1`, cur.ID); err != nil {
		return fmt.Errorf("delete holdbacks: %w", err)
	}
	l := r.l
	sd, sa := momentArgs(l.Start)
	ed, ea := momentArgs(l.End)
	if _, err := tx.ExecContext(ctx, `UPDATE licenses SET licensor = $2, licensee = $3, territories = $4, excluded_territories = $5,
		start_date = $6, start_at = $7, end_date = $8, end_at = $9, exclusive = $10, original_branding = $11, forced = $12,
		external_id = $13, zone = $14, status = $15, version = $16, updated_at = $17 WHERE id = $1`,
		l.ID, l.Licensor, l.Licensee, strings.Join(l.Territories, ","), strings.Join(l.Excluded, ","),
		sd, sa, ed, ea, l.Exclusive, l.OriginalBranding, l.Forced, l.ExternalID, l.Zone, string(l.Status), l.Version, at); err != nil {
		return fmt.Errorf("update license: %w", err)
	}
	if err := insertTerms(ctx, tx, s.db.Dialect, []*resolved{r}); err != nil {
		return fmt.Errorf("write terms: %w", err)
	}
	before, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	after, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO license_changes (license_id, title_id, version, action, actor, reason, changed_at, before_json, after_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		l.ID, l.TitleID, l.Version, string(action), strings.TrimSpace(ch.Actor), strings.TrimSpace(ch.Reason), at, string(before), string(after)); err != nil {
		return fmt.Errorf("record change: %w", err)
	}
	return nil
}
