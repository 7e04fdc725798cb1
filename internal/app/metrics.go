package app

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/lineup/lineup/internal/jobs"
)

// newRegistry makes the process's metrics registry: Go and process
// metrics, the database pool, lineup_build_info and the encode queue's
// depth. The web server adds its HTTP metrics and serve the search index's
// age.
func newRegistry(rt *runtime) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	b := BuildInfo()
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "lineup_build_info",
		Help:        "Always 1; its labels say which Lineup this process runs.",
		ConstLabels: prometheus.Labels{"version": b.Version, "commit": b.Commit, "goversion": b.Go},
	})
	info.Set(1)
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(rt.db.DB, "lineup"),
		info,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "lineup_encode_queue_depth",
			Help: "Encode jobs waiting or running (read from the database at each scrape; -1 when it does not answer).",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := rt.queue.Depth(ctx, jobs.QueueEncode)
			if err != nil {
				return -1
			}
			return float64(n)
		}),
	)
	return reg
}
