package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/store"
)

// A backup taken while titles are being written holds every title whose
// write was acknowledged before it began, restores into an empty data
// folder, and brings the media files with it.
func TestBackupUnderWriteLoadRestores(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	c := newCLI(t, filepath.Join(data, "lineup.db"))
	c.env["LINEUP_DATA_DIR"] = data
	c.must("migrate")
	db, err := store.Open(ctx, filepath.Join(data, "lineup.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	media, err := blob.NewFolder(filepath.Join(data, "media"))
	if err != nil {
		t.Fatal(err)
	}
	segment := strings.Repeat("後來的我們", 1000)
	if err := media.Put(ctx, "assets/1/1/a1-x/720p/seg_00001.m4s", strings.NewReader(segment), int64(len(segment)), ""); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(data, "secret.key"), []byte("00112233445566778899aabbccddeeff\n"), 0o600)

	cat := catalog.New(db)
	var mu sync.Mutex
	var acked []int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			tl, err := cat.CreateTitle(ctx, catalog.Title{OriginalTitle: fmt.Sprintf("title %d", i), OriginalLanguage: "zh"})
			if err != nil {
				continue
			}
			mu.Lock()
			acked = append(acked, tl.ID)
			mu.Unlock()
		}
	}()
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 20 {
			break
		}
	}
	mu.Lock()
	before := append([]int64(nil), acked...)
	mu.Unlock()
	backup := filepath.Join(t.TempDir(), "backup")
	out := c.must("backup", "--to", backup)
	close(stop)
	<-done
	if !strings.Contains(out, "1 media object") {
		t.Errorf("the backup must say what it holds: %q", out)
	}

	restored := t.TempDir()
	r := newCLI(t, filepath.Join(restored, "lineup.db"))
	r.env["LINEUP_DATA_DIR"] = restored
	r.must("restore", "--from", backup)
	rdb, err := store.Open(ctx, filepath.Join(restored, "lineup.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	for _, id := range before {
		var n int
		if err := rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM titles WHERE id = $1`, id).Scan(&n); err != nil || n != 1 {
			t.Fatalf("title %d was acknowledged before the backup began and must be in the restore: %d %v", id, n, err)
		}
	}
	got, err := os.ReadFile(filepath.Join(restored, "media", "assets/1/1/a1-x/720p/seg_00001.m4s"))
	if err != nil || string(got) != segment {
		t.Errorf("the media files must be restored byte for byte: %v", err)
	}
	if key, _ := os.ReadFile(filepath.Join(restored, "secret.key")); !strings.HasPrefix(string(key), "0011") {
		t.Error("the secret key must be restored, or every session and playback token breaks")
	}
	if out := r.must("titles", "show", fmt.Sprint(before[0])); !strings.Contains(out, "title 0") {
		t.Errorf("the restored service answers: %q", out)
	}
	if _, err := r.run("restore", "--from", backup); err == nil {
		t.Error("restoring over a data folder that has a database must be refused")
	}
	if _, err := c.run("backup", "--to", backup); err == nil {
		t.Error("a backup into a folder that is not empty must be refused")
	}
	pg := newCLI(t, "postgres://lineup@db.invalid/lineup")
	if _, err := pg.run("backup", "--to", t.TempDir()); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("on PostgreSQL, backup must say to use pg_dump: %v", err)
	}
}
