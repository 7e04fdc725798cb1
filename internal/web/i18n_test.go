package web

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/editorial"
	"github.com/lineup/lineup/internal/locale"
)

var (
	templateKey = regexp.MustCompile(`\$\.TH? "((?:[^"\\]|\\.)*)"`)
	goKey       = regexp.MustCompile(`\.T\("((?:[^"\\]|\\.)*)"`)
)

// TestEveryMessageIsTranslated: every text the pages show through T is in
// the catalogue in simplified and in traditional Chinese, so no page of the
// interface falls back to English in part.
func TestEveryMessageIsTranslated(t *testing.T) {
	keys := map[string]string{}
	err := fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFiles, p)
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = p
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	gos, _ := filepath.Glob("*.go")
	for _, p := range gos {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = p
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d messages: the scan is broken", len(keys))
	}
	for k, where := range keys {
		if !locale.Known(k) {
			t.Errorf("%s shows %q, which has no simplified and traditional Chinese translation in internal/locale", where, k)
		}
	}
}

// TestPagesSpeakTheProfilesLanguage: a profile in 简体中文 or 繁體中文 gets
// every part of the pages it visits in that script, country names too.
func TestPagesSpeakTheProfilesLanguage(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	tests := []struct {
		lang, htmlLang string
		want           []string
		notWant        []string
	}{
		{"zh", "zh-Hans", []string{"首页", "搜索", "我的片单", "当前显示<strong>美国</strong>的片单", "继续观看", "退出登录"}, []string{"Home", "Sign out", "United States", "Showing the lineup"}},
		{"zh-Hant", "zh-Hant", []string{"首頁", "搜尋", "我的片單", "目前顯示<strong>美國</strong>的片單", "繼續觀看", "登出"}, []string{"Home", "Sign out", "United States", "Showing the lineup"}},
	}
	for i, tc := range tests {
		email := "zh" + itoa(int64(i)) + "@b.test"
		u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: email, Password: "correct horse battery", HomeTerritory: "US"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "小明", Language: tc.lang, MaxAge: 18})
		if err != nil {
			t.Fatal(err)
		}
		if err := vs.accounts.SaveProgress(ctx, p.ID, vs.unready, 1, time.Minute, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		b := newBrowserClient(t, vs.url)
		_, page := b.do("POST", "/signin", url.Values{"email": {email}, "password": {"correct horse battery"}})
		b.do("POST", "/profiles/"+itoa(p.ID)+"/select", url.Values{"csrf": {b.csrf(page)}})
		status, page := b.do("GET", "/", nil)
		if status != 200 || !strings.Contains(page, `<html lang="`+tc.htmlLang+`">`) {
			t.Fatalf("%s: the home page must be in %s: %d", tc.lang, tc.htmlLang, status)
		}
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("a %s profile's home page must say %q", tc.lang, w)
			}
		}
		for _, nw := range tc.notWant {
			if strings.Contains(page, ">"+nw) || strings.Contains(page, nw+"<") {
				t.Errorf("a %s profile's home page must not show the English %q", tc.lang, nw)
			}
		}
	}
}

