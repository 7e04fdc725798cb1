package store_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestPlaceholders(t *testing.T) {
	if got := store.Placeholders(3, 3); got != "$3, $4, $5" {
		t.Errorf("placeholders count up from the first: got %q", got)
	}
	if got := store.Placeholders(1, 0); got != "" {
		t.Errorf("no parameters, no text: got %q", got)
	}
}

// TestInsertRowsAndEachRow inserts more rows than one statement carries,
// with RETURNING, and reads them back, on both engines.
func TestInsertRowsAndEachRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n := 3*db.Dialect.RowsPerStatement(3) + 7
		rows := make([][]any, n)
		for i := range rows {
			rows[i] = []any{"title " + string(rune('a'+i%26)), "zh", int64(i)}
		}
		var ids []int64
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			return db.Dialect.InsertRows(ctx, tx, `INSERT INTO titles (original_title, original_language, created_at)`,
				`RETURNING id`, 3, rows, func(id int64) { ids = append(ids, id) })
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != n {
			t.Fatalf("every inserted row returns its id: %d rows, %d ids", n, len(ids))
		}
		count := 0
		err = store.EachRow(ctx, db, `SELECT id FROM titles WHERE created_at >= $1`, []any{int64(0)}, func(r *sql.Rows) error {
			count++
			return nil
		})
		if err != nil || count != n {
			t.Errorf("EachRow must visit every row: %d of %d (%v)", count, n, err)
		}
	})
}
