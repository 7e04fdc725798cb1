package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthz says the process is up; it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether this node can serve: the database answers and its
// migrations are current.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	pending, err := s.DB.Pending(ctx)
	if err != nil {
		s.Log.Warn("not ready: database unreachable", "err", err)
		writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Title: "Not ready", Detail: "the database does not answer"})
		return nil
	}
	if len(pending) > 0 {
		writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Title: "Not ready",
			Detail: fmt.Sprintf("%d database migration(s) pending (%v): run `lineup migrate`", len(pending), pending)})
		return nil
	}
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "database": s.DB.Dialect.String()})
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}
