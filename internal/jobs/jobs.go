// Package jobs runs Lineup's background work on River, in the same database
// as everything else: River on SQLite (through riversqlite, on the store's
// single connection) by default, River on PostgreSQL (through riverpgxv5 and
// a pgx pool) when the database is PostgreSQL.
//
// A Queue always inserts; it works jobs only when configured to (the worker
// role). Several processes may work the same PostgreSQL queue at once.
//
// # Workers that die
//
// The database decides what work is due. A job is "running" from the moment a
// worker claims it; when that worker stops gracefully (Stop), a job it cannot
// finish in time is cancelled, fails this attempt and is retried within
// seconds by any worker. When a worker is killed outright (power loss,
// SIGKILL, out of memory) nobody fails the attempt. So, while a job runs, its
// worker beats a heartbeat every Config.Heartbeat (20 seconds) by moving the
// job's attempted_at forward, and every working process looks every 30
// seconds for running jobs whose heartbeat stopped more than
// Config.RescueStuckJobsAfter ago (90 seconds) and puts them back in the
// queue: a killed worker's job runs again within two minutes, while a film
// that honestly encodes for hours is left alone. How long one attempt may run
// is Config.JobTimeout (6 hours), which River enforces; River's own rescuer,
// which counts from the start of an attempt, stays as a safety net at
// JobTimeout plus 15 minutes. Workers are written so that a retry starts
// clean and a superseded attempt cannot overwrite a newer one (see media's
// encode worker, which fences each attempt by its number and staging prefix).
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/lineup/lineup/internal/store"
)

// Queue names. Every queue a worker process serves is listed in
// Config.Queues.
const (
	// QueueDefault takes short jobs.
	QueueDefault = river.QueueDefault
	// QueueEncode takes media encodes; one encode already uses every core,
	// so a process works one at a time by default.
	QueueEncode = "encode"
)

// Defaults of Config.
const (
	DefaultJobTimeout    = 6 * time.Hour
	DefaultRescueAfter   = 90 * time.Second
	DefaultHeartbeat     = 20 * time.Second
	riverRescueMargin    = 15 * time.Minute
	defaultStopGrace     = 10 * time.Second
	pgMigrateAdvisoryKey = 7283511
)

// Config configures New.
type Config struct {
	// DatabaseURL is the PostgreSQL URL the store was opened with; River
	// builds its own pgx pool from it. It is required on PostgreSQL and
	// ignored on SQLite.
	DatabaseURL string
	// Work makes Start run workers (the worker and all roles). When false
	// the Queue only inserts jobs (the web role) and Start does nothing.
	Work bool
	// Queues gives, for each queue a worker serves, how many of its jobs
	// run at once in this process. Nil means {QueueDefault: 4,
	// QueueEncode: 1}.
	Queues map[string]int
	// JobTimeout cancels an attempt that runs longer; 0 means
	// DefaultJobTimeout. It must be positive: River never rescues a job
	// without a time limit.
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long a running job may go without a
	// heartbeat before it is taken for abandoned (its worker was killed)
	// and retried; see the package documentation. 0 means
	// DefaultRescueAfter. It must be at least three heartbeats, or a job
	// still working would be run twice.
	RescueStuckJobsAfter time.Duration
	// Heartbeat is how often a worker marks the jobs it runs as alive; 0
	// means DefaultHeartbeat.
	Heartbeat time.Duration
	// FetchPollInterval is how often an idle worker looks for new jobs
	// when notifications do not wake it; 0 means River's default (1 s).
	FetchPollInterval time.Duration
	// ID names this process in River's tables; empty lets River choose.
	ID string
	// Logger receives River's logs; nil discards them.
	Logger *slog.Logger
}

// Queue inserts jobs into the database and, when configured to work,
// runs their workers. Register workers with AddWorker before Start. A Queue
// is safe for concurrent use.
type Queue struct {
	db      *store.DB
	cfg     Config
	workers *river.Workers
	pool    *pgxpool.Pool // PostgreSQL only

	// Exactly one of the two pairs is set, by dialect. inserter* never
	// work; worker* are built by Start.
	sqliteInserter *river.Client[*sql.Tx]
	pgInserter     *river.Client[pgx.Tx]

	mu      sync.Mutex
	started bool
	runner  runner
	// rescueStop ends the loop that retries dead workers' jobs, which
	// closes rescueDone.
	rescueStop context.CancelFunc
	rescueDone chan struct{}
}

