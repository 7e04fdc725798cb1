package blob

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFolderGetStaysInside reads through both of Linux's open paths (one
// openat2 confined to the folder, and os.Root where openat2 is missing):
// each must read the folder's own files, through links that stay inside,
// and refuse a symbolic link that leads out of the folder.
func TestFolderGetStaysInside(t *testing.T) {
	for _, path := range []string{"openat2", "os.Root fallback"} {
		t.Run(path, func(t *testing.T) {
			outer := t.TempDir()
			if err := os.WriteFile(filepath.Join(outer, "secret"), []byte("outside"), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := NewFolder(filepath.Join(outer, "media"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			f.beneath.off.Store(path != "openat2")
			if err := f.Put(t.Context(), "assets/1/seg.m4s", strings.NewReader("inside"), 6, ""); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outer, filepath.Join(outer, "media", "out")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("assets/1", filepath.Join(outer, "media", "in")); err != nil {
				t.Fatal(err)
			}
			for key, want := range map[string]string{"assets/1/seg.m4s": "inside", "in/seg.m4s": "inside"} {
				rc, info, err := f.Get(t.Context(), key, 0, -1)
				if err != nil {
					t.Fatalf("get %s: a file in the folder must be readable: %v", key, err)
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				if string(b) != want || info.Size != int64(len(want)) {
					t.Errorf("get %s: want %q, got %q (%d bytes)", key, want, b, info.Size)
				}
			}
			if rc, _, err := f.Get(t.Context(), "out/secret", 0, -1); err == nil {
				b, _ := io.ReadAll(rc)
				rc.Close()
				t.Errorf("get through a symbolic link leading outside the folder must fail, it read %q", b)
			}
			if got := f.beneath.off.Load(); got != (path != "openat2") {
				t.Errorf("the %s path was not the one taken (openat2 off: %v)", path, got)
			}
		})
	}
}
