package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/store"
)

// lineup migrate status lists each migration's state; a database migrated
// by a newer Lineup makes it fail, and serve refuses it with a message
// instead of saying ready.
func TestMigrateStatusAndNewerDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lineup.db")
	c := newCLI(t, path)
	if out, _ := c.run("migrate", "status"); !strings.Contains(out, "0001") || !strings.Contains(out, "pending") {
		t.Errorf("before migrating, every migration is pending:\n%s", out)
	}
	c.must("migrate")
	out := c.must("migrate", "status")
	if !strings.Contains(out, "0001  catalog") && !strings.Contains(out, "applied") || strings.Contains(out, "pending") {
		t.Errorf("after migrating, every migration is applied:\n%s", out)
	}

	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), `INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (9999, 'from_the_future', 1, 'x')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err = c.run("migrate", "status")
	if err == nil || !strings.Contains(out, "9999") || !strings.Contains(out, "newer Lineup") {
		t.Errorf("status must show the unknown migration and fail: %v\n%s", err, out)
	}
	c.env["LINEUP_ADDR"] = "127.0.0.1:0"
	_, err = c.run("serve")
	if err == nil || !strings.Contains(err.Error(), "migrated by a newer Lineup") {
		t.Errorf("an older binary must refuse to serve a newer database, saying why: %v", err)
	}
}
