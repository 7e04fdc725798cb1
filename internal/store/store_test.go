package store_test

import (
	"context"
	"testing"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestMigrateIsIdempotentAndCurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := db.Migrate(ctx)
		if err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if n != 0 {
			t.Errorf("migrations must apply once: a second run applied %d", n)
		}
		pending, err := db.Pending(ctx)
		if err != nil || len(pending) != 0 {
			t.Errorf("after migrate nothing may be pending; got %v, %v", pending, err)
		}
	})
}

func TestSamePlaceholdersOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var id int64
		err := db.QueryRowContext(ctx, `INSERT INTO titles (original_title, original_language, created_at) VALUES ($1, $2, $3) RETURNING id`,
			`后来的我们'; DROP TABLE titles; --`, "zh", 1).Scan(&id)
		if err != nil {
			t.Fatalf("insert with $n placeholders and RETURNING: %v", err)
		}
		var title string
		if err := db.QueryRowContext(ctx, `SELECT original_title FROM titles WHERE id = $1`, id).Scan(&title); err != nil {
			t.Fatal(err)
		}
		if title != `后来的我们'; DROP TABLE titles; --` {
			t.Errorf("a title full of quotes and SQL must round-trip as text, got %q", title)
		}
	})
}

func TestPendingOnFreshDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir()+"/fresh.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pending, err := db.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := store.Migrations()
	if len(pending) != len(all) {
		t.Errorf("readiness must see every migration pending on a fresh database: %d of %d", len(pending), len(all))
	}
}

func TestMaskURL(t *testing.T) {
	got := store.MaskURL("postgres://lineup:s3cret@db:5432/lineup")
	if got != "postgres://lineup:xxxxx@db:5432/lineup" {
		t.Errorf("a database password must never be printed: %q", got)
	}
}
