package web

// The attacks of issue 10, each reproduced through the real HTTP stack. A
// test here is named after the rule that stops its attack; the row of the
// issue's table it answers is in its comment.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/geo"
)

// signedIn signs a new viewer in (with one adult profile chosen) and
// returns their browser and CSRF token.
func signedIn(t *testing.T, vs *viewerServer, email string) (*browser, accounts.User, string) {
	t.Helper()
	ctx := context.Background()
	u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: email, Password: "correct horse battery", HomeTerritory: "US"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Alex", Language: "en", MaxAge: 21})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowserClient(t, vs.url)
	status, page := b.do("POST", "/signin", url.Values{"email": {email}, "password": {"correct horse battery"}})
	if status != http.StatusOK {
		t.Fatalf("sign in as %s: %d", email, status)
	}
	csrf := b.csrf(page)
	if status, _ := b.do("POST", "/profiles/"+itoa(p.ID)+"/select", url.Values{"csrf": {csrf}}); status != http.StatusOK {
		t.Fatalf("select profile: %d", status)
	}
	return b, u, csrf
}

// noFollow sends one request without following redirects.
func noFollow(t *testing.T, b *browser, method, path string, form url.Values, header map[string]string) *http.Response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	// The transport, not the client: a client parses Location before it
	// could be told not to follow it, and the attack is a Location a
	// browser reads more leniently than Go.
	for _, c := range b.c.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// leavesSite reports whether a browser following Location would go to
// another site: browsers drop tabs and newlines from URLs and read a
// backslash as a slash.
func leavesSite(location string) bool {
	l := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		if r == '\\' {
			return '/'
		}
		return r
	}, location)
	u, err := url.Parse(l)
	return err != nil || u.Host != "" || u.Scheme != "" || strings.HasPrefix(l, "//")
}

// Row 2: a next parameter that a browser reads as another site is refused.
func TestRedirectsStayOnTheSite(t *testing.T) {
	vs := newViewerServer(t)
	b, _, csrf := signedIn(t, vs, "redirect@b.test")
	for _, next := range []string{"/\t/evil.com", "/\n/evil.com", "/\\evil.com", "//evil.com", "/\t\\evil.com", "https://evil.com", " //evil.com"} {
		resp := noFollow(t, b, "GET", "/signin?next="+url.QueryEscape(next), nil, nil)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || leavesSite(loc) {
			t.Errorf("GET /signin?next=%q must redirect within the site, got %d Location %q", next, resp.StatusCode, loc)
		}
		resp = noFollow(t, b, "POST", "/profiles/1/select", url.Values{"csrf": {csrf}, "next": {next}}, nil)
		if loc := resp.Header.Get("Location"); leavesSite(loc) {
			t.Errorf("selecting a profile with next=%q must redirect within the site, got Location %q", next, loc)
		}
	}
	resp := noFollow(t, b, "GET", "/signin?next="+url.QueryEscape("/titles/1?x=1"), nil, nil)
	if loc := resp.Header.Get("Location"); loc != "/titles/1?x=1" {
		t.Errorf("a next path on the site must be kept: Location %q", loc)
	}
}

