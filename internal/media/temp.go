package media

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// tempPrefix starts the name of every encode's temporary folder, followed
// by the worker's process ID and a random part: "lineup-encode-4242-123/".
const tempPrefix = "lineup-encode-"

// removeDeadTemp removes the temporary folders of encodes whose worker
// process no longer exists: a worker killed outright (SIGKILL, out of
// memory) leaves its downloaded source and partial output behind, which
// filled the disk over time. Folders of live processes, this one's
// included, are left alone, so several workers may share TempDir. It is
// best effort: what it cannot remove it logs.
func (s *Service) removeDeadTemp() {
	dir := s.cfg.TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		s.cfg.Logger.Warn("media: cannot list the temporary folder for leftovers", "dir", dir, "err", err)
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), tempPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || alive(pid) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := os.RemoveAll(path); err != nil {
			s.cfg.Logger.Warn("media: cannot remove a dead worker's temporary folder", "path", path, "err", err)
			continue
		}
		s.cfg.Logger.Info("media: removed a dead worker's temporary folder", "path", path)
	}
}

// alive reports whether a process with this ID exists (signal 0 checks
// without sending anything; EPERM means it exists but is not ours).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
