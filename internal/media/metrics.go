package media

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts encodes for the operator. A nil *Metrics records nothing.
type Metrics struct {
	duration prometheus.Histogram
	speed    prometheus.Histogram
	failures *prometheus.CounterVec
}

// Reasons an encode attempt failed, as lineup_encode_failures_total counts them.
const (
	FailRefused          = "refused"           // the source is not a film Lineup can encode
	FailStoreUnavailable = "store_unavailable" // the media store did not answer
	FailTimeout          = "timeout"           // the attempt ran out of time
	FailInterrupted      = "interrupted"       // the worker stopped
	FailError            = "error"             // anything else (ffmpeg, disk, …)
)

// NewMetrics registers the encode metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lineup_encode_duration_seconds",
			Help:    "Time an encode that succeeded took, from claim to publication.",
			Buckets: prometheus.ExponentialBuckets(5, 2, 12), // 5 s to about 3 h
		}),
		speed: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lineup_encode_speed_ratio",
			Help:    "Film duration divided by encode time, of encodes that succeeded (1 = real time).",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32},
		}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lineup_encode_failures_total",
			Help: "Encode attempts that failed, by reason: refused, store_unavailable, timeout, interrupted, error.",
		}, []string{"reason"}),
	}
	for _, r := range []string{FailRefused, FailStoreUnavailable, FailTimeout, FailInterrupted, FailError} {
		m.failures.WithLabelValues(r)
	}
	reg.MustRegister(m.duration, m.speed, m.failures)
	return m
}

func (m *Metrics) encoded(took, film time.Duration) {
	if m == nil {
		return
	}
	m.duration.Observe(took.Seconds())
	if took > 0 && film > 0 {
		m.speed.Observe(film.Seconds() / took.Seconds())
	}
}

func (m *Metrics) failed(reason string) {
	if m == nil {
		return
	}
	m.failures.WithLabelValues(reason).Inc()
}
