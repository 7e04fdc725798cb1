package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/protect"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// viewerClient is one signed-in viewer talking to the service over HTTP,
// placed in a country by the trusted proxy's header (X-Test-Country, from
// 127.0.0.1, which the service trusts).
type viewerClient struct {
	t       *testing.T
	base    string
	session accounts.Session
	csrf    string
	country string
	profile int64
	// countryHeader is the header the country goes in (X-Test-Country
	// unless set).
	countryHeader string
}

// signInViewer signs email in through the accounts service (as the sign-in
// form does) and chooses its first profile.
func signInViewer(t *testing.T, svc browserService, email, country string) *viewerClient {
	t.Helper()
	ctx := context.Background()
	sess, err := svc.rt.accounts.SignIn(ctx, email, "correct horse battery", "")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := svc.rt.accounts.Profiles(ctx, sess.User.ID)
	if err != nil || len(ps) == 0 {
		t.Fatalf("profiles of %s: %v", email, err)
	}
	if err := svc.rt.accounts.SelectProfile(ctx, sess.Token, ps[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	return &viewerClient{t: t, base: svc.url, session: sess, csrf: accounts.CSRFToken(svc.rt.csrfKey, sess.ID), country: country, profile: ps[0].ID}
}

// do sends a request with the viewer's cookie (unless anonymous) and
// country, and returns the status, headers and body.
func (v *viewerClient) do(method, path string, body any, anonymous bool) (int, http.Header, []byte) {
	v.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	u := path
	if strings.HasPrefix(path, "/") {
		u = v.base + path
	}
	req, _ := http.NewRequest(method, u, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", v.csrf)
	}
	if !anonymous {
		req.AddCookie(&http.Cookie{Name: "lineup_session", Value: v.session.Token})
	}
	if v.country != "" {
		h := v.countryHeader
		if h == "" {
			h = "X-Test-Country"
		}
		req.Header.Set(h, v.country)
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
	resp, err := (&http.Client{Transport: checkedTransport(v.t, nil)}).Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

type grant struct {
	StreamURL string `json:"stream_url"`
	Token     string `json:"token"`
	Lease     int64  `json:"lease"`
}

func (v *viewerClient) start(title int64) grant {
	v.t.Helper()
	status, _, body := v.do("POST", "/api/v1/playback", map[string]any{"title": title}, false)
	if status != 200 {
		v.t.Fatalf("POST /api/v1/playback must start playback: %d %s", status, body)
	}
	var g grant
	if err := json.Unmarshal(body, &g); err != nil {
		v.t.Fatal(err)
	}
	return g
}

// problem is a refusal's problem+json.
type problem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Rule   string `json:"rule"`
}

// refused checks that an answer is a 403 problem+json naming rule.
func refused(t *testing.T, what string, status int, h http.Header, body []byte, rule string) problem {
	t.Helper()
	var p problem
	json.Unmarshal(body, &p)
	if status != http.StatusForbidden || h.Get("Content-Type") != "application/problem+json" || p.Rule != rule || p.Detail == "" {
		t.Errorf("%s must be refused with 403 problem+json naming rule %q; got %d %s %s", what, rule, status, h.Get("Content-Type"), body)
	}
	return p
}

var (
	keyLine = regexp.MustCompile(`(?m)^#EXT-X-KEY:METHOD=AES-128,URI="([^"]+)",IV=0x[0-9a-f]{32}$`)
	mapLine = regexp.MustCompile(`(?m)^#EXT-X-MAP:URI="([^"]+)"`)
)

// mediaPlaylist fetches the first variant's media playlist of a grant.
func (v *viewerClient) mediaPlaylist(g grant) (string, string) {
	v.t.Helper()
	status, h, master := v.do("GET", g.StreamURL, nil, true)
	if status != 200 {
		v.t.Fatalf("the master playlist must come with the token alone: %d %s", status, master)
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		v.t.Errorf("playlists are per viewer and must be no-store, got %q", cc)
	}
	var variant string
	for _, l := range strings.Split(string(master), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			variant = l
			break
		}
	}
	u := strings.TrimSuffix(g.StreamURL, "master.m3u8") + variant
	status, _, pl := v.do("GET", u, nil, true)
	if status != 200 {
		v.t.Fatalf("the media playlist must come with the token alone: %d %s", status, pl)
	}
	return u, string(pl)
}

func segmentURIs(pl string) []string {
	var out []string
	for _, l := range strings.Split(pl, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if m := mapLine.FindStringSubmatch(pl); m != nil {
		out = append(out, m[1])
	}
	return out
}

// TestEncryptedDeliveryEndToEnd is issue 9's end-to-end test on the whole
// service: the sample is encoded and encrypted at packaging; two viewers'
// playlists share byte-identical, token-free segment URIs that answer with
// no cookie and are cacheable by anyone; a segment alone is not MP4; ffmpeg
// plays the film over HTTP with the viewer's cookie, fetching the key from
// the key URI itself; and the access log holds no token.
func TestEncryptedDeliveryEndToEnd(t *testing.T) {
	ffmpegPath, err := exec.LookPath("ffmpeg")
	if err != nil {
		if os.Getenv("LINEUP_TEST_REQUIRE_FFMPEG") == "1" {
			t.Fatal("ffmpeg must be on PATH")
		}
		t.Skip("no ffmpeg on PATH")
	}
	svc := startBrowserService(t, map[string]string{"LINEUP_LOG_LEVEL": "info"})
	a := signInViewer(t, svc, "us@viewer.test", "US")
	b := signInViewer(t, svc, "fr@viewer.test", "US") // a French subscriber travelling in the US
	ga, gb := a.start(svc.titleID), b.start(svc.titleID)
	if ga.Token == gb.Token {
		t.Fatal("each viewer gets a token of their own")
	}
	urlA, plA := a.mediaPlaylist(ga)
	_, plB := b.mediaPlaylist(gb)
	t.Logf("viewer A's media playlist:\n%s", plA)

	// RFC 8216: METHOD=AES-128 with an explicit IV; the init segment is
	// clear, its EXT-X-MAP before the first EXT-X-KEY.
	keys := keyLine.FindAllStringSubmatch(plA, -1)
	segs := segmentURIs(plA)
	if len(keys) == 0 || len(keys) != len(segs)-1 {
		t.Fatalf("every segment must be under an EXT-X-KEY METHOD=AES-128 with an explicit IV: %d keys for %d segments", len(keys), len(segs)-1)
	}
	if strings.Index(plA, "#EXT-X-MAP") > strings.Index(plA, "#EXT-X-KEY") {
		t.Error("EXT-X-MAP must come before the first EXT-X-KEY, so the init segment is clear (RFC 8216 §4.3.2.5)")
	}
	if !strings.HasPrefix(keys[0][1], "/keys/"+ga.Token+"/") {
		t.Errorf("the key URI is the viewer's own: %s", keys[0][1])
	}
	// Two viewers: byte-identical segment URIs, different key URIs.
	segsB := segmentURIs(plB)
	if strings.Join(segs, "\n") != strings.Join(segsB, "\n") {
		t.Errorf("two viewers' media playlists must list byte-identical segment URIs:\n%v\n%v", segs, segsB)
	}
	for _, s := range segs {
		if !strings.HasPrefix(s, "/media/") || strings.Contains(s, ga.Token) || strings.Contains(s, gb.Token) {
			t.Errorf("segment URIs must be token-free shared /media paths: %s", s)
		}
	}

	// A segment answers with no cookie and no token, cacheable by anyone.
	anon := &viewerClient{t: t, base: svc.url}
	status, h, seg := anon.do("GET", segs[0], nil, true)
	if status != 200 {
		t.Fatalf("a segment must answer 200 with no cookie and no token: %d", status)
	}
	if cc := h.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("segments are public and immutable: %q", cc)
	}
	if h.Get("ETag") == "" || h.Get("Last-Modified") == "" || h.Get("Set-Cookie") != "" {
		t.Errorf("segments carry ETag and Last-Modified and never set a cookie: %v", h)
	}
	if len(seg) < 16 || len(seg)%16 != 0 {
		t.Errorf("an AES-128-CBC segment is whole blocks: %d bytes", len(seg))
	}
	if box := string(seg[4:8]); box == "moof" || box == "styp" || box == "sidx" || box == "ftyp" {
		t.Errorf("a segment fetched alone must not parse as MP4, but it starts with a %q box", box)
	}
	probe := exec.Command("ffprobe", "-v", "error", "-i", "pipe:0")
	probe.Stdin = bytes.NewReader(seg)
	if out, err := probe.CombinedOutput(); err == nil {
		t.Errorf("ffprobe must not read a segment fetched alone: %s", out)
	}
	init := mapLine.FindStringSubmatch(plA)[1]
	if _, _, ib := anon.do("GET", init, nil, true); len(ib) < 8 || string(ib[4:8]) != "ftyp" {
		t.Errorf("the init segment is clear CMAF (ftyp first)")
	}
	req, _ := http.NewRequest("GET", svc.url+segs[0], nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Errorf("a cache revalidating with the ETag gets 304: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	req, _ = http.NewRequest("GET", svc.url+segs[0], nil)
	req.Header.Set("Range", "bytes=16-31")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusPartialContent {
		t.Errorf("a Range request gets 206: %v %v", resp, err)
	} else {
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, seg[16:32]) {
			t.Errorf("a Range request gets those bytes")
		}
	}

	// ffmpeg plays the film with the viewer's cookie, fetching the key
	// from the key URI itself.
	cmd := exec.Command(ffmpegPath, "-hide_banner", "-nostdin",
		// ffmpeg 5.1's -cookies is not sent to nested requests; a Cookie
		// header is, to every playlist, key and segment request.
		"-headers", "Cookie: lineup_session="+a.session.Token+"\r\nX-Test-Country: US\r\n",
		"-i", svc.url+urlA, "-map", "0:v:0", "-f", "null", "-")
	out, err := cmd.CombinedOutput()
	times := regexp.MustCompile(`time=(\d+):(\d+):(\d+\.\d+)`).FindAllStringSubmatch(string(out), -1)
	var played float64
	if len(times) > 0 {
		m := times[len(times)-1]
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		s, _ := strconv.ParseFloat(m[3], 64)
		played = float64(h*3600+mi*60) + s
	}
	if err != nil || played < 7.5 {
		t.Fatalf("ffmpeg must play the encrypted film start to end over HTTP (8 s), played %.2f s: %v\n%s\n%s", played, err, tail(string(out), 2000), tail(svc.log.String(), 1500))
	}
	if hits := strings.Count(svc.log.String(), "route=/keys/{token}/{asset}/{n} status=200"); hits == 0 {
		t.Errorf("ffmpeg must have fetched the key from the key URI itself; the log shows no key request:\n%s", tail(svc.log.String(), 3000))
	}
	if strings.Contains(svc.log.String(), ga.Token) || strings.Contains(svc.log.String(), gb.Token) {
		t.Errorf("tokens must never reach the access log")
	}
	if !strings.Contains(svc.log.String(), "/keys/REDACTED/") || !strings.Contains(svc.log.String(), "/stream/REDACTED/") {
		t.Errorf("the access log shows token paths redacted")
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestKeyAndPlaylistRefusals proves each refusal of issue 9 through the
// real HTTP stack, with the trusted proxy's country header: each is a 403
// problem+json whose rule names the check that failed.
func TestKeyAndPlaylistRefusals(t *testing.T) {
	svc := startBrowserService(t, map[string]string{"LINEUP_MAX_STREAMS": "2"})
	ctx := context.Background()
	v := signInViewer(t, svc, "us@viewer.test", "US")
	g := v.start(svc.titleID)
	_, pl := v.mediaPlaylist(g)
	key := keyLine.FindStringSubmatch(pl)[1]
	status, h, body := v.do("GET", key, nil, false)
	if status != 200 || len(body) != 16 || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("the viewer's own key request must get the 16-byte key, no-store: %d %q %s", status, h.Get("Cache-Control"), body)
	}
	asset := strings.Split(g.StreamURL, "/")[3]

	tampered := []byte(g.Token)
	tampered[5] ^= 1
	expired, err := svc.rt.playback.Signer().Sign(playback.Claims{AssetID: int64(mustInt(asset)), ProfileID: v.profile, TitleID: svc.titleID,
		Territory: "US", SessionID: v.session.ID, ExpiresAt: time.Now().Add(-time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	keyOf := func(token, asset string) string { return "/keys/" + token + "/" + asset + "/0" }
	checks := []struct {
		what, path, country string
		anonymous           bool
		rule                string
	}{
		{"a key request with a tampered token", keyOf(string(tampered), asset), "US", false, "token"},
		{"a key request with an expired token", keyOf(expired, asset), "US", false, "expired"},
		{"a token replayed for another asset", keyOf(g.Token, strconv.Itoa(mustInt(asset)+1)), "US", false, "asset"},
		{"a key request from a territory outside the license (CN)", key, "CN", false, "territory"},
		{"a key request without the session's cookie", key, "US", true, "session"},
		{"a playlist request from another territory (CN)", g.StreamURL, "CN", true, "territory"},
		{"a playlist request with a tampered token", strings.Replace(g.StreamURL, g.Token, string(tampered), 1), "US", true, "token"},
	}
	for _, c := range checks {
		v.country = c.country
		status, h, body := v.do("GET", c.path, nil, c.anonymous)
		refused(t, c.what, status, h, body, c.rule)
	}
	v.country = "US"

	// Beyond the stream limit (2 here): the refusal names who is playing.
	v.start(svc.titleID)
	status, h, body = v.do("POST", "/api/v1/playback", map[string]any{"title": svc.titleID}, false)
	p := refused(t, "a third stream on an account limited to two", status, h, body, "stream_limit")
	if !strings.Contains(p.Detail, "Alex on Firefox on Linux") {
		t.Errorf("the stream-limit refusal names the profiles and devices playing: %q", p.Detail)
	}
	// A stopped stream's key is refused; the freed place lets another start.
	if status, _, body := v.do("POST", "/api/v1/playback/stop", map[string]any{"title": svc.titleID, "lease": g.Lease}, false); status != 204 {
		t.Fatalf("stop: %d %s", status, body)
	}
	status, h, body = v.do("GET", key, nil, false)
	refused(t, "a key request for a stopped stream", status, h, body, "lease")
	g = v.start(svc.titleID)
	_, pl = v.mediaPlaylist(g)
	key = keyLine.FindStringSubmatch(pl)[1]

	// Moving country stops the stream at its next heartbeat.
	v.country = "CN"
	status, h, body = v.do("POST", "/api/v1/playback/heartbeat", map[string]any{"title": svc.titleID, "lease": g.Lease}, false)
	refused(t, "a heartbeat from a country outside the license", status, h, body, "territory")
	v.country = "US"
	g = v.start(svc.titleID)
	_, pl = v.mediaPlaylist(g)
	key = keyLine.FindStringSubmatch(pl)[1]

	// The title is re-rated above the profile's limit while it plays.
	if _, err := svc.rt.accounts.UpdateProfile(ctx, v.session.User.ID, v.profile, accounts.ProfileInput{Name: "Alex", Language: "en", MaxAge: 7}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.rt.db.ExecContext(ctx, `UPDATE titles SET min_age = 16 WHERE id = $1`, svc.titleID); err != nil {
		t.Fatal(err)
	}
	status, h, body = v.do("GET", key, nil, false)
	refused(t, "a key request from a kids profile for a title rated above it", status, h, body, "maturity")
	if _, err := svc.rt.db.ExecContext(ctx, `UPDATE titles SET min_age = 0 WHERE id = $1`, svc.titleID); err != nil {
		t.Fatal(err)
	}

	// Signing out cuts off the key of every stream of the session.
	if status, _, _ := v.do("GET", key, nil, false); status != 200 {
		t.Fatalf("the key must be delivered again before signing out: %d", status)
	}
	if err := svc.rt.accounts.SignOut(ctx, v.session.Token); err != nil {
		t.Fatal(err)
	}
	status, h, body = v.do("GET", key, nil, false)
	refused(t, "a key request after signing out", status, h, body, "session")

	// A window that ends while the viewer watches.
	w := signInViewer(t, svc, "fr@viewer.test", "PH")
	end := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second).Add(time.Second)
	addWindow(t, svc, "PH", end)
	gw := w.start(svc.titleID)
	_, plw := w.mediaPlaylist(gw)
	keyw := keyLine.FindStringSubmatch(plw)[1]
	time.Sleep(time.Until(end) + 200*time.Millisecond)
	status, h, body = w.do("GET", keyw, nil, false)
	refused(t, "a key request after the license window ended", status, h, body, "window")
}

func mustInt(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(fmt.Sprintf("not a number: %q", s))
	}
	return n
}

// addWindow licenses the test title in territory from 2018 until end.
func addWindow(t *testing.T, svc browserService, territory string, end time.Time) {
	t.Helper()
	e, err := rights.ParseMoment(end.Format(time.RFC3339))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.rt.rights.Add(context.Background(), rights.License{TitleID: svc.titleID, Licensor: "R", Licensee: "Lineup", Type: rights.SVOD,
		Territories: []string{territory}, Start: rights.DateMoment(2018, 6, 22), End: e}, false); err != nil {
		t.Fatal(err)
	}
}

// TestKEKCheckAndRotation: a KEK that does not open the stored content
// keys fails the start-up with a message (not a viewer's request), and
// `lineup keys rotate-kek` re-wraps every key for the new KEK.
func TestKEKCheckAndRotation(t *testing.T) {
	dir := t.TempDir()
	c := newCLI(t, filepath.Join(dir, "lineup.db"))
	kek1, kek2 := filepath.Join(dir, "kek1"), filepath.Join(dir, "kek2")
	os.WriteFile(kek1, []byte(protect.NewKEKText()+"\n"), 0o600)
	out := c.must("keys", "new-kek")
	os.WriteFile(kek2, []byte(out), 0o600)
	c.env["LINEUP_KEK_FILE"] = kek1
	c.must("migrate")
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "lineup.db"))
	if err != nil {
		t.Fatal(err)
	}
	var titleID, assetID int64
	db.QueryRowContext(ctx, `INSERT INTO titles (original_title, original_language, created_at) VALUES ('t', 'en', 1) RETURNING id`).Scan(&titleID)
	if err := db.QueryRowContext(ctx, `INSERT INTO assets (title_id, source_key, created_at, updated_at) VALUES ($1, 's', 1, 1) RETURNING id`, titleID).Scan(&assetID); err != nil {
		t.Fatal(err)
	}
	k1, _ := protect.ParseKEK(string(must(os.ReadFile(kek1))))
	made, err := protect.NewKeys(db, k1).Make(ctx, assetID, "assets/1/1/a1-x/", 2)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if out := c.must("keys", "check"); !strings.Contains(out, "2 content key(s) unwrap") {
		t.Errorf("keys check counts the keys that unwrap: %q", out)
	}

	// The wrong KEK: serve refuses to start, saying what to do.
	c.env["LINEUP_KEK_FILE"] = kek2
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err = Run(sctx, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return c.env[k] }, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "do not unwrap") || !strings.Contains(err.Error(), "LINEUP_KEK_FILE") {
		t.Fatalf("a KEK that does not open the content keys must fail the start-up with a message naming LINEUP_KEK_FILE: %v", err)
	}

	// Rotation from kek1 to kek2 keeps every content key.
	c.env["LINEUP_KEK_FILE"] = kek1
	if out := c.must("keys", "rotate-kek", "--new-kek-file", kek2); !strings.Contains(out, "re-wrapped 2 content key(s)") {
		t.Errorf("rotate-kek says how many keys it re-wrapped: %q", out)
	}
	if _, err := c.run("keys", "check"); err == nil {
		t.Errorf("after rotation the old KEK no longer opens the keys")
	}
	c.env["LINEUP_KEK_FILE"] = kek2
	c.must("keys", "check")
	db, _ = store.Open(ctx, filepath.Join(dir, "lineup.db"))
	defer db.Close()
	k2, _ := protect.ParseKEK(string(must(os.ReadFile(kek2))))
	for i, want := range made {
		if got, err := protect.NewKeys(db, k2).Get(ctx, assetID, "assets/1/1/a1-x/", i); err != nil || got != want {
			t.Errorf("rotation must keep content key %d as it was (so no media changes): %v", i, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
