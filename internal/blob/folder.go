package blob

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Folder is a Store kept in a local directory. Objects are files named by
// their keys; all access goes through an os.Root, so neither a key nor a
// symbolic link inside the folder can reach outside it. Writes go to a
// temporary file under ".lineup/tmp" that is synced and then renamed into
// place, so a file is never seen half written.
//
// Folder is safe for concurrent use. A key may not also be a directory of
// other keys ("a" and "a/b" cannot both exist); Put refuses that.
type Folder struct {
	dir     string
	root    *os.Root
	beneath *beneath // Get's quicker open, where the system has one
}

var _ Store = (*Folder)(nil)

const tmpDir = reservedSegment + "/tmp"

// NewFolder opens the folder store at dir, an absolute path, creating the
// directory if it is missing. The caller should Close it when done.
func NewFolder(dir string) (*Folder, error) {
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("blob: folder %q: path must be absolute", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: folder: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: folder: %w", err)
	}
	if err := root.MkdirAll(tmpDir, 0o700); err != nil {
		root.Close()
		return nil, fmt.Errorf("blob: folder: %w", err)
	}
	return &Folder{dir: dir, root: root, beneath: openBeneath(dir)}, nil
}

// Dir returns the folder's absolute path.
func (f *Folder) Dir() string { return f.dir }

// Close releases the folder's directory handles.
func (f *Folder) Close() error {
	f.beneath.close()
	return f.root.Close()
}

// Put implements Store.
func (f *Folder) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (err error) {
	if err := ValidateKey(key); err != nil {
		return fmt.Errorf("blob: put: %w", err)
	}
	tmp := tmpDir + "/" + rand.Text()
	w, err := f.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			w.Close()
			f.root.Remove(tmp)
		}
	}()
	src := io.Reader(ctxReader{ctx, r})
	if size >= 0 {
		// Read one byte more than promised to notice a reader that is too long.
		src = io.LimitReader(src, size+1)
	}
	n, err := io.Copy(w, src)
	if err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("blob: put %s: reader gave %d bytes, want %d", key, n, size)
	}
	if err := w.Sync(); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	// A concurrent Delete may prune the parent directory between MkdirAll
	// and Rename; try again a few times when that happens.
	for attempt := 0; ; attempt++ {
		if dir := path.Dir(key); dir != "." {
			if err = f.root.MkdirAll(dir, 0o700); err != nil {
				return fmt.Errorf("blob: put %s: %w", key, err)
			}
		}
		err = f.root.Rename(tmp, key)
		if err == nil {
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return fmt.Errorf("blob: put %s: %w", key, err)
		}
	}
}

// Get implements Store.
func (f *Folder) Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, Info, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Info{}, fmt.Errorf("blob: get: %w", err)
	}
	if offset < 0 || length < -1 || length == 0 {
		return nil, Info{}, fmt.Errorf("blob: get %s: offset %d length %d: %w", key, offset, length, ErrInvalidRange)
	}
	if err := ctx.Err(); err != nil {
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, err)
	}
	file, err := f.open(key)
	if err != nil {
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, notFound(err))
	}
	fi, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, err)
	}
	if fi.IsDir() {
		file.Close()
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, ErrNotFound)
	}
	info := fileInfo(key, fi)
	if offset == 0 && length < 0 {
		return file, info, nil
	}
	if offset >= info.Size {
		file.Close()
		return nil, Info{}, fmt.Errorf("blob: get %s: offset %d of %d bytes: %w", key, offset, info.Size, ErrInvalidRange)
	}
	n := info.Size - offset
	if length >= 0 && length < n {
		n = length
	}
	return rangeReader{io.NewSectionReader(file, offset, n), file}, info, nil
}

type rangeReader struct {
	io.Reader
	io.Closer
}

// Stat implements Store.
func (f *Folder) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, fmt.Errorf("blob: stat: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return Info{}, fmt.Errorf("blob: stat %s: %w", key, err)
	}
	fi, err := f.root.Stat(key)
	if err != nil {
		return Info{}, fmt.Errorf("blob: stat %s: %w", key, notFound(err))
	}
	if !fi.Mode().IsRegular() {
		return Info{}, fmt.Errorf("blob: stat %s: %w", key, ErrNotFound)
	}
	return fileInfo(key, fi), nil
}

// Delete implements Store. It also removes the directories the deletion
// leaves empty.
func (f *Folder) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return fmt.Errorf("blob: delete: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	fi, err := f.root.Lstat(key)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || (err == nil && fi.IsDir()) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	if err := f.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		if f.root.Remove(dir) != nil { // not empty, or gone: stop pruning
			break
		}
	}
	return nil
}

// List implements Store.
func (f *Folder) List(ctx context.Context, prefix string) ([]Info, error) {
	if err := ValidatePrefix(prefix); err != nil {
		return nil, fmt.Errorf("blob: list: %w", err)
	}
	start := "."
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		start = prefix[:i]
	}
	var out []Info
	err := fs.WalkDir(f.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p == reservedSegment {
				return fs.SkipDir
			}
			if p != "." && !strings.HasPrefix(p+"/", prefix) && !strings.HasPrefix(prefix, p+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(p, prefix) {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) { // deleted while listing
			return nil
		}
		if err != nil {
			return err
		}
		out = append(out, fileInfo(p, fi))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("blob: list %s: %w", prefix, err)
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

func fileInfo(key string, fi fs.FileInfo) Info {
	return Info{
		Key:         key,
		Size:        fi.Size(),
		ContentType: ContentTypeFor(key),
		ModTime:     fi.ModTime(),
		ETag:        strconv.FormatInt(fi.ModTime().UnixNano(), 36) + "-" + strconv.FormatInt(fi.Size(), 36),
	}
}

// notFound maps a missing file, or a key whose parent is a file ("a/b" when
// "a" is an object), to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("%w (%v)", ErrNotFound, err)
	}
	return err
}