// TestNewAccountLandsOnProfileCreation: signing up, then in, leads to the
// form that makes the first profile, not to an empty picker, and that profile is then
// the one watching, in its own language.
func TestNewAccountLandsOnProfileCreation(t *testing.T) {
	vs := newViewerServer(t)
	b := newBrowserClient(t, vs.url)
	b.header["Accept-Language"] = "zh-CN,zh;q=0.9"
	// Sign-up answers alike whether or not the email has an account
	// (issue 10 row 4), so the new member then signs in.
	if status, _ := b.do("POST", "/signup", url.Values{"email": {"new@b.test"}, "password": {"correct horse battery"}}); status != 200 {
		t.Fatalf("sign up: %d", status)
	}
	status, page := b.do("POST", "/signin", url.Values{"email": {"new@b.test"}, "password": {"correct horse battery"}})
	_, h1 := errorPageOf(t, "signed up", page)
	if status != 200 || !strings.Contains(h1, "创建你的档案") || !strings.Contains(page, `id="add-profile"`) {
		t.Fatalf("a new account must land on the form that creates its first profile, in the browser's language: %d, h1 %q", status, h1)
	}
	if !strings.Contains(page, `<option value="zh" lang="zh" selected>`) {
		t.Errorf("the first profile's language must default to the language the page is shown in")
	}
	status, page = b.do("POST", "/profiles", url.Values{"csrf": {b.csrf(page)}, "name": {"小明"}, "language": {"zh-Hant"}, "max_age": {"18"}, "password": {"correct horse battery"}})
	if status != 200 || !strings.Contains(page, `id="row-new"`) || !strings.Contains(page, `lang="zh-Hant"`) {
		t.Errorf("creating the first profile must lead home, watching as it, in its language: %d", status)
	}
}

func TestTopTenShowsWholeViews(t *testing.T) {
	c, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	en := c.For(locale.English)
	tests := []struct {
		views float64
		want  string
	}{{1.1, "1 view"}, {0.4, "1 view"}, {2.5, "3 views"}, {1234.2, "1,234 views"}}
	for _, tc := range tests {
		if got := en.T("%d views", wholeViews(tc.views)); got != tc.want {
			t.Errorf("%.1f views must show as %q, not to a decimal: %q", tc.views, tc.want, got)
		}
	}
}

func TestFaviconAndOneHeading(t *testing.T) {
	vs := newViewerServer(t)
	c := &http.Client{}
	resp, err := c.Get(vs.url + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("/favicon.ico must lead to the page icon, not a 404: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	cat, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	story := string(vs.srv.storyHTML(editorial.Story{Kind: "interview", Headline: "René Liu on her first film", Language: "en",
		Blocks: []editorial.Block{{Kind: editorial.BlockHeading, Text: "The train"}, {Kind: editorial.BlockQuestion, Text: "Why?"}}}, cat.For(locale.Traditional)))
	if !strings.Contains(story, `<strong class="speaker" lang="zh-Hant">問：</strong> Why?`) {
		t.Errorf("the interviewer's label must be in the viewer's language, not a literal Q: %s", story)
	}
	if strings.Contains(story, "<h1") || !strings.Contains(story, "<h2>René Liu on her first film</h2>") || !strings.Contains(story, "<h3>The train</h3>") {
		t.Errorf("an interview under a title's page must not bring a second <h1>: %s", story)
	}
}

func TestCaptionAppearanceIsPerProfile(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: "cap@b.test", Password: "correct horse battery", HomeTerritory: "US"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Grandma", Language: "en", MaxAge: 18})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowserClient(t, vs.url)
	_, page := b.do("POST", "/signin", url.Values{"email": {"cap@b.test"}, "password": {"correct horse battery"}})
	token := b.csrf(page)
	b.do("POST", "/profiles/"+itoa(p.ID)+"/select", url.Values{"csrf": {token}})
	if _, page := b.do("GET", "/watch/1", nil); !strings.Contains(page, `class="cue-medium cue-box"`) {
		t.Errorf("a profile's captions start medium on a dark box")
	}
	if status, _ := b.do("POST", "/profiles/"+itoa(p.ID)+"/captions", url.Values{"csrf": {token}, "caption_size": {"huge"}, "caption_background": {"none"}}); status != 400 {
		t.Errorf("an unknown caption size must be refused: %d", status)
	}
	if status, _ := b.do("POST", "/profiles/"+itoa(p.ID)+"/captions", url.Values{"csrf": {token}, "caption_size": {"large"}, "caption_background": {"none"}}); status != 200 {
		t.Errorf("saving the caption style: %d", status)
	}
	if _, page := b.do("GET", "/watch/1", nil); !strings.Contains(page, `class="cue-large cue-none"`) {
		t.Errorf("the player must draw the profile's captions as it chose, through the ::cue classes")
	}
}
