package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/geo"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/rights"
	storepkg "github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// viewerServer is the web app over SQLite with accounts, a folder media
// store holding one "published" asset, and a signer the test can use.
type viewerServer struct {
	t        *testing.T
	url      string
	srv      *Server
	signer   *playback.Signer
	accounts *accounts.Service
	catalog  *catalog.Service
	rights   *rights.Service
	assetID  int64
	adult    int64
	// unready is a licensed title whose video is still being prepared.
	unready int64
}

func newViewerServer(t *testing.T) *viewerServer { return newViewerServerWith(t, nil) }

// newViewerServerWith is newViewerServer with the accounts configuration
// changed by configure (a clock, limits) before the service is made.
func newViewerServerWith(t *testing.T, configure func(*accounts.Config)) *viewerServer {
	t.Helper()
	vs := newViewerServerOn(t, storetest.SQLite(t), configure)
	vs.setUp()
	return vs
}

// setUp makes the service's first administrator the way the setup link
// does, so that sign-up opens (issue 10 item 4: no sign-up before).
func (vs *viewerServer) setUp() accounts.User {
	vs.t.Helper()
	u, err := vs.accounts.AddFirstAdmin(context.Background(), accounts.NewUser{Email: "first.admin@lineup.test", Password: "the first admin's passphrase"})
	if err != nil {
		vs.t.Fatalf("first admin: %v", err)
	}
	return u
}

