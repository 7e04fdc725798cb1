package web

import (
	"context"
	"crypto/subtle"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lineup_http_requests_total",
			Help: "HTTP requests served, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "lineup_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// statusRecorder remembers the status code and size a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// routePattern returns the pattern that matched, so metrics and logs group
// by route rather than by every distinct URL.
func routePattern(r *http.Request) string {
	p := r.Pattern
	if h, ok := r.Context().Value(patternKey{}).(*string); ok && p == "" {
		p = *h
	}
	if p == "" {
		return "unmatched"
	}
	if _, after, ok := strings.Cut(p, " "); ok {
		return after
	}
	return p
}

// patternKey holds a *string where the route adapter writes the pattern
// that matched, so that middleware outside the mux can label by route.
type patternKey struct{}

func (s *Server) countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if _, ok := r.Context().Value(patternKey{}).(*string); !ok {
			r = r.WithContext(context.WithValue(r.Context(), patternKey{}, new(string)))
		}
		rec, ok := w.(*statusRecorder)
		if !ok {
			rec = &statusRecorder{ResponseWriter: w}
			w = rec
		}
		next.ServeHTTP(w, r)
		route := routePattern(r)
		s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.status)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// logRequests writes one structured line per request.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r = r.WithContext(context.WithValue(r.Context(), patternKey{}, new(string)))
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s.Log.Info("request", "method", r.Method, "path", r.URL.Path, "route", routePattern(r),
			"status", rec.status, "bytes", rec.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000,
			"remote", r.RemoteAddr)
	})
}

// limitBody bounds every request body; reading past the limit fails with an
// *http.MaxBytesError, which the adapter answers with 413. Upload routes
// take the original body back (unlimitedBody) and bound it themselves.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), rawBodyKey{}, r.Body))
		r.Body = http.MaxBytesReader(w, r.Body, s.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

type rawBodyKey struct{}

// unlimitedBody lets an upload route read past MaxBodyBytes; the route
// applies MaxUploadBytes itself.
func (s *Server) unlimitedBody(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if raw, ok := r.Context().Value(rawBodyKey{}).(io.ReadCloser); ok {
			r.Body = raw
		}
		if r.ContentLength > s.MaxUploadBytes {
			return &http.MaxBytesError{Limit: s.MaxUploadBytes}
		}
		return next(w, r)
	}
}

// requireAdmin lets a request through with the admin bearer token, or from
// an admin's session (with its CSRF token on writes).
func (s *Server) requireAdmin(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		auth := r.Header.Get("Authorization")
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if v := viewerFrom(r.Context()); v != nil && !ok {
			if !v.Admin() {
				return errForbidden("this needs the admin role")
			}
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				if err := s.checkCSRF(r); err != nil {
					return err
				}
			}
			return next(w, r)
		}
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lineup"`)
			return errUnauthorized("this needs the admin role: send Authorization: Bearer <token> (LINEUP_ADMIN_TOKEN)")
		}
		if s.AdminToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.AdminToken)) != 1 {
			return errForbidden("the bearer token is not an admin token")
		}
		return next(w, r)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