// Row 3: methods nobody routes are counted as "other", so junk methods
// cannot grow the metrics without bound.
func TestMetricsDoNotKeepUnknownMethods(t *testing.T) {
	vs := newViewerServer(t)
	for i := range 20 {
		method := fmt.Sprintf("X%d%s", i, strings.Repeat("A", 50_000))
		req, _ := http.NewRequest(method, vs.url+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	ops := httptest.NewServer(vs.srv.Ops())
	defer ops.Close()
	_, body := get(t, ops.URL+"/metrics", nil)
	if len(body) > 200_000 || strings.Contains(body, "AAAAAAAAAA") {
		t.Fatalf("unknown methods must not become metric labels: /metrics is %d bytes", len(body))
	}
	if !strings.Contains(body, `method="other"`) {
		t.Errorf(`unknown methods must be counted as method="other"`)
	}
}

// Row 8: a sign-in posted from another site is refused (login CSRF); the
// same form from the site itself still works.
func TestSignInFromAnotherSiteIsRefused(t *testing.T) {
	vs := newViewerServer(t)
	if _, err := vs.accounts.AddUser(context.Background(), accounts.NewUser{Email: "csrf@b.test", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowserClient(t, vs.url)
	form := url.Values{"email": {"csrf@b.test"}, "password": {"correct horse battery"}}
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "cross-site"},
	} {
		resp := noFollow(t, b, "POST", "/signin", form, h)
		if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) > 0 {
			t.Errorf("a sign-in posted with %v must be refused with 403 and no session, got %d", h, resp.StatusCode)
		}
		resp = noFollow(t, b, "POST", "/signup", url.Values{"email": {"new@b.test"}, "password": {"correct horse battery staple"}}, h)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a sign-up posted with %v must be refused with 403, got %d", h, resp.StatusCode)
		}
	}
	resp := noFollow(t, b, "POST", "/signin", form, map[string]string{"Origin": vs.url, "Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a sign-in from the site itself must work, got %d", resp.StatusCode)
	}
}

// Row 10: a kids profile does not learn a mature title's name from its
// player page.
func TestMatureTitleNameHiddenFromKidsOnThePlayer(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	b, u, csrf := signedIn(t, vs, "kidsname@b.test")
	kids, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Kid", Language: "en", MaxAge: 7, Kids: true})
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := b.do("POST", "/profiles/"+itoa(kids.ID)+"/select", url.Values{"csrf": {csrf}}); status != http.StatusOK {
		t.Fatalf("select kids profile: %d", status)
	}
	for _, p := range []string{"/titles/", "/watch/"} {
		status, page := b.do("GET", p+itoa(vs.adult), nil)
		// Issue 14 answers it with a 403 page that gives the reason in
		// words; what matters here is that the name never shows.
		if status != http.StatusForbidden || strings.Contains(page, "Adult film") {
			t.Errorf("a kids profile asking for %s of a mature title must be refused (403, the maturity reason) without its name, got %d (name shown: %v)",
				p, status, strings.Contains(page, "Adult film"))
		}
	}
}

// Row 11: behind a TLS proxy (LINEUP_PUBLIC_URL is https) pages carry
// Strict-Transport-Security.
func TestHSTSBehindATLSProxy(t *testing.T) {
	vs := newViewerServer(t)
	vs.srv.SecureCookies = true
	resp, _ := get(t, vs.url+"/signin", nil)
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("with an https public URL every page must send Strict-Transport-Security, got %q", hsts)
	}
}

// Row 12: wrong admin tokens are throttled per address.
func TestWrongAdminTokensAreThrottled(t *testing.T) {
	vs := newViewerServer(t)
	vs.srv.AdminToken = strings.Repeat("s", 40)
	throttled := 0
	for i := range 60 {
		resp, _ := get(t, vs.url+"/api/v1/licenses", map[string]string{"Authorization": fmt.Sprintf("Bearer guess-%d", i)})
		if resp.StatusCode == http.StatusTooManyRequests {
			throttled++
			if resp.Header.Get("Retry-After") == "" {
				t.Fatalf("a throttled token guess must say when to try again (Retry-After)")
			}
		}
	}
	if throttled < 40 {
		t.Errorf("60 wrong admin tokens from one address must be throttled after a few, only %d were", throttled)
	}
	resp, _ := get(t, vs.url+"/api/v1/licenses", map[string]string{"Authorization": "Bearer " + vs.srv.AdminToken})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("while throttled even the right token must wait (else the throttle tells a right guess), got %d", resp.StatusCode)
	}
}

