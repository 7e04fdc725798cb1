package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/locale"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/rights/avails"
)

// TestAdminPagesSpeakTheViewersLanguage: every admin page, and what its
// forms answer, is in the administrator's script with no English in its
// content but the trade's codes (license types, territory codes).
func TestAdminPagesSpeakTheViewersLanguage(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	title, err := vs.catalog.CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh",
		Localizations: []catalog.Localization{{Language: "zh", Title: "后来的我们"}}})
	if err != nil {
		t.Fatal(err)
	}
	// The viewer server's other titles keep their English names; file
	// formats and license types read the same in every language.
	allowed := []string{"后来的我们", "Adult film", "Unfinished film", "Studio", "Lineup", "SVDO", "Theatrical", "PayTV", "FreeTV", "IANA", "America/Toronto"}
	for _, lt := range rights.LicenseTypes {
		allowed = append(allowed, string(lt))
	}
	for w := range notWords {
		allowed = append(allowed, w)
	}
	for _, tc := range []struct {
		accept, tag string
		want        []string
	}{
		{"zh-CN,zh;q=0.9", "zh-Hans", []string{"授权", "导入影片", "编码任务", "导入片源表", "已添加授权", "这项授权与现有授权冲突", "影片中的画面", "变更记录",
			"开始：日期“2018/06/22”格式有误", "未知的授权类型“SVDO”", "期限在开始之前就结束了"}},
		{"zh-TW,zh;q=0.9", "zh-Hant", []string{"授權", "匯入影片", "編碼工作", "匯入片源表", "已新增授權", "這項授權與現有授權衝突", "影片中的畫面", "變更紀錄",
			"開始：日期「2018/06/22」格式有誤", "未知的授權類型「SVDO」", "期間在開始之前就結束了"}},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			email := "admin-" + strings.ToLower(tc.tag) + "@b.test"
			admin, csrf := adminBrowser(t, vs, email, accounts.RoleAdmin)
			allowed := append([]string{email}, allowed...) // the actor of a license's history
			admin.header["Accept-Language"] = tc.accept
			seen := ""
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
			id := strconv.FormatInt(title.ID, 10)
			for _, p := range []string{"/admin", "/admin/licenses", "/admin/ingest", "/admin/avails", "/admin/titles/" + id + "/artwork"} {
				s, page := admin.do("GET", p, nil)
				check(p, s, 200, page)
			}
			// This server has no media service: the jobs page is rendered
			// from its rows.
			req := httptest.NewRequest("GET", "/admin/jobs", nil)
			req.Header.Set("Accept-Language", tc.accept)
			rec := httptest.NewRecorder()
			loc := vs.srv.localeOf(req)
			names, _ := json.Marshal(map[string]string{"ready": loc.T("ready")})
			err := vs.srv.render(rec, 200, "admin", vs.srv.page(req, loc.T("Jobs"), "admin", adminPage{Tab: "jobs", StateNames: string(names),
				Assets: []adminAsset{{ID: 1, Title: "后来的我们", State: "failed", Progress: 40, Error: ""}, {ID: 2, Title: "后来的我们", State: "ready", Progress: 100}}}))
			if err != nil {
				t.Fatal(err)
			}
			check("the jobs page", rec.Code, 200, rec.Body.String())
			add := url.Values{"csrf": {csrf}, "title_id": {id}, "licensor": {"Studio"}, "licensee": {"Lineup"},
				"license_type": {"SVOD"}, "territories": {"US"}, "excluded": {""}, "start": {"2018-06-22"}, "exclusive": {"1"}}
			if tc.tag == "zh-Hant" {
				add.Set("territories", "CA")
			}
			s, page := admin.do("POST", "/admin/licenses", add)
			check("an added license", s, http.StatusCreated, page)
			add.Set("licensee", "Studio") // another licensee, in the same territory
			s, page = admin.do("POST", "/admin/licenses", add)
			check("a license refused for a conflict", s, http.StatusConflict, page)
			s, page = admin.do("POST", "/admin/licenses", url.Values{"csrf": {csrf}, "title_id": {"x"}})
			check("a license refused for its title ID", s, http.StatusBadRequest, page)
			bad := url.Values{}
			for k, v := range add {
				bad[k] = v
			}
			bad.Set("start", "2018/06/22")
			s, page = admin.do("POST", "/admin/licenses", bad)
			check("a license refused for its start date", s, http.StatusBadRequest, page)
			bad.Set("start", "2018-06-22")
			bad.Set("license_type", "SVDO")
			s, page = admin.do("POST", "/admin/licenses", bad)
			check("a license refused for its type", s, http.StatusBadRequest, page)
			bad.Set("license_type", "SVOD")
			bad.Set("end", "2018-01-01")
			s, page = admin.do("POST", "/admin/licenses", bad)
			check("a license refused for its window", s, http.StatusBadRequest, page)
			ls, err := vs.rights.List(ctx, title.ID)
			if err != nil || len(ls) == 0 {
				t.Fatal(err)
			}
			lid := strconv.FormatInt(ls[len(ls)-1].ID, 10)
			s, page = admin.do("GET", "/admin/licenses/"+lid, nil)
			check("a license's page", s, 200, page)
			s, page = admin.do("POST", "/admin/licenses/"+lid, url.Values{"csrf": {csrf}, "action": {"check"}, "territories": {add.Get("territories")}, "start": {"2018-06-22"}, "exclusive": {"1"}})
			check("a check of an amendment", s, 200, page)
			for _, w := range tc.want {
				if !strings.Contains(seen, w) {
					t.Errorf("the admin pages in %s must say %q", tc.tag, w)
				}
			}
		})
	}
}

// TestAdminWordsAreTranslated: the words the admin pages take from other
// packages (encode states, conflict kinds, statuses, changes) and the
// avails summary are in the catalogue, and the English summary is the one
// the API and CLI print.
func TestAdminWordsAreTranslated(t *testing.T) {
	var keys []string
	for _, s := range encodeStates {
		keys = append(keys, string(s))
	}
	keys = append(keys, licenseWords...)
	for _, k := range keys {
		if !locale.Known(k) {
			t.Errorf("the admin pages show %q, which has no Chinese translation", k)
		}
	}
	c, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, dry := range []bool{false, true} {
		r := &avails.Report{DryRun: dry, Created: make([]avails.LicenseChange, 2), Unchanged: 3}
		if got := availsSummary(c.For(locale.English), r); got != r.Summary() {
			t.Errorf("the English avails summary must be the report's own: %q, want %q", got, r.Summary())
		}
		if got := availsSummary(c.For(locale.Traditional), r); !strings.Contains(got, "新建授權 2 項") {
			t.Errorf("the avails summary must be translated: %q", got)
		}
	}
}
