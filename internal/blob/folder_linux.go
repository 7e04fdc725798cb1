package blob

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// beneath opens files under the folder with one openat2 call that the
// kernel confines to the folder (RESOLVE_BENEATH: no "..", no absolute or
// escaping symbolic link), where os.Root opens each path component in
// turn. A segment's key is six components deep, so this is the difference
// between two system calls and a dozen on the stream path. Kernels before
// 5.6, or a sandbox that forbids openat2, fall back to os.Root.
type beneath struct {
	dir *os.File // the folder, kept open; nil when it could not be opened
	fd  int
	off atomic.Bool // openat2 is missing here: use os.Root
}

func openBeneath(dir string) *beneath {
	d, err := os.Open(dir)
	if err != nil {
		return &beneath{}
	}
	return &beneath{dir: d, fd: int(d.Fd())}
}

func (b *beneath) close() {
	if b.dir != nil {
		b.dir.Close()
	}
}

// open opens key for reading below the folder.
func (f *Folder) open(key string) (*os.File, error) {
	b := f.beneath
	if b.dir != nil && !b.off.Load() {
		fd, err := unix.Openat2(b.fd, key, &unix.OpenHow{
			Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOCTTY,
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
		})
		switch {
		case err == nil:
			return os.NewFile(uintptr(fd), filepath.Join(f.dir, key)), nil
		case errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM):
			b.off.Store(true)
		default:
			return nil, &fs.PathError{Op: "openat2", Path: key, Err: err}
		}
	}
	return f.root.Open(key)
}