// Row 15: a malformed territory, or US dollars without exchange rates, are
// the caller's mistakes: 400 or 422 saying what to do, never 500.
func TestRecordQueriesAnswerMistakesAsMistakes(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	bo := charts.NewBoxOffice(vs.srv.DB, charts.Config{})
	vs.srv.BoxOffice = bo
	title, err := vs.catalog.CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh", Year: 2018})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bo.Add(ctx, []charts.Gross{{TitleID: title.ID, Territory: "CN", Day: "2018-04-28", Kind: "daily", Amount: 100_000_00, Currency: "CNY", Source: "test"}}, "test"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query  string
		status int
		field  string
	}{
		{"territory=" + url.QueryEscape("CN'--"), http.StatusBadRequest, "territory"},
		{"territory=ZZZ", http.StatusBadRequest, "territory"},
		{"territory=CN&usd=true", http.StatusUnprocessableEntity, "usd"},
		{"territory=CN", http.StatusOK, ""},
	} {
		resp, body := get(t, vs.url+"/api/v1/records?"+c.query, nil)
		if resp.StatusCode != c.status {
			t.Errorf("GET /api/v1/records?%s: want %d, got %d: %s", c.query, c.status, resp.StatusCode, body)
			continue
		}
		if c.field != "" && !strings.Contains(body, `"field":"`+c.field+`"`) {
			t.Errorf("GET /api/v1/records?%s must name the field %q: %s", c.query, c.field, body)
		}
	}
}

