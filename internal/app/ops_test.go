package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A serving node answers its probes and metrics on LINEUP_METRICS_ADDR,
// with the operator's metrics, and not /metrics on its public address.
func TestServeHasAnOperatorsAddress(t *testing.T) {
	c := newCLI(t, filepath.Join(t.TempDir(), "ops.db"))
	c.env["LINEUP_ADDR"] = "127.0.0.1:0"
	ops := freeAddr(t)
	c.env["LINEUP_METRICS_ADDR"] = ops
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return c.env[k] }}
	_, parse := e.flags("serve")
	if err := parse(nil); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	rt, err := e.openRuntime(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.close(context.Background())
	addrc := make(chan string, 1)
	go e.serve(ctx, rt, func(a string) { addrc <- a })
	var addr string
	select {
	case addr = <-addrc:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	if code, _ := fetch(t, "http://"+addr+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics must be off the public address: %d", code)
	}
	if code, body := fetch(t, "http://"+ops+"/readyz"); code != 200 {
		t.Errorf("the operator's /readyz: %d %s", code, body)
	}
	_, body := fetch(t, "http://"+ops+"/metrics")
	for _, m := range []string{"lineup_build_info{", "lineup_encode_queue_depth 0", "lineup_search_index_age_seconds", "go_sql_open_connections", "lineup_http_requests_total", "lineup_encode_failures_total{reason=\"store_unavailable\"} 0", "lineup_playback_grants_total 0", "lineup_signin_lockouts_total 0"} {
		if !strings.Contains(body, m) {
			t.Errorf("the metrics must include %s", m)
		}
	}
}

func TestVersion(t *testing.T) {
	c := newCLI(t, filepath.Join(t.TempDir(), "v.db"))
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out := c.must(args...)
		if !strings.HasPrefix(out, "lineup ") || !strings.Contains(out, "commit ") || !strings.Contains(out, "built ") {
			t.Errorf("lineup %s must print the version, commit and build date: %q", args[0], out)
		}
	}
}
