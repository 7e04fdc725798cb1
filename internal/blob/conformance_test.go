package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// testStore runs the behaviour every Store must share against a fresh,
// empty store from open.
func testStore(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()

	t.Run("put then get returns the bytes and the content type", func(t *testing.T) {
		s := open(t)
		body := []byte("#EXTM3U\n")
		mustPut(t, s, "a/master.m3u8", body, "application/vnd.apple.mpegurl")
		got, info := mustGet(t, s, "a/master.m3u8", 0, -1)
		if !bytes.Equal(got, body) {
			t.Errorf("get must return what put stored: got %q, want %q", got, body)
		}
		if info.Size != int64(len(body)) || info.ContentType != "application/vnd.apple.mpegurl" || info.ETag == "" || info.ModTime.IsZero() {
			t.Errorf("get info must describe the object: %+v", info)
		}
		st, err := s.Stat(ctx, "a/master.m3u8")
		if err != nil {
			t.Fatal(err)
		}
		if st.Size != info.Size || st.ContentType != info.ContentType || st.ETag != info.ETag || st.Key != "a/master.m3u8" {
			t.Errorf("stat must agree with get: stat %+v, get %+v", st, info)
		}
	})

	t.Run("empty content type is taken from the extension", func(t *testing.T) {
		s := open(t)
		mustPut(t, s, "x/seg_00001.m4s", []byte("seg"), "")
		st, err := s.Stat(ctx, "x/seg_00001.m4s")
		if err != nil {
			t.Fatal(err)
		}
		if st.ContentType != "video/iso.segment" {
			t.Errorf("content type must default from the extension: got %q", st.ContentType)
		}
	})

	t.Run("put of unknown size", func(t *testing.T) {
		s := open(t)
		body := bytes.Repeat([]byte("0123456789"), 1000)
		if err := s.Put(ctx, "u/v.bin", io.MultiReader(bytes.NewReader(body[:10]), bytes.NewReader(body[10:])), -1, ""); err != nil {
			t.Fatal(err)
		}
		got, info := mustGet(t, s, "u/v.bin", 0, -1)
		if !bytes.Equal(got, body) || info.Size != int64(len(body)) {
			t.Errorf("a put of unknown size must store every byte: got %d bytes", len(got))
		}
	})

	t.Run("put replaces and changes the etag", func(t *testing.T) {
		s := open(t)
		mustPut(t, s, "r.txt", []byte("one"), "text/plain")
		before, _ := s.Stat(ctx, "r.txt")
		time.Sleep(10 * time.Millisecond)
		mustPut(t, s, "r.txt", []byte("second"), "text/plain")
		got, info := mustGet(t, s, "r.txt", 0, -1)
		if string(got) != "second" {
			t.Errorf("put must replace the object: got %q", got)
		}
		if info.ETag == before.ETag {
			t.Errorf("etag must change when the object is replaced: %q", info.ETag)
		}
	})

	t.Run("a failed write leaves no object and keeps the old one", func(t *testing.T) {
		s := open(t)
		mustPut(t, s, "keep/seg.m4s", []byte("old"), "")
		cases := []struct {
			name string
			r    io.Reader
			size int64
		}{
			{"reader fails halfway (disk full)", &failingReader{data: bytes.Repeat([]byte("x"), 64<<10), failAt: 32 << 10}, 64 << 10},
			{"reader fails halfway, size unknown", &failingReader{data: bytes.Repeat([]byte("x"), 64<<10), failAt: 32 << 10}, -1},
			{"reader shorter than size", strings.NewReader("short"), 100},
			{"reader longer than size", strings.NewReader("much too long"), 4},
		}
		for _, c := range cases {
			for _, key := range []string{"new/seg.m4s", "keep/seg.m4s"} {
				if err := s.Put(ctx, key, c.r, c.size, ""); err == nil {
					t.Errorf("%s: put %s must fail", c.name, key)
				}
				if r, ok := c.r.(*failingReader); ok {
					r.off = 0
				}
				if r, ok := c.r.(*strings.Reader); ok {
					r.Seek(0, io.SeekStart)
				}
			}
			if _, err := s.Stat(ctx, "new/seg.m4s"); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: a failed put must leave no object, stat says %v", c.name, err)
			}
			if got, _ := mustGet(t, s, "keep/seg.m4s", 0, -1); string(got) != "old" {
				t.Errorf("%s: a failed put must keep the previous object, got %q", c.name, got)
			}
		}
		list, err := s.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if keys := keysOf(list); !slices.Equal(keys, []string{"keep/seg.m4s"}) {
			t.Errorf("failed puts must leave nothing listed: %v", keys)
		}
	})

	t.Run("a cancelled put leaves no object", func(t *testing.T) {
		s := open(t)
		cctx, cancel := context.WithCancel(ctx)
		r := &failingReader{data: bytes.Repeat([]byte("y"), 64<<10), failAt: -1, onRead: func(off int) {
			if off > 1000 {
				cancel()
			}
		}}
		if err := s.Put(cctx, "c/seg.m4s", r, -1, ""); err == nil {
			t.Errorf("put must fail once its context is cancelled")
		}
		if _, err := s.Stat(ctx, "c/seg.m4s"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a cancelled put must leave no object, stat says %v", err)
		}
	})

	t.Run("range reads", func(t *testing.T) {
		s := open(t)
		mustPut(t, s, "range.bin", []byte("0123456789"), "")
		mustPut(t, s, "empty.bin", nil, "")
		cases := []struct {
			key            string
			offset, length int64
			want           string
			err            error
		}{
			{"range.bin", 0, -1, "0123456789", nil},
			{"range.bin", 2, 3, "234", nil},
			{"range.bin", 5, -1, "56789", nil},
			{"range.bin", 0, 1, "0", nil},
			{"range.bin", 9, 1, "9", nil},
			{"range.bin", 8, 100, "89", nil},
			{"range.bin", 10, -1, "", ErrInvalidRange},
			{"range.bin", 11, 2, "", ErrInvalidRange},
			{"range.bin", -1, 2, "", ErrInvalidRange},
			{"range.bin", 0, 0, "", ErrInvalidRange},
			{"empty.bin", 0, -1, "", nil},
			{"missing.bin", 0, -1, "", ErrNotFound},
			{"missing.bin", 2, 2, "", ErrNotFound},
		}
		for _, c := range cases {
			name := fmt.Sprintf("%s@%d+%d", c.key, c.offset, c.length)
			rc, info, err := s.Get(ctx, c.key, c.offset, c.length)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Errorf("%s: want error %v, got %v", name, c.err, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || string(got) != c.want {
				t.Errorf("%s: range must yield %q, got %q (%v)", name, c.want, got, err)
			}
			if wantSize := map[string]int64{"range.bin": 10, "empty.bin": 0}[c.key]; info.Size != wantSize {
				t.Errorf("%s: info of a ranged get must give the whole object's size %d, got %d", name, wantSize, info.Size)
			}
		}
	})

	t.Run("missing objects", func(t *testing.T) {
		s := open(t)
		mustPut(t, s, "dir/file.txt", []byte("f"), "")
		for _, key := range []string{"nope.txt", "dir", "dir/file.txt/below"} {
			if _, err := s.Stat(ctx, key); !errors.Is(err, ErrNotFound) {
				t.Errorf("stat %s must be ErrNotFound, got %v", key, err)
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Errorf("deleting missing %s must not be an error: %v", key, err)
			}
		}
		if err := s.Delete(ctx, "dir/file.txt"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stat(ctx, "dir/file.txt"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a deleted object must be gone, stat says %v", err)
		}
	})

	t.Run("list by prefix", func(t *testing.T) {
		s := open(t)
		for _, k := range []string{"a/b/c.m4s", "a/bc.m4s", "a/b.m4s", "a/x/y.m4s", "b/z.m4s", "a/b/d/e.m4s"} {
			mustPut(t, s, k, []byte(k), "")
		}
		cases := []struct {
			prefix string
			want   []string
		}{
			{"", []string{"a/b.m4s", "a/b/c.m4s", "a/b/d/e.m4s", "a/bc.m4s", "a/x/y.m4s", "b/z.m4s"}},
			{"a/b", []string{"a/b.m4s", "a/b/c.m4s", "a/b/d/e.m4s", "a/bc.m4s"}},
			{"a/b/", []string{"a/b/c.m4s", "a/b/d/e.m4s"}},
			{"a/x", []string{"a/x/y.m4s"}},
			{"b", []string{"b/z.m4s"}},
			{"c/", nil},
			{"zz", nil},
		}
		for _, c := range cases {
			got, err := s.List(ctx, c.prefix)
			if err != nil {
				t.Fatalf("list %q: %v", c.prefix, err)
			}
			if keys := keysOf(got); !slices.Equal(keys, c.want) {
				t.Errorf("list %q must be a sorted plain-prefix match: got %v, want %v", c.prefix, keys, c.want)
			}
			for _, o := range got {
				if o.Size != int64(len(o.Key)) {
					t.Errorf("list %q: %s must report its size", c.prefix, o.Key)
				}
			}
		}
	})

	t.Run("bad keys touch nothing", func(t *testing.T) {
		s := open(t)
		for _, key := range badKeys {
			if err := s.Put(ctx, key, strings.NewReader("x"), 1, ""); !errors.Is(err, ErrBadKey) {
				t.Errorf("put %q must be ErrBadKey, got %v", key, err)
			}
			if _, _, err := s.Get(ctx, key, 0, -1); !errors.Is(err, ErrBadKey) {
				t.Errorf("get %q must be ErrBadKey, got %v", key, err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, ErrBadKey) {
				t.Errorf("stat %q must be ErrBadKey, got %v", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, ErrBadKey) {
				t.Errorf("delete %q must be ErrBadKey, got %v", key, err)
			}
		}
		for _, p := range []string{"../", "/abs", "a//b", `a\b`} {
			if _, err := s.List(ctx, p); !errors.Is(err, ErrBadKey) {
				t.Errorf("list %q must be ErrBadKey, got %v", p, err)
			}
		}
		if list, err := s.List(ctx, ""); err != nil || len(list) != 0 {
			t.Errorf("bad keys must leave the store empty: %v %v", keysOf(list), err)
		}
	})

	t.Run("publication", func(t *testing.T) {
		s := open(t)
		const prefix = "assets/t1/a1/"
		files := map[string]string{"master.m3u8": "#EXTM3U\n", "720p/index.m3u8": "#EXTM3U\n#EXT-X-ENDLIST\n", "720p/seg_00000.m4s": "segment"}
		var m Manifest
		for p, body := range files {
			mustPut(t, s, prefix+p, []byte(body), "")
			m.Files = append(m.Files, File{Path: p, Size: int64(len(body))})
		}
		if _, err := ReadManifest(ctx, s, prefix); !errors.Is(err, ErrNotReady) {
			t.Errorf("a staged prefix must not be ready before Publish: %v", err)
		}
		missing := m
		missing.Files = append(slices.Clone(m.Files), File{Path: "720p/seg_00001.m4s", Size: 7})
		if err := Publish(ctx, s, prefix, missing); !errors.Is(err, ErrNotFound) {
			t.Errorf("publish must refuse a manifest naming a missing file: %v", err)
		}
		wrong := m
		wrong.Files = slices.Clone(m.Files)
		wrong.Files[0].Size++
		if err := Publish(ctx, s, prefix, wrong); err == nil {
			t.Errorf("publish must refuse a file whose size differs from the manifest")
		}
		if _, err := ReadManifest(ctx, s, prefix); !errors.Is(err, ErrNotReady) {
			t.Errorf("a refused publish must leave the prefix not ready: %v", err)
		}
		if err := Publish(ctx, s, "assets/t1/a1", m); !errors.Is(err, ErrBadKey) {
			t.Errorf("publish must require a prefix ending in a slash: %v", err)
		}
		m.Meta = map[string]string{"duration": "4.0"}
		if err := Publish(ctx, s, prefix, m); err != nil {
			t.Fatal(err)
		}
		got, err := ReadManifest(ctx, s, prefix)
		if err != nil {
			t.Fatalf("a published prefix must be ready: %v", err)
		}
		if len(got.Files) != len(files) || got.Meta["duration"] != "4.0" || got.PublishedAt.IsZero() {
			t.Errorf("the manifest must round-trip: %+v", got)
		}
		mustPut(t, s, "assets/t1/a10/other.m4s", []byte("o"), "")
		if err := Discard(ctx, s, prefix); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadManifest(ctx, s, prefix); !errors.Is(err, ErrNotReady) {
			t.Errorf("a discarded prefix must not be ready: %v", err)
		}
		if list, _ := s.List(ctx, ""); !slices.Equal(keysOf(list), []string{"assets/t1/a10/other.m4s"}) {
			t.Errorf("discard must remove only its prefix: %v", keysOf(list))
		}
	})
}

var badKeys = []string{
	"", "/etc/passwd", "../escape", "a/../../escape", "a/..", "..", ".", "./a", "a/./b",
	"a//b", "a/", `a\b`, `..\escape`, "a\x00b", "a\nb", "\xff", ".lineup/tmp/x",
	strings.Repeat("k", 1025),
}

type failingReader struct {
	data   []byte
	off    int
	failAt int // -1: never
	onRead func(off int)
}

var errDiskFull = errors.New("no space left on device")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.onRead != nil {
		r.onRead(r.off)
	}
	if r.failAt >= 0 && r.off >= r.failAt {
		return 0, errDiskFull
	}
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	n := min(len(p), 1024, len(r.data)-r.off)
	copy(p, r.data[r.off:r.off+n])
	r.off += n
	return n, nil
}

func mustPut(t *testing.T, s Store, key string, body []byte, contentType string) {
	t.Helper()
	if err := s.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)), contentType); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func mustGet(t *testing.T, s Store, key string, offset, length int64) ([]byte, Info) {
	t.Helper()
	rc, info, err := s.Get(t.Context(), key, offset, length)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b, info
}

func keysOf(list []Info) []string {
	var keys []string
	for _, o := range list {
		keys = append(keys, o.Key)
	}
	return keys
}
