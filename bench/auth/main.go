// Command auth measures sign-up and sign-in under 200 concurrent attempts
// against a real `lineup serve` (built from this tree, SQLite in a
// temporary folder), beside a baseline measured in the same run: the bare
// argon2id hash with Lineup's parameters, 200 at once in this process.
//
// Each attempt comes "from" its own client address (X-Forwarded-For through
// a trusted proxy, 127.0.0.1), as a crowd would, so the per-address limits
// do not turn the run into a 429 test. While the attempts run, /healthz is
// asked every 20 ms. It prints, per phase, the median of -runs rounds:
// attempts per second and its ratio to the bare hash's rate, the server's
// peak RSS (VmHWM; target ≤ 300 MB) and /healthz p99 (target ≤ 50 ms).
// Run it as scripts/bench auth.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/lineup/lineup/internal/accounts"
)

func main() {
	n := flag.Int("n", 200, "concurrent attempts per round")
	runs := flag.Int("runs", 3, "rounds per phase (the median is printed)")
	flag.Parse()
	if err := run(*n, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench auth:", err)
		os.Exit(1)
	}
}

func run(n, runs int) error {
	dir, err := os.MkdirTemp("", "lineup-bench-auth-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "lineup")
	fmt.Fprintln(os.Stderr, "building lineup…")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/lineup").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	env := append(os.Environ(), "LINEUP_DATA_DIR="+filepath.Join(dir, "data"), "LINEUP_ADDR="+addr,
		"LINEUP_LOG_LEVEL=error", "LINEUP_SIGNUP=true", "LINEUP_TRUSTED_PROXIES=127.0.0.1/32", "LINEUP_EMAIL_VERIFICATION=false")
	// Sign-up opens once the service has an administrator.
	add := exec.Command(bin, "user", "add", "--admin", "--email", "admin@bench.test")
	add.Env, add.Stdin = env, strings.NewReader("the bench admin's passphrase\n")
	if out, err := add.CombinedOutput(); err != nil {
		return fmt.Errorf("lineup user add: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base := "http://" + addr
	if err := waitUp(base); err != nil {
		return err
	}
	fmt.Printf("machine: %d attempts at once, %d rounds a phase; the server and this client share the cores\n", n, runs)

	var hashRates []float64
	for range runs {
		hashRates = append(hashRates, bareHashes(n))
	}
	baseline := median(hashRates)
	fmt.Printf("baseline   bare argon2id (m=%d KiB, t=%d), %d at once in-process: %.1f hashes/s\n",
		accounts.DefaultPasswordParams.Memory, accounts.DefaultPasswordParams.Iterations, n, baseline)

	// The baseline of the latency: /healthz with nothing else to do, on
	// this machine as loaded as it is now.
	var idle []float64
	for range runs {
		idle = append(idle, healthP99(base, 2*time.Second).Seconds()*1000)
	}
	fmt.Printf("baseline   /healthz p99 with the server idle: %.1f ms\n", median(idle))

	client := &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	phases := []struct {
		name string
		path string
		ok   int
	}{{"sign-up", "/signup", http.StatusOK}, {"sign-in", "/signin", http.StatusSeeOther}}
	for _, ph := range phases {
		var rates, p99s []float64
		var bad int
		for round := range runs {
			res := crowd(client, base, ph.path, n, round, ph.ok)
			rates = append(rates, res.rate)
			p99s = append(p99s, res.healthP99.Seconds()*1000)
			bad += res.bad
		}
		rss := peakRSS(cmd.Process.Pid)
		fmt.Printf("%-10s %.1f attempts/s (%.2fx the bare hash), %d not answered as expected, /healthz p99 %.1f ms (target ≤ 50; %.1fx idle), server peak RSS %d MB (target ≤ 300)\n",
			ph.name, median(rates), median(rates)/baseline, bad, median(p99s), median(p99s)/median(idle), rss>>20)
	}
	return nil
}

// bareHashes hashes n passwords at once with Lineup's parameters and
// returns hashes per second.
func bareHashes(n int) float64 {
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { argon2id.CreateHash("bench password "+strconv.Itoa(i), &accounts.DefaultPasswordParams) })
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

type result struct {
	rate      float64
	healthP99 time.Duration
	bad       int
}

// healthP99 times /healthz every 20 ms for d and returns the p99.
func healthP99(base string, d time.Duration) time.Duration {
	var lat []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		t := time.Now()
		if resp, err := http.Get(base + "/healthz"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		lat = append(lat, time.Since(t))
	}
	return p99(lat)
}

// crowd sends n attempts at once to path while timing /healthz.
func crowd(c *http.Client, base, path string, n, round, want int) result {
	stop := make(chan struct{})
	var lat []time.Duration
	var hw sync.WaitGroup
	hw.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			t := time.Now()
			if resp, err := http.Get(base + "/healthz"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			lat = append(lat, time.Since(t))
		}
	})
	var mu sync.Mutex
	bad := 0
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			form := url.Values{"email": {fmt.Sprintf("bench%d@lineup.test", i)}, "password": {"a long bench passphrase"}}
			req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", round, i/250, i%250+1))
			resp, err := c.Do(req)
			ok := err == nil && resp.StatusCode == want
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if !ok {
				mu.Lock()
				bad++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	hw.Wait()
	return result{rate: float64(n) / elapsed.Seconds(), healthP99: p99(lat), bad: bad}
}

func waitUp(base string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("lineup serve did not answer /healthz in 60 s")
}

// peakRSS is a process's peak resident set (VmHWM), in bytes.
func peakRSS(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func p99(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*99/100)]
}
