package media

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// EncodeArgs is the encode job of one asset.
type EncodeArgs struct {
	// AssetID is the asset to encode.
	AssetID int64 `json:"asset_id"`
}

// Kind implements river.JobArgs.
func (EncodeArgs) Kind() string { return "media_encode" }

// InsertOpts puts encodes on their own queue and bounds their attempts.
func (EncodeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueEncode, MaxAttempts: DefaultMaxAttempts}
}

// errSuperseded stops an attempt whose asset row no longer carries its
// staging prefix (a newer attempt took over) or was cancelled.
var errSuperseded = errors.New("media: encode superseded or cancelled")

// encodeWorker encodes an asset: it downloads the source, runs Transcode,
// uploads the output under a staging prefix no attempt used before,
// publishes it and, in one transaction, marks the asset ready and points
// its title at it.
//
// Each attempt claims the asset row with a staging prefix of its own (the
// attempt number and a random part); every later write requires that
// prefix, so an attempt that was given up for dead (see package jobs) and
// wakes up again cannot overwrite its successor. A new
// attempt discards the staging prefix of the one before, so a retry starts
// clean. Until the final transaction nothing points at the staging prefix,
// so a failed, cancelled or killed attempt leaves the title's previous
// asset playing.
type encodeWorker struct {
	river.WorkerDefaults[EncodeArgs]
	s *Service
}

// Work implements river.Worker.
func (w *encodeWorker) Work(ctx context.Context, job *river.Job[EncodeArgs]) error {
	s := w.s
	log := s.cfg.Logger.With("asset_id", job.Args.AssetID, "attempt", job.Attempt)
	a, err := s.Asset(ctx, job.Args.AssetID)
	if err != nil {
		return river.JobCancel(err) // the asset is gone; nothing to encode
	}
	if a.State.Final() {
		return nil
	}
	staging := fmt.Sprintf("assets/%d/%d/a%d-%s/", a.TitleID, a.ID, job.Attempt, strings.ToLower(rand.Text()[:10]))
	res, err := s.db.ExecContext(ctx, `UPDATE assets SET state = $1, attempt = $2, staging_prefix = $3, progress = 0, speed = 0, updated_at = $4
		WHERE id = $5 AND state IN ('queued', 'probing', 'encoding', 'publishing')`,
		string(StateProbing), job.Attempt, staging, time.Now().UnixMilli(), a.ID)
	if err != nil {
		return fmt.Errorf("media: encode: claim asset %d: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // cancelled meanwhile
	}
	if old := a.StagingPrefix; old != "" && old != a.PublishedPrefix {
		if err := blob.Discard(ctx, s.blobs, old); err != nil {
			log.Warn("discard previous attempt", "prefix", old, "error", err)
		}
	}
	log.Info("encode started", "staging", staging)
	err = w.encode(ctx, a, staging)
	if err == nil {
		log.Info("encode ready")
		return nil
	}

	// The attempt failed: remove what it wrote, then record why.
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if derr := blob.Discard(cleanup, s.blobs, staging); derr != nil {
		log.Warn("discard failed attempt", "prefix", staging, "error", derr)
	}
	var refused *RefusedError
	var encErr *EncodeError
	var stderrTail string
	if errors.As(err, &encErr) {
		stderrTail = encErr.Stderr
	}
	maxAttempts := job.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = s.cfg.MaxAttempts
	}
	if wait, ok := s.storeDown(cleanup, a.ID, staging, err); ok {
		log.Warn("encode waits for the media store", "retry_in", wait.String(), "error", err)
		return river.JobSnooze(wait)
	}
	state, reason, final := StateQueued, "", false
	switch {
	case errors.Is(err, errSuperseded):
		log.Info("encode superseded")
		return nil
	case errors.As(err, &refused):
		state, reason, final = StateFailed, refused.Reason, true
	case errors.Is(ctx.Err(), context.Canceled):
		// The worker is stopping (or the job was cancelled, and the row
		// already says so): River puts the job back without counting
		// the attempt.
		reason = fmt.Sprintf("attempt %d was interrupted (the worker stopped); it will be retried", job.Attempt)
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && job.Attempt >= maxAttempts:
		state, reason = StateFailed, fmt.Sprintf("the encode ran out of time %d times", job.Attempt)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		reason = fmt.Sprintf("attempt %d ran out of time and will be retried", job.Attempt)
	case job.Attempt >= maxAttempts:
		state, reason = StateFailed, fmt.Sprintf("the encode failed %d times; the last error: %v", job.Attempt, err)
	default:
		reason = fmt.Sprintf("attempt %d failed and will be retried: %v", job.Attempt, err)
	}
	if _, uerr := s.db.ExecContext(cleanup, `UPDATE assets SET state = $1, error = $2, stderr_tail = $3, speed = 0, updated_at = $4
		WHERE id = $5 AND staging_prefix = $6 AND state IN ('queued', 'probing', 'encoding', 'publishing')`,
		string(state), reason, stderrTail, time.Now().UnixMilli(), a.ID, staging); uerr != nil {
		log.Error("record encode failure", "error", uerr)
	}
	log.Warn("encode failed", "state", state, "reason", reason, "error", err)
	if final {
		return river.JobCancel(err)
	}
	return err
}

