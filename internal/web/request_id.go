package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// requestIDKey keys a request's ID in its context.
type requestIDKey struct{}

// requestIDFrom returns the request's ID ("" outside requestID).
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID gives every request an ID, echoed in the X-Request-ID response
// header and on its log lines, so one request can be followed from the
// proxy's log to Lineup's. An ID a trusted proxy sent is kept (when it is
// up to 128 printable ASCII characters); otherwise, or from anyone else,
// a new one is made, so a client cannot write what it likes into the log.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if id == "" || !validRequestID(id) || s.Geo == nil || !s.Geo.FromTrustedProxy(r) {
			b := make([]byte, 12)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

func validRequestID(id string) bool {
	if len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// clientAddr is the client's address as the trusted-proxy rules resolve it
// (see geo.Locator.ClientAddr), for the log; RemoteAddr without a Locator.
func (s *Server) clientAddr(r *http.Request) string {
	if s.Geo != nil {
		if a := s.Geo.ClientAddr(r); a.IsValid() {
			return a.String()
		}
	}
	return r.RemoteAddr
}
