package media

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/lineup/lineup/internal/store"
)

// storeUnavailable reports whether err says the media store could not be
// reached or answered that it is unavailable (connection refused or reset,
// S3's 5xx), as opposed to a failure of the encode itself.
func storeUnavailable(err error) bool {
	if store.IsUnavailable(err) {
		return true
	}
	var resp minio.ErrorResponse
	if errors.As(err, &resp) && resp.StatusCode >= 500 {
		return true
	}
	return false
}

// storeDown decides what to do with an attempt that failed because the
// media store is down: while the store has been down for less than
// Config.StoreRetryWindow (counted from the first such failure of this
// asset) the encode is retried after storeRetryPause without using up an
// attempt, and the asset says so. ok is false for any other failure, and
// once the window has passed (the failure then counts as an attempt).
func (s *Service) storeDown(ctx context.Context, assetID int64, staging string, err error) (time.Duration, bool) {
	if !storeUnavailable(err) || ctx.Err() != nil {
		return 0, false
	}
	now := time.Now()
	var since int64
	if qerr := s.db.QueryRowContext(ctx, `SELECT waiting_since FROM assets WHERE id = $1`, assetID).Scan(&since); qerr != nil {
		return 0, false
	}
	if since == 0 {
		since = now.UnixMilli()
	}
	down := now.Sub(time.UnixMilli(since))
	if down >= s.cfg.StoreRetryWindow {
		return 0, false
	}
	wait := storeRetryPause(down)
	reason := fmt.Sprintf("the media store does not answer (since %s); retrying in %s, for up to %s",
		time.UnixMilli(since).UTC().Format(time.RFC3339), wait.Round(time.Second), s.cfg.StoreRetryWindow)
	if _, uerr := s.db.ExecContext(ctx, `UPDATE assets SET state = $1, error = $2, speed = 0, waiting_since = $3, updated_at = $4
		WHERE id = $5 AND staging_prefix = $6 AND state IN ('queued', 'probing', 'encoding', 'publishing')`,
		string(StateQueued), reason, since, now.UnixMilli(), assetID, staging); uerr != nil {
		return 0, false
	}
	return wait, true
}

// storeRetryPause is the pause before the next try when the store has been
// down for down: a quarter of the outage so far, between 2 seconds and 5
// minutes, so a blip is retried at once and a long outage is not hammered
// (about 20 tries in the first 45 minutes).
func storeRetryPause(down time.Duration) time.Duration {
	return min(max(down/4, 2*time.Second), 5*time.Minute)
}