// runner is what the two River client types have in common.
type runner interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// New connects River to db, creating or upgrading River's own tables
// (idempotently; on PostgreSQL under an advisory lock, so several processes
// may start at once), and returns a Queue ready to insert. The caller
// closes it with Close after Stop.
func New(ctx context.Context, db *store.DB, cfg Config) (*Queue, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	q := &Queue{db: db, cfg: cfg, workers: river.NewWorkers()}
	logger := cfg.Logger
	switch db.Dialect {
	case store.SQLite:
		drv := riversqlite.New(db.DB)
		mig, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("jobs: migrate: %w", err)
		}
		// An IMMEDIATE transaction (the store's default) takes SQLite's
		// write lock first, so two processes cannot migrate at once.
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			_, err := mig.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("jobs: migrate: %w", err)
		}
		q.sqliteInserter, err = river.NewClient(drv, &river.Config{Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	case store.Postgres:
		if cfg.DatabaseURL == "" {
			return nil, errors.New("jobs: the database is PostgreSQL but Config.DatabaseURL is empty")
		}
		pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("jobs: connect: %w", err)
		}
		q.pool = pool
		drv := riverpgxv5.New(pool)
		mig, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: logger})
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: migrate: %w", err)
		}
		if err := migratePostgres(ctx, pool, mig); err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: migrate: %w", err)
		}
		q.pgInserter, err = river.NewClient(drv, &river.Config{Logger: logger})
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
	default:
		return nil, fmt.Errorf("jobs: unknown dialect %v", db.Dialect)
	}
	return q, nil
}

// migratePostgres runs River's migrations while holding a session advisory
// lock, so that processes starting together apply each one once. The
// migrations run outside one big transaction because some of them add enum
// values that later ones use, which PostgreSQL refuses in one transaction.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool, mig *rivermigrate.Migrator[pgx.Tx]) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, pgMigrateAdvisoryKey); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, pgMigrateAdvisoryKey)
	_, err = mig.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

func (c Config) normalized() (Config, error) {
	if c.Queues == nil {
		c.Queues = map[string]int{QueueDefault: 4, QueueEncode: 1}
	}
	for name, n := range c.Queues {
		if n < 1 {
			return c, fmt.Errorf("jobs: queue %q: %d workers; give at least 1", name, n)
		}
	}
	switch {
	case c.JobTimeout == 0:
		c.JobTimeout = DefaultJobTimeout
	case c.JobTimeout < 0:
		return c, errors.New("jobs: JobTimeout must be positive: River never rescues a job without a time limit")
	}
	if c.Heartbeat == 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	if c.RescueStuckJobsAfter == 0 {
		c.RescueStuckJobsAfter = DefaultRescueAfter
	}
	if c.Heartbeat < 0 || c.RescueStuckJobsAfter < 3*c.Heartbeat {
		return c, fmt.Errorf("jobs: RescueStuckJobsAfter %v must be at least three heartbeats (Heartbeat %v), or a job still working would be run twice", c.RescueStuckJobsAfter, c.Heartbeat)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Dialect returns the database engine the Queue runs on.
func (q *Queue) Dialect() store.Dialect { return q.db.Dialect }

// Working reports whether Start runs workers.
func (q *Queue) Working() bool { return q.cfg.Work }

// AddWorker registers w for its kind of job. It must be called before
// Start; a Queue that does not work ignores workers. Registering one kind
// twice is an error.
func AddWorker[T river.JobArgs](q *Queue, w river.Worker[T]) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		return errors.New("jobs: add worker: the queue has already started")
	}
	if err := river.AddWorkerSafely(q.workers, w); err != nil {
		return fmt.Errorf("jobs: add worker: %w", err)
	}
	return nil
}

// Start starts the workers when the Queue works, and does nothing
// otherwise. Jobs run until Stop, or until ctx is cancelled.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		return errors.New("jobs: start: already started")
	}
	q.started = true
	if !q.cfg.Work {
		return nil
	}
	queues := map[string]river.QueueConfig{}
	for name, n := range q.cfg.Queues {
		queues[name] = river.QueueConfig{MaxWorkers: n}
	}
	rc := &river.Config{
		ID:                   q.cfg.ID,
		Logger:               q.cfg.Logger,
		Queues:               queues,
		Workers:              q.workers,
		JobTimeout:           q.cfg.JobTimeout,
		RescueStuckJobsAfter: q.cfg.JobTimeout + riverRescueMargin,
		Middleware:           []rivertype.Middleware{&heartbeat{q: q}},
		FetchPollInterval:    q.cfg.FetchPollInterval,
	}
	var err error
	switch q.db.Dialect {
	case store.SQLite:
		q.runner, err = river.NewClient(riversqlite.New(q.db.DB), rc)
	default:
		q.runner, err = river.NewClient(riverpgxv5.New(q.pool), rc)
	}
	if err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	if err := q.runner.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	q.rescueStop, q.rescueDone = cancel, make(chan struct{})
	go q.rescueLoop(rctx, q.rescueDone)
	return nil
}

