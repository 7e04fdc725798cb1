package web

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lineup/lineup/internal/playback"
)

// opsMetrics are what an operator watches beyond HTTP traffic: playback
// grants and refusals by reason, and sign-ins refused by the attempt limit.
type opsMetrics struct {
	grants   prometheus.Counter
	refusals *prometheus.CounterVec
	lockouts prometheus.Counter
}

func newOpsMetrics(reg prometheus.Registerer) *opsMetrics {
	m := &opsMetrics{
		grants: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lineup_playback_grants_total",
			Help: "Playback starts granted (a stream URL was signed).",
		}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lineup_playback_refusals_total",
			Help: "Playback starts refused, by reason: not_available, maturity, no_media, other.",
		}, []string{"reason"}),
		lockouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lineup_signin_lockouts_total",
			Help: "Sign-ins refused because the address or account made too many attempts.",
		}),
	}
	for _, reason := range []string{"not_available", "maturity", "no_media", "other"} {
		m.refusals.WithLabelValues(reason)
	}
	reg.MustRegister(m.grants, m.refusals, m.lockouts)
	return m
}

// countPlayback counts one playback start: granted when err is nil.
func (m *opsMetrics) countPlayback(err error) {
	switch {
	case err == nil:
		m.grants.Inc()
	case errors.Is(err, playback.ErrNoMedia):
		m.refusals.WithLabelValues("no_media").Inc()
	case errors.Is(err, playback.ErrMaturity):
		m.refusals.WithLabelValues("maturity").Inc()
	case errors.Is(err, playback.ErrNotAvailable):
		m.refusals.WithLabelValues("not_available").Inc()
	default:
		m.refusals.WithLabelValues("other").Inc()
	}
}
