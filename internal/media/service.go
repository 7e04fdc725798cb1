package media

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media/ffmpeg"
	"github.com/lineup/lineup/internal/store"
)

// State is where an asset is in its life.
type State string

// The states of an asset. An asset moves queued → probing → encoding →
// publishing → ready; a retry goes back to queued; failed and cancelled
// are final, and so is ready.
const (
	StateQueued     State = "queued"
	StateProbing    State = "probing"
	StateEncoding   State = "encoding"
	StatePublishing State = "publishing"
	StateReady      State = "ready"
	StateFailed     State = "failed"
	StateCancelled  State = "cancelled"
)

// Final reports whether the state never changes again.
func (s State) Final() bool {
	return s == StateReady || s == StateFailed || s == StateCancelled
}

// ErrTooLarge is wrapped by the *RefusedError Ingest returns for an upload
// over Config.MaxUploadBytes.
var ErrTooLarge = errors.New("upload too large")

// Defaults of Config.
const (
	DefaultMaxUploadBytes   = 64 << 30
	DefaultProgressInterval = time.Second
	DefaultMaxAttempts      = 3
)

// Config configures the media service and its encode pipeline. The zero
// value works when ffmpeg and ffprobe are on PATH.
type Config struct {
	// FFmpegPath and FFprobePath are the programs; "ffmpeg" and "ffprobe"
	// (looked up on PATH) when empty.
	FFmpegPath, FFprobePath string
	// Preset is libx264's speed preset, ffmpeg.DefaultPreset when empty.
	Preset string
	// MaxUploadBytes limits each ingest: the source and its extra tracks
	// together. 0 means DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// TempDir is where encodes download sources and write their output
	// before upload; empty means os.TempDir().
	TempDir string
	// ProgressInterval is the least time between two progress writes to an
	// asset's row; 0 means DefaultProgressInterval.
	ProgressInterval time.Duration
	// MaxAttempts is how many times an encode is tried before its asset
	// fails; 0 means DefaultMaxAttempts. A refused source is never retried.
	MaxAttempts int
	// Logger receives the worker's logs; nil discards them.
	Logger *slog.Logger
	// StoreRetryWindow is how long an encode that finds the media store
	// down keeps being retried, with a pause growing up to 5 minutes,
	// before the failure counts as one of its attempts; 0 means
	// DefaultStoreRetryWindow.
	StoreRetryWindow time.Duration
	// Metrics counts encodes; nil counts nothing.
	Metrics *Metrics
	// LoudnessLUFS is the integrated loudness every audio rendition is
	// normalised to; 0 means DefaultLoudnessLUFS.
	LoudnessLUFS float64
	// Keys, when set, makes the content keys every new asset's media
	// segments are encrypted with (HLS AES-128, see protect.go); nil
	// publishes clear assets.
	Keys KeyMaker
	// KeyRotationSegments starts a new content key every so many segments;
	// 0 means one key for the whole rendition set.
	KeyRotationSegments int
}

// DefaultStoreRetryWindow is Config.StoreRetryWindow's default.
const DefaultStoreRetryWindow = 45 * time.Minute

