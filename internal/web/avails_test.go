package web

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

const availsHeader = "DisplayName,Licensee,Territory,WorkType,EntryType,TitleInternalAlias,LicenseType,Start,End,Exclusive,BrandingRights,ContentID,AvailID\n"

func (ts *testServer) post(path, contentType, body string) (int, string) {
	ts.t.Helper()
	req, _ := http.NewRequest("POST", ts.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAvailsImportExportThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		ts.addTitle("后来的我们")
		sheet := availsHeader +
			"Studio,Lineup,PH,Movie,Full Extract,后来的我们,SVOD,2018-06-22,Open,Yes,Yes,,A1\n" +
			"Studio,Lineup,US,Movie,Full Extract,后来的我们,SVOD,2018-06-22,Open,Yes,Yes,,A2\n"
		code, body := ts.post("/api/v1/avails?format=csv", "text/csv", sheet)
		if code != http.StatusCreated || !strings.Contains(body, `"territories":["PH","US"]`) || !strings.Contains(body, `"avail_ids":["A1","A2"]`) {
			t.Fatalf("two rows of one grant import as one license with two territories, and the report says so: %d %s", code, body)
		}
		code, body = ts.post("/api/v1/avails?format=csv", "text/csv", sheet)
		if code != http.StatusOK || !strings.Contains(body, `"created":[]`) || !strings.Contains(body, `"unchanged":2`) {
			t.Fatalf("the same sheet again must change nothing and report its rows unchanged: %d %s", code, body)
		}
		newTitle := availsHeader + "Studio,Lineup,PH,Movie,Full Extract,Another Film,SVOD,2018-06-22,Open,No,No,md:cid:eidr-s:7791-8534-2C23-9030-8610-5,C1\n"
		code, body = ts.post("/api/v1/avails?format=csv&dry_run=1", "text/csv", newTitle)
		if code != http.StatusOK || !strings.Contains(body, `"dry_run":true`) || !strings.Contains(body, `"name":"Another Film"`) || countRows(t, db, "titles") != 1 {
			t.Fatalf("a dry run reports the title it would create and stores nothing: %d %s", code, body)
		}
		req, _ := http.NewRequest("GET", ts.url+"/api/v1/avails?format=csv", nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		exported, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(exported), "PH") || !strings.Contains(string(exported), "US") {
			t.Fatalf("export must write one row per territory: %d\n%s", resp.StatusCode, exported)
		}

		before := countRows(t, db, "licenses")
		bad := availsHeader +
			"Studio,Lineup,XX,Movie,Full Extract,后来的我们,SVOD,2018-06-22,Open,No,No,,B1\n" +
			"Studio,Lineup,FR,Movie,Full Extract,后来的我们,SVOD,22/06/2018,Open,No,No,,B2\n" +
			"Studio,Lineup,DE,Movie,Full Extract,后来的我们,SVOD,2018-06-22,2018-06-01,No,No,,B3\n"
		var p struct {
			Problem
			Problems []struct {
				Row    int    `json:"row"`
				Column string `json:"column"`
			} `json:"problems"`
		}
		if code := ts.do("POST", "/api/v1/avails?format=csv", bad, true, &p); code != http.StatusUnprocessableEntity {
			t.Fatalf("a sheet with bad rows must be refused with 422, got %d", code)
		}
		cols := map[string]bool{}
		for _, pr := range p.Problems {
			cols[pr.Column] = true
		}
		if len(p.Problems) != 3 || !cols["Territory"] || !cols["Start"] || !cols["End"] {
			t.Errorf("every bad row must be reported with its row and column: %+v", p.Problems)
		}
		if after := countRows(t, db, "licenses"); after != before {
			t.Errorf("a sheet with bad rows imports nothing: %d licenses before, %d after", before, after)
		}
		code, body = ts.post("/api/v1/avails?filename=avails.xlsx", "application/octet-stream", "\x89PNG\r\n\x1a\nnot a sheet")
		if code != http.StatusBadRequest || !strings.Contains(body, "spreadsheet") {
			t.Errorf("a file that is not a spreadsheet must be refused saying so: %d %s", code, body)
		}
	})
}
