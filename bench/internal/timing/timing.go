// Package timing is what the benchmarks share: timing a function many times
// into percentiles, a progress bar for long loads, and stopping on error.
package timing

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Stats are the median and the 99th percentile of a set of timings.
type Stats struct{ P50, P99 time.Duration }

// Measure runs fn n times and returns the median and p99, rounded to the
// microsecond.
func Measure(n int, fn func()) Stats {
	d := make([]time.Duration, n)
	for i := range d {
		t := time.Now()
		fn()
		d[i] = time.Since(t)
	}
	slices.Sort(d)
	round := func(x time.Duration) time.Duration { return x.Round(time.Microsecond) }
	return Stats{round(d[n/2]), round(d[min(n-1, n*99/100)])}
}

// Progress draws a one-line progress bar on standard error: what, a bar,
// percent done and the rate since start.
func Progress(what string, done, total int, start time.Time) {
	const width = 30
	filled := width * done / total
	rate := float64(done) / time.Since(start).Seconds()
	fmt.Fprintf(os.Stderr, "\r%-9s [%s%s] %3d%% %8.0f/s", what, strings.Repeat("#", filled), strings.Repeat(".", width-filled), 100*done/total, rate)
}

// Check stops the benchmark on an error.
func Check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