// profileCount is how many profiles a user has.
func profileCount(t *testing.T, vs *viewerServer, userID int64) int {
	t.Helper()
	ps, err := vs.accounts.Profiles(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return len(ps)
}

// Row 1: a kids profile cannot make or raise a profile, and an adult one
// needs the account password to.
func TestKidsProfileCannotMakeItselfAnAdult(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	b, u, csrf := signedIn(t, vs, "family@b.test")
	kids, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Kid", Language: "en", MaxAge: 7, Kids: true})
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := b.do("POST", "/profiles/"+itoa(kids.ID)+"/select", url.Values{"csrf": {csrf}}); status != http.StatusOK {
		t.Fatalf("select kids profile: %d", status)
	}
	add := url.Values{"csrf": {csrf}, "name": {"Grown-up"}, "language": {"en"}, "max_age": {"21"}, "password": {"correct horse battery"}}
	if status, _ := b.do("POST", "/profiles", add); status != http.StatusForbidden || profileCount(t, vs, u.ID) != 2 {
		t.Errorf("a kids profile must not add a profile, even with the password: %d, %d profiles", status, profileCount(t, vs, u.ID))
	}
	edit := url.Values{"csrf": {csrf}, "name": {"Kid"}, "language": {"en"}, "max_age": {"21"}, "password": {"correct horse battery"}}
	if status, _ := b.do("POST", "/profiles/"+itoa(kids.ID), edit); status != http.StatusForbidden {
		t.Errorf("a kids profile must not edit a profile: %d", status)
	}
	if p, _ := vs.accounts.Profile(ctx, u.ID, kids.ID); p.MaxAge != 7 {
		t.Errorf("the kids profile's limit must stay 7, it is %d", p.MaxAge)
	}
	if _, page := b.do("GET", "/profiles", nil); strings.Contains(page, `action="/profiles"`) {
		t.Errorf("a kids profile must not be shown the form that adds profiles")
	}

	// Back on the adult profile: the password is asked for.
	adult, _ := vs.accounts.Profiles(ctx, u.ID)
	b.do("POST", "/profiles/"+itoa(adult[0].ID)+"/select", url.Values{"csrf": {csrf}})
	noPassword := url.Values{"csrf": {csrf}, "name": {"Grown-up"}, "language": {"en"}, "max_age": {"21"}}
	if status, _ := b.do("POST", "/profiles", noPassword); status != http.StatusForbidden || profileCount(t, vs, u.ID) != 2 {
		t.Errorf("adding a profile without the account password must be refused: %d", status)
	}
	wrong := url.Values{"csrf": {csrf}, "name": {"Grown-up"}, "language": {"en"}, "max_age": {"21"}, "password": {"not the password"}}
	if status, _ := b.do("POST", "/profiles", wrong); status != http.StatusForbidden || profileCount(t, vs, u.ID) != 2 {
		t.Errorf("adding a profile with a wrong password must be refused: %d", status)
	}
	if status, _ := b.do("POST", "/profiles/"+itoa(kids.ID), edit); status != http.StatusOK {
		t.Errorf("the account holder with the password may raise a limit: %d", status)
	}
	edit.Set("kids", "1")
	edit.Set("max_age", "7")
	b.do("POST", "/profiles/"+itoa(kids.ID), edit)
	if status, _ := b.do("POST", "/profiles", add); status != http.StatusOK || profileCount(t, vs, u.ID) != 3 {
		t.Errorf("the account holder with the password may add a profile: %d", status)
	}
}

// Row 9: progress and My List only for titles the profile may watch here
// and now; anything else is refused and counts for nothing.
func TestOnlyEntitledPlaysCount(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	plays := charts.NewPlays(vs.srv.DB, charts.PlaysConfig{})
	vs.srv.Plays = plays
	b, u, csrf := signedIn(t, vs, "plays@b.test")
	unlicensed, err := vs.catalog.CreateTitle(ctx, catalog.Title{OriginalTitle: "No license anywhere", OriginalLanguage: "en"})
	if err != nil {
		t.Fatal(err)
	}
	post := func(body string) int {
		req, _ := http.NewRequest("POST", vs.url+"/api/v1/progress", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, ev := range []string{"start", "heartbeat", "heartbeat", "stop"} {
		if status := post(`{"title": ` + itoa(unlicensed.ID) + `, "asset": 1, "position": 30, "duration": 600, "event": "` + ev + `"}`); status != http.StatusForbidden {
			t.Errorf("progress for a title with no license must be refused with 403, got %d", status)
		}
	}
	if _, err := vs.accounts.Progress(ctx, 1, unlicensed.ID); err == nil {
		t.Errorf("no progress may be kept for a title the profile may not watch")
	}
	var events int
	vs.srv.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM play_events WHERE title_id = $1`, unlicensed.ID).Scan(&events)
	if events != 0 {
		t.Errorf("a title nobody may watch must not get play events (%d): they make the Top 10", events)
	}

	kids, _ := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Kid", Language: "en", MaxAge: 7, Kids: true})
	b.do("POST", "/profiles/"+itoa(kids.ID)+"/select", url.Values{"csrf": {csrf}})
	if status := post(`{"title": ` + itoa(vs.adult) + `, "asset": 1, "position": 30, "duration": 600}`); status != http.StatusNotFound {
		t.Errorf("a kids profile must not record progress in an 18+ title (which does not exist for it: 404), got %d", status)
	}
	if status, _ := b.do("POST", "/my-list/"+itoa(vs.adult), url.Values{"csrf": {csrf}}); status != http.StatusNotFound {
		t.Errorf("a kids profile must not put an 18+ title on its list, got %d", status)
	}
	if in, _ := vs.accounts.InList(ctx, kids.ID, vs.adult); in {
		t.Errorf("the 18+ title must not be on the kids profile's list")
	}
}

// Row 4: sign-up is limited per address and answers alike whether or not
// the email has an account.
func TestSignUpAnswersAlikeAndIsLimited(t *testing.T) {
	vs := newViewerServer(t)
	if _, err := vs.accounts.AddUser(context.Background(), accounts.NewUser{Email: "taken@b.test", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	form := func(email string) url.Values {
		return url.Values{"email": {email}, "password": {"a long and unusual passphrase"}}
	}
	taken, takenPage := newBrowserClient(t, vs.url).do("POST", "/signup", form("taken@b.test"))
	fresh, freshPage := newBrowserClient(t, vs.url).do("POST", "/signup", form("fresh@b.test"))
	if taken != fresh || strings.Contains(takenPage, "already") || pageText(takenPage) != pageText(freshPage) {
		t.Errorf("sign-up must answer a taken email as it answers a new one: %d vs %d\n%s\n---\n%s", taken, fresh, pageText(takenPage), pageText(freshPage))
	}
	limited := false
	for i := range 20 {
		resp := noFollow(t, newBrowserClient(t, vs.url), "POST", "/signup", form(fmt.Sprintf("probe%d@b.test", i)), nil)
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Errorf("20 sign-ups from one address must be rate-limited (429)")
	}
}

// pageText is a page's main content without its markup and the parts that
// change with the email typed.
func pageText(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		page = page[i:]
	}
	for _, e := range []string{"taken@b.test", "fresh@b.test"} {
		page = strings.ReplaceAll(page, e, "EMAIL")
	}
	return page
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// Row 5: wrong passwords slow an account down progressively instead of
// locking it for 15 minutes, and many failures from one address (a shared
// NAT) slow it for a minute at most.
func TestWrongPasswordsDelayInsteadOfLocking(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	vs := newViewerServerWith(t, func(c *accounts.Config) { c.Now = clock.Now })
	ctx := context.Background()
	for _, e := range []string{"owner@b.test", "neighbour@b.test"} {
		if _, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: e, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
	}
	signin := func(email, pw string) (int, time.Duration) {
		resp := noFollow(t, newBrowserClient(t, vs.url), "POST", "/signin", url.Values{"email": {email}, "password": {pw}}, nil)
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return resp.StatusCode, time.Duration(secs) * time.Second
	}
	for range 5 {
		if status, _ := signin("owner@b.test", "wrong guess"); status != http.StatusUnauthorized {
			t.Fatalf("the first wrong passwords are answered as wrong: %d", status)
		}
	}
	status, wait := signin("owner@b.test", "correct horse battery")
	if status != http.StatusTooManyRequests || wait <= 0 || wait > 2*time.Second {
		t.Fatalf("after 5 failures the next try must wait a moment (1-2 s), not be locked: %d, Retry-After %s", status, wait)
	}
	clock.Add(wait)
	if status, _ := signin("owner@b.test", "correct horse battery"); status != http.StatusSeeOther {
		t.Errorf("once the delay has passed the owner's right password must sign in: %d", status)
	}

	// An attacker who keeps guessing makes the account wait longer, but
	// never more than 15 minutes from the last guess.
	for range 40 {
		status, wait := signin("owner@b.test", "wrong guess")
		if status == http.StatusTooManyRequests {
			if wait > 15*time.Minute {
				t.Fatalf("a delay must never pass 15 minutes: Retry-After %s", wait)
			}
			clock.Add(wait)
		}
	}
	_, wait = signin("owner@b.test", "correct horse battery")
	clock.Add(wait)
	if status, _ := signin("owner@b.test", "correct horse battery"); status != http.StatusSeeOther {
		t.Errorf("after the delay the owner must get in: %d", status)
	}

	// Many failures from one address against many accounts.
	clock.Add(time.Hour)
	for i := range 40 {
		signin(fmt.Sprintf("nobody%d@b.test", i), "wrong guess")
	}
	status, wait = signin("neighbour@b.test", "correct horse battery")
	if status == http.StatusTooManyRequests && wait > time.Minute {
		t.Errorf("failures from a shared address must slow it for at most a minute, not lock it: Retry-After %s", wait)
	}
	clock.Add(wait)
	if status, _ := signin("neighbour@b.test", "correct horse battery"); status != http.StatusSeeOther {
		t.Errorf("a neighbour behind the same address must get in once the delay has passed: %d", status)
	}
}

// Row 7: a body sent a byte at a time is cut off after the body timeout,
// and one address cannot hold hundreds of half-sent requests.
func TestSlowBodiesAndConnectionFloods(t *testing.T) {
	vs := newViewerServer(t)
	vs.srv.BodyTimeout = time.Second
	ts := httptest.NewUnstartedServer(vs.srv)
	ts.Listener = LimitListener(ts.Listener, 20, nil)
	ts.Start()
	t.Cleanup(ts.Close)
	addr := strings.TrimPrefix(ts.URL, "http://")

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /signin HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n", addr)
	start := time.Now()
	closed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, c) // until the server closes the connection
		close(closed)
	}()
	for {
		select {
		case <-closed:
		case <-time.After(500 * time.Millisecond):
			if time.Since(start) > 8*time.Second {
				t.Fatalf("a body sent a byte every 500 ms is still being read after %s: there is no body timeout", time.Since(start).Round(time.Second))
			}
			c.Write([]byte("e"))
			continue
		}
		break
	}

	var held []net.Conn
	defer func() {
		for _, h := range held {
			h.Close()
		}
	}()
	for range 300 {
		h, err := net.Dial("tcp", addr)
		if err != nil {
			continue
		}
		fmt.Fprintf(h, "POST /signin HTTP/1.1\r\nHost: %s\r\nContent-Length: 100\r\n\r\ne", addr)
		held = append(held, h)
	}
	open := 0
	for _, h := range held {
		h.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		_, err := h.Read(make([]byte, 1))
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			open++ // still held by the server, waiting for its body
		}
	}
	if open > 20 {
		t.Errorf("one address must hold at most 20 connections, it holds %d of 300", open)
	}
	for _, h := range held {
		h.Close()
	}
	held = nil
	time.Sleep(100 * time.Millisecond)
	if resp, _ := get(t, ts.URL+"/healthz", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("once its connections close, the address is served again: %d", resp.StatusCode)
	}
}

// Row 14: the home country is checked against where sign-ins come from.
// An EU subscriber travelling in another member state keeps the home
// catalogue; one whose sign-ins all come from elsewhere for days loses the
// portability claim.
func TestPortabilityFollowsTheEvidenceOfResidence(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	vs := newViewerServerWith(t, func(c *accounts.Config) { c.Now = clock.Now })
	loc, err := geo.New(geo.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, Header: "X-Country", Default: "US"})
	if err != nil {
		t.Fatal(err)
	}
	vs.srv.Geo = loc
	ctx := context.Background()
	u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: "fr@b.test", Password: "correct horse battery", HomeTerritory: "FR"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Amélie", Language: "fr", MaxAge: 21}); err != nil {
		t.Fatal(err)
	}
	territory := func(country string) string {
		b := newBrowserClient(t, vs.url)
		b.header["X-Country"] = country
		status, page := b.do("POST", "/signin", url.Values{"email": {"fr@b.test"}, "password": {"correct horse battery"}})
		if status != http.StatusOK || !strings.Contains(page, `action="/profiles`) {
			t.Fatalf("sign in from %s: %d", country, status)
		}
		i := strings.Index(page, `data-territory="`)
		if i < 0 {
			t.Fatalf("no territory on the page")
		}
		return page[i+len(`data-territory="`) : i+len(`data-territory="`)+2]
	}
	if got := territory("FR"); got != "FR" {
		t.Fatalf("at home: %s", got)
	}
	clock.Add(24 * time.Hour)
	if got := territory("DE"); got != "FR" {
		t.Errorf("a French subscriber visiting Germany keeps the French catalogue (portability), got %s", got)
	}
	for range 4 {
		clock.Add(24 * time.Hour)
		territory("DE")
	}
	clock.Add(24 * time.Hour)
	if got := territory("DE"); got != "DE" {
		t.Errorf("sign-ins from Germany only, day after day, say the subscriber lives there: the portability claim must lapse, got %s", got)
	}
}
