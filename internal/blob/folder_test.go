package blob

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFolder(t *testing.T) {
	testStore(t, func(t *testing.T) Store {
		f, err := NewFolder(filepath.Join(t.TempDir(), "media"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	})
}

func TestFolderStaysInside(t *testing.T) {
	outer := t.TempDir()
	dir := filepath.Join(outer, "media")
	s, err := Open(t.Context(), "file://"+dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := s.(*Folder)
	defer f.Close()

	for _, key := range []string{"../escape", "a/../../escape", "/" + filepath.Join(outer, "escape")} {
		if err := f.Put(t.Context(), key, strings.NewReader("x"), 1, ""); !errors.Is(err, ErrBadKey) {
			t.Errorf("put %q must be refused with ErrBadKey: %v", key, err)
		}
	}
	// A symbolic link planted inside the folder must not lead out of it.
	if err := os.Symlink(outer, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := f.Put(t.Context(), "link/escape", strings.NewReader("x"), 1, ""); err == nil {
		t.Errorf("put through a symlink leading outside must fail")
	}
	if _, err := f.Stat(t.Context(), "link/media/../escape"); !errors.Is(err, ErrBadKey) {
		t.Errorf("stat with .. must be ErrBadKey: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outer, "escape")); !os.IsNotExist(err) {
		t.Errorf("nothing may be written outside the folder: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, tmpDir))
	if len(entries) != 0 {
		t.Errorf("failed puts must not leave temporary files: %d left", len(entries))
	}
}

func TestFolderDeletePrunesEmptyDirectories(t *testing.T) {
	f, err := NewFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mustPut(t, f, "a/b/c/d.m4s", []byte("d"), "")
	mustPut(t, f, "a/keep.m4s", []byte("k"), "")
	if err := f.Delete(t.Context(), "a/b/c/d.m4s"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(f.Dir(), "a", "b")); !os.IsNotExist(err) {
		t.Errorf("delete must prune directories it leaves empty: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.Dir(), "a", "keep.m4s")); err != nil {
		t.Errorf("delete must not prune directories that still hold files: %v", err)
	}
}

func TestValidateKey(t *testing.T) {
	for _, key := range badKeys {
		if err := ValidateKey(key); !errors.Is(err, ErrBadKey) {
			t.Errorf("key %q must be refused: %v", key, err)
		}
	}
	for _, key := range []string{"a", "a/b/c.m4s", "assets/01HX/720p/seg_00001.m4s", "字幕/zh-Hans.vtt", ".hidden/a", "a/.lineup/b", "a..b/c"} {
		if err := ValidateKey(key); err != nil {
			t.Errorf("key %q must be accepted: %v", key, err)
		}
	}
}

func FuzzValidateKey(f *testing.F) {
	for _, k := range append(badKeys, "a/b.m4s", "x/y/z") {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if ValidateKey(key) != nil {
			return
		}
		// An accepted key must stay inside any root it is joined to.
		root := "/srv/media"
		p := filepath.Join(root, filepath.FromSlash(key))
		if !strings.HasPrefix(p, root+"/") {
			t.Fatalf("accepted key %q leaves the root: %s", key, p)
		}
		if filepath.Clean(filepath.FromSlash(key)) != filepath.FromSlash(key) {
			t.Fatalf("accepted key %q is not clean", key)
		}
	})
}

func TestContentTypeFor(t *testing.T) {
	cases := map[string]string{
		"a/master.m3u8":    "application/vnd.apple.mpegurl",
		"a/v/seg_001.m4s":  "video/iso.segment",
		"a/v/init_0.mp4":   "video/mp4",
		"a/subs/zh.vtt":    "text/vtt; charset=utf-8",
		"a/thumbs.JPG":     "image/jpeg",
		"a/unknown.zzzzzz": "application/octet-stream",
	}
	for key, want := range cases {
		if got := ContentTypeFor(key); got != want {
			t.Errorf("content type of %s: got %q, want %q", key, got, want)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	env := func(string) string { return "" }
	cases := map[string]string{
		"":                                 "no scheme",
		"/var/media":                       "no scheme",
		"ftp://host/x":                     "unknown scheme",
		"file://otherhost/x":               "local folder",
		"file:///tmp/x?mode=1":             "no parameters",
		"s3://bucket?endpont=x":            "unknown parameter",
		"s3://bucket?secure=maybe":         "true or false",
		"s3://bucket?endpoint=127.0.0.1:1": "no credentials",
		"s3://bucket/../x?endpoint=h":      "bad key",
	}
	for url, want := range cases {
		_, err := Open(t.Context(), url, env)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("open %q must be refused with %q: %v", url, want, err)
		}
	}
}