func (c Config) withDefaults() Config {
	if c.FFmpegPath == "" {
		c.FFmpegPath = "ffmpeg"
	}
	if c.FFprobePath == "" {
		c.FFprobePath = "ffprobe"
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if c.ProgressInterval <= 0 {
		c.ProgressInterval = DefaultProgressInterval
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.StoreRetryWindow <= 0 {
		c.StoreRetryWindow = DefaultStoreRetryWindow
	}
	if c.LoudnessLUFS == 0 {
		c.LoudnessLUFS = DefaultLoudnessLUFS
	}
	return c
}

// Service ingests films, encodes them on the job queue and tells which
// asset of a title plays. It is safe for concurrent use.
type Service struct {
	db    *store.DB
	blobs blob.Store
	q     *jobs.Queue
	cfg   Config
}

// New returns the media service over db, the blob store and the job
// queue, and registers its encode worker with q; call it before q.Start.
func New(db *store.DB, blobs blob.Store, q *jobs.Queue, cfg Config) (*Service, error) {
	s := &Service{db: db, blobs: blobs, q: q, cfg: cfg.withDefaults()}
	if err := jobs.AddWorker(q, &encodeWorker{s: s}); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	if err := jobs.AddWorker(q, &protectWorker{s: s}); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	if q.Working() {
		s.removeDeadTemp()
	}
	return s, nil
}

// Track is one extra audio track or subtitle file of an ingest.
type Track struct {
	// Language is the track's BCP-47 tag ("en", "zh-Hans"; "eng" is
	// accepted and shortened).
	Language string
	// Filename is the file's name as the uploader gave it, kept for
	// reference; it does not choose the format.
	Filename string
	// Reader yields the file. Ingest reads it to the end but does not close
	// it.
	Reader io.Reader
	// Charset, for a subtitle file, names its text encoding ("big5",
	// "gbk", "shift_jis"...) when detection cannot tell; "" detects it.
	Charset string
}

// IngestRequest is a film to ingest.
type IngestRequest struct {
	// TitleID is the title the film belongs to.
	TitleID int64
	// Source yields the film, streamed into the blob store; Ingest reads
	// it to the end but does not close it. Its audio streams become audio
	// tracks, each in the language its tag gives (the title's original
	// language when untagged).
	Source io.Reader
	// Filename is the source's name as the uploader gave it.
	Filename string
	// Audio lists extra audio tracks, each a file whose first audio stream
	// is used; they follow the source's own.
	Audio []Track
	// Subtitles lists subtitle files: SRT, WebVTT or SSA/ASS, in UTF-8,
	// UTF-16, GBK/GB18030 or Big5.
	Subtitles []Track
}

// TrackInfo describes an uploaded extra track of an asset.
type TrackInfo struct {
	// Language is the canonical BCP-47 tag.
	Language string `json:"language"`
	// Filename is the name the file was uploaded under.
	Filename string `json:"filename,omitempty"`
	// SourceKey is where the file is kept in the blob store.
	SourceKey string `json:"-"`
	// Charset is the text encoding the uploader named for a subtitle
	// file, "" when it was detected.
	Charset string `json:"charset,omitempty"`
}

// SubtitleNotConverted is an embedded subtitle stream of the source that
// did not become a WebVTT rendition: image subtitles (PGS, DVD, DVB) are
// pictures, not text.
type SubtitleNotConverted struct {
	// Stream is the stream's index in the source file.
	Stream int `json:"stream"`
	// Codec is ffmpeg's codec name, such as "hdmv_pgs_subtitle".
	Codec string `json:"codec"`
	// Language is the stream's language tag, "" when untagged.
	Language string `json:"language,omitempty"`
}

// LadderRung is one video rendition of a ready asset.
type LadderRung struct {
	Name    string `json:"name"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Bitrate int    `json:"bitrate"`
}

// Asset is one ingest of a film and its encode. The JSON form is what
// GET /api/v1/assets/{id} shows; it leaves out storage keys.
type Asset struct {
	ID      int64 `json:"id"`
	TitleID int64 `json:"title_id"`
	State   State `json:"state"`
	// Progress is the encode's progress in percent; Speed how many times
	// faster than real time it goes.
	Progress float64 `json:"progress"`
	Speed    float64 `json:"speed"`
	// SourceKey is where the uploaded source is kept; it is never
	// modified or removed by an encode.
	SourceKey      string      `json:"-"`
	SourceFilename string      `json:"source_filename,omitempty"`
	SourceSize     int64       `json:"source_size"`
	Audio          []TrackInfo `json:"audio"`
	Subtitles      []TrackInfo `json:"subtitles"`
	// JobID is the encode job; Attempt counts its attempts so far.
	JobID   int64 `json:"job_id"`
	Attempt int   `json:"attempt"`
	// StagingPrefix is where the current attempt writes.
	StagingPrefix string `json:"-"`
	// PublishedPrefix is the blob prefix a ready asset lives under (it
	// ends with a slash and holds master.m3u8); empty until ready.
	PublishedPrefix string `json:"-"`
	// Duration is the real duration, what the source's streams hold.
	Duration  time.Duration `json:"-"`
	Width     int           `json:"width,omitempty"`
	Height    int           `json:"height,omitempty"`
	FrameRate string        `json:"frame_rate,omitempty"`
	Ladder    []LadderRung  `json:"ladder"`
	// Error says, for a person, why the asset failed or why the last
	// attempt did; StderrTail is the end of ffmpeg's stderr.
	Error string `json:"error,omitempty"`
	// Loudness is, per audio rendition, the source's measured loudness and
	// the target it was normalised to (empty until ready).
	Loudness []Loudness `json:"loudness"`
	// SubtitlesNotConverted lists the source's image subtitles.
	SubtitlesNotConverted []SubtitleNotConverted `json:"subtitles_not_converted"`
	StderrTail            string                 `json:"stderr_tail,omitempty"`
	// Protects is, for an asset made by Protect, the clear asset whose
	// files it encrypts (0 for an asset made by an encode).
	Protects  int64     `json:"protects,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	ReadyAt   time.Time `json:"ready_at,omitzero"`
}

// MasterKey returns the blob key of a ready asset's master playlist, or ""
// when the asset is not published.
func (a Asset) MasterKey() string {
	if a.PublishedPrefix == "" {
		return ""
	}
	return a.PublishedPrefix + ffmpeg.MasterName
}

// MarshalJSON adds duration_ms.
func (a Asset) MarshalJSON() ([]byte, error) {
	type plain Asset
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"duration_ms"`
	}{plain(a), a.Duration.Milliseconds()})
}

// Ingest stores a film's source, extra audio tracks and subtitles in the
// blob store and queues its encode. Everything is checked before anything
// is queued: the title must exist (else an error wrapping
// store.ErrNotFound), every language must be a BCP-47 tag and every
// subtitle file readable, the source must not be empty and the upload must
// stay under Config.MaxUploadBytes (checked while streaming; the files are
// never held whole in memory); a refusal is a *RefusedError, and for an
// upload too large it wraps ErrTooLarge. The asset row and its encode job
// are inserted in one transaction; on any error the uploaded files are
// removed again.
func (s *Service) Ingest(ctx context.Context, req IngestRequest) (Asset, error) {
	if req.Source == nil {
		return Asset{}, errors.New("media: ingest: no source")
	}
	if _, err := s.titleLanguage(ctx, req.TitleID); err != nil {
		return Asset{}, fmt.Errorf("media: ingest: %w", err)
	}
	type upload struct {
		kind, lang, filename, key, charset string
		r                                  io.Reader
		data                               []byte
	}
	var ups []upload
	for i, t := range req.Audio {
		lang, err := ffmpeg.CanonicalLanguage(t.Language)
		if err != nil {
			return Asset{}, refuse("audio track %d: %v", i+1, err)
		}
		if t.Reader == nil {
			return Asset{}, refuse("audio track %d (%s) has no file", i+1, lang)
		}
		ups = append(ups, upload{kind: "audio", lang: lang, filename: t.Filename, r: t.Reader})
	}
	for i, t := range req.Subtitles {
		lang, err := ffmpeg.CanonicalLanguage(t.Language)
		if err != nil {
			return Asset{}, refuse("subtitles %d: %v", i+1, err)
		}
		if t.Reader == nil {
			return Asset{}, refuse("subtitles %d (%s) have no file", i+1, lang)
		}
		data, err := io.ReadAll(io.LimitReader(t.Reader, MaxSubtitleSize+1))
		if err != nil {
			return Asset{}, fmt.Errorf("media: ingest: read subtitles %d: %w", i+1, err)
		}
		if _, err := ConvertSubtitleFor(data, t.Charset, lang); err != nil {
			return Asset{}, refuse("the %s subtitles (%s) cannot be used: %s", lang, t.Filename, strings.TrimPrefix(err.Error(), "media: subtitles: "))
		}
		ups = append(ups, upload{kind: "subtitle", lang: lang, filename: t.Filename, data: data, charset: t.Charset})
	}

	prefix := fmt.Sprintf("sources/%d/%s/", req.TitleID, strings.ToLower(rand.Text()))
	var stored []string
	cleanup := func() {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		for _, k := range stored {
			s.blobs.Delete(c, k)
		}
	}
	budget := &budgetReader{left: s.cfg.MaxUploadBytes, limit: s.cfg.MaxUploadBytes}
	put := func(key string, r io.Reader) (int64, error) {
		budget.r = r
		before := budget.read
		err := s.blobs.Put(ctx, key, budget, -1, "")
		if budget.over {
			return 0, &RefusedError{Reason: fmt.Sprintf("the upload is larger than the %s allowed", formatBytes(s.cfg.MaxUploadBytes)), Err: ErrTooLarge}
		}
		if err != nil {
			return 0, fmt.Errorf("media: ingest: store %s: %w", path.Base(key), err)
		}
		stored = append(stored, key)
		return budget.read - before, nil
	}
	sourceKey := prefix + "source" + safeExt(req.Filename)
	size, err := put(sourceKey, req.Source)
	if err != nil {
		cleanup()
		return Asset{}, err
	}
	if size == 0 {
		cleanup()
		return Asset{}, refuse("the file is empty (0 bytes)")
	}
	counts := map[string]int{}
	for i := range ups {
		u := &ups[i]
		u.key = fmt.Sprintf("%s%s_%d%s", prefix, u.kind, counts[u.kind], safeExt(u.filename))
		counts[u.kind]++
		r := u.r
		if u.data != nil {
			r = strings.NewReader(string(u.data))
		}
		if _, err := put(u.key, r); err != nil {
			cleanup()
			return Asset{}, err
		}
	}

	var id int64
	now := time.Now().UnixMilli()
	err = s.q.InTx(ctx, func(tx jobs.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO assets (title_id, state, source_key, source_filename, source_size, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			req.TitleID, string(StateQueued), sourceKey, req.Filename, size, now).Scan(&id)
		if err != nil {
			return err
		}
		counts := map[string]int{}
		for _, u := range ups {
			if _, err := tx.Exec(ctx, `INSERT INTO asset_tracks (asset_id, kind, position, language, source_key, filename, charset) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				id, u.kind, counts[u.kind], u.lang, u.key, u.filename, u.charset); err != nil {
				return err
			}
			counts[u.kind]++
		}
		jobID, err := tx.Insert(ctx, EncodeArgs{AssetID: id}, &river.InsertOpts{Queue: jobs.QueueEncode, MaxAttempts: s.cfg.MaxAttempts})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE assets SET job_id = $1 WHERE id = $2`, jobID, id)
		return err
	})
	if err != nil {
		cleanup()
		return Asset{}, fmt.Errorf("media: ingest: %w", err)
	}
	return s.Asset(ctx, id)
}

// budgetReader counts bytes across the files of one ingest and fails once
// they exceed the limit, so that an oversized upload stops while streaming.
type budgetReader struct {
	r           io.Reader
	left, limit int64
	read        int64
	over        bool
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	b.left -= int64(n)
	if b.left < 0 {
		b.over = true
		return 0, ErrTooLarge
	}
	return n, err
}

var extPattern = regexp.MustCompile(`^\.[a-z0-9]{1,8}$`)

// safeExt returns name's extension, lowercased, when it is a plain one.
func safeExt(name string) string {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/")))
	if extPattern.MatchString(ext) {
		return ext
	}
	return ""
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// titleLanguage returns a title's original language, or an error wrapping
// store.ErrNotFound.
func (s *Service) titleLanguage(ctx context.Context, titleID int64) (string, error) {
	var lang string
	err := s.db.QueryRowContext(ctx, `SELECT original_language FROM titles WHERE id = $1`, titleID).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("title %d: %w", titleID, store.ErrNotFound)
	}
	return lang, err
}

const assetColumns = `id, title_id, state, progress, speed, source_key, source_filename, source_size,
	job_id, attempt, staging_prefix, published_prefix, duration_ms, width, height, frame_rate, ladder,
	error, stderr_tail, created_at, updated_at, ready_at, loudness, subtitles_not_converted, protects_asset_id`

func scanAsset(row interface{ Scan(...any) error }) (Asset, error) {
	var a Asset
	var state, ladder, loudness, notConverted string
	var durMS, created, updated int64
	var ready sql.NullInt64
	err := row.Scan(&a.ID, &a.TitleID, &state, &a.Progress, &a.Speed, &a.SourceKey, &a.SourceFilename, &a.SourceSize,
		&a.JobID, &a.Attempt, &a.StagingPrefix, &a.PublishedPrefix, &durMS, &a.Width, &a.Height, &a.FrameRate, &ladder,
		&a.Error, &a.StderrTail, &created, &updated, &ready, &loudness, &notConverted, &a.Protects)
	if err != nil {
		return a, err
	}
	a.State = State(state)
	a.Duration = time.Duration(durMS) * time.Millisecond
	a.CreatedAt = time.UnixMilli(created).UTC()
	a.UpdatedAt = time.UnixMilli(updated).UTC()
	if ready.Valid {
		a.ReadyAt = time.UnixMilli(ready.Int64).UTC()
	}
	a.Ladder = []LadderRung{}
	if err := json.Unmarshal([]byte(ladder), &a.Ladder); err != nil {
		return a, fmt.Errorf("ladder of asset %d: %w", a.ID, err)
	}
	a.Loudness, a.SubtitlesNotConverted = []Loudness{}, []SubtitleNotConverted{}
	if err := json.Unmarshal([]byte(loudness), &a.Loudness); err != nil {
		return a, fmt.Errorf("loudness of asset %d: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(notConverted), &a.SubtitlesNotConverted); err != nil {
		return a, fmt.Errorf("subtitles of asset %d: %w", a.ID, err)
	}
	return a, nil
}

// Asset returns the asset with the given ID and its tracks, or an error
// wrapping store.ErrNotFound.
func (s *Service) Asset(ctx context.Context, id int64) (Asset, error) {
	a, err := scanAsset(s.db.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM assets WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Asset{}, fmt.Errorf("media: asset %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return Asset{}, fmt.Errorf("media: asset %d: %w", id, err)
	}
	if err := s.loadTracks(ctx, &a); err != nil {
		return Asset{}, err
	}
	return a, nil
}

func (s *Service) loadTracks(ctx context.Context, a *Asset) error {
	a.Audio, a.Subtitles = []TrackInfo{}, []TrackInfo{}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, language, source_key, filename, charset FROM asset_tracks WHERE asset_id = $1 ORDER BY kind, position`, a.ID)
	if err != nil {
		return fmt.Errorf("media: asset %d tracks: %w", a.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var t TrackInfo
		if err := rows.Scan(&kind, &t.Language, &t.SourceKey, &t.Filename, &t.Charset); err != nil {
			return fmt.Errorf("media: asset %d tracks: %w", a.ID, err)
		}
		if kind == "audio" {
			a.Audio = append(a.Audio, t)
		} else {
			a.Subtitles = append(a.Subtitles, t)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("media: asset %d tracks: %w", a.ID, err)
	}
	return nil
}

// Assets returns every asset of a title, newest first (an unknown title
// has none).
func (s *Service) Assets(ctx context.Context, titleID int64) ([]Asset, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+assetColumns+` FROM assets WHERE title_id = $1 ORDER BY id DESC`, titleID)
	if err != nil {
		return nil, fmt.Errorf("media: assets of title %d: %w", titleID, err)
	}
	var out []Asset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("media: assets of title %d: %w", titleID, err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("media: assets of title %d: %w", titleID, err)
	}
	for i := range out {
		if err := s.loadTracks(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RecentAssets returns the newest assets of every title, newest first, at
// most limit of them (without their tracks): what the operator's jobs page
// lists.
func (s *Service) RecentAssets(ctx context.Context, limit int) ([]Asset, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+assetColumns+` FROM assets ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("media: recent assets: %w", err)
	}
	defer rows.Close()
	var out []Asset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, fmt.Errorf("media: recent assets: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("media: recent assets: %w", err)
	}
	return out, nil
}

// PlayableAsset returns the ready asset that plays for a title, or an
// error wrapping store.ErrNotFound when the title has none. It changes only
// when another asset of the title becomes ready.
func (s *Service) PlayableAsset(ctx context.Context, titleID int64) (Asset, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT asset_id FROM title_media WHERE title_id = $1`, titleID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Asset{}, fmt.Errorf("media: title %d has no playable asset: %w", titleID, store.ErrNotFound)
	}
	if err != nil {
		return Asset{}, fmt.Errorf("media: playable asset of title %d: %w", titleID, err)
	}
	return s.Asset(ctx, id)
}

// Cancel stops an asset's encode for good: the asset becomes cancelled,
// its job is cancelled (a running ffmpeg is stopped within a second or
// two) and whatever the encode had written is discarded; the title's
// playable asset does not change. Cancelling an asset that is already
// ready, failed or cancelled changes nothing and returns it as it is.
func (s *Service) Cancel(ctx context.Context, id int64) (Asset, error) {
	err := s.q.InTx(ctx, func(tx jobs.Tx) error {
		var jobID int64
		err := tx.QueryRow(ctx, `UPDATE assets SET state = $1, error = $2, updated_at = $3
			WHERE id = $4 AND state IN ('queued', 'probing', 'encoding', 'publishing') RETURNING job_id`,
			string(StateCancelled), "cancelled on request", time.Now().UnixMilli(), id).Scan(&jobID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return tx.Cancel(ctx, jobID)
	})
	if err != nil {
		return Asset{}, fmt.Errorf("media: cancel asset %d: %w", id, err)
	}
	return s.Asset(ctx, id)
}

// WaitForAsset polls the asset every half second until it is ready, failed
// or cancelled, calling report (when not nil) with each version that
// differs from the last, and returns the final one. It returns an error
// only when ctx ends or the asset cannot be read; a failed asset is not an
// error here, look at its State and Error. A CLI draws its progress bar
// from report.
func (s *Service) WaitForAsset(ctx context.Context, id int64, report func(Asset)) (Asset, error) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	var last Asset
	for first := true; ; first = false {
		a, err := s.Asset(ctx, id)
		if err != nil {
			return a, err
		}
		if report != nil && (first || a.State != last.State || a.Progress != last.Progress || a.Speed != last.Speed || a.Attempt != last.Attempt) {
			report(a)
		}
		last = a
		if a.State.Final() {
			return a, nil
		}
		select {
		case <-ctx.Done():
			return a, fmt.Errorf("media: wait for asset %d: %w", id, ctx.Err())
		case <-tick.C:
		}
	}
}

// localPath returns the path of key when the blob store is a local folder,
// so that ffmpeg reads the source in place.
func (s *Service) localPath(key string) (string, bool) {
	f, ok := s.blobs.(*blob.Folder)
	if !ok {
		return "", false
	}
	p := f.Dir() + "/" + key
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	return p, true
}
