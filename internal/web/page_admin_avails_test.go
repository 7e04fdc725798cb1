package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
)

// upload posts the sheet through the admin form, as a browser does.
func (b *browser) upload(path, csrf, name, sheet string, fields map[string]string) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, sheet)
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path+"?csrf="+csrf, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

const studioCSV = "DisplayName,Territory,WorkType,EntryType,TitleInternalAlias,TitleDisplayUnlimited,ReleaseYear,LicenseType,Start,End,Exclusive,ContentID,AltID,AvailID\n" +
	"//REQ,//REQ,//REQ,//REQ,//Opt,//Opt,//Opt,//REQ,//REQ,//REQ,//Opt,//Cond,//Cond,//Opt\n" +
	"Northlight Pictures,US,Movie,Full Extract,FIRST DANCE,\"First Dance, The\",2019,SVOD,2020-01-01,2021-01-01,Yes,10.5240/7791-8534-2C23-9030-8610-5,ND-1,NL-1\n" +
	"Northlight Pictures,CA,Movie,Full Extract,FIRST DANCE,\"First Dance, The\",2019,SVOD,2020-01-01,2021-01-01,Yes,md:cid:eidr-s:7791-8534-2C23-9030-8610-5,ND-1,NL-2\n" +
	"Northlight Pictures,US,Episode,Full Extract,Dance Academy 1x01,,2019,SVOD,2020-01-01,2021-01-01,Yes,,DA-101,NL-3\n" +
	"Northlight Pictures,US,Movie,Full Extract,FIRST DANCE,\"First Dance, The\",2019,POEST,2019-12-01,ESTStart,No,10.5240/7791-8534-2C23-9030-8610-5,ND-1,NL-4\n"

func TestAdminAvailsUploadShowsTheReport(t *testing.T) {
	vs := newViewerServer(t)
	admin, csrf := adminBrowser(t, vs, "rights@b.test", accounts.RoleAdmin)
	before := countRows(t, vs.srv.DB, "licenses")

	status, page := admin.upload("/admin/avails", csrf, "northlight.csv", studioCSV, map[string]string{"dry_run": "1"})
	if status != http.StatusOK || !strings.Contains(page, "dry run: nothing stored") || !strings.Contains(page, "would have 1 license(s) created") {
		t.Fatalf("a dry run must show what the import would do: %d\n%s", status, page)
	}
	if n := countRows(t, vs.srv.DB, "licenses"); n != before {
		t.Fatalf("a dry run from the admin page must store nothing: %d licenses, %d before", n, before)
	}

	status, page = admin.upload("/admin/avails", csrf, "northlight.csv", studioCSV, nil)
	for _, want := range []string{"1 license(s) created", "Licenses created", "US, CA", "Set aside", "Episode", "pre-order",
		"Titles created (metadata pending)", "First Dance, The", "(2019)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report after an upload must show %q: %d\n%s", want, status, page)
		}
	}
	_, titles := admin.do("GET", "/admin", nil)
	if !strings.Contains(titles, "First Dance, The") || !strings.Contains(titles, "Metadata pending") {
		t.Errorf("the admin titles list must mark the title created from avails as metadata pending:\n%s", titles)
	}

	// The pending title's own "Mark complete" form names it (other forms
	// on the page, such as artwork uploads, name other titles).
	id := titles[:strings.Index(titles, "/complete\"")]
	id = id[strings.LastIndex(id, "/admin/titles/")+len("/admin/titles/"):]
	if status, _ := admin.do("POST", "/admin/titles/"+id+"/complete", url.Values{"csrf": {csrf}}); status != http.StatusOK {
		t.Fatalf("marking the title complete: %d", status)
	}
	if _, titles = admin.do("GET", "/admin", nil); strings.Contains(titles, "Metadata pending") {
		t.Errorf("a title marked complete is no longer metadata pending")
	}

	_, page = admin.upload("/admin/avails", csrf, "northlight.csv", studioCSV, nil)
	if !strings.Contains(page, "0 license(s) created") || !strings.Contains(page, "Rows unchanged: 2") {
		t.Errorf("uploading the same sheet again must change nothing and say so:\n%s", page)
	}

	status, page = admin.upload("/admin/avails", csrf, "bad.csv", strings.Replace(studioCSV, ",CA,", ",XX,", 1), nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "row 4, Territory &#34;XX&#34;") {
		t.Errorf("a wrong sheet must list its bad rows: %d\n%s", status, page)
	}
}
