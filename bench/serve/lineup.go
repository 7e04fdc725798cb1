package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/app"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// The service's licensee, and the viewer the bench signs in as.
const (
	licensee       = "Lineup"
	viewerEmail    = "bench@viewer.test"
	viewerPassword = "correct horse battery"
	viewerProfile  = "Bench"
)

// lineup is a whole Lineup on SQLite with a folder media store, serving one
// playable 1080p title on a loopback port from this process.
type lineup struct {
	base      string // http://127.0.0.1:PORT
	titleID   int64
	assetID   int64
	profileID int64
	// assetDir is the published asset's folder on disk: what nginx serves.
	assetDir string
	// mediaDir is the media store's "assets" folder, which /media/ maps
	// onto (/media/{title}/{asset}/{version}/… is assets/{title}/…).
	mediaDir string
	// streamPath is the asset's per-viewer playlist path with a signed
	// token, ending in a slash: append master.m3u8 or a media playlist's
	// path. mediaPath is the asset's shared, token-free segment path:
	// append a segment's path. Both start with a slash, as the viewer's
	// playlists write them.
	streamPath, mediaPath string
	// session is the bench viewer's session cookie, which the token is
	// bound to (key requests check it).
	session string
	stop    func()
}

// startLineup builds the catalogue, account and media of the bench in
// dir, ingests a generated film of the given length through `lineup
// ingest`, and runs `lineup serve` until stop is called. Progress goes to
// standard error.
func startLineup(ctx context.Context, dir string, seconds int) (*lineup, error) {
	data := filepath.Join(dir, "lineup")
	secret := make([]byte, 32)
	rand.Read(secret)
	key := make([]byte, 32)
	rand.Read(key)
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	env := map[string]string{
		"LINEUP_DATA_DIR":          data,
		"LINEUP_ADDR":              "127.0.0.1:" + strconv.Itoa(port),
		"LINEUP_LICENSEE":          licensee,
		"LINEUP_DEFAULT_TERRITORY": "US",
		"LINEUP_SIGNUP":            "false",
		"LINEUP_SECRET_KEY":        hex.EncodeToString(secret),
		"LINEUP_PLAYBACK_KEYS":     "bench:" + base64.RawURLEncoding.EncodeToString(key),
		// nginx runs with access_log off; Lineup's per-request log line
		// is its access log, so it is off too.
		"LINEUP_LOG_LEVEL": "warn",
		// Another Lineup on this machine may hold the default metrics port.
		"LINEUP_METRICS_ADDR": "off",
	}
	getenv := func(k string) string { return env[k] }

	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, filepath.Join(data, "lineup.db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	title, err := catalog.New(db).CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh", Year: 2018, RuntimeMinutes: 119,
		Localizations: []catalog.Localization{{Language: "en", Title: "Us and Them", Synopsis: "Two strangers meet on a train home."}}})
	if err != nil {
		return nil, fmt.Errorf("title: %w", err)
	}
	if _, _, err := rights.New(db, rights.Config{Licensee: licensee}).Add(ctx, rights.License{
		TitleID: title.ID, Licensor: "Bench Licensor", Licensee: licensee, Type: rights.SVOD,
		Territories: []string{"US"}, Start: rights.DateMoment(2018, 6, 22),
	}, false); err != nil {
		return nil, fmt.Errorf("license: %w", err)
	}
	acc, err := accounts.New(db, accounts.Config{})
	if err != nil {
		return nil, err
	}
	user, err := acc.AddUser(ctx, accounts.NewUser{Email: viewerEmail, Password: viewerPassword, HomeTerritory: "US"})
	if err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	profile, err := acc.AddProfile(ctx, user.ID, accounts.ProfileInput{Name: viewerProfile, Language: "en", MaxAge: accounts.MaxMaturity})
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}

	src := filepath.Join(dir, "source")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return nil, err
	}
	say("generating a %d s 1920×1080 film with ffmpeg", seconds)
	files, err := media.GenerateSample(ctx, "ffmpeg", src, media.SampleOptions{Seconds: seconds, Width: 1920, Height: 1080, Label: "Us and Them"})
	if err != nil {
		return nil, fmt.Errorf("sample film: %w", err)
	}
	say("lineup ingest (encodes the whole ladder here; a few minutes on a busy 2-core machine)")
	var out bytes.Buffer
	args := []string{"ingest", files.Video, "--title", strconv.FormatInt(title.ID, 10), "--json"}
	for _, lang := range []string{"en", "zh"} {
		if p, ok := files.Subtitles[lang]; ok {
			args = append(args, "--subtitle", lang+"="+p)
		}
	}
	if err := app.Run(ctx, args, getenv, &out, os.Stderr); err != nil {
		return nil, fmt.Errorf("lineup ingest: %w", err)
	}
	var asset media.Asset
	if err := json.Unmarshal(out.Bytes(), &asset); err != nil {
		return nil, fmt.Errorf("lineup ingest printed no asset: %w: %s", err, out.Bytes())
	}
	if asset.State != media.StateReady {
		return nil, fmt.Errorf("asset %d %s: %s", asset.ID, asset.State, asset.Error)
	}
	// The published prefix is no part of the asset's JSON (storage keys
	// stay private); the bench reads it to point nginx at the same files.
	var prefix string
	if err := db.QueryRowContext(ctx, `SELECT published_prefix FROM assets WHERE id = $1`, asset.ID).Scan(&prefix); err != nil {
		return nil, fmt.Errorf("published prefix of asset %d: %w", asset.ID, err)
	}
	say("asset %d ready: %dx%d, %d rungs", asset.ID, asset.Width, asset.Height, len(asset.Ladder))

	current, keys, err := playback.ParseKeys(env["LINEUP_PLAYBACK_KEYS"])
	if err != nil {
		return nil, err
	}
	signer, err := playback.NewSigner(current, keys)
	if err != nil {
		return nil, err
	}
	// The token is bound to a signed-in session of the viewer, as POST
	// /api/v1/playback binds it, so its key URI answers that cookie.
	sess, err := acc.SignIn(ctx, viewerEmail, viewerPassword, "")
	if err != nil {
		return nil, err
	}
	if err := acc.SelectProfile(ctx, sess.Token, profile.ID, ""); err != nil {
		return nil, err
	}
	token, err := signer.Sign(playback.Claims{AssetID: asset.ID, ProfileID: profile.ID, TitleID: title.ID, Territory: "US", Home: "US",
		SessionID: sess.ID, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		return nil, err
	}

	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var serveErr error
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		serveErr = app.Run(sctx, []string{"serve"}, getenv, os.Stderr, os.Stderr)
	}()
	l := &lineup{
		base:       "http://" + env["LINEUP_ADDR"],
		titleID:    title.ID,
		assetID:    asset.ID,
		profileID:  profile.ID,
		assetDir:   filepath.Join(data, "media", filepath.FromSlash(prefix)),
		mediaDir:   filepath.Join(data, "media", "assets"),
		streamPath: fmt.Sprintf("/stream/%s/%d/", token, asset.ID),
		mediaPath:  "/media/" + strings.TrimPrefix(prefix, "assets/"),
		session:    sess.Token,
		stop: func() {
			cancel()
			<-finished
			if serveErr != nil {
				say("lineup serve: %v", serveErr)
			}
		},
	}
	if err := waitHTTP(ctx, l.base+"/readyz", finished); err != nil {
		l.stop()
		return nil, fmt.Errorf("lineup serve: %w", err)
	}
	say("lineup serving at %s", l.base)
	return l, nil
}

// waitHTTP polls url until it answers 200, for up to 30 seconds, or until
// exited is closed (the server stopped).
func waitHTTP(ctx context.Context, url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("stopped before it answered (see the log above)")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("%s did not answer 200 within 30 s", url)
}
