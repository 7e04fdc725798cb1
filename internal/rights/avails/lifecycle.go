package avails

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/lineup/lineup/internal/rights"
)

// Lifecycle changes stored licenses with their history; *rights.Service
// satisfies it.
type Lifecycle interface {
	Amend(ctx context.Context, id int64, l rights.License, ch rights.Change, force bool) (rights.License, []rights.Conflict, error)
	CheckAmend(ctx context.Context, id int64, l rights.License) ([]rights.Conflict, error)
	Withdraw(ctx context.Context, id int64, ch rights.Change) (rights.License, error)
}

// changeLicenses withdraws and amends the stored licenses whose avails the
// sheet changed or withdrew, each change recorded in the license's history
// with the sheet and its rows as the reason. Unless forced, every
// amendment is checked for conflicts first, and one that conflicts stops
// the import before anything changes.
func (im *Importer) changeLicenses(ctx context.Context, p *plan, o ImportOptions, filename string) error {
	actor := o.Actor
	if actor == "" {
		actor = "avails"
	}
	if !o.Force {
		var all []rights.Conflict
		for _, a := range p.amends {
			cs, err := im.licenses.CheckAmend(ctx, a.id, a.to)
			if err != nil {
				return fmt.Errorf("avails: amend license %d: %w", a.id, err)
			}
			all = append(all, cs...)
		}
		if len(all) > 0 {
			return &rights.ConflictError{Conflicts: all}
		}
	}
	for _, w := range p.withdraws {
		ch := rights.Change{Actor: actor, Reason: reason(filename, w.gone, w.why)}
		if _, err := im.licenses.Withdraw(ctx, w.id, ch); err != nil {
			return fmt.Errorf("avails: withdraw license %d: %w", w.id, err)
		}
	}
	// Licenses that only lose territories first, then those that take new
	// terms: a shrunk license cannot conflict with what follows.
	for _, pass := range []bool{false, true} {
		for _, a := range p.amends {
			if (a.rows != nil) != pass {
				continue
			}
			rows := a.rows
			if rows == nil {
				rows = a.gone
			}
			ch := rights.Change{Actor: actor, Reason: reason(filename, rows, a.why)}
			if _, _, err := im.licenses.Amend(ctx, a.id, a.to, ch, o.Force); err != nil {
				return fmt.Errorf("avails: amend license %d: %w", a.id, err)
			}
		}
	}
	return nil
}

// maxReason keeps a recorded reason short enough for the history.
const maxReason = 900

// reason is the history's reason for a change an avails sheet made: the
// sheet, its rows and AvailIDs, the EntryType and what changed.
func reason(filename string, rows []Row, why string) string {
	var labels, ids, entries []string
	for _, r := range rows {
		labels = append(labels, rowLabel(r))
		if r.AvailID != "" {
			ids = append(ids, r.AvailID)
		}
		if !containsString(entries, r.EntryType) {
			entries = append(entries, r.EntryType)
		}
	}
	s := fmt.Sprintf("avails sheet %s, row(s) %s", filepath.Base(filename), strings.Join(labels, ", "))
	if len(ids) > 0 {
		s += " (AvailID " + strings.Join(ids, ", ") + ")"
	}
	s += ", EntryType " + strings.Join(entries, "/") + ": " + why
	if len(s) > maxReason {
		s = s[:maxReason-1] + "…"
	}
	return s
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