// Stop stops the workers: it stops fetching jobs, waits for the running
// ones until ctx is done, then cancels those still running (their attempt
// fails and they are retried by another worker) and waits a few seconds
// more for them to return. Stop on a Queue that does not work returns nil.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	r := q.runner
	if q.rescueStop != nil {
		q.rescueStop()
		<-q.rescueDone
		q.rescueStop = nil
	}
	q.mu.Unlock()
	if r == nil {
		return nil
	}
	err := r.Stop(ctx)
	if ctx.Err() == nil {
		if err != nil {
			return fmt.Errorf("jobs: stop: %w", err)
		}
		return nil
	}
	// Out of patience: cancel what still runs. (River's Stop may report
	// success at this point while a job is still running.)
	hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultStopGrace)
	defer cancel()
	if err := r.StopAndCancel(hard); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// Close releases the PostgreSQL pool. Call it after Stop; it does not close
// the store's database.
func (q *Queue) Close() {
	if q.pool != nil {
		q.pool.Close()
	}
}

// Row is one row of a query, as database/sql and pgx both give it.
type Row interface {
	Scan(dest ...any) error
}

// Tx is a database transaction in which jobs can be inserted alongside the
// caller's own rows: all commit together or none does. Its SQL is written
// once with $1 placeholders, as everywhere in Lineup; scan into plain Go
// types (int64, float64, string, bool, []byte) or sql.Null* types so that
// both engines' drivers agree.
type Tx interface {
	// Exec runs a statement and returns the number of rows it affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// QueryRow runs a query expected to return at most one row.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Insert queues a job; it becomes visible to workers when the
	// transaction commits. opts may be nil. It returns the job's ID.
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (int64, error)
	// Cancel cancels a job for good: a queued job never runs and a running
	// one has its context cancelled within seconds of the commit. A job
	// that does not exist or has finished is not an error.
	Cancel(ctx context.Context, jobID int64) error
}

// InTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise. On SQLite fn must use only tx, never the store's DB (the
// store has one connection, which tx holds).
func (q *Queue) InTx(ctx context.Context, fn func(tx Tx) error) error {
	if q.db.Dialect == store.SQLite {
		return q.db.InTx(ctx, func(tx *sql.Tx) error {
			return fn(sqliteTx{tx, q.sqliteInserter})
		})
	}
	return store.RetryConflicts(ctx, func() error {
		return pgx.BeginFunc(ctx, q.pool, func(tx pgx.Tx) error {
			return fn(pgTx{tx, q.pgInserter})
		})
	})
}

// Insert queues a job outside any transaction of the caller's.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	var id int64
	err := q.InTx(ctx, func(tx Tx) error {
		var err error
		id, err = tx.Insert(ctx, args, opts)
		return err
	})
	return id, err
}

type sqliteTx struct {
	tx *sql.Tx
	c  *river.Client[*sql.Tx]
}

func (t sqliteTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t sqliteTx) QueryRow(ctx context.Context, query string, args ...any) Row {
	return t.tx.QueryRowContext(ctx, query, args...)
}

func (t sqliteTx) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	res, err := t.c.InsertTx(ctx, t.tx, args, opts)
	if err != nil {
		return 0, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return res.Job.ID, nil
}

func (t sqliteTx) Cancel(ctx context.Context, jobID int64) error {
	if _, err := t.c.JobCancelTx(ctx, t.tx, jobID); err != nil && !errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("jobs: cancel %d: %w", jobID, err)
	}
	return nil
}

type pgTx struct {
	tx pgx.Tx
	c  *river.Client[pgx.Tx]
}

func (t pgTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := t.tx.Exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (t pgTx) QueryRow(ctx context.Context, query string, args ...any) Row {
	return pgRow{t.tx.QueryRow(ctx, query, args...)}
}

func (t pgTx) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	res, err := t.c.InsertTx(ctx, t.tx, args, opts)
	if err != nil {
		return 0, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return res.Job.ID, nil
}

func (t pgTx) Cancel(ctx context.Context, jobID int64) error {
	if _, err := t.c.JobCancelTx(ctx, t.tx, jobID); err != nil && !errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("jobs: cancel %d: %w", jobID, err)
	}
	return nil
}

// pgRow maps pgx's "no rows" to database/sql's, so callers test one error.
type pgRow struct{ r pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}
