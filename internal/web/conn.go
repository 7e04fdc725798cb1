package web

import (
	"context"
	"net"
)

// connKey is the context key under which ConnContext keeps a request's TCP
// connection.
type connKey struct{}

// ConnContext is meant for http.Server.ConnContext: it keeps each plain TCP
// connection in its requests' contexts, so that the stream path can cork
// the connection while it sends a segment (see corkConn). Connections of
// any other kind (TLS, tests' pipes) are left out, and nothing is corked.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*net.TCPConn); ok {
		return context.WithValue(ctx, connKey{}, tc)
	}
	return ctx
}

// corkConn holds back partial frames on the request's connection until
// the returned function is called, so that a response's headers leave in
// the same packet as the first bytes of the file sent after them, instead
// of alone: net/http writes the headers with one write and the file with
// sendfile, and with TCP_NODELAY the headers would otherwise go out as a
// small packet of their own, waking the client for a few hundred bytes.
// The returned function must be called when the response is written; it
// sends whatever is held back. Without a TCP connection in ctx (see
// ConnContext), or where corking is not supported, both do nothing.
func corkConn(ctx context.Context) (uncork func()) {
	tc, ok := ctx.Value(connKey{}).(*net.TCPConn)
	if !ok || !setCork(tc, true) {
		return func() {}
	}
	return func() { setCork(tc, false) }
}