// newViewerServerOn is the viewer server over db, with no administrator
// yet: sign-up stays closed until one exists.
func newViewerServerOn(t *testing.T, db *storepkg.DB, configure func(*accounts.Config)) *viewerServer {
	t.Helper()
	ctx := context.Background()
	cat := catalog.New(db)
	rts := rights.New(db, rights.Config{Licensee: "Lineup"})
	cfg := accounts.Config{SignUpOpen: true}
	if configure != nil {
		configure(&cfg)
	}
	acc, err := accounts.New(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	store, err := blob.NewFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for key, body := range map[string]string{
		"assets/1/a1/master.m3u8":        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\n360p/index.m3u8\n",
		"assets/1/a1/360p/seg_00001.m4s": strings.Repeat("0123456789", 1000),
		"assets/9/elsewhere/secret.m3u8": "#EXTM3U\n",
	} {
		if err := store.Put(ctx, key, strings.NewReader(body), int64(len(body)), ""); err != nil {
			t.Fatal(err)
		}
	}
	current, keys, err := playback.ParseKeys("k1:" + "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYnl0ZXM=")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := playback.NewSigner(current, keys)
	if err != nil {
		t.Fatal(err)
	}
	adult, err := cat.CreateTitle(ctx, catalog.Title{OriginalTitle: "Adult film", OriginalLanguage: "en", MinAge: 18})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := rts.Add(ctx, rights.License{TitleID: adult.ID, Licensor: "R", Licensee: "Lineup", Type: rights.SVOD,
		Territories: []string{"ZZ"}, Start: rights.DateMoment(2018, 6, 22)}, false); err != nil {
		t.Fatal(err)
	}
	unready, err := cat.CreateTitle(ctx, catalog.Title{OriginalTitle: "Unfinished film", OriginalLanguage: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := rts.Add(ctx, rights.License{TitleID: unready.ID, Licensor: "R", Licensee: "Lineup", Type: rights.SVOD,
		Territories: []string{"ZZ"}, Start: rights.DateMoment(2018, 6, 22)}, false); err != nil {
		t.Fatal(err)
	}
	pb, err := playback.New(playback.Config{Signer: signer, Rights: rts, Titles: cat,
		Assets: playback.AssetFunc(func(ctx context.Context, titleID int64) (int64, error) {
			if titleID == unready.ID {
				return 0, fmt.Errorf("test assets: title %d: %w", titleID, storepkg.ErrNotFound)
			}
			return 1, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	loc, err := geo.New(geo.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.9.9.9/32")}, Header: "X-Country", Default: "US"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: db, Catalog: cat, Rights: rts, Accounts: acc,
		Geo: loc, Playback: pb, Blob: store, CSRFKey: []byte("csrf-key-for-tests"), ServiceName: "Lineup",
		DefaultTerritory: "US", Licensee: "Lineup", MaxBodyBytes: 1 << 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.prefixes.m = map[int64]published{1: {prefix: "assets/1/a1/"}}
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ConnContext = ConnContext // as lineup serve does: segments cork the connection
	ts.Start()
	t.Cleanup(ts.Close)
	return &viewerServer{t: t, url: ts.URL, srv: s, signer: signer, accounts: acc, catalog: cat, rights: rts, assetID: 1, adult: adult.ID, unready: unready.ID}
}

func (vs *viewerServer) token(assetID int64, expires time.Time) string {
	vs.t.Helper()
	tok, err := vs.signer.Sign(playback.Claims{AssetID: assetID, ProfileID: 1, TitleID: 1, Territory: "US", ExpiresAt: expires})
	if err != nil {
		vs.t.Fatal(err)
	}
	return tok
}

func get(t *testing.T, u string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestStreamChecksTheTokenOnEveryRequest(t *testing.T) {
	vs := newViewerServer(t)
	good := vs.token(1, time.Now().Add(time.Hour))
	base := vs.url + "/stream/" + good + "/1/"

	resp, body := get(t, base+"master.m3u8", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "#EXTM3U") {
		t.Fatalf("a valid token must get the master playlist: %d", resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("playlists are per viewer and must never be stored (a closed window is refused at the next fetch): %q", cc)
	}
	resp, _ = get(t, base+"360p/seg_00001.m4s", nil)
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("segments must be immutable: %q", cc)
	}
	resp, body = get(t, base+"360p/seg_00001.m4s", map[string]string{"Range": "bytes=10-19"})
	if resp.StatusCode != http.StatusPartialContent || body != "0123456789" {
		t.Errorf("a Range request must get 206 with those bytes: %d %q", resp.StatusCode, body)
	}

	tampered := []byte(good)
	tampered[3] ^= 1
	cases := []struct {
		name, url string
		status    int
	}{
		{"tampered token", vs.url + "/stream/" + string(tampered) + "/1/master.m3u8", 403},
		{"expired token (the window ended while watching)", vs.url + "/stream/" + vs.token(1, time.Now().Add(-time.Second)) + "/1/master.m3u8", 403},
		{"another asset's token", vs.url + "/stream/" + vs.token(9, time.Now().Add(time.Hour)) + "/1/master.m3u8", 403},
		{"this token for another asset", vs.url + "/stream/" + good + "/9/secret.m3u8", 403},
		{"a path that leaves the asset", base + "..%2F..%2F9%2Felsewhere%2Fsecret.m3u8", 404},
		{"a dotted segment", base + ".%2e/secret.m3u8", 404},
		{"a missing file", base + "360p/nope.m4s", 404},
	}
	for _, c := range cases {
		resp, _ := get(t, c.url, nil)
		if resp.StatusCode != c.status {
			t.Errorf("%s: want %d, got %d", c.name, c.status, resp.StatusCode)
		}
	}
}

// browser is a cookie-keeping client that follows redirects, as a person's
// browser does.
type browser struct {
	t      *testing.T
	c      *http.Client
	base   string
	header map[string]string
}

func newBrowserClient(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar}, base: base, header: map[string]string{}}
}

func (b *browser) do(method, path string, form url.Values) (int, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.header {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) csrf(page string) string {
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("the page has no CSRF field")
	}
	return m[1]
}

func TestSignInAnswersAlike(t *testing.T) {
	vs := newViewerServer(t)
	if _, err := vs.accounts.AddUser(context.Background(), accounts.NewUser{Email: "a@b.test", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	wrong, wrongBody := newBrowserClient(t, vs.url).do("POST", "/signin", url.Values{"email": {"a@b.test"}, "password": {"wrong password"}})
	unknown, unknownBody := newBrowserClient(t, vs.url).do("POST", "/signin", url.Values{"email": {"nobody@b.test"}, "password": {"wrong password"}})
	if wrong != unknown || !strings.Contains(wrongBody, "match an account") || !strings.Contains(unknownBody, "match an account") {
		t.Errorf("a wrong password and an unknown email must get the same answer: %d vs %d", wrong, unknown)
	}
}

func TestProfilesAndMaturityAtTheDoor(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: "k@b.test", Password: "correct horse battery", HomeTerritory: "US"})
	if err != nil {
		t.Fatal(err)
	}
	kids, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Kids", Language: "en", MaxAge: 7, Kids: true})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowserClient(t, vs.url)
	status, page := b.do("POST", "/signin", url.Values{"email": {"k@b.test"}, "password": {"correct horse battery"}})
	if status != 200 || !strings.Contains(page, "Who&#39;s watching?") {
		t.Fatalf("signing in must lead to the profile picker: %d", status)
	}
	token := b.csrf(page)
	for i := 0; i < 4; i++ {
		status, page = b.do("POST", "/profiles", url.Values{"csrf": {token}, "name": {"P" + string(rune('A'+i))}, "language": {"en"}, "max_age": {"18"}, "password": {"correct horse battery"}})
		if status != 200 {
			t.Fatalf("profile %d of 5 must be added: %d", i+2, status)
		}
	}
	status, page = b.do("POST", "/profiles", url.Values{"csrf": {token}, "name": {"Sixth"}, "language": {"en"}, "max_age": {"18"}, "password": {"correct horse battery"}})
	if status != http.StatusConflict || !strings.Contains(page, "at most five profiles") {
		t.Errorf("a sixth profile must be refused saying why: %d", status)
	}
	if status, _ := b.do("POST", "/profiles", url.Values{"csrf": {"forged"}, "name": {"X"}}); status != http.StatusForbidden {
		t.Errorf("a form without the session's CSRF token must be refused: %d", status)
	}
	status, _ = b.do("POST", "/profiles/"+itoa(kids.ID)+"/select", url.Values{"csrf": {token}})
	if status != 200 {
		t.Fatalf("picking the kids profile: %d", status)
	}
	if status, page := b.do("GET", "/titles/"+itoa(vs.adult), nil); status != http.StatusForbidden || strings.Contains(page, "Adult film") {
		t.Errorf("a kids profile must not see an adult title's page, nor its name: %d", status)
	}
	req, _ := http.NewRequest("POST", vs.url+"/api/v1/playback", bytes.NewReader([]byte(`{"title": `+itoa(vs.adult)+`}`)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", token)
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a kids profile asking for an adult title's stream must be refused with 403, got %d", resp.StatusCode)
	}
}

func TestForgedForwardedForIsIgnored(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	u, _ := vs.accounts.AddUser(ctx, accounts.NewUser{Email: "f@b.test", Password: "correct horse battery", HomeTerritory: "US"})
	vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Alex", Language: "en", MaxAge: 18})
	b := newBrowserClient(t, vs.url)
	b.header["X-Forwarded-For"] = "81.2.69.1"
	b.header["X-Country"] = "FR"
	_, page := b.do("POST", "/signin", url.Values{"email": {"f@b.test"}, "password": {"correct horse battery"}})
	if !strings.Contains(page, `data-territory="US"`) {
		t.Errorf("headers from an address that is not a trusted proxy must be ignored: the page should show US")
	}
}

func TestProfileAvatarShowsAWholeFirstCharacter(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: "xm@b.test", Password: "correct horse battery", HomeTerritory: "US"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"小明", "émile"} {
		if _, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: name, Language: "zh", MaxAge: 18}); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowserClient(t, vs.url)
	status, page := b.do("POST", "/signin", url.Values{"email": {"xm@b.test"}, "password": {"correct horse battery"}})
	if status != 200 {
		t.Fatalf("signing in must lead to the profile picker: %d", status)
	}
	if !utf8.ValidString(page) {
		t.Errorf("the profile picker must be valid UTF-8: an avatar cut a name's first character in half")
	}
	if !strings.Contains(page, `data-profile="小明"`) {
		t.Errorf("a profile's data-profile attribute must hold its name as written, not URL-escaped: %s", regexp.MustCompile(`data-profile="[^"]*"`).FindAllString(page, -1))
	}
	for _, want := range []string{`aria-hidden="true">小</span>`, `aria-hidden="true">É</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("a profile's avatar must show its name's first character, upper-cased: no %s in the picker", want)
		}
	}
}
