package web

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// crossOrigin refuses state-changing requests that a browser sends from
// another site (login CSRF on the sign-in and sign-up forms, which have no
// session to bind a token to), with Go's Sec-Fetch-Site and Origin checks.
// The forms' CSRF tokens stay: this is a second wall, not a replacement.
// Clients that are not browsers send neither header and pass; their writes
// need a bearer token anyway.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range s.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			s.Log.Warn("ignoring a trusted origin that is not scheme://host[:port]", "origin", o, "err", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, Problem{Status: http.StatusForbidden, Title: "Cross-site request refused",
			Detail: "this form was sent from another site; open the page on this site and send it from there"})
	}))
	return cop.Handler(next)
}

// clientKey is the address a request counts against in a throttle: the
// client as the locator finds it (through trusted proxies), an IPv6 client
// by its /64.
func (s *Server) clientKey(r *http.Request) string {
	var a netip.Addr
	if s.Geo != nil {
		a = s.Geo.ClientAddr(r)
	} else if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		a = ap.Addr()
	} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		a, _ = netip.ParseAddr(host)
	}
	if !a.IsValid() {
		return "unknown"
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// throttle counts events per key (a client address) in a fixed window that
// opens at the first event, and says when a key has had its fill. It is
// per process: a node that restarts forgets, which only ever lets a client
// try sooner. At most maxKeys keys are kept; when full, expired windows are
// dropped, and if none has expired the oldest is. It is safe for concurrent
// use.
type throttle struct {
	limit   int
	window  time.Duration
	maxKeys int
	now     func() time.Time

	mu sync.Mutex
	m  map[string]throttleWindow
}

type throttleWindow struct {
	start time.Time
	n     int
}

func newThrottle(limit int, window time.Duration, now func() time.Time) *throttle {
	return &throttle{limit: limit, window: window, maxKeys: 100_000, now: now, m: map[string]throttleWindow{}}
}

// wait returns how long key must wait before its next event is accepted,
// 0 when it may go now.
func (t *throttle) wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	w, ok := t.m[key]
	now := t.now()
	if !ok || now.Sub(w.start) >= t.window || w.n < t.limit {
		return 0
	}
	return w.start.Add(t.window).Sub(now)
}

// add counts one event of key.
func (t *throttle) add(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	w, ok := t.m[key]
	if !ok || now.Sub(w.start) >= t.window {
		if !ok && len(t.m) >= t.maxKeys {
			t.evict(now)
		}
		w = throttleWindow{start: now}
	}
	w.n++
	t.m[key] = w
}

// evict drops expired windows, or the oldest one when none has expired.
func (t *throttle) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for k, w := range t.m {
		if now.Sub(w.start) >= t.window {
			delete(t.m, k)
			continue
		}
		if oldest == "" || w.start.Before(oldestAt) {
			oldest, oldestAt = k, w.start
		}
	}
	if len(t.m) >= t.maxKeys {
		delete(t.m, oldest)
	}
}

// tooMany answers a throttled request: 429 with Retry-After in whole
// seconds.
func tooMany(w http.ResponseWriter, wait time.Duration, what string) error {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	return &httpError{status: http.StatusTooManyRequests, detail: what + ": try again in " + strconv.Itoa(max(secs, 1)) + "s"}
}

// retryAfter writes a wait as Retry-After does: whole seconds, rounded up,
// at least one.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(int((d+time.Second-1)/time.Second), 1))
}
