package app

import (
	"context"
	"fmt"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// runMigrateStatus prints every migration with its state: applied (and
// when), pending, edited since it was applied, or unknown to this binary
// (a newer Lineup migrated the database). It fails, after printing, when
// this binary must not serve the database.
func runMigrateStatus(ctx context.Context, e *env, args []string) error {
	_, parse := e.flags("migrate status")
	if err := parse(args); err != nil {
		return err
	}
	db, err := store.Open(ctx, e.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	type row struct {
		Version   int    `json:"version"`
		Name      string `json:"name"`
		State     string `json:"state"`
		AppliedAt string `json:"applied_at,omitempty"`
	}
	var out []row
	var rows [][]string
	for _, m := range st {
		r := row{Version: m.Version, Name: m.Name, State: "pending"}
		switch {
		case m.Unknown:
			r.State = "unknown to this binary (a newer Lineup applied it)"
		case m.Edited:
			r.State = "EDITED since it was applied"
		case m.Applied:
			r.State = "applied"
		}
		if m.Applied {
			r.AppliedAt = m.AppliedAt.Format(time.RFC3339)
		}
		out = append(out, r)
		rows = append(rows, []string{fmt.Sprintf("%04d", r.Version), r.Name, r.State, r.AppliedAt})
	}
	if err := e.show(out, []string{"VERSION", "NAME", "STATE", "APPLIED AT"}, rows); err != nil {
		return err
	}
	return db.CheckSchema(ctx)
}
