package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/store"
)

// backupManifest is DIR/backup.json: what a backup holds.
type backupManifest struct {
	Version   string      `json:"lineup_version"`
	TakenAt   time.Time   `json:"taken_at"`
	Database  string      `json:"database"`       // "lineup.db" in the backup folder
	SecretKey bool        `json:"secret_key"`     // secret.key copied
	Media     []blob.Info `json:"media"`          // every object of the media store
	Copied    bool        `json:"media_copied"`   // the objects are under media/ (folder store)
	Note      string      `json:"note,omitempty"` // what the operator must add (an S3 store)
}

// runBackup writes an online backup of a SQLite deployment into an empty
// folder: the database as one consistent snapshot (VACUUM INTO, while the
// service keeps serving and writing), the secret key, a manifest of every
// media object, and a copy of the objects of a folder media store.
// PostgreSQL is backed up with pg_dump; runBackup says so instead of
// pretending.
func runBackup(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("backup")
	to := fs.String("to", "", "an empty (or new) folder to write the backup into")
	if err := parse(args); err != nil {
		return err
	}
	if *to == "" {
		return fmt.Errorf("%w: lineup backup --to DIR", ErrUsage)
	}
	if store.IsPostgres(e.cfg.DatabaseURL) {
		return errors.New("backup: the database is PostgreSQL: back it up with pg_dump (pg_dump -Fc -f lineup.dump \"$LINEUP_DATABASE_URL\"; restore with pg_restore -d URL lineup.dump) and the media store with your object store's own tools; see the README's Operating Lineup")
	}
	if err := emptyDir(*to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := store.Open(ctx, e.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	m := backupManifest{Version: BuildInfo().Version, TakenAt: time.Now().UTC(), Database: "lineup.db"}
	dbFile := filepath.Join(*to, m.Database)
	// VACUUM INTO writes a consistent copy from one read transaction; the
	// service goes on writing meanwhile (WAL).
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, dbFile); err != nil {
		return fmt.Errorf("backup: copy the database: %w", err)
	}
	if b, err := os.ReadFile(filepath.Join(e.cfg.DataDir, "secret.key")); err == nil {
		if err := os.WriteFile(filepath.Join(*to, "secret.key"), b, 0o600); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		m.SecretKey = true
	}
	media, err := blob.Open(ctx, e.cfg.StorageURL, e.getenv)
	if err != nil {
		return fmt.Errorf("backup: media store: %w", err)
	}
	if m.Media, err = media.List(ctx, ""); err != nil {
		return fmt.Errorf("backup: list the media store: %w", err)
	}
	if _, ok := media.(*blob.Folder); ok {
		for _, o := range m.Media {
			if err := copyObject(ctx, media, o.Key, filepath.Join(*to, "media", filepath.FromSlash(o.Key))); err != nil {
				return fmt.Errorf("backup: %w", err)
			}
		}
		m.Copied = true
	} else {
		m.Note = "the media objects are listed, not copied: copy the bucket with your object store's tools (mc mirror, aws s3 sync)"
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(*to, "backup.json"), b, 0o600); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(e.stdout, "backed up %s and %d media object(s) into %s\n", db.Location, len(m.Media), *to)
	if m.Note != "" {
		fmt.Fprintln(e.stdout, "note:", m.Note)
	}
	return nil
}

// runRestore restores a backup into an empty data folder (the database,
// the secret key and, for a folder media store, its objects), checking
// every object the manifest lists.
func runRestore(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("restore")
	from := fs.String("from", "", "the folder lineup backup wrote")
	if err := parse(args); err != nil {
		return err
	}
	if *from == "" {
		return fmt.Errorf("%w: lineup restore --from DIR", ErrUsage)
	}
	if store.IsPostgres(e.cfg.DatabaseURL) {
		return errors.New("restore: the database is PostgreSQL: restore it with pg_restore; see the README's Operating Lineup")
	}
	raw, err := os.ReadFile(filepath.Join(*from, "backup.json"))
	if err != nil {
		return fmt.Errorf("restore: %s is not a Lineup backup: %w", *from, err)
	}
	var m backupManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("restore: backup.json: %w", err)
	}
	if _, err := os.Stat(e.cfg.DatabaseURL); err == nil {
		return fmt.Errorf("restore: %s exists: restore into an empty data folder, never over a live one", e.cfg.DatabaseURL)
	}
	if err := os.MkdirAll(filepath.Dir(e.cfg.DatabaseURL), 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := copyFile(filepath.Join(*from, m.Database), e.cfg.DatabaseURL, 0o600); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if m.SecretKey {
		if err := copyFile(filepath.Join(*from, "secret.key"), filepath.Join(e.cfg.DataDir, "secret.key"), 0o600); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	media, err := blob.Open(ctx, e.cfg.StorageURL, e.getenv)
	if err != nil {
		return fmt.Errorf("restore: media store: %w", err)
	}
	missing := 0
	for _, o := range m.Media {
		if m.Copied {
			f, err := os.Open(filepath.Join(*from, "media", filepath.FromSlash(o.Key)))
			if err != nil {
				return fmt.Errorf("restore: %w", err)
			}
			err = media.Put(ctx, o.Key, f, o.Size, "")
			f.Close()
			if err != nil {
				return fmt.Errorf("restore: %w", err)
			}
		}
		if info, err := media.Stat(ctx, o.Key); err != nil || info.Size != o.Size {
			missing++
		}
	}
	if missing > 0 {
		return fmt.Errorf("restore: the database is restored, but %d of %d media object(s) are missing from the media store or differ: copy the bucket back, then run this again into an empty folder", missing, len(m.Media))
	}
	fmt.Fprintf(e.stdout, "restored the backup of %s (%d media object(s)) into %s\n", m.TakenAt.Format(time.RFC3339), len(m.Media), e.cfg.DataDir)
	return nil
}

// emptyDir makes dir, or checks that it is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o750)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty: give a new or empty folder", dir)
	}
	return nil
}

func copyObject(ctx context.Context, s blob.Store, key, dst string) error {
	rc, _, err := s.Get(ctx, key, 0, -1)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
