package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
)

func TestAdminLicenseEditPage(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	title, err := vs.catalog.CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh"})
	if err != nil {
		t.Fatal(err)
	}
	m := func(s string) rights.Moment { v, _ := rights.ParseMoment(s); return v }
	ours, _, err := vs.rights.Add(ctx, rights.License{TitleID: title.ID, Licensor: "Studio", Licensee: "Lineup", Type: rights.SVOD,
		Territories: []string{"FR"}, Start: m("2018-06-22"), End: m("2019-06-22"), Exclusive: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	rival, _, err := vs.rights.Add(ctx, rights.License{TitleID: title.ID, Licensor: "Studio", Licensee: "Rival", Type: rights.SVOD,
		Territories: []string{"BE"}, Start: m("2019-01-01"), Exclusive: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	admin, csrf := adminBrowser(t, vs, "ana@b.test", accounts.RoleAdmin)
	path := fmt.Sprintf("/admin/licenses/%d", ours.ID)
	status, page := admin.do("GET", path, nil)
	if status != http.StatusOK || !strings.Contains(page, `value="FR"`) || !strings.Contains(page, "<td>created</td>") {
		t.Fatalf("the license page shows an edit form with the current terms and the history: %d", status)
	}
	if _, list := admin.do("GET", "/admin/licenses", nil); !strings.Contains(list, `href="`+path+`"`) {
		t.Errorf("the license list links each license to its page")
	}
	form := func(action string, change func(url.Values)) url.Values {
		v := url.Values{"csrf": {csrf}, "action": {action}, "territories": {"FR"}, "start": {"2018-06-22"}, "end": {"2019-06-22"}, "exclusive": {"1"}}
		if change != nil {
			change(v)
		}
		return v
	}
	addBE := func(v url.Values) { v.Set("territories", "FR, BE"); v.Set("reason", "Belgium added") }
	version := func() int64 {
		l, err := vs.rights.Get(ctx, ours.ID)
		if err != nil {
			t.Fatal(err)
		}
		return l.Version
	}

	status, page = admin.do("POST", path, form("check", addBE))
	if status != http.StatusOK || !strings.Contains(page, "would conflict") || !strings.Contains(page, fmt.Sprintf("license %d in BE", rival.ID)) || version() != 1 {
		t.Errorf("check shows the conflicts the change would make, before saving anything: %d v%d", status, version())
	}
	if !strings.Contains(page, `value="FR, BE"`) {
		t.Errorf("the checked form keeps what was typed")
	}
	status, page = admin.do("POST", path, form("save", addBE))
	if status != http.StatusConflict || !strings.Contains(page, "would conflict") || version() != 1 {
		t.Errorf("save of a conflicting change shows the conflicts and saves nothing: %d v%d", status, version())
	}
	status, page = admin.do("POST", path, form("save", func(v url.Values) { addBE(v); v.Set("force", "1") }))
	if status != http.StatusOK || !strings.Contains(page, "now version 2") || version() != 2 {
		t.Errorf("a forced save is stored: %d v%d", status, version())
	}
	status, page = admin.do("POST", path, url.Values{"csrf": {csrf}, "action": {"terminate"}, "end": {"2019-01-01"}, "reason": {"breach"}})
	if status != http.StatusOK || !strings.Contains(page, "now ends 2019-01-01") {
		t.Errorf("terminate from the page: %d", status)
	}
	status, page = admin.do("POST", path, url.Values{"csrf": {csrf}, "action": {"withdraw"}})
	if status != http.StatusBadRequest || !strings.Contains(page, "reason") || !strings.Contains(page, `role="alert"`) {
		t.Errorf("withdraw without a reason is refused, saying so: %d", status)
	}
	status, page = admin.do("POST", path, url.Values{"csrf": {csrf}, "action": {"withdraw"}, "reason": {"signed in error"}})
	if status != http.StatusOK || !strings.Contains(page, `data-status="withdrawn"`) || strings.Contains(page, `value="terminate"`) {
		t.Errorf("after withdrawing, the page shows it withdrawn and offers no more changes: %d", status)
	}
	for _, want := range []string{"<td>amended</td>", "<td>terminated</td>", "<td>withdrawn</td>", "<td>ana@b.test</td>", "<td>breach</td>", "<td>signed in error</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the history shows %s", want)
		}
	}
	if status, _ := admin.do("POST", path, url.Values{"csrf": {"forged"}, "action": {"withdraw"}, "reason": {"x"}}); status != http.StatusForbidden {
		t.Errorf("a forged CSRF token is refused: %d", status)
	}
}
