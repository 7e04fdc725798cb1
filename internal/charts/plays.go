package charts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// EventKind says what a play event was. The values are stored in
// play_events.kind and never change.
type EventKind int16

// The kinds of play event.
const (
	// EventStart is playback starting: it adds no viewing time and starts
	// measuring from its instant.
	EventStart EventKind = 1
	// EventHeartbeat is the player's report every 10 s while playing.
	EventHeartbeat EventKind = 2
	// EventStop is the report on pause or leave: it adds the time since the
	// previous event and ends the measurement.
	EventStop EventKind = 3
)

// String returns "start", "heartbeat" or "stop".
func (k EventKind) String() string {
	switch k {
	case EventStart:
		return "start"
	case EventHeartbeat:
		return "heartbeat"
	case EventStop:
		return "stop"
	}
	return fmt.Sprintf("EventKind(%d)", int16(k))
}

// The viewing-time rules. A heartbeat or stop adds the wall time since the
// previous event of the same profile and title, at most MaxCredit; after a
// gap longer than MaxGap it adds nothing, as the player was closed.
const (
	MaxCredit = 15 * time.Second
	MaxGap    = 60 * time.Second
)

// Credit returns the viewing time a heartbeat or stop adds when gap is the
// wall time since the previous event of the same profile and title: the gap
// itself up to MaxCredit, nothing when it is longer than MaxGap or not
// positive, rounded to the nearest second.
func Credit(gap time.Duration) time.Duration {
	if gap <= 0 || gap > MaxGap {
		return 0
	}
	return min(gap, MaxCredit).Round(time.Second)
}

// PlaysConfig configures Plays.
type PlaysConfig struct {
	// Now returns the current instant; nil means time.Now.
	Now func() time.Time
	// Log receives the errors that Start and Heartbeat swallow and the
	// events they ignore; nil discards them.
	Log *slog.Logger
	// Runtime, when set, gives a title's runtime for views instead of the
	// catalogue and the media (see Plays.Weekly); a zero runtime means
	// unknown and counts as FallbackRuntime.
	Runtime func(ctx context.Context, titleID int64) (time.Duration, error)
	// MinWatched is how much of a title a profile must watch on a local
	// day before its viewing counts toward the charts; zero counts from
	// the first second. Either way one profile counts at most one view
	// (the title's runtime) of a title a day (see Countable).
	MinWatched time.Duration
}

// Countable returns how much of a profile's viewing of a title on one day
// counts toward the charts when an event takes the day's viewing from
// before to after: nothing below minWatched, and never more than runtime in
// all (one view a day per profile: a player left on repeat, or a script
// posting heartbeats, adds no more than one honest viewer).
func Countable(before, after, minWatched, runtime time.Duration) time.Duration {
	counted := func(d time.Duration) time.Duration {
		if d < minWatched {
			return 0
		}
		return min(d, runtime)
	}
	return max(counted(after)-counted(before), 0)
}

// Plays records play events and derives views and the Top 10 from them.
// It is safe for concurrent use, from any number of processes sharing the
// database.
type Plays struct {
	db  *store.DB
	cfg PlaysConfig
}

// NewPlays returns a Plays over db. The caller keeps ownership of db.
func NewPlays(db *store.DB, cfg PlaysConfig) *Plays {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Plays{db: db, cfg: cfg}
}

// recordTimeout bounds the recording of one event; the event is recorded
// even when the request that carried it is cancelled (a player that sends
// its stop and leaves).
const recordTimeout = 5 * time.Second

// Start records that profileID started playing titleID in territory (the
// viewer's country). It adds no viewing time; the next heartbeat counts
// from now. Start also forgets the profile's measurements older than
// MaxGap, of players closed without a stop.
//
// Start never fails: playback must not fail for statistics. An unknown
// territory is ignored and errors are logged.
func (p *Plays) Start(ctx context.Context, profileID, titleID int64, territory string) {
	p.record(ctx, EventStart, profileID, titleID, territory)
}

