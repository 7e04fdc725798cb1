package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store/storetest"
)

// cli runs lineup commands against one database, as an operator would.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T, databaseURL string) *cli {
	return &cli{t: t, env: map[string]string{
		"LINEUP_DATABASE_URL": databaseURL,
		"LINEUP_DATA_DIR":     t.TempDir(),
		"LINEUP_LOG_LEVEL":    "warn",
	}}
}

func (c *cli) run(args ...string) (string, error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	err := Run(context.Background(), args, func(k string) string { return c.env[k] }, &out, &errOut)
	return out.String(), err
}

func (c *cli) must(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("lineup %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestCLIGivesTheAPIsAnswers(t *testing.T) {
	dbs := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "cli.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	}
	for name, url := range dbs {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t, url(t))
			var title struct{ ID int64 }
			json.Unmarshal([]byte(c.must("titles", "add", "--title", "后来的我们", "--language", "zh", "--year", "2018", "--json")), &title)
			if title.ID == 0 {
				t.Fatal("titles add --json must print the new title with its ID")
			}
			id := itoa(title.ID)
			c.must("licenses", "add", "--title", id, "--licensor", "Rights holder", "--licensee", "Lineup",
				"--territories", "ZZ", "--exclude", "CN", "--start", "2018-06-22", "--exclusive")
			var a rights.Availability
			json.Unmarshal([]byte(c.must("availability", "--title", id, "--territory", "PH", "--at", "2018-06-21T16:00:00Z", "--json")), &a)
			if !a.Available {
				t.Errorf("the CLI must answer as the rules say: available in Manila from 2018-06-21T16:00Z")
			}
			out := c.must("availability", "--title", id, "--territory", "US", "--at", "2018-06-22T03:59:59Z")
			if !strings.Contains(out, "not available") || !strings.Contains(out, "2018-06-22T04:00:00Z") {
				t.Errorf("not yet open in New York; the CLI must say when it opens: %q", out)
			}
			out, err := c.run("licenses", "add", "--title", id, "--licensor", "R", "--licensee", "Rival", "--territories", "FR", "--start", "2019-01-01")
			if err == nil {
				t.Fatalf("an exclusive clash must fail the command")
			}
			var ce *rights.ConflictError
			if !errors.As(err, &ce) || !strings.Contains(out, "FR") {
				t.Errorf("the refused license's conflicts must be listed with their territory: %v\n%s", err, out)
			}
			list := c.must("licenses", "list", "--title", id)
			if strings.Count(list, "\n") != 2 {
				t.Errorf("the refused license must not be stored:\n%s", list)
			}
			if _, err := c.run("availability", "--title", id, "--territory", "China"); !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "China") {
				t.Errorf("an unknown territory must be refused naming it, got %v", err)
			}
		})
	}
}

func TestConfigMasksSecretsAndReadsFiles(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "token")
	os.WriteFile(secret, []byte("from-a-file\n"), 0o600)
	c := newCLI(t, "postgres://lineup:hunter2@db:5432/lineup")
	c.env["LINEUP_ADMIN_TOKEN_FILE"] = secret
	out := c.must("config")
	if strings.Contains(out, "hunter2") || strings.Contains(out, "from-a-file") {
		t.Errorf("lineup config must mask secrets:\n%s", out)
	}
	if !strings.Contains(out, "LINEUP_ADDR") || !strings.Contains(out, "127.0.0.1:8080") {
		t.Errorf("lineup config must print the defaults:\n%s", out)
	}
	var m map[string]string
	json.Unmarshal([]byte(c.must("config", "--json", "--addr", "0.0.0.0:9999")), &m)
	if m["LINEUP_ADDR"] != "0.0.0.0:9999" {
		t.Errorf("a flag must win over the default: %v", m)
	}
	if m["LINEUP_ADMIN_TOKEN"] != "********" {
		t.Errorf("a secret read from LINEUP_ADMIN_TOKEN_FILE must be set and masked: %q", m["LINEUP_ADMIN_TOKEN"])
	}
	c.env["LINEUP_LICENSE_TYPES"] = "SVOD,Cinema"
	if _, err := c.run("config"); err == nil || !strings.Contains(err.Error(), "Cinema") {
		t.Errorf("a bad setting must be refused naming the value: %v", err)
	}
}

// TestShutdownFinishesRequestsInFlight starts the server, begins an upload,
// stops the server (as SIGTERM does) while the body is still arriving, and
// checks that the request is answered in full and serve returns cleanly.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	c := newCLI(t, filepath.Join(t.TempDir(), "shutdown.db"))
	c.env["LINEUP_ADDR"] = "127.0.0.1:0"
	c.env["LINEUP_ADMIN_TOKEN"] = strings.Repeat("t", 32)
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return c.env[k] }}
	_, parse := e.flags("serve")
	if err := parse(nil); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	rt, err := e.openRuntime(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.close(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- e.serve(ctx, rt, func(a string) { addrc <- a }) }()
	addr := <-addrc

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/titles", pr)
	req.Header.Set("Authorization", "Bearer "+c.env["LINEUP_ADMIN_TOKEN"])
	req.Header.Set("Content-Type", "application/json")
	respc := make(chan *http.Response, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("the request in flight must be answered, got %v", err)
			respc <- nil
			return
		}
		respc <- resp
	}()
	pw.Write([]byte(`{"original_title": "后来的我们", `))
	time.Sleep(200 * time.Millisecond)
	stop() // what SIGTERM does
	time.Sleep(200 * time.Millisecond)
	pw.Write([]byte(`"original_language": "zh"}`))
	pw.Close()
	resp := <-respc
	if resp != nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("the request in flight must complete normally, got %d", resp.StatusCode)
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("a graceful stop must return no error: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Errorf("a stopped server must not accept new connections")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
