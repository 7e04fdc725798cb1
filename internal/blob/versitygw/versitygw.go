// Package versitygw starts a real S3-compatible server for tests: versitygw
// over a temporary folder, on a free loopback port, for as long as the test
// runs.
//
// It needs the versitygw binary on PATH or in $(go env GOPATH)/bin
// (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0); without
// it the test is skipped, unless LINEUP_TEST_REQUIRE_S3=1, when it fails
// instead (CI sets that).
package versitygw

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Credentials of the gateways Start starts.
const (
	AccessKey = "lineuptestaccess"
	SecretKey = "lineuptestsecret1234"
)

// Client returns an S3 client of a gateway Start started.
func Client(t testing.TB, endpoint string) *minio.Client {
	t.Helper()
	c, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), Region: "us-east-1", BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Start starts a versitygw S3 gateway over a temporary folder on a
// free port, stops it when the test ends and returns its host:port.
func Start(t testing.TB) string {
	t.Helper()
	return StartServer(t).Addr
}

// Server is a gateway the test may stop and start again (to make the
// media store go away for real). Its address and folder, and so its
// buckets and objects, stay the same across restarts.
type Server struct {
	// Addr is the gateway's host:port.
	Addr string

	t      testing.TB
	bin    string
	dir    string
	cmd    *exec.Cmd
	exited chan error
	stderr *syncBuffer
}

// StartServer starts a gateway like Start and returns it; it is stopped
// when the test ends.
func StartServer(t testing.TB) *Server {
	t.Helper()
	bin := findVersityGW()
	if bin == "" {
		const how = "versitygw not found on PATH or in $(go env GOPATH)/bin; install it with: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"
		if os.Getenv("LINEUP_TEST_REQUIRE_S3") == "1" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: l.Addr().String(), t: t, bin: bin, dir: t.TempDir()}
	l.Close()
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Start starts the gateway (again) and waits until it answers.
func (s *Server) Start() {
	s.t.Helper()
	s.stderr = &syncBuffer{}
	s.cmd = exec.Command(s.bin, "--port", s.Addr, "--access", AccessKey, "--secret", SecretKey, "posix", s.dir)
	s.cmd.Stdout, s.cmd.Stderr = s.stderr, s.stderr
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start versitygw: %v", err)
	}
	s.exited = make(chan error, 1)
	go func(cmd *exec.Cmd, exited chan<- error) { exited <- cmd.Wait() }(s.cmd, s.exited)
	c := Client(s.t, s.Addr)
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.ListBuckets(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case err := <-s.exited:
			s.t.Fatalf("versitygw exited: %v\n%s", err, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("versitygw did not answer on %s: %v\n%s", s.Addr, err, s.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop stops the gateway and waits until it has exited; stopping a
// stopped gateway does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

func findVersityGW() string {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	gopath, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return ""
	}
	for _, dir := range filepath.SplitList(strings.TrimSpace(string(gopath))) {
		p := filepath.Join(dir, "bin", "versitygw")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