// Heartbeat records the player's report that profileID is playing titleID
// in territory, sent every 10 s while playing, and with stop set on pause
// or leave. It adds the wall time since the previous event of the same
// profile and title to the title's viewing time in territory on the local
// day of now (see Credit for the cap and the gap), in the same transaction
// as the event. A stop ends the measurement: the heartbeat after a stop
// adds nothing and counts from itself, since the time between them was
// paused or away.
//
// Heartbeat never fails: an unknown territory is ignored and errors are
// logged. Concurrent events of the same profile and title (two tabs) are
// serialized, so their time is counted once.
func (p *Plays) Heartbeat(ctx context.Context, profileID, titleID int64, territory string, stop bool) {
	kind := EventHeartbeat
	if stop {
		kind = EventStop
	}
	p.record(ctx, kind, profileID, titleID, territory)
}

// errMoved reports that another event of the same profile and title moved
// the measurement between our read and our write; the transaction is run
// again.
var errMoved = errors.New("play measurement moved")

func (p *Plays) record(ctx context.Context, kind EventKind, profileID, titleID int64, territory string) {
	zone := rights.Zone(territory)
	if zone == nil {
		p.cfg.Log.Warn("charts: play event from an unknown territory ignored",
			"territory", territory, "kind", kind.String(), "profile_id", profileID, "title_id", titleID)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := p.cfg.Now()
	var err error
	for range 5 {
		err = p.db.InTx(ctx, func(tx *sql.Tx) error {
			return p.recordTx(ctx, tx, kind, profileID, titleID, territory, zone, now)
		})
		if !errors.Is(err, errMoved) {
			break
		}
	}
	if err != nil {
		p.cfg.Log.Error("charts: record play event", "err", err,
			"kind", kind.String(), "profile_id", profileID, "title_id", titleID, "territory", territory)
	}
}

// recordTx applies one event: it moves the measurement in play_last with a
// compare-and-set (so that it needs no engine-specific row lock), appends
// the event and adds its time to the day's rollup.
func (p *Plays) recordTx(ctx context.Context, tx *sql.Tx, kind EventKind, profileID, titleID int64, territory string, zone *time.Location, now time.Time) error {
	at := now.UnixMilli()
	if kind == EventStart {
		if _, err := tx.ExecContext(ctx, `DELETE FROM play_last WHERE profile_id = $1 AND at_ms < $2`,
			profileID, at-MaxGap.Milliseconds()); err != nil {
			return fmt.Errorf("forget closed players: %w", err)
		}
	}
	var prev int64
	found := true
	if err := tx.QueryRowContext(ctx, `SELECT at_ms FROM play_last WHERE profile_id = $1 AND title_id = $2`,
		profileID, titleID).Scan(&prev); errors.Is(err, sql.ErrNoRows) {
		found = false
	} else if err != nil {
		return fmt.Errorf("read last event: %w", err)
	}
	var credit time.Duration
	if found && kind != EventStart {
		credit = Credit(time.Duration(at-prev) * time.Millisecond)
	}

	var (
		res sql.Result
		err error
	)
	switch {
	case kind == EventStop && found:
		res, err = tx.ExecContext(ctx, `DELETE FROM play_last WHERE profile_id = $1 AND title_id = $2 AND at_ms = $3`,
			profileID, titleID, prev)
	case kind == EventStop:
		// Nothing was being measured: nothing to end.
	case found && at > prev:
		res, err = tx.ExecContext(ctx, `UPDATE play_last SET at_ms = $3 WHERE profile_id = $1 AND title_id = $2 AND at_ms = $4`,
			profileID, titleID, at, prev)
	case found:
		// An event no later than the last (a duplicate, or another node's
		// clock a little behind): it adds nothing and keeps the later
		// instant as the one to count from.
	default:
		res, err = tx.ExecContext(ctx, `INSERT INTO play_last (profile_id, title_id, at_ms) VALUES ($1, $2, $3)
			ON CONFLICT (profile_id, title_id) DO NOTHING`, profileID, titleID, at)
	}
	if err != nil {
		return fmt.Errorf("move measurement: %w", err)
	}
	if res != nil {
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("move measurement: %w", err)
		}
		if n == 0 {
			return errMoved
		}
	}

	secs := int64(credit / time.Second)
	if _, err := tx.ExecContext(ctx, `INSERT INTO play_events (profile_id, title_id, at_ms, seconds, kind, territory)
		VALUES ($1, $2, $3, $4, $5, $6)`, profileID, titleID, at, secs, int16(kind), territory); err != nil {
		return fmt.Errorf("append event: %w", err)
	}
	if secs > 0 {
		day := localDay(now, zone)
		var after int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO play_profile_days (profile_id, title_id, local_day, seconds) VALUES ($1, $2, $3, $4)
			ON CONFLICT (profile_id, title_id, local_day) DO UPDATE SET seconds = play_profile_days.seconds + excluded.seconds
			RETURNING seconds`, profileID, titleID, day, secs).Scan(&after); err != nil {
			return fmt.Errorf("profile's day: %w", err)
		}
		runtime, err := p.runtime(ctx, tx, titleID)
		if err != nil {
			return err
		}
		counted := Countable(time.Duration(after-secs)*time.Second, time.Duration(after)*time.Second, p.cfg.MinWatched, runtime)
		if n := int64(counted / time.Second); n > 0 {
			if err := addViewSeconds(ctx, tx, titleID, territory, day, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// runtime is a title's runtime as views count it (see Weekly): the
// configured Runtime, else the catalogue's, else the ready asset's
// duration, else FallbackRuntime.
func (p *Plays) runtime(ctx context.Context, q store.Querier, titleID int64) (time.Duration, error) {
	var d time.Duration
	if p.cfg.Runtime != nil {
		var err error
		if d, err = p.cfg.Runtime(ctx, titleID); err != nil {
			return 0, fmt.Errorf("runtime of title %d: %w", titleID, err)
		}
	} else {
		var ms int64
		err := q.QueryRowContext(ctx, `SELECT COALESCE(CAST(NULLIF(t.runtime_minutes, 0) AS BIGINT) * 60000, NULLIF(a.duration_ms, 0), 0)
			FROM titles t LEFT JOIN title_media m ON m.title_id = t.id LEFT JOIN assets a ON a.id = m.asset_id AND a.state = 'ready'
			WHERE t.id = $1`, titleID).Scan(&ms)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("runtime of title %d: %w", titleID, err)
		}
		d = time.Duration(ms) * time.Millisecond
	}
	if d <= 0 {
		d = FallbackRuntime
	}
	return d, nil
}

// addViewSeconds adds secs to a title's viewing time in a territory on a
// local day.
//
// Every viewer of a title in a territory on a day adds to the same row, so
// on PostgreSQL those transactions take turns on its row lock, one commit
// at a time: that bounds the heartbeats a second one title can take in one
// country (not measured yet; bench/charts times one heartbeat alone). Past
// that bound, give view_seconds a small shard column in its key (a hash of
// the profile) and sum the shards when reading.
func addViewSeconds(ctx context.Context, q store.Querier, titleID int64, territory, day string, secs int64) error {
	if _, err := q.ExecContext(ctx, addViewSecondsSQL, titleID, territory, day, secs); err != nil {
		return fmt.Errorf("add view seconds: %w", err)
	}
	return nil
}

const addViewSecondsSQL = `INSERT INTO view_seconds (title_id, territory, local_day, seconds) VALUES ($1, $2, $3, $4)
	ON CONFLICT (territory, local_day, title_id) DO UPDATE SET seconds = view_seconds.seconds + excluded.seconds`

// localDay is the calendar date of t in zone, YYYY-MM-DD.
func localDay(t time.Time, zone *time.Location) string {
	return t.In(zone).Format(time.DateOnly)
}
