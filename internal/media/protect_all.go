package media

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// ProtectArgs is the job that encrypts a clear asset's files into the new
// asset AssetID (see Service.ProtectAll).
type ProtectArgs struct {
	// AssetID is the new asset, whose Protects names the clear one.
	AssetID int64 `json:"asset_id"`
}

// Kind implements river.JobArgs.
func (ProtectArgs) Kind() string { return "media_protect" }

// InsertOpts puts the job beside the encodes: it reads and writes a whole
// asset's files.
func (ProtectArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueEncode, MaxAttempts: DefaultMaxAttempts}
}

// Protection is what ProtectAll did with one playable asset.
type Protection struct {
	// TitleID and Clear are the title and its playable asset.
	TitleID int64 `json:"title_id"`
	Clear   int64 `json:"clear_asset_id"`
	// Asset is the asset that encrypts Clear (queued now, or by an earlier
	// run still under way), 0 when there is nothing to do; JobID is its job.
	Asset int64 `json:"asset_id,omitempty"`
	JobID int64 `json:"job_id,omitempty"`
	// Queued is true when this call queued the job; Note says, for a
	// person, why not.
	Queued bool   `json:"queued"`
	Note   string `json:"note,omitempty"`
}

// ErrNoKeys is ProtectAll on a service configured without content keys.
var ErrNoKeys = errors.New("media: protect: no content keys configured")

