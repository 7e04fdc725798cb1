package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Sign-in failures slow a scope down; they never lock it. The first limit-1
// failures cost nothing; the limit-th makes the next attempt wait a second,
// and each one after doubles the wait (1 s, 2 s, 4 s, …), up to the
// scope's longest delay: Config.LimitWindow (15 minutes) for an account,
// MaxAddressDelay for an address, so that a shared NAT full of people
// is slowed, not shut out. An attempt made while the scope waits is refused
// without being counted, so guessing faster does not lengthen the wait. A
// scope with no failure for a whole LimitWindow starts again from nothing.
// The owner who cannot wait signs in with an emailed sign-in link, which
// no delay applies to.

// MaxAddressDelay is the longest an address is made to wait.
const MaxAddressDelay = time.Minute

// Delay returns how long the attempt after a scope's failures-th failure
// must wait, for a scope whose limit-th failure starts the delays and whose
// longest delay is longest: zero before limit, then one second doubling
// with each further failure, at most longest.
func Delay(failures, limit int, longest time.Duration) time.Duration {
	over := failures - limit + 1
	if over <= 0 {
		return 0
	}
	if over > 30 {
		return longest
	}
	return min(time.Duration(1<<(over-1))*time.Second, longest)
}

// reserve counts one attempt against a progressive scope before the
// password is checked (so that parallel guesses are each counted), or
// returns a *LimitError when the scope must still wait. The read and the
// write are a compare-and-set on (failures, window_start), retried when
// another attempt moved the row in between.
func (s *Service) reserve(ctx context.Context, sc limitScope, longest time.Duration) error {
	for range 10 {
		now := s.now()
		var failures int
		var last, next int64
		err := s.db.QueryRowContext(ctx, `SELECT failures, window_start, next_at FROM attempt_failures WHERE scope = $1`, sc.key).
			Scan(&failures, &last, &next)
		if errors.Is(err, sql.ErrNoRows) {
			res, err := s.db.ExecContext(ctx, `INSERT INTO attempt_failures (scope, window_start, failures, next_at) VALUES ($1, $2, 1, $3)
				ON CONFLICT (scope) DO NOTHING`, sc.key, millis(now), millis(now.Add(Delay(1, sc.limit, longest))))
			if err != nil {
				return fmt.Errorf("accounts: count attempt: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				return nil
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("accounts: count attempt: %w", err)
		}
		count := failures
		if fromMillis(last).Add(s.cfg.LimitWindow).Compare(now) <= 0 {
			count = 0 // quiet for a whole window: start again
		} else if wait := fromMillis(next).Sub(now); wait > 0 {
			wait = max((wait+time.Second-1)/time.Second*time.Second, time.Second)
			return &LimitError{Scope: sc.kind, RetryAfter: wait}
		}
		res, err := s.db.ExecContext(ctx, `UPDATE attempt_failures SET failures = $1, window_start = $2, next_at = $3
			WHERE scope = $4 AND failures = $5 AND window_start = $6`,
			count+1, millis(now), millis(now.Add(Delay(count+1, sc.limit, longest))), sc.key, failures, last)
		if err != nil {
			return fmt.Errorf("accounts: count attempt: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
	}
	return fmt.Errorf("accounts: count attempt: too much contention on %s", sc.kind)
}

// reserveAll reserves an attempt in every scope, and returns the
// *LimitError with the longest wait if any scope must wait. A scope that
// must wait is not counted; the others are.
func (s *Service) reserveAll(ctx context.Context, scopes []limitScope) error {
	var worst *LimitError
	for _, sc := range scopes {
		longest := s.cfg.LimitWindow
		if sc.kind == "address" {
			longest = MaxAddressDelay
		}
		err := s.reserve(ctx, sc, longest)
		var le *LimitError
		if errors.As(err, &le) {
			if worst == nil || le.RetryAfter > worst.RetryAfter {
				worst = le
			}
			continue
		}
		if err != nil {
			return err
		}
	}
	if worst != nil {
		return worst
	}
	return nil
}

// release gives back the attempt reserved for one that succeeded: the
// failure is uncounted and the scope need not wait.
func (s *Service) release(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE attempt_failures SET failures = failures - 1, next_at = 0 WHERE scope = $1 AND failures > 0`, key); err != nil {
		return fmt.Errorf("accounts: uncount attempt: %w", err)
	}
	return nil
}
