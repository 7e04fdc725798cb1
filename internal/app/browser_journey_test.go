package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, installed by npm from package.json (pinned, a dev
// dependency) and injected into each page the journey visits; the pages
// never serve it.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../node_modules/axe-core/axe.min.js")
	if err != nil {
		t.Fatal("axe-core is not installed: run scripts/build-assets (scripts/test does), which runs npm ci")
	}
	return string(b)
}

// axeViolation is one rule axe-core found broken.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
}

// checkPage runs the checks every visited page must pass, at the size the
// browser has: axe-core finds no serious or critical violation, there is
// one <h1>, and nothing is wider than the viewport.
func checkPage(t *testing.T, ctx context.Context, axe, where string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
		t.Fatalf("%s: inject axe-core: %v", where, err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe-core: %v", where, err)
	}
	for _, v := range vs {
		t.Errorf("%s: axe-core finds a %s violation: %s (%s, %d elements)", where, v.Impact, v.Help, v.ID, v.Nodes)
	}
	shape, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]int](`({h1: document.querySelectorAll("h1").length,
		width: document.documentElement.scrollWidth, viewport: window.innerWidth})`))
	if err != nil {
		t.Fatal(err)
	}
	if shape["h1"] != 1 {
		t.Errorf("%s: a page has one <h1>, this one has %d", where, shape["h1"])
	}
	if shape["width"] > shape["viewport"] {
		t.Errorf("%s: the page is %d px wide in a %d px viewport", where, shape["width"], shape["viewport"])
	}
}

