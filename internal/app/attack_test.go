package app

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServe runs `lineup serve` with env until the test ends and returns
// its address.
func startServe(t *testing.T, vars map[string]string) string {
	t.Helper()
	return startServeLogging(t, vars, io.Discard)
}

// startServeLogging is startServe with the log written to stderr.
func startServeLogging(t *testing.T, vars map[string]string, stderr io.Writer) string {
	t.Helper()
	e := &env{stdout: io.Discard, stderr: stderr, getenv: func(k string) string { return vars[k] }}
	_, parse := e.flags("serve")
	if err := parse(nil); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	rt, err := e.openRuntime(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- e.serve(ctx, rt, func(a string) { addrc <- a }) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
		rt.close(context.Background())
	})
	select {
	case a := <-addrc:
		return a
	case err := <-done:
		t.Fatalf("lineup serve: %v", err)
	}
	return ""
}

// Row 12: an admin token shorter than 32 bytes is refused at start, with a
// message that says how to make one.
func TestShortAdminTokenIsRefusedAtStart(t *testing.T) {
	c := newCLI(t, filepath.Join(t.TempDir(), "token.db"))
	c.env["LINEUP_ADDR"] = "127.0.0.1:0"
	c.env["LINEUP_ADMIN_TOKEN"] = "password123"
	_, err := c.run("serve")
	if err == nil || !strings.Contains(err.Error(), "LINEUP_ADMIN_TOKEN") || !strings.Contains(err.Error(), "32") {
		t.Fatalf("a short admin token must stop lineup serve with a message naming LINEUP_ADMIN_TOKEN and 32 bytes, got %v", err)
	}
}

// Row 13: on an empty data folder, lineup serve keeps what it writes to
// its own user: the folder 0700, the database and its WAL 0600, media
// folders 0700 and their files 0600.
func TestDataAtRestIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"LINEUP_DATA_DIR": dir, "LINEUP_ADDR": "127.0.0.1:0", "LINEUP_LOG_LEVEL": "warn",
		"LINEUP_ADMIN_TOKEN": strings.Repeat("t", 32)}
	addr := startServe(t, env)
	// A title makes the database write (and so its WAL exist) and an
	// upload makes media files.
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/titles", strings.NewReader(`{"original_title": "后来的我们", "original_language": "zh"}`))
	req.Header.Set("Authorization", "Bearer "+env["LINEUP_ADMIN_TOKEN"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("add a title: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("POST", "http://"+addr+"/api/v1/titles/1/assets", strings.NewReader("not really a film"))
	req.Header.Set("Authorization", "Bearer "+env["LINEUP_ADMIN_TOKEN"])
	req.Header.Set("Content-Type", "video/mp4")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	checked := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil // a file that came and went (a temporary one)
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if got := info.Mode().Perm(); got&0o077 != 0 {
			t.Errorf("%s is %v: what lineup serve writes must be readable by its user only (%v)", path, got, want)
		}
		checked++
		return nil
	})
	for _, name := range []string{"lineup.db", "lineup.db-wal", "lineup.db-shm", "media"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("expected %s in the data folder: %v", name, err)
		}
	}
	if checked < 5 {
		t.Errorf("only %d paths checked", checked)
	}
}

// `lineup user add` takes the password on standard input or from a file,
// never on the command line.
func TestUserAddKeepsThePasswordOffTheCommandLine(t *testing.T) {
	c := newCLI(t, filepath.Join(t.TempDir(), "users.db"))
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return c.env[k] }}
	if err := runUser(context.Background(), e, []string{"add", "--email", "a@b.test", "--password", "correct horse battery"}); err == nil ||
		!strings.Contains(err.Error(), "process list") {
		t.Errorf("--password must be refused saying why: %v", err)
	}
	e.stdin = strings.NewReader("correct horse battery\n")
	if err := runUser(context.Background(), e, []string{"add", "--email", "stdin@b.test"}); err != nil {
		t.Errorf("the password must be read from standard input: %v", err)
	}
	file := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(file, []byte("another fine passphrase\r\n"), 0o600)
	if err := runUser(context.Background(), e, []string{"add", "--email", "file@b.test", "--password-file", file}); err != nil {
		t.Errorf("the password must be read from --password-file: %v", err)
	}
	e.stdin = strings.NewReader("password\n")
	if err := runUser(context.Background(), e, []string{"add", "--email", "weak@b.test"}); err == nil {
		t.Errorf(`"password" must be refused as a password`)
	}
	e.stdin = strings.NewReader("")
	if err := runUser(context.Background(), e, []string{"add", "--email", "none@b.test"}); err == nil || !strings.Contains(err.Error(), "standard input") {
		t.Errorf("no password must be refused saying where it comes from: %v", err)
	}
}
