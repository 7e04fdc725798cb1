package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
)

var (
	titleTag = regexp.MustCompile(`(?s)<title>(.*?)</title>`)
	h1Tag    = regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`)
)

// errorPageOf checks that page is an HTML error page and returns its
// <title> and its one <h1>.
func errorPageOf(t *testing.T, rule, page string) (title, h1 string) {
	t.Helper()
	if !strings.HasPrefix(page, "<!doctype html>") {
		t.Fatalf("%s: a page route must answer an error with an HTML page, got %.80q", rule, page)
	}
	tm, hs := titleTag.FindStringSubmatch(page), h1Tag.FindAllStringSubmatch(page, -1)
	if tm == nil || len(hs) != 1 {
		t.Fatalf("%s: an error page has a <title> and one <h1>: %d h1", rule, len(hs))
	}
	return tm[1], hs[0][1]
}

// signedInKid signs in an account with a kids profile chosen, whose language
// is lang.
func signedInKid(t *testing.T, vs *viewerServer, email, lang string) *browser {
	t.Helper()
	ctx := context.Background()
	u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: email, Password: "correct horse battery", HomeTerritory: "US"})
	if err != nil {
		t.Fatal(err)
	}
	kids, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Kids", Language: lang, MaxAge: 7, Kids: true})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowserClient(t, vs.url)
	_, page := b.do("POST", "/signin", url.Values{"email": {email}, "password": {"correct horse battery"}})
	if status, _ := b.do("POST", "/profiles/"+itoa(kids.ID)+"/select", url.Values{"csrf": {b.csrf(page)}}); status != 200 {
		t.Fatalf("picking the kids profile: %d", status)
	}
	return b
}

func TestPageRoutesAnswerErrorsWithHTMLPages(t *testing.T) {
	vs := newViewerServer(t)
	b := signedInKid(t, vs, "kid@b.test", "en")
	tests := []struct {
		rule, path string
		status     int
		h1         string
		words      string
	}{
		{"an unknown title is a page that says so", "/titles/999999", 404, "Page not found", "nothing at this address"},
		{"an unknown address is a page that says so", "/no/such/page", 404, "Page not found", "nothing at this address"},
		{"a malformed title number is a page that says so", "/titles/abc", 400, "Page not found", "positive whole number"},
		{"a kids profile opening a mature title is told why, in words", "/titles/" + itoa(vs.adult), 403, "Not available on this profile", "maturity rating"},
		{"a kids profile opening a mature title's player is told why, in words", "/watch/" + itoa(vs.adult), 403, "Not available on this profile", "maturity rating"},
		{"a title whose video is not ready says it is being prepared", "/watch/" + itoa(vs.unready), 409, "Still being prepared", "still being prepared"},
	}
	for _, tc := range tests {
		status, page := b.do("GET", tc.path, nil)
		if status != tc.status {
			t.Errorf("%s: %s answered %d, want %d", tc.rule, tc.path, status, tc.status)
		}
		title, h1 := errorPageOf(t, tc.rule, page)
		if !strings.Contains(h1, tc.h1) || !strings.Contains(title, tc.h1) || !strings.Contains(page, tc.words) {
			t.Errorf("%s: %s has title %q, h1 %q; want %q and the words %q", tc.rule, tc.path, title, h1, tc.h1, tc.words)
		}
		if strings.Contains(page, "Adult film") {
			t.Errorf("%s: the page must never name a title the profile may not see", tc.rule)
		}
	}

	// The API keeps problem+json, in English.
	req, _ := http.NewRequest("GET", vs.url+"/api/v1/titles/999999", nil)
	req.Header.Set("Accept-Language", "zh-TW")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 404 || ct != "application/problem+json" {
		t.Errorf("the API must keep answering errors with problem+json: %d %s", resp.StatusCode, ct)
	}
}

func TestErrorPagesSpeakTheViewersLanguage(t *testing.T) {
	vs := newViewerServer(t)
	tests := []struct {
		rule, lang, h1, words string
	}{
		{"a simplified-Chinese profile gets its error pages in simplified Chinese", "zh", "不适合此档案", "分级"},
		{"a traditional-Chinese profile gets its error pages in traditional Chinese", "zh-Hant", "不適合此設定檔", "分級"},
	}
	for i, tc := range tests {
		b := signedInKid(t, vs, "kid"+itoa(int64(i))+"@b.test", tc.lang)
		status, page := b.do("GET", "/titles/"+itoa(vs.adult), nil)
		title, h1 := errorPageOf(t, tc.rule, page)
		if status != 403 || !strings.Contains(h1, tc.h1) || !strings.Contains(title, tc.h1) || !strings.Contains(page, tc.words) {
			t.Errorf("%s: %d, title %q, h1 %q", tc.rule, status, title, h1)
		}
	}
	// Signed out, the browser's language decides.
	b := newBrowserClient(t, vs.url)
	b.header["Accept-Language"] = "zh-TW,zh;q=0.9,en;q=0.5"
	_, page := b.do("GET", "/no/such/page", nil)
	if _, h1 := errorPageOf(t, "signed out", page); !strings.Contains(h1, "找不到此頁面") || !strings.Contains(page, `lang="zh-Hant"`) {
		t.Errorf("a signed-out visitor whose browser asks for zh-TW must get the page in traditional Chinese: h1 %q", h1)
	}
}

func TestInternalFailureOnAPageShowsTheErrorID(t *testing.T) {
	vs := newViewerServer(t)
	var logged bytes.Buffer
	vs.srv.Log = slog.New(slog.NewTextHandler(&logged, nil))
	h := vs.srv.adapt(func(w http.ResponseWriter, r *http.Request) error { return errors.New("disk on fire") })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/titles/1", nil))
	_, h1 := errorPageOf(t, "an internal failure", rec.Body.String())
	id := regexp.MustCompile(`<code id="error-id">([0-9a-f]+)</code>`).FindStringSubmatch(rec.Body.String())
	if rec.Code != 500 || !strings.Contains(h1, "went wrong") || id == nil {
		t.Fatalf("an internal failure on a page must be a 500 page with its error ID: %d, h1 %q", rec.Code, h1)
	}
	if !strings.Contains(logged.String(), "error_id="+id[1]) {
		t.Errorf("the error ID on the page must be the one logged: %s not in %s", id[1], logged.String())
	}
	if strings.Contains(rec.Body.String(), "disk on fire") {
		t.Errorf("an internal failure's text must never reach the page")
	}
}
