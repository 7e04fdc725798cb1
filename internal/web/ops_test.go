package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/geo"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store/storetest"
)

// The metrics live on the operator's address, not the public one; the
// probes answer on both (load balancers use the public ones).
func TestMetricsOnlyOnTheOperatorsAddress(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t))
	if code := ts.do("GET", "/metrics", nil, false, nil); code != http.StatusNotFound {
		t.Errorf("/metrics must not be served on the public address, got %d", code)
	}
	ops := httptest.NewServer(ts.srv.Ops())
	defer ops.Close()
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, body := get(t, ops.URL+p, nil)
		if resp.StatusCode != 200 {
			t.Errorf("the operator's address must serve %s: %d %s", p, resp.StatusCode, body)
		}
	}
	// A worker has no web server, only the operator's address.
	worker := httptest.NewServer(NewOps(Deps{Log: slog.New(slog.DiscardHandler), DB: ts.db}))
	defer worker.Close()
	if resp, body := get(t, worker.URL+"/readyz", nil); resp.StatusCode != 200 {
		t.Errorf("a worker's /readyz: %d %s", resp.StatusCode, body)
	}
}

// Every request has an ID, echoed in X-Request-ID and on its log line with
// the client's address as the trusted-proxy rules resolve it. A trusted
// proxy's ID is kept; anyone else's is replaced.
func TestRequestIDAndClientAddressInTheLog(t *testing.T) {
	db := storetest.SQLite(t)
	logs := &lockedBuffer{}
	loc, err := geo.New(geo.Config{Default: "US", TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Log: slog.New(slog.NewTextHandler(logs, nil)), DB: db, Catalog: catalog.New(db),
		Rights: rights.New(db, rights.Config{Licensee: "Lineup"}), ServiceName: "Lineup", DefaultTerritory: "US", Licensee: "Lineup", Geo: loc})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(checkAPI(t, s))
	defer ts.Close()
	req, _ := http.NewRequest("GET", ts.URL+"/healthz", nil)
	req.Header.Set("X-Request-ID", "edge-42")
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-ID"); got != "edge-42" {
		t.Errorf("a trusted proxy's request ID must be kept and echoed, got %q", got)
	}
	line := logs.lines("INFO", "edge-42")
	if len(line) != 1 || !strings.Contains(line[0], "client=203.0.113.7") {
		t.Errorf("the access log line must carry the request ID and the client address behind the proxy:\n%s", logs.String())
	}

	loc2, _ := geo.New(geo.Config{Default: "US"})
	s.Geo = loc2 // no proxy trusted now
	req, _ = http.NewRequest("GET", ts.URL+"/healthz", nil)
	req.Header.Set("X-Request-ID", "forged-by-the-client")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-ID"); got == "" || strings.Contains(got, "forged") {
		t.Errorf("a request ID from an untrusted client must be replaced by a new one, got %q", got)
	}
}

// Playback starts are counted, refusals by reason.
func TestPlaybackMetricsCountGrantsAndRefusalsByReason(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newOpsMetrics(reg)
	m.countPlayback(nil)
	m.countPlayback(fmt.Errorf("entitle: %w", &playback.DeniedError{Reason: playback.ReasonMaturity}))
	m.countPlayback(fmt.Errorf("entitle: %w", &playback.DeniedError{Reason: playback.ReasonNotAvailable}))
	m.countPlayback(fmt.Errorf("entitle: %w", &playback.DeniedError{Reason: playback.ReasonNotAvailable}))
	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range m.GetLabel() {
				key += "/" + l.GetValue()
			}
			got[key] = m.GetCounter().GetValue()
		}
	}
	for key, want := range map[string]float64{"lineup_playback_grants_total": 1, "lineup_playback_refusals_total/maturity": 1,
		"lineup_playback_refusals_total/not_available": 2, "lineup_playback_refusals_total/no_media": 0} {
		if got[key] != want {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
}