// TestBrowserJourneyInChinese: a new viewer signs up and goes through the
// service in 简体中文 and in 繁體中文, on a phone and on a desktop: search in
// the other script, the title page, play, an error page, with axe-core on
// every page.
func TestBrowserJourneyInChinese(t *testing.T) {
	if _, err := os.Stat("../web/static/vendor/hls.min.js"); err != nil {
		t.Fatal("hls.js is not built into the pages: run scripts/build-assets (scripts/test does)")
	}
	axe := axeSource(t)
	svc := startBrowserServiceWith(t, map[string]string{"LINEUP_SIGNUP": "true"})
	langs := []struct {
		name, value, htmlLang string
		query, title          string // a search in the other script, and the title as this reader sees it
		play, pause, notFound string
		menu, search          string
		accept                string // a browser's Accept-Language in this script
		account, admin        string // the headings of the account's page and the admin's
	}{
		{"简体中文", "zh", "zh-Hans", "後來", "后来的我们", "播放", "暂停", "找不到此页面", "菜单", "搜索", "zh-CN,zh;q=0.9", "你的账户", "管理"},
		{"繁體中文", "zh-Hant", "zh-Hant", "后来", "後來的我們", "播放", "暫停", "找不到此頁面", "選單", "搜尋", "zh-TW,zh;q=0.9", "你的帳號", "管理"},
	}
	sizes := []struct {
		name          string
		width, height int64
		phone         bool
	}{{"phone", 390, 844, true}, {"desktop", 1366, 900, false}}
	n := 0
	for _, lang := range langs {
		for _, size := range sizes {
			n++
			t.Run(lang.value+"-"+size.name, func(t *testing.T) {
				ctx := newBrowser(t, nil)
				where := func(page string) string { return fmt.Sprintf("%s, %s, %s", lang.name, size.name, page) }
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
					t.Fatal(err)
				}
				email := fmt.Sprintf("new%d@viewer.test", n)
				err := chromedp.Do(ctx,
					chromedp.Navigate(svc.url+"/signup"),
					chromedp.WaitVisible(`input[name=email]`),
					chromedp.SendKeys(`input[name=email]`, email),
					chromedp.SendKeys(`input[name=password]`, journeyPassword),
					chromedp.Submit(`input[name=password]`),
					// Sign-up answers alike whether or not the email
					// has an account (issue 10 row 4) and sends the new
					// member a page that says so, with no form: wait for it,
					// then sign in.
					chromedp.WaitNotPresent(`input[name=password]`),
					chromedp.Navigate(svc.url+"/signin"),
					chromedp.WaitVisible(`form[action="/signin"] input[name=email]`),
					chromedp.SendKeys(`input[name=email]`, email),
					chromedp.SendKeys(`input[name=password]`, journeyPassword),
					chromedp.Submit(`input[name=password]`),
					chromedp.WaitVisible(`#add-profile`),
				)
				if err != nil {
					t.Fatalf("%s: signing up must lead to the form that creates the first profile: %v", where("sign-up"), err)
				}
				checkPage(t, ctx, axe, where("profile creation"))
				err = chromedp.Do(ctx,
					chromedp.SendKeys(`#add-profile input[name=name]`, "小明"),
					chromedp.SetValue(`#add-profile select[name=language]`, lang.value),
					chromedp.SendKeys(`#add-profile input[name=password]`, journeyPassword),
					chromedp.Submit(`#add-profile input[name=name]`),
					chromedp.WaitVisible(`#row-new`),
				)
				if err != nil {
					t.Fatalf("%s: creating the first profile must lead home: %v", where("profile"), err)
				}
				home, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`({lang: document.documentElement.lang,
					menu: getComputedStyle(document.querySelector(".menu-button")).display, nav: document.getElementById("main-nav").innerText})`))
				if err != nil {
					t.Fatal(err)
				}
				if home["lang"] != lang.htmlLang {
					t.Errorf("%s: the home page must be in %s, is %q", where("home"), lang.htmlLang, home["lang"])
				}
				checkPage(t, ctx, axe, where("home"))
				shot(t, ctx, "journey-"+lang.value+"-"+size.name+"-home")
				if size.phone {
					if home["menu"] == "none" {
						t.Errorf("%s: a phone must show the menu button", where("home"))
					}
					err := chromedp.Do(ctx, chromedp.Click(`.menu-button`), chromedp.WaitVisible(`#main-nav a[href="/my-list"]`))
					if err != nil {
						t.Fatalf("%s: the menu button must open every section: %v", where("menu"), err)
					}
					nav, _ := chromedp.Run(ctx, chromedp.Text(`#main-nav`))
					for _, want := range []string{lang.search, "Top 10"} {
						if !strings.Contains(nav, want) {
							t.Errorf("%s: the opened menu must reach %q: %q", where("menu"), want, nav)
						}
					}
				}

				// Search in the other script finds the title, named in this
				// reader's script.
				var found string
				deadline := time.Now().Add(20 * time.Second)
				for time.Now().Before(deadline) {
					err := chromedp.Do(ctx, chromedp.Navigate(svc.url+"/search?q="+lang.query), chromedp.WaitVisible(`#results`))
					if err != nil {
						t.Fatal(err)
					}
					found, _ = chromedp.Run(ctx, chromedp.Text(`#results`))
					if strings.Contains(found, lang.title) {
						break
					}
					time.Sleep(500 * time.Millisecond) // the index is rebuilt at start
				}
				if !strings.Contains(found, lang.title) {
					t.Fatalf("%s: searching %q must find %q: %q", where("search"), lang.query, lang.title, found)
				}
				checkPage(t, ctx, axe, where("search"))

				err = chromedp.Do(ctx, chromedp.Click(`#results a`), chromedp.WaitVisible(`#availability`))
				if err != nil {
					t.Fatalf("%s: a result must open the title page: %v", where("search"), err)
				}
				h1, _ := chromedp.Run(ctx, chromedp.Text(`h1`))
				if !strings.Contains(h1, lang.title) {
					t.Errorf("%s: the title page must be named %q, is %q", where("title"), lang.title, h1)
				}
				checkPage(t, ctx, axe, where("title"))
				shot(t, ctx, "journey-"+lang.value+"-"+size.name+"-title")
				labels, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => {
					const ts = [...document.querySelectorAll(".chart svg text")].map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
					let overlaps = 0;
					for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++) {
						const a = ts[i], b = ts[j];
						if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps++;
					}
					const svg = document.querySelector(".chart svg"), scale = svg ? svg.getScreenCTM().a : 0;
					const sizes = [...document.querySelectorAll(".chart svg text")].map(e => parseFloat(getComputedStyle(e).fontSize) * scale);
					return {count: ts.length, smallest: sizes.length ? Math.min(...sizes) : 0, overlaps};
				})()`))
				if err != nil {
					t.Fatal(err)
				}
				if labels["count"] == 0 || labels["smallest"] < 11 || labels["overlaps"] > 0 {
					t.Errorf("%s: the box-office chart's labels must be at least 11 px and never overlap: %v", where("title"), labels)
				}

				err = chromedp.Do(ctx, chromedp.Click(`#play`), chromedp.WaitVisible(`#video`))
				if err != nil {
					t.Fatalf("%s: the title page must offer play: %v", where("title"), err)
				}
				var pos float64
				deadline = time.Now().Add(45 * time.Second)
				for time.Now().Before(deadline) {
					pos, _ = chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("video").currentTime`))
					if pos > 1 {
						break
					}
					time.Sleep(250 * time.Millisecond)
				}
				if pos <= 1 {
					t.Errorf("%s: pressing play must play the film", where("watch"))
				}
				button, _ := chromedp.Run(ctx, chromedp.Text(`.controls #play`))
				if !strings.Contains(button, lang.pause) {
					t.Errorf("%s: the player's button must speak the viewer's language while playing: %q", where("watch"), button)
				}
				checkPage(t, ctx, axe, where("watch"))

				err = chromedp.Do(ctx, chromedp.Navigate(svc.url+"/titles/999999"), chromedp.WaitVisible(`h1`))
				if err != nil {
					t.Fatal(err)
				}
				h1, _ = chromedp.Run(ctx, chromedp.Text(`h1`))
				if !strings.Contains(h1, lang.notFound) {
					t.Errorf("%s: an unknown title is an error page in the viewer's language: %q", where("error"), h1)
				}
				checkPage(t, ctx, axe, where("error page"))

				// The account's page, in the profile's language.
				err = chromedp.Do(ctx, chromedp.Navigate(svc.url+"/account"), chromedp.WaitVisible(`h1`))
				if err != nil {
					t.Fatal(err)
				}
				h1, _ = chromedp.Run(ctx, chromedp.Text(`h1`))
				if h1 != lang.account {
					t.Errorf("%s: the account's page must be headed %q, is %q", where("account"), lang.account, h1)
				}
				// PIN is the word Chinese uses too (PIN 码, PIN 碼).
				if words := englishOnPage(t, ctx, "", email, "PIN"); len(words) > 0 {
					t.Errorf("%s: the account's page must have no English in its content, found %q", where("account"), words)
				}
				checkPage(t, ctx, axe, where("account"))

				// The admin's pages, in the language of the admin's browser
				// (no profile chosen, so no profile's language).
				admin := newBrowser(t, map[string]any{"Accept-Language": lang.accept})
				err = chromedp.Do(admin,
					chromedp.EmulateViewport(size.width, size.height),
					chromedp.Navigate(svc.url+"/signin"),
					chromedp.WaitVisible(`input[name=email]`),
					chromedp.SendKeys(`input[name=email]`, "admin@viewer.test"),
					chromedp.SendKeys(`input[name=password]`, "correct horse battery"),
					chromedp.Submit(`input[name=password]`),
					chromedp.WaitVisible(`button[data-profile="Alex"]`),
				)
				if err != nil {
					t.Fatalf("%s: the admin must sign in: %v", where("admin"), err)
				}
				for _, p := range []string{"/admin", "/admin/licenses"} {
					if err := chromedp.Do(admin, chromedp.Navigate(svc.url+p), chromedp.WaitVisible(`h1`)); err != nil {
						t.Fatal(err)
					}
					page, _ := chromedp.Run(admin, chromedp.Evaluate[map[string]string](`({lang: document.documentElement.lang, h1: document.querySelector("h1").innerText})`))
					if page["lang"] != lang.htmlLang || page["h1"] != lang.admin {
						t.Errorf("%s: the admin page must be in %s, headed %q: %v", where(p), lang.htmlLang, lang.admin, page)
					}
					// Table cells and options hold data (titles, parties,
					// license types); the rest is the interface's.
					if words := englishOnPage(t, admin, "td, option, datalist", "JPEG", "PNG", "WebP", "RFC", "YYYY", "MM", "DD", "ZZ", "EU"); len(words) > 0 {
						t.Errorf("%s: the admin page must have no English in its content, found %q", where(p), words)
					}
					checkPage(t, admin, axe, where(p))
				}
			})
		}
	}
}

