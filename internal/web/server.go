// Package web is Lineup's HTTP surface: the JSON API under /api/v1 with its
// OpenAPI document, health and readiness probes, and Prometheus metrics. One
// route table, read top to bottom, lists every route.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// Deps is what the web layer needs; app builds it. Every field but Now and
// Registry is required.
type Deps struct {
	Log     *slog.Logger
	DB      *store.DB
	Catalog *catalog.Service
	Rights  *rights.Service
	// AdminToken, when not empty, is accepted as a bearer token with the
	// admin role (LINEUP_ADMIN_TOKEN). When empty, writes are refused.
	AdminToken string
	// ServiceName is the name shown to people ("Lineup").
	ServiceName string
	// MaxBodyBytes bounds every request body; larger ones get 413.
	MaxBodyBytes int64
	// DefaultTerritory is used when a request names none.
	DefaultTerritory string
	// AvailsLicensor is the licensor recorded for imported avails rows that
	// name none (no DisplayName).
	AvailsLicensor string
	// Licensee is the service's own licensee, recorded for imported avails
	// rows without a Licensee column.
	Licensee string
	// Registry receives the HTTP metrics; nil means a new registry.
	Registry *prometheus.Registry
	// Now returns the current instant; nil means time.Now.
	Now func() time.Time
}

// Server serves Lineup's HTTP surface. It keeps no state of its own between
// requests, so any number of them can run behind a load balancer.
type Server struct {
	Deps
	mux     *http.ServeMux
	metrics *httpMetrics
	handler http.Handler
}

// New builds the server and its route table.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = 10 << 20
	}
	s := &Server{Deps: d, mux: http.NewServeMux()}
	s.metrics = newHTTPMetrics(d.Registry)
	for _, rt := range s.routes() {
		h := rt.handle
		if rt.admin {
			h = s.requireAdmin(h)
		}
		s.mux.Handle(rt.method+" "+rt.pattern, s.adapt(h))
	}
	s.mux.Handle("/", s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		return errNotFound("no such page: " + r.URL.Path)
	}))
	s.handler = s.logRequests(s.countRequests(s.limitBody(s.mux)))
	return s
}

// ServeHTTP serves one request. It is safe for concurrent use.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// handlerFunc is a handler that returns its error to one adapter, which maps
// it to a status and a problem+json body.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one line of the route table.
type route struct {
	method  string
	pattern string
	admin   bool // needs the admin role
	handle  handlerFunc
}

// routes is the whole HTTP surface; the OpenAPI document must list exactly
// these (a test keeps them in step).
func (s *Server) routes() []route {
	return []route{
		{"GET", "/healthz", false, s.healthz},
		{"GET", "/readyz", false, s.readyz},
		{"GET", "/metrics", false, s.metricsHandler},
		{"GET", "/api/v1/openapi.json", false, s.openAPI},

		{"GET", "/api/v1/territories", false, s.territoriesList},

		{"GET", "/api/v1/titles", false, s.titlesList},
		{"POST", "/api/v1/titles", true, s.titlesCreate},
		{"GET", "/api/v1/titles/{id}", false, s.titlesGet},

		{"GET", "/api/v1/licenses", true, s.licensesList},
		{"POST", "/api/v1/licenses", true, s.licensesCreate},
		{"POST", "/api/v1/licenses/check", true, s.licensesCheck},
		{"GET", "/api/v1/licenses/{id}", true, s.licensesGet},
		{"GET", "/api/v1/conflicts", true, s.conflictsList},

		{"POST", "/api/v1/avails", true, s.availsImport},
		{"GET", "/api/v1/avails", true, s.availsExport},

		{"GET", "/api/v1/availability", false, s.availabilityGet},
		{"GET", "/api/v1/lineup", false, s.lineupGet},
	}
}
