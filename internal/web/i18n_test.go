package web

import (
	"context"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
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
