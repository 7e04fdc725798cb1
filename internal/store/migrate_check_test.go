package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// A shipped migration that was edited after a database applied it is
// refused at start, naming it; so is a database migrated by a newer Lineup
// (a migration this binary does not have), which must not be served by an
// older binary.
func TestMigrateRefusesEditedMigrationsAndNewerDatabases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st, err := db.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range st {
			if !m.Applied || m.Edited || m.Unknown {
				t.Fatalf("a freshly migrated database has every migration applied as shipped: %+v", m)
			}
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatalf("a freshly migrated database may be served: %v", err)
		}

		// The file of migration 1 as it was applied differs from the one
		// this binary carries: that is what editing it does.
		if _, err := db.ExecContext(ctx, `UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1`); err != nil {
			t.Fatal(err)
		}
		_, err = db.Migrate(ctx)
		var se *store.SchemaError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "0001_catalog") || !strings.Contains(err.Error(), "must never be edited") {
			t.Errorf("an edited migration must be refused at start, naming it: %v", err)
		}
		if err := db.CheckSchema(ctx); err == nil {
			t.Error("readiness must refuse an edited migration too")
		}
		if _, err := db.ExecContext(ctx, `UPDATE schema_migrations SET checksum = '' WHERE version = 1`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatalf("a migration applied before checksums were kept is trusted and recorded: %v", err)
		}

		if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (9999, 'from_the_future', 1, 'x')`); err != nil {
			t.Fatal(err)
		}
		_, err = db.Migrate(ctx)
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "9999_from_the_future") || !strings.Contains(err.Error(), "newer Lineup") {
			t.Errorf("a database migrated by a newer Lineup must be refused, saying so: %v", err)
		}
		st, _ = db.Status(ctx)
		if last := st[len(st)-1]; last.Version != 9999 || !last.Unknown {
			t.Errorf("status must list the unknown migration: %+v", last)
		}
	})
}

// A database migrated before checksums existed (no checksum column) is
// upgraded in place.
func TestMigrateAddsChecksumsToAnOldDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir()+"/old.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate an old database: %v", err)
	}
	var blank int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE checksum = ''`).Scan(&blank); err != nil || blank != 0 {
		t.Errorf("every applied migration has its checksum recorded: %d blank, %v", blank, err)
	}
}
