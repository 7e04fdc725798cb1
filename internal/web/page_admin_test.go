package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
)

// adminBrowser signs in a new user with the given role and returns its
// browser and the CSRF token of its session.
func adminBrowser(t *testing.T, vs *viewerServer, email string, role accounts.Role) (*browser, string) {
	t.Helper()
	if _, err := vs.accounts.AddUser(context.Background(), accounts.NewUser{Email: email, Password: "correct horse battery", Role: role, HomeTerritory: "US"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowserClient(t, vs.url)
	if status, _ := b.do("POST", "/signin", url.Values{"email": {email}, "password": {"correct horse battery"}}); status != http.StatusOK {
		t.Fatalf("sign in as %s: %d", email, status)
	}
	_, page := b.do("GET", "/admin/licenses", nil)
	if role != accounts.RoleAdmin {
		return b, ""
	}
	return b, b.csrf(page)
}

func TestAdminPagesNeedTheAdminRole(t *testing.T) {
	vs := newViewerServer(t)
	status, page := newBrowserClient(t, vs.url).do("GET", "/admin/licenses", nil)
	if status != http.StatusOK || !strings.Contains(page, `name="password"`) {
		t.Errorf("a signed-out visitor of an admin page must be sent to sign in: %d", status)
	}
	viewer, _ := adminBrowser(t, vs, "viewer@b.test", accounts.RoleViewer)
	for _, p := range []string{"/admin", "/admin/licenses", "/admin/ingest", "/admin/jobs"} {
		if status, _ := viewer.do("GET", p, nil); status != http.StatusForbidden {
			t.Errorf("a viewer without the admin role must get 403 from %s, got %d", p, status)
		}
	}
	if status, _ := viewer.do("POST", "/admin/licenses", url.Values{"title_id": {"1"}}); status != http.StatusForbidden {
		t.Errorf("a viewer must not add licenses through the admin form: %d", status)
	}
}

func TestAdminLicensesPage(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	title, err := vs.catalog.CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh",
		Localizations: []catalog.Localization{{Language: "en", Title: "Us and Them"}}})
	if err != nil {
		t.Fatal(err)
	}
	admin, csrf := adminBrowser(t, vs, "admin@b.test", accounts.RoleAdmin)
	count := func() int {
		ls, err := vs.rights.List(ctx, title.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(ls)
	}
	form := func(change func(url.Values)) url.Values {
		v := url.Values{"csrf": {csrf}, "title_id": {strconv.FormatInt(title.ID, 10)}, "licensor": {"Studio"}, "licensee": {"Lineup"},
			"license_type": {"SVOD"}, "territories": {"ZZ"}, "excluded": {"CN"}, "start": {"2018-06-22"}, "exclusive": {"1"}}
		if change != nil {
			change(v)
		}
		return v
	}

	_, page := admin.do("GET", "/admin/licenses", nil)
	if !strings.Contains(page, `<option value="`+strconv.FormatInt(title.ID, 10)+`">Us and Them (后来的我们)</option>`) {
		t.Errorf("the license form must suggest titles by name")
	}
	status, page := admin.do("POST", "/admin/licenses", form(nil))
	if status != http.StatusCreated || !strings.Contains(page, "Added license") || !strings.Contains(page, "ZZ except CN") || count() != 1 {
		t.Fatalf("a good license from the form must be stored and listed: %d, %d stored", status, count())
	}

	for _, c := range []struct {
		what, want string
		change     func(url.Values)
	}{
		{"a window that ends before it starts", "end", func(v url.Values) { v.Set("territories", "JP"); v.Del("excluded"); v.Set("end", "2018-01-01") }},
		{"an unknown territory", "XQ", func(v url.Values) { v.Set("territories", "XQ") }},
		{"a title ID that is not a number", "Title ID must be a number", func(v url.Values) { v.Set("title_id", "us-and-them") }},
	} {
		status, page := admin.do("POST", "/admin/licenses", form(c.change))
		if status != http.StatusBadRequest || !strings.Contains(page, c.want) || !strings.Contains(page, `role="alert"`) {
			t.Errorf("%s must be refused with 400 and a message naming it (%q): %d", c.what, c.want, status)
		}
		if count() != 1 {
			t.Errorf("%s must store nothing: %d licenses", c.what, count())
		}
	}
	if status, _ := admin.do("POST", "/admin/licenses", form(func(v url.Values) { v.Set("csrf", "forged") })); status != http.StatusForbidden || count() != 1 {
		t.Errorf("a form with a forged CSRF token must be refused with 403 and store nothing: %d", status)
	}

	// Another service's license over a country of the exclusive one clashes.
	clash := form(func(v url.Values) {
		v.Set("territories", "FR")
		v.Del("excluded") // CN is not inside FR: an exclusion outside the inclusion is refused
		v.Set("licensee", "Rival Service")
		v.Del("exclusive")
	})
	status, page = admin.do("POST", "/admin/licenses", clash)
	if status != http.StatusConflict || !strings.Contains(page, "conflicts with existing licenses") || !strings.Contains(page, "in FR") || count() != 1 {
		t.Fatalf("a conflicting license must be refused with each clash shown and nothing stored: %d, %d stored", status, count())
	}
	if !strings.Contains(page, `value="FR"`) {
		t.Errorf("a refused form must keep what was typed")
	}
	clash.Set("force", "1")
	status, page = admin.do("POST", "/admin/licenses", clash)
	if status != http.StatusCreated || count() != 2 {
		t.Fatalf("a forced license must be stored: %d, %d stored", status, count())
	}
	if !strings.Contains(page, "Forced over a conflict") || strings.Contains(page, "No license was forced over a conflict") {
		t.Errorf("a forced license and its recorded conflicts must be shown on the licenses page")
	}
}

func TestLicensesComeAPageAtATime(t *testing.T) {
	vs := newViewerServer(t)
	vs.srv.AdminToken = "admin-token-for-tests"
	ctx := context.Background()
	title, err := vs.catalog.CreateTitle(ctx, catalog.Title{OriginalTitle: "Many windows", OriginalLanguage: "en"})
	if err != nil {
		t.Fatal(err)
	}
	// 105 one-year windows, one after another, in one country.
	for i := range 105 {
		l := rights.License{TitleID: title.ID, Licensor: "Studio", Licensee: "Lineup", Type: rights.SVOD, Territories: []string{"US"},
			Start: rights.DateMoment(1900+i, 1, 1), End: rights.DateMoment(1901+i, 1, 1)}
		if _, _, err := vs.rights.Add(ctx, l, false); err != nil {
			t.Fatal(err)
		}
	}
	admin, _ := adminBrowser(t, vs, "admin@b.test", accounts.RoleAdmin)
	_, page := admin.do("GET", "/admin/licenses", nil)
	if !strings.Contains(page, "1900-01-01 – 1901-01-01") || !strings.Contains(page, "Next licenses") {
		t.Fatalf("the licenses page must show a page and link to the next")
	}
	if strings.Contains(page, "2004-01-01 – 2005-01-01") {
		t.Errorf("the first page of the licenses page must not hold the 105th license")
	}
	next := page[strings.Index(page, `/admin/licenses?cursor=`):]
	next = next[:strings.Index(next, `"`)]
	if _, page2 := admin.do("GET", next, nil); !strings.Contains(page2, "2004-01-01 – 2005-01-01") || strings.Contains(page2, "Next licenses") {
		t.Errorf("the second page must hold the last licenses and no further link")
	}

	var seen int
	cursor := ""
	for range 10 {
		resp, body := get(t, vs.url+"/api/v1/licenses?title="+strconv.FormatInt(title.ID, 10)+"&limit=40&cursor="+cursor, map[string]string{"Authorization": "Bearer admin-token-for-tests"})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("list licenses: %d %s", resp.StatusCode, body)
		}
		var p struct {
			Licenses   []rights.License `json:"licenses"`
			NextCursor string           `json:"next_cursor"`
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Licenses) > 40 {
			t.Fatalf("a page of the API holds at most limit licenses, got %d", len(p.Licenses))
		}
		seen += len(p.Licenses)
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if seen != 105 {
		t.Errorf("following next_cursor must reach every license once: saw %d of 105", seen)
	}
	for _, bad := range []string{"limit=0", "limit=1001", "cursor=-1", "cursor=abc"} {
		resp, body := get(t, vs.url+"/api/v1/licenses?"+bad, map[string]string{"Authorization": "Bearer admin-token-for-tests"})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "must be") {
			t.Errorf("a bad %s must get 400 saying what is wrong, got %d %s", bad, resp.StatusCode, body)
		}
	}
}
