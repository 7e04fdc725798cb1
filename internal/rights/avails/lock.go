package avails

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// importLease is how long an import may hold the lock before another may
// take it over (the holder died): far longer than any import takes.
const importLease = 10 * time.Minute

// lockPoll is how often a waiting import tries the lock again.
const lockPoll = 50 * time.Millisecond

// lockWait bounds how long an import waits for another to finish.
const lockWait = 2 * time.Minute

// lock waits until this import holds the avails import lock (across every
// process sharing the database), or ctx ends, or lockWait passes. unlock
// releases it.
func (im *Importer) lock(ctx context.Context) (unlock func(), err error) {
	giveUp := time.Now().Add(lockWait)
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("avails: lock: %w", err)
	}
	holder := hex.EncodeToString(b[:])
	for {
		now := im.now().UnixMilli()
		res, err := im.db.ExecContext(ctx, `INSERT INTO avail_import_lock (name, holder, expires_at) VALUES ('import', $1, $2)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE avail_import_lock.expires_at < $3`, holder, now+importLease.Milliseconds(), now)
		if err != nil {
			return nil, fmt.Errorf("avails: lock: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			return func() {
				// A release that fails leaves the lease to expire.
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				_, _ = im.db.ExecContext(ctx, `DELETE FROM avail_import_lock WHERE name = 'import' AND holder = $1`, holder)
			}, nil
		}
		if time.Now().After(giveUp) {
			return nil, fmt.Errorf("avails: another avails import has been running for %s: try again later", lockWait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}
