package charts

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// Event is one play event as stored: who played what, where, when, and the
// viewing time it added.
type Event struct {
	ProfileID int64
	TitleID   int64
	// Territory is the viewer's country, a known ISO 3166-1 alpha-2 code.
	Territory string
	Kind      EventKind
	At        time.Time
	// Seconds is the viewing time the event added, in whole seconds.
	Seconds int32
}

// Load appends events as they are, for imports and benchmarks: it writes
// them to the events log and adds their Seconds to the daily rollup (the
// local day of each event's At in its territory), all in one transaction,
// but it applies none of the rules of Start and Heartbeat: it does not
// compute viewing time, and it neither reads nor moves the measurements of
// players open now. An event with an unknown territory, an unknown kind or
// negative seconds fails the whole call and nothing is stored.
//
// On PostgreSQL the events go in with COPY; on SQLite through a prepared
// statement. Batches of about 100,000 events keep each transaction short.
func (p *Plays) Load(ctx context.Context, events []Event) error {
	type key struct {
		territory, day string
		titleID        int64
	}
	zones := map[string]*time.Location{}
	sums := map[key]int64{}
	for i, e := range events {
		zone, ok := zones[e.Territory]
		if !ok {
			zone = rights.Zone(e.Territory)
			if zone == nil {
				return fmt.Errorf("charts: load play events: event %d: unknown territory %q", i, e.Territory)
			}
			zones[e.Territory] = zone
		}
		if e.Kind < EventStart || e.Kind > EventStop {
			return fmt.Errorf("charts: load play events: event %d: unknown kind %d", i, e.Kind)
		}
		if e.Seconds < 0 {
			return fmt.Errorf("charts: load play events: event %d: negative seconds %d", i, e.Seconds)
		}
		if e.Seconds > 0 {
			sums[key{e.Territory, localDay(e.At, zone), e.TitleID}] += int64(e.Seconds)
		}
	}
	// Rollup rows in key order, so that two loads never wait on each
	// other's rows in opposite orders.
	keys := make([]key, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.territory, b.territory), strings.Compare(a.day, b.day), cmp.Compare(a.titleID, b.titleID))
	})
	rollup := make([]rollupRow, len(keys))
	for i, k := range keys {
		rollup[i] = rollupRow{k.titleID, k.territory, k.day, sums[k]}
	}

	var err error
	if p.db.Dialect == store.Postgres {
		err = p.loadPostgres(ctx, events, rollup)
	} else {
		err = p.db.InTx(ctx, func(tx *sql.Tx) error { return loadSQLite(ctx, tx, events, rollup) })
	}
	if err != nil {
		return fmt.Errorf("charts: load play events: %w", err)
	}
	return nil
}

type rollupRow struct {
	titleID        int64
	territory, day string
	seconds        int64
}

// loadPostgres copies the events in and upserts the rollup in one pgx
// transaction on one connection of the pool.
//
// COPY is the one thing here that database/sql cannot say, so this reaches
// the pgx connection under it; should another package need COPY, this
// belongs in the store package's dialect seam.
func (p *Plays) loadPostgres(ctx context.Context, events []Event, rollup []rollupRow) error {
	conn, err := p.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) (err error) {
		sc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres connection is a %T, not pgx", driverConn)
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer func() {
			if err != nil {
				tx.Rollback(context.WithoutCancel(ctx))
			}
		}()
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"play_events"},
			[]string{"profile_id", "title_id", "at_ms", "seconds", "kind", "territory"},
			pgx.CopyFromSlice(len(events), func(i int) ([]any, error) {
				e := events[i]
				return []any{e.ProfileID, e.TitleID, e.At.UnixMilli(), e.Seconds, int16(e.Kind), e.Territory}, nil
			}))
		if err != nil {
			return fmt.Errorf("copy events: %w", err)
		}
		// The batch's sums go through a scratch table, so that the upsert
		// is one statement however many rows it has.
		if _, err = tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS load_view_seconds
			(title_id BIGINT, territory TEXT, local_day TEXT, seconds BIGINT) ON COMMIT DELETE ROWS`); err != nil {
			return fmt.Errorf("add view seconds: %w", err)
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"load_view_seconds"},
			[]string{"title_id", "territory", "local_day", "seconds"},
			pgx.CopyFromSlice(len(rollup), func(i int) ([]any, error) {
				r := rollup[i]
				return []any{r.titleID, r.territory, r.day, r.seconds}, nil
			}))
		if err != nil {
			return fmt.Errorf("add view seconds: %w", err)
		}
		if _, err = tx.Exec(ctx, `INSERT INTO view_seconds (title_id, territory, local_day, seconds)
			SELECT title_id, territory, local_day, seconds FROM load_view_seconds ORDER BY territory, local_day, title_id
			ON CONFLICT (territory, local_day, title_id) DO UPDATE SET seconds = view_seconds.seconds + excluded.seconds`); err != nil {
			return fmt.Errorf("add view seconds: %w", err)
		}
		return tx.Commit(ctx)
	})
}

// loadSQLite appends the events and adds to the rollup with one prepared
// statement each, row by row inside the transaction: the SQLite driver
// binds $N parameters by name, which makes a multi-row statement's cost
// grow with the square of its parameters, while a prepared one-row
// statement runs at the engine's speed.
func loadSQLite(ctx context.Context, tx *sql.Tx, events []Event, rollup []rollupRow) error {
	ins, err := tx.PrepareContext(ctx, `INSERT INTO play_events (profile_id, title_id, at_ms, seconds, kind, territory)
		VALUES ($1, $2, $3, $4, $5, $6)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, e := range events {
		if _, err := ins.ExecContext(ctx, e.ProfileID, e.TitleID, e.At.UnixMilli(), e.Seconds, int16(e.Kind), e.Territory); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
	}
	up, err := tx.PrepareContext(ctx, addViewSecondsSQL)
	if err != nil {
		return err
	}
	defer up.Close()
	for _, r := range rollup {
		if _, err := up.ExecContext(ctx, r.titleID, r.territory, r.day, r.seconds); err != nil {
			return fmt.Errorf("add view seconds: %w", err)
		}
	}
	return nil
}
