package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/lineup/lineup/internal/store"
)

// rescueEvery is how often a working process looks for jobs whose heartbeat
// stopped (more often when RescueStuckJobsAfter is shorter than 90 s).
const rescueEvery = 30 * time.Second

// rescuedError is the attempt error recorded on a job put back in the
// queue because its heartbeat stopped.
const rescuedError = "the worker running this attempt stopped beating its heartbeat (killed?); the job was put back in the queue"

// heartbeat is River worker middleware: while a job runs it moves the job's
// attempted_at forward every Config.Heartbeat, so that the rescue (see
// Queue.rescue) leaves the job alone for as long as its worker lives and
// takes it back soon after its worker dies.
type heartbeat struct {
	river.MiddlewareDefaults
	q *Queue
}

// Work implements rivertype.WorkerMiddleware.
func (h *heartbeat) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		t := time.NewTicker(h.q.cfg.Heartbeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if err := h.q.beat(ctx, job.ID, job.Attempt); err != nil && ctx.Err() == nil {
					h.q.cfg.Logger.Warn("jobs: heartbeat failed; the job may be retried while it runs", "job_id", job.ID, "err", err)
				}
			}
		}
	}()
	return doInner(ctx)
}

// beat marks one attempt of a running job as alive. Only the attempt that
// is running is touched: a beat from an attempt already rescued changes
// nothing.
func (q *Queue) beat(ctx context.Context, jobID int64, attempt int) error {
	ctx, cancel := context.WithTimeout(ctx, q.cfg.Heartbeat)
	defer cancel()
	if q.db.Dialect == store.SQLite {
		// River keeps SQLite times as text in exactly this format.
		_, err := q.db.ExecContext(ctx, `UPDATE river_job SET attempted_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = $1 AND state = 'running' AND attempt = $2`, jobID, attempt)
		return err
	}
	_, err := q.pool.Exec(ctx, `UPDATE river_job SET attempted_at = now() WHERE id = $1 AND state = 'running' AND attempt = $2`, jobID, attempt)
	return err
}

// rescue puts back in the queue every running job whose heartbeat stopped
// more than RescueStuckJobsAfter ago (its worker was killed), recording why
// among the job's errors; a job that has used its last attempt is
// discarded instead, as River does. It returns how many jobs it rescued.
// Any working process may run it at any time: it only moves jobs that no
// live worker is beating for.
func (q *Queue) rescue(ctx context.Context) (int64, error) {
	secs := q.cfg.RescueStuckJobsAfter.Seconds()
	if q.db.Dialect == store.SQLite {
		res, err := q.db.ExecContext(ctx, `UPDATE river_job SET
	state = CASE WHEN attempt < max_attempts THEN 'available' ELSE 'discarded' END,
	finalized_at = CASE WHEN attempt < max_attempts THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%f', 'now') END,
	scheduled_at = strftime('%Y-%m-%d %H:%M:%f', 'now'),
	errors = json_insert(coalesce(errors, '[]'), '$[#]', json_object('at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'attempt', attempt, 'error', $2, 'trace', ''))
WHERE state = 'running' AND attempted_at < strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || $1 || ' seconds')`, secs, rescuedError)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	tag, err := q.pool.Exec(ctx, `UPDATE river_job SET
	state = CASE WHEN attempt < max_attempts THEN 'available'::river_job_state ELSE 'discarded'::river_job_state END,
	finalized_at = CASE WHEN attempt < max_attempts THEN NULL ELSE now() END,
	scheduled_at = now(),
	errors = array_append(errors, jsonb_build_object('at', now(), 'attempt', attempt, 'error', $2::text, 'trace', ''))
WHERE state = 'running' AND attempted_at < now() - make_interval(secs => $1)`, secs, rescuedError)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// rescueLoop runs rescue at once and then every rescueEvery until ctx ends.
func (q *Queue) rescueLoop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(min(rescueEvery, q.cfg.RescueStuckJobsAfter/3))
	defer t.Stop()
	for {
		n, err := q.rescue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			q.cfg.Logger.Warn("jobs: looking for jobs of dead workers failed", "err", err)
		case n > 0:
			q.cfg.Logger.Warn("jobs: put back jobs whose worker stopped beating its heartbeat", "jobs", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
