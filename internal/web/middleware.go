package web

import (
	"crypto/subtle"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	*opsMetrics
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
	m.opsMetrics = newOpsMetrics(reg)
	return m
}

// statusRecorder remembers the status code and size a handler wrote, and
// the route pattern that matched (the adapter fills it in), so that the
// log and the metrics outside the mux can group by route.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	bytes   int64
	pattern string
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

// ReadFrom passes large bodies (segments from the folder store) to the real
// writer, so that the kernel can send a file without copying it through
// the process.
func (r *statusRecorder) ReadFrom(src io.Reader) (int64, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := r.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(r.ResponseWriter, src)
	}
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// routeOf returns the route pattern that matched, without the method.
func routeOf(rec *statusRecorder) string {
	p := rec.pattern
	if p == "" {
		return "unmatched"
	}
	if _, after, ok := strings.Cut(p, " "); ok {
		return after
	}
	return p
}

func (s *Server) countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec, ok := w.(*statusRecorder)
		if !ok {
			rec = &statusRecorder{ResponseWriter: w}
			w = rec
		}
		next.ServeHTTP(w, r)
		route := routeOf(rec)
		s.metrics.requests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(rec.status)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// methodLabel is the method as the metrics count it: one of the methods
// HTTP defines, or "other". A method is any token the client chooses, up to
// the header limit, and each label value is kept until the process ends, so
// counting methods as sent would let anyone grow the metrics without bound.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// logRequests writes one structured line per request.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if !s.Log.Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		method := r.Method
		if methodLabel(method) == "other" && len(method) > 16 {
			method = method[:16] + "…"
		}
		s.Log.Info("request", "method", method, "path", redactPath(r.URL.Path), "route", routeOf(rec),
			"status", rec.status, "bytes", rec.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000,
			"client", s.clientAddr(r), "request_id", requestIDFrom(r.Context()))
	})
}

// limitBody bounds every request body; reading past the limit fails with an
// *http.MaxBytesError, which the adapter answers with 413. Film uploads
// are bounded by MaxUploadBytes in their handlers instead.
//
// A body other than an upload must also arrive within BodyTimeout: a body
// sent a byte at a time held a connection for as long as its sender liked
// (issue 10 row 7). Past the deadline the read fails and the connection
// is closed after the answer.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody && !isUpload(r) {
			r.Body = http.MaxBytesReader(w, r.Body, s.MaxBodyBytes)
			// Only a real connection has a deadline to set; the error
			// of a recorder in tests is of no interest.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.BodyTimeout))
		}
		next.ServeHTTP(w, r)
	})
}

// isUpload tells the upload routes (POST /api/v1/titles/{id}/assets,
// POST /admin/ingest, and the artwork upload, POST
// /admin/titles/{id}/artwork, which takes images up to 20 MiB) before the
// mux has matched them. Each bounds its own body.
func isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	p := r.URL.Path
	return p == "/admin/ingest" || strings.HasPrefix(p, "/api/v1/titles/") && strings.HasSuffix(p, "/assets") ||
		strings.HasPrefix(p, "/admin/titles/") && strings.HasSuffix(p, "/artwork")
}

// unlimitedBody marks an upload route; limitBody left its body unbounded,
// and the route applies MaxUploadBytes itself.
func (s *Server) unlimitedBody(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
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
		// A throttled address waits even with the right token, so that
		// the answer never tells a right guess from a wrong one.
		key := s.clientKey(r)
		if wait := s.adminFails.wait(key); wait > 0 {
			return tooMany(w, wait, "too many wrong admin tokens from this address")
		}
		if !s.isAdminToken(token) {
			s.adminFails.add(key)
			return errForbidden("the bearer token is not an admin token")
		}
		return next(w, r)
	}
}

// isAdminToken compares a bearer token with LINEUP_ADMIN_TOKEN in constant
// time; with no admin token set nothing is one.
func (s *Server) isAdminToken(token string) bool {
	return s.AdminToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.AdminToken)) == 1
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// redactPath hides the playback token in a stream or key path
// ("/stream/<token>/7/master.m3u8" → "/stream/REDACTED/7/master.m3u8"), so
// that an access log never holds a credential. Metrics label requests by
// route pattern, never by path, so tokens never become labels either.
func redactPath(p string) string {
	for _, prefix := range []string{"/stream/", "/keys/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				return prefix + "REDACTED" + rest[i:]
			}
			return prefix + "REDACTED"
		}
	}
	return p
}
