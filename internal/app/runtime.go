package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/geo"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/mail"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/protect"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/webhook"
)

// runtime is everything a serving or encoding process needs beyond the
// catalogue and rights: media storage, the job queue, accounts, the
// viewer's territory and playback signing.
type runtime struct {
	*services
	blob     blob.Store
	queue    *jobs.Queue
	media    *media.Service
	accounts *accounts.Service
	geo      *geo.Locator
	playback *playback.Service
	keys     *protect.Keys
	csrfKey  []byte
	// registry holds the process's metrics (see newRegistry).
	registry *prometheus.Registry
	// mail sends account mails; nil without LINEUP_SMTP_URL.
	mail    *mail.SMTP
	webhook *webhook.Sender // nil without LINEUP_WEBHOOK_URL
}

// close releases what openRuntime opened (the database too).
func (rt *runtime) close(ctx context.Context) {
	if rt.queue != nil {
		rt.queue.Stop(ctx)
		rt.queue.Close()
	}
	if rt.geo != nil {
		rt.geo.Close()
	}
	rt.db.Close()
}

// openRuntime opens the database and builds every service. work makes the
// job queue run workers in this process (roles worker and all); Start still
// has to be called.
func (e *env) openRuntime(ctx context.Context, work bool) (*runtime, error) {
	ownerOnlyFiles()
	if err := privateDir(e.cfg.DataDir); err != nil {
		return nil, err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return nil, err
	}
	rt := &runtime{services: svc}
	fail := func(err error) (*runtime, error) {
		rt.close(context.WithoutCancel(ctx))
		return nil, err
	}
	if rt.blob, err = blob.Open(ctx, e.cfg.StorageURL, e.getenv); err != nil {
		return fail(fmt.Errorf("media storage %s: %w", store.MaskURL(e.cfg.StorageURL), err))
	}
	dsn := ""
	if svc.db.Dialect == store.Postgres {
		dsn = e.cfg.DatabaseURL
	}
	if rt.queue, err = jobs.New(ctx, svc.db, jobs.Config{DatabaseURL: dsn, Work: work}); err != nil {
		return fail(err)
	}
	rt.registry = newRegistry(rt)
	secret, err := e.secretKey()
	if err != nil {
		return fail(err)
	}
	if rt.keys, err = e.openKeys(ctx, svc.db, secret); err != nil {
		return fail(err)
	}
	if rt.webhook, err = e.openWebhook(rt.queue, svc); err != nil {
		return fail(err)
	}
	if rt.media, err = media.New(svc.db, rt.blob, rt.queue, media.Config{
		FFmpegPath: e.cfg.FFmpeg, FFprobePath: e.cfg.FFprobe, MaxUploadBytes: e.cfg.MaxUploadBytes, Logger: e.log,
		Keys: rt.keys, KeyRotationSegments: e.cfg.KeyRotationSegments,
		LoudnessLUFS: e.cfg.LoudnessLUFS, Metrics: media.NewMetrics(rt.registry),
	}); err != nil {
		return fail(err)
	}
	if rt.accounts, err = accounts.New(svc.db, accounts.Config{SignUpOpen: e.cfg.SignUp, VerifyEmail: e.cfg.verifyEmail()}); err != nil {
		return fail(err)
	}
	if e.cfg.SMTPURL != "" {
		if rt.mail, err = mail.Open(e.cfg.SMTPURL, e.cfg.mailFrom()); err != nil {
			return fail(fmt.Errorf("%w: %v", ErrUsage, err))
		}
	}
	proxies, err := geo.ParseProxies(e.cfg.TrustedProxies)
	if err != nil {
		return fail(fmt.Errorf("%w: LINEUP_TRUSTED_PROXIES: %v", ErrUsage, err))
	}
	if rt.geo, err = geo.New(geo.Config{DBPath: e.cfg.GeoIPDB, TrustedProxies: proxies, Header: e.cfg.CountryHeader, Default: e.cfg.DefaultTerritory}); err != nil {
		return fail(err)
	}
	rt.csrfKey = derive(secret, "csrf")
	current, keys := "k1", map[string][]byte{"k1": derive(secret, "playback")}
	if e.cfg.PlaybackKeys != "" {
		if current, keys, err = playback.ParseKeys(e.cfg.PlaybackKeys); err != nil {
			return fail(fmt.Errorf("%w: LINEUP_PLAYBACK_KEYS: %v", ErrUsage, err))
		}
	}
	signer, err := playback.NewSigner(current, keys)
	if err != nil {
		return fail(err)
	}
	if rt.playback, err = playback.New(playback.Config{
		Signer: signer, Rights: svc.rights, Titles: svc.catalog,
		Assets: playback.AssetFunc(func(ctx context.Context, titleID int64) (int64, error) {
			a, err := rt.media.PlayableAsset(ctx, titleID)
			return a.ID, err
		}),
		Keys: contentKeys(rt.media, rt.keys), DB: svc.db, MaxStreams: e.cfg.MaxStreams, TTL: e.cfg.PlaylistTTL,
	}); err != nil {
		return fail(err)
	}
	return rt, nil
}

// privateDir creates the data folder readable by its owner only (0700), or
// takes group and other access away from an existing one: it holds the
// database (emails, password and PIN hashes), the secret key and the media.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data folder %s: %w", dir, err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data folder %s: %w", dir, err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, info.Mode().Perm()&0o700); err != nil {
			return fmt.Errorf("data folder %s: make it private: %w", dir, err)
		}
	}
	return nil
}

// derive makes a purpose-specific key from the secret key.
func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("lineup " + purpose))
	return m.Sum(nil)
}

// secretKey is LINEUP_SECRET_KEY, or the key generated once into
// DATA_DIR/secret.key for the embedded default. Nodes of a scaled-out
// deployment must share one: set LINEUP_SECRET_KEY (or _FILE) on each.
func (e *env) secretKey() ([]byte, error) {
	if e.cfg.SecretKey != "" {
		if len(e.cfg.SecretKey) < 16 {
			return nil, fmt.Errorf("%w: LINEUP_SECRET_KEY must be at least 16 characters", ErrUsage)
		}
		return []byte(e.cfg.SecretKey), nil
	}
	path := filepath.Join(e.cfg.DataDir, "secret.key")
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) < 16 {
			return nil, fmt.Errorf("%s is not a key Lineup wrote: remove it to make a new one (signing everyone out)", path)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, 32)
	rand.Read(k)
	if err := os.MkdirAll(e.cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, err
	}
	e.log.Info("generated a secret key; set LINEUP_SECRET_KEY on every node when scaling out", "path", path)
	return k, nil
}

// verifyEmail says whether sign-ups confirm their email: as configured, or
// when set to auto, whenever mail can be sent.
func (c Config) verifyEmail() bool {
	if c.EmailVerification == "auto" || c.EmailVerification == "" {
		return c.SMTPURL != ""
	}
	return c.EmailVerification == "true"
}

// mailFrom is LINEUP_MAIL_FROM, or no-reply@ the public URL's host.
func (c Config) mailFrom() string {
	if c.MailFrom != "" {
		return c.MailFrom
	}
	host := "localhost"
	if u, err := url.Parse(c.PublicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return c.ServiceName + " <no-reply@" + host + ">"
}

// baseURL is how emailed links begin: the public URL, else the listening
// address.
func (c Config) baseURL(addr string) string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + addr
}
