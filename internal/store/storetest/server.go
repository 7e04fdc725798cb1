package storetest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// Server is a PostgreSQL server of a test's own, which the test may stop
// and start again (to make the database go away for real), unlike the
// shared one of LINEUP_TEST_POSTGRES_URL. Its port stays the same across
// restarts, so URLs keep working.
type Server struct {
	// URL reaches the server's postgres database as the postgres user.
	URL string
	t   testing.TB
	dir string
	bin string
	run func(args ...string) *exec.Cmd
}

// StartServer initializes and starts a throwaway PostgreSQL server (initdb
// and pg_ctl from Debian's postgresql package; as root they run as the
// postgres user). It is stopped and removed when the test ends. Without the
// programs the test is skipped, unless LINEUP_TEST_REQUIRE_POSTGRES=1.
func StartServer(t testing.TB) *Server {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if os.Getenv("LINEUP_TEST_REQUIRE_POSTGRES") == "1" {
			t.Fatal("LINEUP_TEST_REQUIRE_POSTGRES=1 but initdb is missing: apt-get install postgresql")
		}
		t.Skip("postgres: no initdb under /usr/lib/postgresql; apt-get install postgresql")
	}
	sort.Strings(bins)
	s := &Server{t: t, bin: filepath.Dir(bins[len(bins)-1])}
	// t.TempDir is private to this user; the postgres user needs its own.
	dir, err := os.MkdirTemp("", "lineup-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	s.run = func(args ...string) *exec.Cmd { return exec.Command(args[0], args[1:]...) }
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, PostgreSQL needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		if err := os.Chown(dir, uid, -1); err != nil {
			t.Fatal(err)
		}
		s.run = func(args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...)
		}
	}
	if out, err := s.run(filepath.Join(s.bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "postgres", "-A", "trust", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := fmt.Sprintf("port = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 100\n", port, dir)
	if err := os.WriteFile(filepath.Join(dir, "data", "postgresql.auto.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Start starts the server (again) and waits until it accepts connections.
func (s *Server) Start() {
	s.t.Helper()
	if out, err := s.pgctl("-w", "-l", filepath.Join(s.dir, "log"), "start"); err != nil {
		s.t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

// Stop stops the server the way an operator's restart does (fast shutdown:
// sessions are ended, transactions rolled back) and waits until it is down.
// Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.pgctl("-m", "fast", "-w", "stop")
}

func (s *Server) pgctl(args ...string) ([]byte, error) {
	return s.run(append([]string{filepath.Join(s.bin, "pg_ctl"), "-D", filepath.Join(s.dir, "data")}, args...)...).CombinedOutput()
}