// setState moves the asset along, only while this attempt owns it.
func (w *encodeWorker) setState(ctx context.Context, id int64, staging string, state State, extra string, args ...any) error {
	q := `UPDATE assets SET state = $1, updated_at = $2` + extra + ` WHERE id = $3 AND staging_prefix = $4 AND state IN ('queued', 'probing', 'encoding', 'publishing')`
	res, err := w.s.db.ExecContext(ctx, q, append([]any{string(state), time.Now().UnixMilli(), id, staging}, args...)...)
	if err != nil {
		return fmt.Errorf("media: encode: set state %s: %w", state, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errSuperseded
	}
	return nil
}

func (w *encodeWorker) encode(ctx context.Context, a Asset, staging string) error {
	s := w.s
	tmp, err := os.MkdirTemp(s.cfg.TempDir, fmt.Sprintf("%s%d-", tempPrefix, os.Getpid()))
	if err != nil {
		return fmt.Errorf("media: encode: %w", err)
	}
	defer os.RemoveAll(tmp)

	source, err := s.fetch(ctx, a.SourceKey, filepath.Join(tmp, "source"+path.Ext(a.SourceKey)))
	if err != nil {
		return err
	}
	req := TranscodeRequest{Source: source, OutDir: filepath.Join(tmp, "out")}
	req.DefaultLanguage, _ = s.titleLanguage(ctx, a.TitleID)
	for i, t := range a.Audio {
		p, err := s.fetch(ctx, t.SourceKey, filepath.Join(tmp, fmt.Sprintf("audio_%d%s", i, path.Ext(t.SourceKey))))
		if err != nil {
			return err
		}
		req.Audio = append(req.Audio, TrackFile{Language: t.Language, Path: p})
	}
	for i, t := range a.Subtitles {
		p, err := s.fetch(ctx, t.SourceKey, filepath.Join(tmp, fmt.Sprintf("subtitle_%d%s", i, path.Ext(t.SourceKey))))
		if err != nil {
			return err
		}
		req.Subtitles = append(req.Subtitles, TrackFile{Language: t.Language, Path: p, Charset: t.Charset})
	}

	probe, err := Probe(ctx, s.cfg.FFprobePath, source)
	if err != nil {
		return err
	}
	req.Probe = &probe
	v := probe.Video[0]
	if err := w.setState(ctx, a.ID, staging, StateEncoding, `, duration_ms = $5, width = $6, height = $7, frame_rate = $8`,
		probe.Duration.Milliseconds(), v.DisplayWidth(), v.Height, v.FrameRate.String()); err != nil {
		return err
	}

	// Progress goes to the row at most once per interval; a write that
	// finds the row no longer ours stops ffmpeg.
	encCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var mu sync.Mutex
	var last time.Time
	req.Progress = func(p ffmpeg.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < s.cfg.ProgressInterval || p.Done {
			return
		}
		last = time.Now()
		err := w.setState(encCtx, a.ID, staging, StateEncoding, `, progress = $5, speed = $6`, p.Percent, p.Speed)
		if errors.Is(err, errSuperseded) {
			stop(errSuperseded)
		}
	}
	out, err := Transcode(encCtx, s.cfg, req)
	if errors.Is(context.Cause(encCtx), errSuperseded) {
		return errSuperseded
	}
	if err != nil {
		return err
	}

	ladder := make([]LadderRung, len(out.Encode.Rungs))
	for i, r := range out.Encode.Rungs {
		ladder[i] = LadderRung{Name: r.Name, Width: r.Width, Height: r.Height, Bitrate: r.Bitrate}
	}
	ladderJSON, _ := json.Marshal(ladder)
	loudJSON, notConvJSON := sourceReport(out)
	if err := w.setState(ctx, a.ID, staging, StatePublishing, `, progress = $5, ladder = $6, loudness = $7, subtitles_not_converted = $8`,
		100.0, string(ladderJSON), loudJSON, notConvJSON); err != nil {
		return err
	}
	for _, f := range out.Files {
		if err := s.putFile(ctx, staging+f.Path, filepath.Join(req.OutDir, filepath.FromSlash(f.Path)), f.Size); err != nil {
			return err
		}
	}
	m := blob.Manifest{Files: out.Files, Meta: map[string]string{
		"asset_id":    strconv.FormatInt(a.ID, 10),
		"title_id":    strconv.FormatInt(a.TitleID, 10),
		"duration_ms": strconv.FormatInt(out.Duration.Milliseconds(), 10),
		"master":      ffmpeg.MasterName,
		"thumbnails":  ThumbnailsTrack,
	}}
	if err := blob.Publish(ctx, s.blobs, staging, m); err != nil {
		return fmt.Errorf("media: encode: %w", err)
	}

	now := time.Now().UnixMilli()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE assets SET state = $1, progress = 100, speed = 0, published_prefix = $2, error = '', stderr_tail = '', waiting_since = 0, ready_at = $3, updated_at = $3
			WHERE id = $4 AND staging_prefix = $2 AND state = 'publishing'`, string(StateReady), staging, now, a.ID)
		if err != nil {
			return fmt.Errorf("media: encode: mark ready: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSuperseded
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO title_media (title_id, asset_id, switched_at) VALUES ($1, $2, $3)
			ON CONFLICT (title_id) DO UPDATE SET asset_id = excluded.asset_id, switched_at = excluded.switched_at`,
			a.TitleID, a.ID, now); err != nil {
			return fmt.Errorf("media: encode: switch playable asset: %w", err)
		}
		return nil
	})
}

// fetch returns a local path holding the object under key: the object
// itself for a folder store, else a copy downloaded to dst.
func (s *Service) fetch(ctx context.Context, key, dst string) (string, error) {
	if p, ok := s.localPath(key); ok {
		return p, nil
	}
	rc, _, err := s.blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return "", fmt.Errorf("media: encode: fetch %s: %w", key, err)
	}
	defer rc.Close()
	f, err := os.Create(dst)
	if err != nil {
		return "", fmt.Errorf("media: encode: %w", err)
	}
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		return "", fmt.Errorf("media: encode: fetch %s: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("media: encode: fetch %s: %w", key, err)
	}
	return dst, nil
}

func (s *Service) putFile(ctx context.Context, key, file string, size int64) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("media: encode: upload: %w", err)
	}
	defer f.Close()
	if err := s.blobs.Put(ctx, key, f, size, ""); err != nil {
		return fmt.Errorf("media: encode: upload: %w", err)
	}
	return nil
}
