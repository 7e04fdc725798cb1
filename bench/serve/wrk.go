package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run reports.
type wrkResult struct {
	rps        float64 // requests per second
	bps        float64 // bytes per second read
	requests   int64
	non2xx     int64
	sockErrors string
}

// runWrk runs Debian's wrk against url for d with the given threads and
// connections, and parses its summary.
func runWrk(ctx context.Context, url string, threads, conns int, d time.Duration) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	secs := max(1, int(d.Round(time.Second)/time.Second))
	cmd := exec.CommandContext(ctx, "wrk", "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(secs)+"s", url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w\n%s", url, err, out)
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return r, fmt.Errorf("wrk %s: %w\n%s", url, err, out)
	}
	return r, nil
}

// parseWrk reads wrk's summary: "Requests/sec:", "Transfer/sec:", the
// "N requests in" line, and any non-2xx or socket error lines.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	var haveRPS, haveBPS bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "Requests/sec:"):
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, "Requests/sec:")), 64)
			if err != nil {
				return r, fmt.Errorf("requests/sec: %w", err)
			}
			r.rps, haveRPS = v, true
		case strings.HasPrefix(line, "Transfer/sec:"):
			v, err := parseSize(strings.TrimSpace(strings.TrimPrefix(line, "Transfer/sec:")))
			if err != nil {
				return r, fmt.Errorf("transfer/sec: %w", err)
			}
			r.bps, haveBPS = v, true
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
			r.non2xx, _ = strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "Non-2xx or 3xx responses:")), 10, 64)
		case strings.HasPrefix(line, "Socket errors:"):
			r.sockErrors = strings.TrimSpace(strings.TrimPrefix(line, "Socket errors:"))
		case strings.Contains(line, " requests in "):
			r.requests, _ = strconv.ParseInt(strings.Fields(line)[0], 10, 64)
		}
	}
	if !haveRPS || !haveBPS {
		return r, fmt.Errorf("no Requests/sec or Transfer/sec in wrk's output")
	}
	return r, nil
}

// parseSize reads wrk's sizes, such as 1.23GB or 512.00KB (powers of 1024).
func parseSize(s string) (float64, error) {
	mult := 1.0
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	return v * mult, err
}