// ProtectAll queues, for each title whose playable asset is clear (published
// before encryption existed), one job that encrypts that asset's files as
// a new encode would have (see protectWorker): no re-encode, the same
// bytes under HLS AES-128. It returns one Protection per title with a
// playable asset that is clear, in title order. It is idempotent: a clear
// asset already being encrypted is not queued again (its Protection names
// the asset under way), and once an asset is encrypted its title's
// playable asset is no longer clear, so a second run queues nothing.
// Assets already encrypted are not listed.
func (s *Service) ProtectAll(ctx context.Context) ([]Protection, error) {
	if s.cfg.Keys == nil {
		return nil, ErrNoKeys
	}
	rows, err := s.db.QueryContext(ctx, `SELECT m.title_id, a.id, a.published_prefix FROM title_media m JOIN assets a ON a.id = m.asset_id
		WHERE a.state = 'ready' AND a.published_prefix <> '' ORDER BY m.title_id`)
	if err != nil {
		return nil, fmt.Errorf("media: protect: %w", err)
	}
	type playable struct {
		title, asset int64
		prefix       string
	}
	var list []playable
	for rows.Next() {
		var p playable
		if err := rows.Scan(&p.title, &p.asset, &p.prefix); err != nil {
			rows.Close()
			return nil, fmt.Errorf("media: protect: %w", err)
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("media: protect: %w", err)
	}
	var out []Protection
	for _, p := range list {
		m, err := blob.ReadManifest(ctx, s.blobs, p.prefix)
		if err != nil {
			return out, fmt.Errorf("media: protect: asset %d: %w", p.asset, err)
		}
		if m.Meta[MetaProtection] == ProtectionAES128 {
			continue
		}
		pr, err := s.protect(ctx, p.title, p.asset)
		if err != nil {
			return out, err
		}
		out = append(out, pr)
	}
	return out, nil
}

// protect queues the encryption of the clear asset clear of title, unless
// an asset already under way (or ready) encrypts it.
func (s *Service) protect(ctx context.Context, title, clear int64) (Protection, error) {
	pr := Protection{TitleID: title, Clear: clear}
	err := s.q.InTx(ctx, func(tx jobs.Tx) error {
		// One protecting asset at a time per clear asset; a failed or
		// cancelled one may be tried again.
		var state string
		err := tx.QueryRow(ctx, `SELECT id, job_id, state FROM assets WHERE protects_asset_id = $1 AND state NOT IN ('failed', 'cancelled') ORDER BY id DESC LIMIT 1`,
			clear).Scan(&pr.Asset, &pr.JobID, &state)
		if err == nil {
			pr.Note = fmt.Sprintf("already being encrypted as asset %d (%s)", pr.Asset, state)
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := time.Now().UnixMilli()
		if err := tx.QueryRow(ctx, `INSERT INTO assets (title_id, state, source_key, source_filename, source_size, duration_ms, width, height, frame_rate,
				ladder, loudness, subtitles_not_converted, protects_asset_id, created_at, updated_at)
			SELECT title_id, $1, source_key, source_filename, source_size, duration_ms, width, height, frame_rate,
				ladder, loudness, subtitles_not_converted, id, $2, $2 FROM assets WHERE id = $3 RETURNING id`,
			string(StateQueued), now, clear).Scan(&pr.Asset); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO asset_tracks (asset_id, kind, position, language, source_key, filename, charset)
			SELECT $1, kind, position, language, source_key, filename, charset FROM asset_tracks WHERE asset_id = $2`, pr.Asset, clear); err != nil {
			return err
		}
		if pr.JobID, err = tx.Insert(ctx, ProtectArgs{AssetID: pr.Asset}, nil); err != nil {
			return err
		}
		pr.Queued = true
		_, err = tx.Exec(ctx, `UPDATE assets SET job_id = $1 WHERE id = $2`, pr.JobID, pr.Asset)
		return err
	})
	if err != nil {
		return pr, fmt.Errorf("media: protect asset %d: %w", clear, err)
	}
	return pr, nil
}

// protectWorker encrypts a clear asset's published files into the new
// asset its job names, and switches the title to it: it copies every file
// of the clear asset to a work folder, encrypts the video and audio
// segments there as packaging does for a new encode (protectPlaylists:
// random content keys, an explicit IV per segment, the init segments,
// subtitles and thumbnails clear, no DASH manifest), uploads the result
// under a staging prefix of its own, publishes it, and in one transaction
// marks the new asset ready and makes it the title's playable asset, if
// the clear asset still is.
//
// So the switch is atomic, as for an encode: a viewer who started before
// it holds a token for the clear asset, whose files stay (until Collect
// removes them, a grace period after the switch), and keeps playing them;
// one who starts after it gets the encrypted asset. No viewer ever gets a
// playlist of one and segments of the other, since the two are different
// assets under different prefixes.
type protectWorker struct {
	river.WorkerDefaults[ProtectArgs]
	s *Service
}

// Work implements river.Worker.
func (w *protectWorker) Work(ctx context.Context, job *river.Job[ProtectArgs]) error {
	s := w.s
	log := s.cfg.Logger.With("asset_id", job.Args.AssetID, "attempt", job.Attempt)
	if s.cfg.Keys == nil {
		return river.JobCancel(ErrNoKeys)
	}
	a, err := s.Asset(ctx, job.Args.AssetID)
	if err != nil {
		return river.JobCancel(err)
	}
	if a.State.Final() {
		return nil
	}
	clear, err := s.Asset(ctx, a.Protects)
	if err == nil && clear.PublishedPrefix == "" {
		err = fmt.Errorf("asset %d is no longer published", a.Protects)
	}
	if err != nil {
		w.fail(ctx, a.ID, a.StagingPrefix, fmt.Sprintf("the clear asset cannot be read: %v", err))
		return river.JobCancel(err)
	}
	staging := fmt.Sprintf("assets/%d/%d/p%d-%s/", a.TitleID, a.ID, job.Attempt, strings.ToLower(rand.Text()[:10]))
	res, err := s.db.ExecContext(ctx, `UPDATE assets SET state = $1, attempt = $2, staging_prefix = $3, progress = 0, speed = 0, updated_at = $4
		WHERE id = $5 AND state IN ('queued', 'probing', 'encoding', 'publishing')`,
		string(StateEncoding), job.Attempt, staging, time.Now().UnixMilli(), a.ID)
	if err != nil {
		return fmt.Errorf("media: protect: claim asset %d: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // cancelled meanwhile
	}
	if old := a.StagingPrefix; old != "" {
		if err := blob.Discard(ctx, s.blobs, old); err != nil {
			log.Warn("discard previous attempt", "prefix", old, "error", err)
		}
	}
	log.Info("protect started", "clear_asset_id", clear.ID, "staging", staging)
	err = w.protect(ctx, a, clear, staging)
	if err == nil {
		log.Info("protect ready", "clear_asset_id", clear.ID)
		return nil
	}
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if derr := blob.Discard(cleanup, s.blobs, staging); derr != nil {
		log.Warn("discard failed attempt", "prefix", staging, "error", derr)
	}
	if errors.Is(err, errSuperseded) {
		return nil
	}
	maxAttempts := job.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = s.cfg.MaxAttempts
	}
	state, reason := StateQueued, fmt.Sprintf("attempt %d failed and will be retried: %v", job.Attempt, err)
	if job.Attempt >= maxAttempts {
		state, reason = StateFailed, fmt.Sprintf("encrypting failed %d times; the last error: %v", job.Attempt, err)
	}
	if _, uerr := s.db.ExecContext(cleanup, `UPDATE assets SET state = $1, error = $2, speed = 0, updated_at = $3
		WHERE id = $4 AND staging_prefix = $5 AND state IN ('queued', 'probing', 'encoding', 'publishing')`,
		string(state), reason, time.Now().UnixMilli(), a.ID, staging); uerr != nil {
		log.Error("record protect failure", "error", uerr)
	}
	log.Warn("protect failed", "state", state, "error", err)
	return err
}

// fail makes the asset failed for good with reason.
func (w *protectWorker) fail(ctx context.Context, id int64, staging, reason string) {
	w.s.db.ExecContext(ctx, `UPDATE assets SET state = $1, error = $2, updated_at = $3
		WHERE id = $4 AND staging_prefix = $5 AND state IN ('queued', 'probing', 'encoding', 'publishing')`,
		string(StateFailed), reason, time.Now().UnixMilli(), id, staging)
}

// progress records how far the attempt is, while it owns the row.
func (w *protectWorker) progress(ctx context.Context, id int64, staging string, state State, pct float64) error {
	res, err := w.s.db.ExecContext(ctx, `UPDATE assets SET state = $1, progress = $2, updated_at = $3
		WHERE id = $4 AND staging_prefix = $5 AND state IN ('queued', 'probing', 'encoding', 'publishing')`,
		string(state), pct, time.Now().UnixMilli(), id, staging)
	if err != nil {
		return fmt.Errorf("media: protect: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errSuperseded
	}
	return nil
}

func (w *protectWorker) protect(ctx context.Context, a, clear Asset, staging string) error {
	s := w.s
	m, err := blob.ReadManifest(ctx, s.blobs, clear.PublishedPrefix)
	if err != nil {
		return fmt.Errorf("media: protect: %w", err)
	}
	if m.Meta[MetaProtection] == ProtectionAES128 {
		w.fail(ctx, a.ID, staging, fmt.Sprintf("asset %d is already encrypted", clear.ID))
		return errSuperseded
	}
	tmp, err := os.MkdirTemp(s.cfg.TempDir, fmt.Sprintf("%s%d-", tempPrefix, os.Getpid()))
	if err != nil {
		return fmt.Errorf("media: protect: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "out")

	// Copy the clear files (half the progress), encrypt, upload (the rest).
	var total, done int64
	for _, f := range m.Files {
		total += f.Size
	}
	last := time.Now()
	for _, f := range m.Files {
		if f.Path == ffmpeg.DASHName {
			continue // an encrypted asset has none (see protectPlaylists)
		}
		dst := filepath.Join(out, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("media: protect: %w", err)
		}
		if err := s.download(ctx, clear.PublishedPrefix+f.Path, dst); err != nil {
			return err
		}
		done += f.Size
		if time.Since(last) >= s.cfg.ProgressInterval && total > 0 {
			last = time.Now()
			if err := w.progress(ctx, a.ID, staging, StateEncoding, 50*float64(done)/float64(total)); err != nil {
				return err
			}
		}
	}
	master, err := os.ReadFile(filepath.Join(out, ffmpeg.MasterName))
	if err != nil {
		return fmt.Errorf("media: protect: %w", err)
	}
	r := masterRenditions(string(master))
	if len(r.media) == 0 {
		return fmt.Errorf("media: protect: the master playlist of asset %d lists no rendition", clear.ID)
	}
	// Assets have always been cut at the default segment and keyframe
	// lengths: the I-frame key periods follow from them.
	r.iframesPerSegment = max(1, ffmpeg.DefaultSegmentSeconds/ffmpeg.DefaultKeyframeSeconds)
	periods, err := protectPlaylists(ctx, s.cfg.Keys, a.ID, staging, out, r, s.cfg.KeyRotationSegments)
	if err != nil {
		return err
	}
	list, err := listOutput(out)
	if err != nil {
		return err
	}
	if err := w.progress(ctx, a.ID, staging, StatePublishing, 50); err != nil {
		return err
	}
	total, done = 0, 0
	for _, f := range list {
		total += f.Size
	}
	for _, f := range list {
		if err := s.putFile(ctx, staging+f.Path, filepath.Join(out, filepath.FromSlash(f.Path)), f.Size); err != nil {
			return err
		}
		done += f.Size
		if time.Since(last) >= s.cfg.ProgressInterval && total > 0 {
			last = time.Now()
			if err := w.progress(ctx, a.ID, staging, StatePublishing, 50+50*float64(done)/float64(total)); err != nil {
				return err
			}
		}
	}
	meta := maps.Clone(m.Meta)
	if meta == nil {
		meta = map[string]string{}
	}
	meta["asset_id"] = strconv.FormatInt(a.ID, 10)
	meta["protects_asset_id"] = strconv.FormatInt(clear.ID, 10)
	meta[MetaProtection], meta[MetaKeyPeriods] = ProtectionAES128, strconv.Itoa(periods)
	if err := blob.Publish(ctx, s.blobs, staging, blob.Manifest{Files: list, Meta: meta}); err != nil {
		return fmt.Errorf("media: protect: %w", err)
	}

	now := time.Now().UnixMilli()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE assets SET state = $1, progress = 100, speed = 0, published_prefix = $2, error = '', stderr_tail = '', ready_at = $3, updated_at = $3
			WHERE id = $4 AND staging_prefix = $2 AND state IN ('encoding', 'publishing')`, string(StateReady), staging, now, a.ID)
		if err != nil {
			return fmt.Errorf("media: protect: mark ready: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSuperseded
		}
		// Only while the clear asset still plays: a newer encode that
		// became playable meanwhile is encrypted already and stays.
		if _, err := tx.ExecContext(ctx, `UPDATE title_media SET asset_id = $1, switched_at = $2 WHERE title_id = $3 AND asset_id = $4`,
			a.ID, now, a.TitleID, clear.ID); err != nil {
			return fmt.Errorf("media: protect: switch playable asset: %w", err)
		}
		return nil
	})
}

// download copies the stored object key to the file dst.
func (s *Service) download(ctx context.Context, key, dst string) error {
	rc, _, err := s.blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return fmt.Errorf("media: protect: read %s: %w", key, err)
	}
	defer rc.Close()
	f, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("media: protect: %w", err)
	}
	if _, err := f.ReadFrom(rc); err != nil {
		f.Close()
		return fmt.Errorf("media: protect: read %s: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("media: protect: %w", err)
	}
	return nil
}

// masterRenditions reads, from a master playlist, the media playlists whose
// segments are encrypted (every variant stream and every AUDIO or VIDEO
// rendition) and the I-frame playlists; subtitle renditions stay clear. It
// is pure.
func masterRenditions(master string) renditions {
	var r renditions
	seen := map[string]bool{}
	add := func(list *[]string, uri string) {
		if uri != "" && !seen[uri] && relative(uri) {
			seen[uri] = true
			*list = append(*list, uri)
		}
	}
	variant := false
	for _, l := range strings.Split(master, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
		case strings.HasPrefix(l, "#EXT-X-STREAM-INF"):
			variant = true
		case strings.HasPrefix(l, "#EXT-X-I-FRAME-STREAM-INF"):
			add(&r.iframes, attr(l, "URI"))
		case strings.HasPrefix(l, "#EXT-X-MEDIA:"):
			if t := attr(l, "TYPE"); t == "AUDIO" || t == "VIDEO" {
				add(&r.media, attr(l, "URI"))
			}
		case strings.HasPrefix(l, "#"):
		case variant:
			add(&r.media, l)
			variant = false
		}
	}
	return r
}

// attr returns the value of an attribute of a playlist tag, unquoted.
func attr(tag, name string) string {
	_, list, _ := strings.Cut(tag, ":")
	for list != "" {
		var kv string
		// Split at commas outside quotes.
		inQuote := false
		i := 0
		for ; i < len(list); i++ {
			if list[i] == '"' {
				inQuote = !inQuote
			}
			if list[i] == ',' && !inQuote {
				break
			}
		}
		kv, list = list[:i], strings.TrimPrefix(list[i:], ",")
		k, v, _ := strings.Cut(kv, "=")
		if k == name {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// relative reports whether a playlist URI names a file beside the master
// playlist (no scheme, no leading slash, no way up).
func relative(uri string) bool {
	return !strings.Contains(uri, ":") && !strings.HasPrefix(uri, "/") && path.Clean(uri) == uri && !strings.HasPrefix(uri, "..")
}
