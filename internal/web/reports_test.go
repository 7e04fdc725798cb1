package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestReportsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		a := ts.addTitle("后来的我们")
		b := ts.addTitle("Other")
		for _, l := range []map[string]any{
			{"title_id": a, "territories": []string{"FR", "DE"}, "start": "2018-01-01", "end": "2018-08-01"},
			{"title_id": b, "territories": []string{"FR"}, "start": "2018-01-01", "end": "2019-01-01"},
		} {
			l["licensor"], l["licensee"], l["license_type"] = "Studio", "Lineup", "SVOD"
			if code := ts.do("POST", "/api/v1/licenses", l, true, nil); code != http.StatusCreated {
				t.Fatalf("add: %d", code)
			}
		}
		var exp struct {
			Items []struct {
				TitleID   int64  `json:"title_id"`
				Title     string `json:"title"`
				Territory string `json:"territory"`
				LastDay   string `json:"last_day"`
			}
		}
		if code := ts.do("GET", "/api/v1/reports/expiring?within=90d&territory=FR&at=2018-06-01T00:00:00Z", nil, true, &exp); code != http.StatusOK ||
			len(exp.Items) != 1 || exp.Items[0].TitleID != a || exp.Items[0].Title != "后来的我们" || exp.Items[0].LastDay != "2018-07-31" {
			t.Errorf("within 90 days of 1 June, only 后来的我们 leaves France, last day 31 July: %d %+v", code, exp)
		}
		var p Problem
		if code := ts.do("GET", "/api/v1/reports/expiring?within=soon", nil, true, &p); code != http.StatusBadRequest || p.Field != "within" {
			t.Errorf("a bad within is named: %d %+v", code, p)
		}
		if code := ts.do("GET", "/api/v1/reports/expiring?within=90d&territory=UK", nil, true, &p); code != http.StatusBadRequest || !strings.Contains(p.Detail, "GB") {
			t.Errorf("UK suggests GB: %d %+v", code, p)
		}
		if code := ts.do("GET", "/api/v1/reports/expiring?within=90d", nil, false, nil); code != http.StatusUnauthorized {
			t.Errorf("reports need the admin role: %d", code)
		}

		get := func(path, accept string) (*http.Response, []byte) {
			req, _ := http.NewRequest("GET", ts.url+path, nil)
			req.Header.Set("Authorization", "Bearer "+adminToken)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp, body
		}
		resp, body := get("/api/v1/reports/windows?format=csv", "")
		recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || err != nil || len(recs) != 4 {
			t.Fatalf("the windows CSV has a header and one line per window: %d %q %v %q", resp.StatusCode, resp.Header.Get("Content-Type"), err, recs)
		}
		if strings.Join(recs[0], ",") != strings.Join(windowsColumns, ",") || recs[1][1] != "后来的我们" || recs[1][2] != "DE" || recs[1][6] != "2018-01-01" || recs[1][7] != "2018-07-31" {
			t.Errorf("CSV columns and values: %q", recs)
		}
		resp, body = get("/api/v1/reports/windows?territory=FR", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("Accept picks xlsx: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		cells := readXLSX(t, body)
		if len(cells) != 3 || cells[1][2] != "FR" || cells[2][1] != "Other" {
			t.Errorf("the xlsx holds the FR windows: %q", cells)
		}
		var js struct{ Windows []map[string]any }
		if code := ts.do("GET", "/api/v1/reports/windows?title="+itoa(b), nil, true, &js); code != http.StatusOK || len(js.Windows) != 1 || js.Windows[0]["last_day"] != "2018-12-31" {
			t.Errorf("JSON by default, filtered by title: %d %+v", code, js)
		}
		if code := ts.do("GET", "/api/v1/reports/windows?format=pdf", nil, true, &p); code != http.StatusBadRequest || p.Field != "format" {
			t.Errorf("an unknown format is named: %d", code)
		}
	})
}
