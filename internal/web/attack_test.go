package web

// The attacks of issue 10, each reproduced through the real HTTP stack. A
// test here is named after the rule that stops its attack; the row of the
// issue's table it answers is in its comment.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
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
	_, body := get(t, vs.url+"/metrics", nil)
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
