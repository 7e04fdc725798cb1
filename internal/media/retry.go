package media

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/store"
)

// ErrNotRetryable is returned, wrapped, by Retry for an asset that has not
// failed: one that is queued, encoding, ready or cancelled.
var ErrNotRetryable = errors.New("only a failed asset can be retried")

// Retry queues a failed asset's encode again, from its stored source, with
// a fresh set of attempts. The new attempt discards what the failed one
// left under its staging prefix before it starts. An asset that has not
// failed is an error wrapping ErrNotRetryable; a missing one wraps
// store.ErrNotFound.
func (s *Service) Retry(ctx context.Context, id int64) (Asset, error) {
	err := s.q.InTx(ctx, func(tx jobs.Tx) error {
		n, err := tx.Exec(ctx, `UPDATE assets SET state = $1, error = '', stderr_tail = '', progress = 0, speed = 0, waiting_since = 0, updated_at = $2
			WHERE id = $3 AND state = $4`, string(StateQueued), time.Now().UnixMilli(), id, string(StateFailed))
		if err != nil {
			return err
		}
		if n == 0 {
			var state string
			err := tx.QueryRow(ctx, `SELECT state FROM assets WHERE id = $1`, id).Scan(&state)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("asset %d: %w", id, store.ErrNotFound)
			}
			if err != nil {
				return err
			}
			return fmt.Errorf("asset %d is %s: %w", id, state, ErrNotRetryable)
		}
		// An asset that encrypts a clear one (ProtectAll) is encrypted
		// again, not encoded.
		var protects int64
		if err := tx.QueryRow(ctx, `SELECT protects_asset_id FROM assets WHERE id = $1`, id).Scan(&protects); err != nil {
			return err
		}
		var args river.JobArgs = EncodeArgs{AssetID: id}
		if protects != 0 {
			args = ProtectArgs{AssetID: id}
		}
		jobID, err := tx.Insert(ctx, args, &river.InsertOpts{Queue: jobs.QueueEncode, MaxAttempts: s.cfg.MaxAttempts})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE assets SET job_id = $1 WHERE id = $2`, jobID, id)
		return err
	})
	if err != nil {
		return Asset{}, fmt.Errorf("media: retry asset %d: %w", id, err)
	}
	return s.Asset(ctx, id)
}
