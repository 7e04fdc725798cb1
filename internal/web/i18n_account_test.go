package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/locale"
	"github.com/lineup/lineup/internal/store/storetest"
)

var (
	mainPart    = regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
	scriptPart  = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`)
	markup      = regexp.MustCompile(`(?s)<[^>]*>`)
	englishWord = regexp.MustCompile(`[A-Za-z]{3,}`)
)

// englishIn returns the English words of a page's main content (its text,
// not its markup), once the texts in allowed (an email, a title's name,
// a command) are taken out. A page in Chinese has none.
func englishIn(page string, allowed ...string) []string {
	m := mainPart.FindStringSubmatch(page)
	if m == nil {
		return []string{"(no <main>)"}
	}
	text := html.UnescapeString(markup.ReplaceAllString(scriptPart.ReplaceAllString(m[1], " "), " "))
	for _, a := range allowed {
		text = strings.ReplaceAll(text, a, " ")
	}
	return englishWord.FindAllString(text, -1)
}

// TestAccountPagesSpeakTheViewersLanguage: the sign-in, sign-up, getting
// back in, new password and account pages, and what they answer, are
// wholly in the viewer's script, with no English left in their content.
func TestAccountPagesSpeakTheViewersLanguage(t *testing.T) {
	vs := newViewerServer(t)
	withMail(t, vs)
	vs.srv.signups = newThrottle(100, time.Hour, vs.srv.Now)
	ctx := context.Background()
	for _, tc := range []struct {
		accept, profileLang, tag string
		want                     []string
	}{
		{"zh-CN,zh;q=0.9", "zh", "zh-Hans", []string{"你的账户", "更改密码", "在所有设备上退出登录", "找回账户", "设置新密码",
			"家长 PIN 码已设置", "开启两步验证", "你的恢复码", "剩余恢复码", "请输入验证器应用显示的 6 位验证码"}},
		{"zh-TW,zh;q=0.9", "zh-Hant", "zh-Hant", []string{"你的帳號", "變更密碼", "在所有裝置上登出", "找回帳號", "設定新密碼",
			"家長 PIN 碼已設定", "開啟兩步驟驗證", "你的復原碼", "剩餘復原碼", "請輸入驗證器應用程式顯示的 6 位數驗證碼"}},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			email := "acct-" + strings.ToLower(tc.tag) + "@b.test"
			u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: email, Password: "correct horse battery", HomeTerritory: "US"})
			if err != nil {
				t.Fatal(err)
			}
			p, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "小明", Language: tc.profileLang, MaxAge: 18})
			if err != nil {
				t.Fatal(err)
			}
			out := newBrowserClient(t, vs.url)
			out.header["Accept-Language"] = tc.accept
			seen := ""
			// The two-factor key and the recovery codes are not words; the
			// profiles page names each language in itself (English, Français).
			secrets := []string{"English", "Français", "Español"}
			check := func(what string, status, wantStatus int, page string) {
				t.Helper()
				seen += page
				if status != wantStatus {
					t.Errorf("%s: status %d, want %d", what, status, wantStatus)
				}
				if !strings.Contains(page, `<html lang="`+tc.tag+`">`) {
					t.Errorf("%s must be in %s", what, tc.tag)
				}
				if words := englishIn(page, append([]string{"new-" + email, email, "Lineup", "lineup user passwd", "PIN", "name@example.com"}, secrets...)...); len(words) > 0 {
					t.Errorf("%s in %s must have no English in its content, found %q", what, tc.tag, words)
				}
			}
			// Signed out: the browser's language.
			s, page := out.do("GET", "/signin", nil)
			check("the sign-in page", s, 200, page)
			s, page = out.do("GET", "/signup", nil)
			check("the sign-up page", s, 200, page)
			s, page = out.do("POST", "/signup", url.Values{"email": {"new-" + email}, "password": {"password123"}})
			check("a sign-up refused for a common password", s, 400, page)
			s, page = out.do("POST", "/signup", url.Values{"email": {"new-" + email}, "password": {"short"}})
			check("a sign-up refused for a short password", s, 400, page)
			s, page = out.do("POST", "/signup", url.Values{"email": {"new-" + email}, "password": {"correct horse battery staple"}})
			check("the answer to a sign-up", s, 200, page)
			s, page = out.do("GET", "/forgot", nil)
			check("the page to get back in", s, 200, page)
			s, page = out.do("POST", "/forgot", url.Values{"email": {email}, "want": {"reset"}})
			check("the answer to a request for a link", s, 200, page)
			s, page = out.do("GET", "/reset?token=x", nil)
			check("the new password form", s, 200, page)
			s, page = out.do("POST", "/reset", url.Values{"token": {"x"}, "password": {"correct horse battery staple"}})
			check("a link that does not work", s, http.StatusGone, page)
			s, page = out.do("GET", "/signin/link?token=x", nil)
			check("the sign-in link page", s, 200, page)
			s, page = out.do("POST", "/signin", url.Values{"email": {email}, "password": {"wrong guess"}})
			check("a refused sign-in", s, 401, page)

			// Signed in: the profile's language, whatever the browser's.
			in := newBrowserClient(t, vs.url)
			in.header["Accept-Language"] = "en-US,en;q=0.9"
			_, page = in.do("POST", "/signin", url.Values{"email": {email}, "password": {"correct horse battery"}})
			csrf := in.csrf(page)
			in.do("POST", "/profiles/"+itoa(p.ID)+"/select", url.Values{"csrf": {csrf}})
			s, page = in.do("GET", "/account", nil)
			check("the account page", s, 200, page)
			// The parental PIN: refused without the password, refused
			// when not 4 digits, then set and accepted by the profiles.
			s, page = in.do("POST", "/account/parental-pin", url.Values{"csrf": {csrf}, "current": {"wrong"}, "parental_pin": {"4821"}})
			check("a parental PIN without the password", s, 403, page)
			s, page = in.do("POST", "/account/parental-pin", url.Values{"csrf": {csrf}, "current": {"correct horse battery"}, "parental_pin": {"48"}})
			check("a parental PIN of two digits", s, 400, page)
			s, page = in.do("POST", "/account/parental-pin", url.Values{"csrf": {csrf}, "current": {"correct horse battery"}, "parental_pin": {"4821"}})
			check("a parental PIN set", s, 200, page)
			s, page = in.do("POST", "/profiles", url.Values{"csrf": {csrf}, "name": {"小红"}, "language": {tc.profileLang}, "max_age": {"18"}, "password": {"1111"}})
			check("a profile refused for a wrong parental PIN", s, 403, page)
			// Two-factor sign-in: the key, a wrong first code, the
			// recovery codes, and what is left of them.
			s, page = in.do("GET", "/account/2fa", nil)
			m := totpSecretField.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("the enrolment page must show the key: %d", s)
			}
			secrets = append(secrets, m[1])
			check("the two-factor enrolment page", s, 200, page)
			s, page = in.do("POST", "/account/2fa", url.Values{"csrf": {csrf}, "code": {"000000"}})
			check("a wrong first code", s, 400, page)
			s, page = in.do("POST", "/account/2fa", url.Values{"csrf": {csrf}, "code": {codeAt(t, m[1], time.Now())}})
			for _, c := range recoveryCode.FindAllStringSubmatch(page, -1) {
				secrets = append(secrets, c[1])
			}
			check("the recovery codes", s, 200, page)
			s, page = in.do("GET", "/account/2fa", nil)
			check("two-factor sign-in on", s, 200, page)
			s, page = in.do("POST", "/account/password", url.Values{"csrf": {csrf}, "current": {"wrong"}, "password": {"a brand new passphrase"}})
			check("a wrong current password", s, 403, page)
			s, page = in.do("POST", "/account/password", url.Values{"csrf": {csrf}, "current": {"correct horse battery"}, "password": {"qwertyuiop"}})
			check("a new password refused as guessable", s, 400, page)
			s, page = in.do("POST", "/account/password", url.Values{"csrf": {csrf}, "current": {"correct horse battery"}, "password": {"a brand new passphrase"}})
			check("a changed password", s, 200, page)
			s, page = in.do("POST", "/account/signout-everywhere", url.Values{"csrf": {csrf}})
			check("signed out everywhere", s, 200, page)
			// Signed out again: the code asked after the password, and a
			// wrong one, in the browser's language.
			s, page = out.do("POST", "/signin", url.Values{"email": {email}, "password": {"a brand new passphrase"}})
			ch := challengeField.FindStringSubmatch(page)
			if ch == nil {
				t.Fatalf("the password of an account with two-factor sign-in must lead to the code: %d", s)
			}
			check("the code after the password", s, 200, page)
			s, page = out.do("POST", "/signin/code", url.Values{"challenge": {ch[1]}, "code": {"000000"}})
			check("a wrong code at sign-in", s, 401, page)
			for _, w := range tc.want {
				if !strings.Contains(seen, w) {
					t.Errorf("the account pages in %s must say %q", tc.tag, w)
				}
			}
		})
	}
	vs.srv.WaitForMail()
}

// TestMailSpeaksTheRecipientsLanguage: every mail the account pages send
// is in the language of the account's first profile, else in the language
// of the browser that asked for it; subject and body.
func TestMailSpeaksTheRecipientsLanguage(t *testing.T) {
	vs := newViewerServerWith(t, func(c *accounts.Config) { c.VerifyEmail = true })
	vs.srv.VerifyEmail = true
	mp := withMail(t, vs)
	vs.srv.signups = newThrottle(100, time.Hour, vs.srv.Now)
	ctx := context.Background()
	addUser := func(email, profileLang string) {
		t.Helper()
		u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: email, Password: "correct horse battery", HomeTerritory: "US"})
		if err != nil {
			t.Fatal(err)
		}
		if profileLang != "" {
			if _, err := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "小明", Language: profileLang, MaxAge: 18}); err != nil {
				t.Fatal(err)
			}
		}
	}
	addUser("noprofile@b.test", "")
	addUser("hant@b.test", "zh-Hant")
	addUser("hans@b.test", "zh")
	ask := func(accept, path string, form url.Values) {
		t.Helper()
		b := newBrowserClient(t, vs.url)
		b.header["Accept-Language"] = accept
		if s, _ := b.do("POST", path, form); s != 200 {
			t.Fatalf("%s: %d", path, s)
		}
	}
	ask("zh-TW", "/forgot", url.Values{"email": {"noprofile@b.test"}, "want": {"reset"}})
	ask("en-US", "/forgot", url.Values{"email": {"hans@b.test"}, "want": {"signin"}})
	ask("en-US", "/signup", url.Values{"email": {"hant@b.test"}, "password": {"correct horse battery staple"}})
	ask("zh-CN", "/signup", url.Values{"email": {"verify@b.test"}, "password": {"correct horse battery staple"}})
	vs.srv.WaitForMail()
	tests := []struct {
		rule, to, subject string
		body              []string
	}{
		{"without a profile, a reset mail follows the asking browser", "noprofile@b.test", "重設你的密碼", []string{"請用這個連結為Lineup設定新密碼", "30 分鐘內有效", "你的密碼不會變更"}},
		{"a sign-in link follows the account's profile, not the browser", "hans@b.test", "你的登录链接", []string{"请用这个链接登录Lineup", "如果你没有申请"}},
		{"the owner of a taken email is told in their profile's language", "hant@b.test", "有人試圖用你的電子郵件建立帳號", []string{"有人（也許是你）試圖用這個電子郵件建立新的Lineup帳號", "如果不是你"}},
		{"a new member's confirmation follows the browser they signed up with", "verify@b.test", "确认你的电子邮箱", []string{"欢迎加入Lineup", "完成账户创建"}},
	}
	for _, tc := range tests {
		m := mp.WaitFor(t, tc.to, tc.subject)
		for _, w := range tc.body {
			if !strings.Contains(m.Text, w) {
				t.Errorf("%s: the body must say %q:\n%s", tc.rule, w, m.Text)
			}
		}
		if !strings.HasPrefix(m.Link(t), vs.url) {
			t.Errorf("%s: the mail must still carry its link", tc.rule)
		}
		if words := englishWord.FindAllString(strings.ReplaceAll(strings.ReplaceAll(m.Text, m.Link(t), ""), "Lineup", ""), -1); len(words) > 0 {
			t.Errorf("%s: the body must have no English, found %q", tc.rule, words)
		}
	}
}

// TestEveryMailIsTranslated: the mails' keys, and the sentences a field's
// reason completes, are in the catalogue.
func TestEveryMailIsTranslated(t *testing.T) {
	for _, k := range fieldSentences {
		if !locale.Known(k) {
			t.Errorf("the sentence %q has no Chinese translation", k)
		}
	}
	for _, m := range []linkMail{signInMail, resetMail, takenMail, verifyMail} {
		for _, k := range []string{m.subject, m.body} {
			if !locale.Known(k) {
				t.Errorf("the mail text %q has no Chinese translation", k)
			}
		}
	}
}

// TestTooManyRequestsPageIsTranslated: a refusal for too many requests
// says how long to wait, in the viewer's language.
func TestTooManyRequestsPageIsTranslated(t *testing.T) {
	vs := newViewerServer(t)
	withMail(t, vs)
	vs.srv.signups = newThrottle(1, time.Hour, vs.srv.Now)
	b := newBrowserClient(t, vs.url)
	b.header["Accept-Language"] = "zh-TW"
	b.do("POST", "/forgot", url.Values{"email": {"x@b.test"}, "want": {"reset"}})
	s, page := b.do("POST", "/forgot", url.Values{"email": {"x@b.test"}, "want": {"reset"}})
	_, h1 := errorPageOf(t, "too many", page)
	if s != http.StatusTooManyRequests || h1 != "請求過多" || !strings.Contains(page, "來自此位址的請求過多，請") {
		t.Errorf("too many requests must be said in traditional Chinese with the wait: %d %q", s, h1)
	}
	if words := englishIn(page); len(words) > 0 {
		t.Errorf("the page must have no English, found %q", words)
	}
	vs.srv.WaitForMail()
}

// TestFirstRunSpeaksTheViewersLanguage: the setup link's pages, what they
// answer, and the two-factor enrolment an administrator is led to (and
// kept on, when the service requires it) follow the browser's language.
func TestFirstRunSpeaksTheViewersLanguage(t *testing.T) {
	for _, tc := range []struct {
		accept, tag string
		want        []string
	}{
		{"zh-CN,zh;q=0.9", "zh-Hans", []string{"本服务尚未设置完成", "此设置链接无效", "设置Lineup", "创建管理员", "本服务已设置完成", "本服务要求管理员登录时除了密码", "本服务要求管理员先开启两步验证"}},
		{"zh-TW,zh;q=0.9", "zh-Hant", []string{"本服務尚未設定完成", "此設定連結無效", "設定Lineup", "建立管理員", "本服務已設定完成", "本服務要求管理員登入時除了密碼", "本服務要求管理員先開啟兩步驟驗證"}},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			vs := newViewerServerOn(t, storetest.SQLite(t), nil)
			const token = "setup-token-for-tests-0123456789abcdef"
			vs.srv.SetupToken = token
			b := newBrowserClient(t, vs.url)
			b.header["Accept-Language"] = tc.accept
			seen := ""
			allowed := []string{"Lineup", "lineup serve", "/account/2fa", "owner@b.test"}
			check := func(what string, status, wantStatus int, page string) {
				t.Helper()
				seen += page
				if status != wantStatus {
					t.Errorf("%s: status %d, want %d", what, status, wantStatus)
				}
				if !strings.Contains(page, `<html lang="`+tc.tag+`">`) {
					t.Errorf("%s must be in %s", what, tc.tag)
				}
				if words := englishIn(page, allowed...); len(words) > 0 {
					t.Errorf("%s in %s must have no English in its content, found %q", what, tc.tag, words)
				}
			}
			s, page := b.do("GET", "/signup", nil)
			check("sign-up before the service is set up", s, http.StatusServiceUnavailable, page)
			s, page = b.do("GET", "/setup?token=wrong", nil)
			check("a wrong setup link", s, http.StatusNotFound, page)
			s, page = b.do("GET", "/setup?token="+token, nil)
			check("the setup page", s, 200, page)
			form := url.Values{"token": {token}, "email": {"owner@b.test"}, "password": {"password123"}}
			s, page = b.do("POST", "/setup", form)
			check("a first administrator refused for a common password", s, http.StatusBadRequest, page)
			vs.srv.Admin2FA = "required"
			form.Set("password", "the owner's long passphrase")
			s, page = b.do("POST", "/setup", form)
			m := totpSecretField.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("setting up must lead to two-factor enrolment: %d", s)
			}
			allowed = append(allowed, m[1])
			check("the enrolment an administrator is required to finish", s, 200, page)
			s, page = b.do("POST", "/admin/licenses", url.Values{"csrf": {b.csrf(page)}})
			check("an administrator writing before turning two-factor on", s, http.StatusForbidden, page)
			other := newBrowserClient(t, vs.url)
			other.header["Accept-Language"] = tc.accept
			s, page = other.do("GET", "/setup?token="+token, nil)
			check("the setup link once the service is set up", s, http.StatusGone, page)
			for _, w := range tc.want {
				if !strings.Contains(seen, w) {
					t.Errorf("the first-run pages in %s must say %q", tc.tag, w)
				}
			}
		})
	}
}
