package web

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
)

// Disk is a folder Lineup writes to (the SQLite database's, the folder
// media store's, the upload spool's). A full-disk error under its path is
// answered naming it, and /readyz reports it not ready while its free space
// is below Deps.MinFreeBytes.
type Disk struct {
	// Name says what lives there, for people: "database", "media store".
	Name string
	// Path is the folder.
	Path string
}

// defaultMinFreeBytes is the free space below which a disk makes the node
// not ready, when Deps.MinFreeBytes is 0: enough for a few uploads' worth of
// database growth and spooled parts to finish.
const defaultMinFreeBytes = 256 << 20

// diskOf names the disk a full-disk error happened on: the Disk whose path
// holds the file the error names (the deepest, when they nest); SQLite's
// "database or disk is full" is the database's.
func (s *Server) diskOf(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		best, bestLen := "", -1
		for _, d := range s.Disks {
			rel, rerr := filepath.Rel(d.Path, pe.Path)
			if rerr == nil && !strings.HasPrefix(rel, "..") && len(d.Path) > bestLen {
				best, bestLen = d.Name, len(d.Path)
			}
		}
		if best != "" {
			return best
		}
		return "server's files"
	}
	return "database"
}

// freeBytes returns the space left to an unprivileged writer on the disk
// holding path.
func freeBytes(path string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
