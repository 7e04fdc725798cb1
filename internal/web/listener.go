package web

import (
	"net"
	"net/netip"
	"sync"
)

// LimitListener caps the connections one client address may hold open at
// once at perAddr (an IPv6 client counts by its /64): a connection beyond
// it is closed as soon as it is accepted, so that one host cannot hold
// hundreds of half-sent requests (issue 10 row 7). exempt, when not nil,
// names addresses with no cap: the trusted proxies, which carry everyone's
// connections. perAddr ≤ 0 returns l unchanged.
func LimitListener(l net.Listener, perAddr int, exempt func(netip.Addr) bool) net.Listener {
	if perAddr <= 0 {
		return l
	}
	return &limitListener{Listener: l, per: perAddr, exempt: exempt, open: map[string]int{}}
}

type limitListener struct {
	net.Listener
	per    int
	exempt func(netip.Addr) bool
	mu     sync.Mutex
	open   map[string]int
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key, ok := l.key(c.RemoteAddr())
		if !ok {
			return c, nil
		}
		l.mu.Lock()
		if l.open[key] >= l.per {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.open[key]++
		l.mu.Unlock()
		return &limitConn{Conn: c, release: func() { l.release(key) }}, nil
	}
}

// key is the address a connection counts against, false when uncapped.
func (l *limitListener) key(a net.Addr) (string, bool) {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return "", false
	}
	addr := ap.Addr().Unmap().WithZone("")
	if l.exempt != nil && l.exempt(addr) {
		return "", false
	}
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String(), true
	}
	return addr.String(), true
}

func (l *limitListener) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key]--; l.open[key] <= 0 {
		delete(l.open, key)
	}
}

// limitConn gives its place back once, when closed.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}
