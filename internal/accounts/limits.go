package accounts

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// limitScope is one counter of failed attempts: kind names it for the
// *LimitError ("account", "address", "pin"), key is its row.
type limitScope struct {
	kind  string
	key   string
	limit int
}

// addressScope returns the counter key of a client address: an IPv4 address
// as it is, an IPv6 address by its /64 (one household or one server gets a
// whole /64, so counting single addresses would count nothing), anything
// unparsable as given. "" (or the zero netip.Addr's "invalid IP") means no
// address is known and none is counted.
func addressScope(addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" || addr == "invalid IP" {
		return ""
	}
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		addr = ap.Addr().String()
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		if len(addr) > 64 {
			addr = addr[:64]
		}
		return "address:" + addr
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "address:" + p.String()
	}
	return "address:" + a.String()
}

// hit counts one attempt against a scope, in a window that opens at the
// first failure and lasts Config.LimitWindow. When the count passes the
// limit it returns a *LimitError saying when the window closes. Counting
// before the attempt is checked (and taking it back on success, see unhit
// and clear) keeps parallel attempts from slipping past the limit.
func (s *Service) hit(ctx context.Context, sc limitScope) error {
	now := s.now()
	var failures int
	var start int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO attempt_failures (scope, window_start, failures) VALUES ($1, $2, 1)
		ON CONFLICT (scope) DO UPDATE SET
			failures = CASE WHEN attempt_failures.window_start <= $3 THEN 1 ELSE attempt_failures.failures + 1 END,
			window_start = CASE WHEN attempt_failures.window_start <= $3 THEN excluded.window_start ELSE attempt_failures.window_start END
		RETURNING failures, window_start`,
		sc.key, millis(now), millis(now.Add(-s.cfg.LimitWindow))).Scan(&failures, &start)
	if err != nil {
		return fmt.Errorf("accounts: count attempt: %w", err)
	}
	if failures <= sc.limit {
		return nil
	}
	// Round up to the second, and wait at least one.
	wait := fromMillis(start).Add(s.cfg.LimitWindow).Sub(now)
	wait = max((wait+time.Second-1)/time.Second*time.Second, time.Second)
	return &LimitError{Scope: sc.kind, RetryAfter: wait}
}

// hitAll counts an attempt against every scope and returns the *LimitError
// with the longest wait, if any scope is over its limit.
func (s *Service) hitAll(ctx context.Context, scopes []limitScope) error {
	var worst *LimitError
	for _, sc := range scopes {
		err := s.hit(ctx, sc)
		if le, ok := err.(*LimitError); ok {
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

// unhit takes back one counted attempt that turned out to succeed.
func (s *Service) unhit(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE attempt_failures SET failures = failures - 1 WHERE scope = $1 AND failures > 0`, key); err != nil {
		return fmt.Errorf("accounts: uncount attempt: %w", err)
	}
	return nil
}

// clear forgets every failure of a scope.
func (s *Service) clear(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM attempt_failures WHERE scope = $1`, key); err != nil {
		return fmt.Errorf("accounts: clear attempts: %w", err)
	}
	return nil
}
