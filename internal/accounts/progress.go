package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// Progress is where a profile stopped in a title.
type Progress struct {
	TitleID int64 `json:"title_id"`
	// AssetID is the asset that was playing when the position was saved.
	AssetID   int64         `json:"asset_id"`
	Position  time.Duration `json:"position"`
	Duration  time.Duration `json:"duration"`
	UpdatedAt time.Time     `json:"updated_at"`
	// Finished says the profile watched (nearly) to the end: see Finished.
	Finished bool `json:"finished"`
}

// Resume returns where playback should start: the saved position, or 0
// when the title was finished (watching again starts at the beginning).
func (p Progress) Resume() time.Duration {
	if p.Finished {
		return 0
	}
	return p.Position
}

// finishMargin is the end margin: a title counts as finished once the
// position reaches 95% of the duration or the last minute, whichever comes
// first (the credits need not be watched).
const finishMargin = 60 * time.Second

// Finished reports whether a position in a title of the given duration
// counts as watched to the end: at or past 95% of it, or within its last
// 60 seconds.
func Finished(position, duration time.Duration) bool {
	return position*100 >= duration*95 || position >= duration-finishMargin
}

// maxDuration bounds what a player may report, so that nonsense does not
// overflow arithmetic on either engine.
const maxDuration = 1000 * time.Hour

// SaveProgress records a profile's position in a title (the player reports
// it every few seconds). A negative position or a duration that is not
// positive is a *FieldError; a position past the end counts as the end. A
// missing profile or title is an error wrapping store.ErrNotFound. The
// caller has checked that the profile belongs to the signed-in user.
func (s *Service) SaveProgress(ctx context.Context, profileID, titleID, assetID int64, position, duration time.Duration) error {
	switch {
	case duration <= 0 || duration > maxDuration:
		return fieldErr("duration", duration.String(), fmt.Sprintf("must be more than 0 and at most %s", maxDuration))
	case position < 0:
		return fieldErr("position", position.String(), "must not be negative")
	}
	position = min(position, duration)
	res, err := s.db.ExecContext(ctx, `INSERT INTO progress (profile_id, title_id, asset_id, position_ms, duration_ms, updated_at)
		SELECT p.id, t.id, $3, $4, $5, $6 FROM profiles p, titles t WHERE p.id = $1 AND t.id = $2
		ON CONFLICT (profile_id, title_id) DO UPDATE SET asset_id = excluded.asset_id,
			position_ms = excluded.position_ms, duration_ms = excluded.duration_ms, updated_at = excluded.updated_at`,
		profileID, titleID, assetID, position.Milliseconds(), duration.Milliseconds(), millis(s.now()))
	if err != nil {
		return fmt.Errorf("accounts: save progress: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("accounts: save progress of profile %d in title %d: %w", profileID, titleID, store.ErrNotFound)
	}
	return nil
}

func scanProgress(row interface{ Scan(...any) error }) (Progress, error) {
	var p Progress
	var pos, dur, updated int64
	if err := row.Scan(&p.TitleID, &p.AssetID, &pos, &dur, &updated); err != nil {
		return Progress{}, err
	}
	p.Position, p.Duration = time.Duration(pos)*time.Millisecond, time.Duration(dur)*time.Millisecond
	p.UpdatedAt = fromMillis(updated)
	p.Finished = Finished(p.Position, p.Duration)
	return p, nil
}

const progressColumns = `title_id, asset_id, position_ms, duration_ms, updated_at`

// Progress returns where a profile stopped in a title, for resuming; a
// title the profile never played is an error wrapping store.ErrNotFound.
func (s *Service) Progress(ctx context.Context, profileID, titleID int64) (Progress, error) {
	p, err := scanProgress(s.db.QueryRowContext(ctx, `SELECT `+progressColumns+` FROM progress WHERE profile_id = $1 AND title_id = $2`, profileID, titleID))
	if errors.Is(err, sql.ErrNoRows) {
		return Progress{}, fmt.Errorf("accounts: progress in title %d: %w", titleID, store.ErrNotFound)
	}
	if err != nil {
		return Progress{}, fmt.Errorf("accounts: progress: %w", err)
	}
	return p, nil
}

// ContinueWatching returns the titles a profile started and did not
// finish (position past 0, short of 95% and of the last minute), most
// recently watched first, at most limit (limit ≤ 0 means all). The caller
// filters by what the profile may still see in its territory.
func (s *Service) ContinueWatching(ctx context.Context, profileID int64, limit int) ([]Progress, error) {
	q := `SELECT ` + progressColumns + ` FROM progress
		WHERE profile_id = $1 AND position_ms > 0 AND position_ms * 100 < duration_ms * 95 AND position_ms < duration_ms - 60000
		ORDER BY updated_at DESC, title_id DESC`
	args := []any{profileID}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("accounts: continue watching: %w", err)
	}
	defer rows.Close()
	var out []Progress
	for rows.Next() {
		p, err := scanProgress(rows)
		if err != nil {
			return nil, fmt.Errorf("accounts: continue watching: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts: continue watching: %w", err)
	}
	return out, nil
}

// ClearProgress forgets a profile's position in a title (taking it off
// Continue Watching); clearing what is not there is not an error.
func (s *Service) ClearProgress(ctx context.Context, profileID, titleID int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM progress WHERE profile_id = $1 AND title_id = $2`, profileID, titleID); err != nil {
		return fmt.Errorf("accounts: clear progress: %w", err)
	}
	return nil
}