// englishOnPage returns the English words (three letters or more) of the
// page's main content, its text and its alt, aria-label and title
// attributes, leaving out the elements skip selects (data, not interface)
// and the texts in allowed.
func englishOnPage(t *testing.T, ctx context.Context, skip string, allowed ...string) []string {
	t.Helper()
	args, _ := json.Marshal(map[string]any{"skip": skip, "allowed": allowed})
	words, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`((a) => {
		const m = document.querySelector("main").cloneNode(true);
		m.querySelectorAll("script, style" + (a.skip ? ", " + a.skip : "")).forEach(e => e.remove());
		let text = m.textContent;
		for (const e of m.querySelectorAll("[alt], [aria-label], [title]")) {
			text += " " + ["alt", "aria-label", "title"].map(n => e.getAttribute(n) || "").join(" ");
		}
		for (const w of a.allowed) text = text.split(w).join(" ");
		return text.match(/[A-Za-z]{3,}/g) || [];
	})(`+string(args)+`)`))
	if err != nil {
		t.Fatal(err)
	}
	return words
}

// TestBrowserAdminPagesFitAPhone: every admin page fits a 390 px wide
// phone (tables scroll in their box) and passes axe-core.
// journeyPassword is a new viewer's password that the strength estimate
// takes (a well-known phrase would be refused at sign-up).
const journeyPassword = "Lineup journey: 后来 Manila 7Qx!"

func TestBrowserAdminPagesFitAPhone(t *testing.T) {
	axe := axeSource(t)
	svc := startBrowserService(t)
	ctx := newBrowser(t, nil)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(svc.url+"/signin"),
		chromedp.WaitVisible(`input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, "admin@viewer.test"),
		chromedp.SendKeys(`input[name=password]`, "correct horse battery"),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`button[data-profile="Alex"]`),
		chromedp.Click(`button[data-profile="Alex"]`),
		chromedp.WaitVisible(`#row-new`),
	)
	if err != nil {
		t.Fatalf("the admin must sign in: %v", err)
	}
	for _, p := range []string{"/admin", "/admin/licenses", "/admin/ingest", "/admin/jobs", fmt.Sprintf("/admin/titles/%d/artwork", svc.titleID), "/profiles"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(svc.url+p), chromedp.WaitVisible(`h1`)); err != nil {
			where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " :: " + document.body.innerText.slice(0, 300)`))
			t.Fatalf("admin, phone, %s: the page must show its heading: %v (at %s)", p, err, where)
		}
		checkPage(t, ctx, axe, "admin, phone, "+p)
	}
}
