package web

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/editorial"
	"github.com/lineup/lineup/internal/store/storetest"
)

// TestReadRoutesAnswerAsDocumented reads every route a bare API server
// answers with its box office and stories but without media, search or play counts, so that each success
// answer's schema in openapi.json is checked (by checkAPI) at least once
// here, not only the routes other tests happen to reach.
func TestReadRoutesAnswerAsDocumented(t *testing.T) {
	db := storetest.SQLite(t)
	ts := newTestServer(t, db)
	ts.srv.BoxOffice = charts.NewBoxOffice(db, charts.Config{})
	ts.srv.Editorial = editorial.New(db, catalog.New(db))
	id := ts.addTitle("后来的我们")
	for _, path := range []string{
		"/healthz", "/readyz", "/api/v1/openapi.json", "/api/v1/territories",
		"/api/v1/titles?limit=1", fmt.Sprintf("/api/v1/titles/%d", id),
		fmt.Sprintf("/api/v1/availability?title=%d&territory=FR", id), "/api/v1/lineup?territory=FR",
		fmt.Sprintf("/api/v1/titles/%d/boxoffice", id),
		"/api/v1/records?territory=CN", fmt.Sprintf("/api/v1/titles/%d/stories", id),
	} {
		resp, err := http.Get(ts.url + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s must answer 200 here (its success schema is what this test checks), got %d", path, resp.StatusCode)
		}
	}
	for _, path := range []string{"/api/v1/licenses", "/api/v1/conflicts", "/api/v1/reports/expiring?within=90d", "/api/v1/reports/windows", "/api/v1/avails?format=csv"} {
		if code := ts.do("GET", path, nil, true, nil); code != http.StatusOK {
			t.Errorf("GET %s must answer 200 to the admin, got %d", path, code)
		}
	}
}
