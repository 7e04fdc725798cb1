package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Checksum is the SHA-256 of the migration's file, as recorded in
// schema_migrations when it is applied.
func (m Migration) Checksum() string {
	sum := sha256.Sum256([]byte(m.SQL))
	return hex.EncodeToString(sum[:])
}

// MigrationState is one migration as a database and this binary see it.
type MigrationState struct {
	Version int
	Name    string
	// Applied is set when the database has applied it, at AppliedAt.
	Applied   bool
	AppliedAt time.Time
	// Edited: applied, but the file this binary carries differs from the
	// one that was applied (its checksum does not match). A shipped
	// migration must never change.
	Edited bool
	// Unknown: applied, but this binary has no such migration: a newer
	// Lineup migrated the database.
	Unknown bool
}

// SchemaError says the database's schema is not one this binary may
// serve: it was migrated by a newer Lineup, or a migration it applied has
// since been edited. The message says what to do.
type SchemaError struct {
	Newer  []string // applied migrations this binary does not know
	Edited []string // applied migrations whose file changed since
}

func (e *SchemaError) Error() string {
	var parts []string
	if len(e.Newer) > 0 {
		parts = append(parts, fmt.Sprintf("the database was migrated by a newer Lineup (it has %s, which this binary does not know): run that version or a newer one against it, never an older one", strings.Join(e.Newer, ", ")))
	}
	if len(e.Edited) > 0 {
		parts = append(parts, fmt.Sprintf("migration %s changed after it was applied to this database (its checksum differs): a shipped migration must never be edited; restore the shipped file and put the change in a new migration", strings.Join(e.Edited, ", ")))
	}
	return "store: " + strings.Join(parts, "; ")
}

// Status lists every migration this binary carries and every one the
// database has applied, in version order. A database that was never
// migrated has every migration pending.
func (db *DB) Status(ctx context.Context) ([]MigrationState, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	type applied struct {
		name, checksum string
		at             int64
	}
	done := map[int]applied{}
	rows, err := db.QueryContext(ctx, `SELECT version, name, applied_at, checksum FROM schema_migrations`)
	if err != nil {
		// No table yet (never migrated), or no checksum column yet (migrated
		// by a Lineup from before checksums): read what there is.
		if pingErr := db.PingContext(ctx); pingErr != nil {
			return nil, fmt.Errorf("store: ping: %w", pingErr)
		}
		rows, err = db.QueryContext(ctx, `SELECT version, name, applied_at, '' FROM schema_migrations`)
		if err != nil {
			rows = nil
		}
	}
	if rows != nil {
		defer rows.Close()
		for rows.Next() {
			var v int
			var a applied
			if err := rows.Scan(&v, &a.name, &a.at, &a.checksum); err != nil {
				return nil, fmt.Errorf("store: read schema_migrations: %w", err)
			}
			done[v] = a
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: read schema_migrations: %w", err)
		}
	}
	var out []MigrationState
	for _, m := range all {
		st := MigrationState{Version: m.Version, Name: m.Name}
		if a, ok := done[m.Version]; ok {
			st.Applied, st.AppliedAt = true, time.UnixMilli(a.at).UTC()
			st.Edited = a.checksum != "" && a.checksum != m.Checksum()
			delete(done, m.Version)
		}
		out = append(out, st)
	}
	for v, a := range done {
		out = append(out, MigrationState{Version: v, Name: a.name, Applied: true, AppliedAt: time.UnixMilli(a.at).UTC(), Unknown: true})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// CheckSchema returns a *SchemaError when this binary must not serve the
// database (see SchemaError), nil otherwise; /readyz uses it.
func (db *DB) CheckSchema(ctx context.Context) error {
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	return schemaError(st)
}

func schemaError(st []MigrationState) error {
	e := &SchemaError{}
	for _, m := range st {
		name := fmt.Sprintf("%04d_%s", m.Version, m.Name)
		switch {
		case m.Unknown:
			e.Newer = append(e.Newer, name)
		case m.Edited:
			e.Edited = append(e.Edited, name)
		}
	}
	if len(e.Newer) == 0 && len(e.Edited) == 0 {
		return nil
	}
	return e
}

// checkApplied, run by Migrate before it applies anything, adds the
// checksum column to a schema_migrations table from before checksums,
// refuses a database this binary must not serve, and records the checksum
// of migrations applied before checksums were kept (trusting them as
// shipped).
func (db *DB) checkApplied(ctx context.Context, all []Migration) error {
	if _, err := db.ExecContext(ctx, `SELECT checksum FROM schema_migrations WHERE 1 = 0`); err != nil {
		if _, err := db.ExecContext(ctx, `ALTER TABLE schema_migrations ADD COLUMN checksum TEXT NOT NULL DEFAULT ''`); err != nil {
			// Another node starting at the same moment may have added it.
			if _, again := db.ExecContext(ctx, `SELECT checksum FROM schema_migrations WHERE 1 = 0`); again != nil {
				return fmt.Errorf("store: add checksums to schema_migrations: %w", err)
			}
		}
	}
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	if err := schemaError(st); err != nil {
		return err
	}
	for _, m := range all {
		if _, err := db.ExecContext(ctx, `UPDATE schema_migrations SET checksum = $1 WHERE version = $2 AND checksum = ''`, m.Checksum(), m.Version); err != nil {
			return fmt.Errorf("store: record migration checksums: %w", err)
		}
	}
	return nil
}
