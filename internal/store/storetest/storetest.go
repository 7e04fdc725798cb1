// Package storetest gives each test its own migrated database, on SQLite and
// on PostgreSQL, so that the same test proves a rule on both engines.
//
// PostgreSQL tests need LINEUP_TEST_POSTGRES_URL, a URL of a server where the
// test may create and drop databases (the README's test command starts one
// and sets it). Without it the PostgreSQL half is skipped with a message,
// unless LINEUP_TEST_REQUIRE_POSTGRES=1, when it fails instead: CI sets that,
// so a skipped PostgreSQL run can never pass for a real one.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/lineup/lineup/internal/store"
)

// Each runs fn as two subtests, "sqlite" and "postgres", each with a fresh,
// migrated database that is closed (and on PostgreSQL dropped) afterwards.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a fresh migrated SQLite database in the test's temp folder.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "lineup.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// PostgresURL returns a URL for a new, empty PostgreSQL database that is
// dropped when the test ends; it skips (or fails, see the package doc) when
// no server is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("LINEUP_TEST_POSTGRES_URL")
	if admin == "" {
		if os.Getenv("LINEUP_TEST_REQUIRE_POSTGRES") == "1" {
			t.Fatal("LINEUP_TEST_REQUIRE_POSTGRES=1 but LINEUP_TEST_POSTGRES_URL is empty: the PostgreSQL half of the suite cannot run")
		}
		t.Skip("postgres: LINEUP_TEST_POSTGRES_URL is not set; run the README's test command (scripts/test) to start one")
	}
	ctx := context.Background()
	adb, err := store.Open(ctx, admin)
	if err != nil {
		t.Fatalf("reach test postgres: %v", err)
	}
	defer adb.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "lineup_test_" + hex.EncodeToString(b)
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		adb, err := store.Open(context.Background(), admin)
		if err != nil {
			return
		}
		defer adb.Close()
		adb.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse LINEUP_TEST_POSTGRES_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Postgres returns a fresh migrated PostgreSQL database; see PostgresURL.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, PostgresURL(t))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return db
}
