package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClientThatWentAwayIsNoFailure checks that a request whose client
// closed the connection while the handler worked is not logged as a
// server failure with an error ID, and is counted as 499.
func TestClientThatWentAwayIsNoFailure(t *testing.T) {
	vs := newViewerServer(t)
	var logged strings.Builder
	vs.srv.Log = slog.New(slog.NewTextHandler(&logged, nil))
	ctx, cancel := context.WithCancel(t.Context())
	h := vs.srv.adapt(func(w http.ResponseWriter, r *http.Request) error {
		cancel() // the player moved on while the segment was being opened
		return fmt.Errorf("blob: get assets/1/seg.m4s: %w", r.Context().Err())
	})
	rec := &statusRecorder{ResponseWriter: httptest.NewRecorder()}
	h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, "GET", "/stream/t/1/seg.m4s", nil))
	if strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("a client that went away is not a server failure, yet it was logged as one:\n%s", logged.String())
	}
	if rec.status != statusClientClosed {
		t.Errorf("a client that went away must be counted as %d, got %d", statusClientClosed, rec.status)
	}
}
