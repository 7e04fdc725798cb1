package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lineup/lineup/internal/blob"
)

// healthz says the process is up; it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether this node can serve: the database answers and its
// migrations are current, the media store answers, and every disk it writes
// to has at least MinFreeBytes free. Each failing check is named in the
// problem's detail; a dependency that fails is logged once per outage.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	notReady := func(detail string) error {
		writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Title: "Not ready", Detail: detail, retryAfter: retryAfterSeconds})
		return nil
	}
	pending, err := s.DB.Pending(ctx)
	if err != nil {
		s.outages.down("database", err)
		return notReady("the database does not answer")
	}
	s.outages.up("database")
	if err := s.DB.CheckSchema(ctx); err != nil {
		return notReady(err.Error())
	}
	if len(pending) > 0 {
		return notReady(fmt.Sprintf("%d database migration(s) pending (%v): run `lineup migrate`", len(pending), pending))
	}
	if s.Blob != nil {
		if _, err := s.Blob.Stat(ctx, "readyz/probe"); err != nil && !errors.Is(err, blob.ErrNotFound) {
			s.outages.down("media store", err)
			return notReady("the media store does not answer")
		}
		s.outages.up("media store")
	}
	minFree := s.MinFreeBytes
	if minFree == 0 {
		minFree = defaultMinFreeBytes
	}
	for _, d := range s.Disks {
		free, err := freeBytes(d.Path)
		if err != nil {
			return notReady(fmt.Sprintf("cannot tell the free space on the disk holding the %s: %v", d.Name, err))
		}
		if free < minFree {
			s.outages.down("disk of the "+d.Name, fmt.Errorf("%s free at %s", humanBytes(free), d.Path))
			return notReady(fmt.Sprintf("the disk holding the %s is full: %s free, less than the %s it needs (LINEUP_MIN_FREE_BYTES)",
				d.Name, humanBytes(free), humanBytes(minFree)))
		}
		s.outages.up("disk of the " + d.Name)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "database": s.DB.Dialect.String()})
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}
