package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

const adminToken = "test-admin-token"

// testServer is a Lineup API over a fresh database.
type testServer struct {
	t   *testing.T
	url string
	db  *store.DB
	srv *Server
}

func newTestServer(t *testing.T, db *store.DB) *testServer {
	t.Helper()
	s, err := New(Deps{
		Log:              slog.New(slog.NewTextHandler(io.Discard, nil)),
		DB:               db,
		Catalog:          catalog.New(db),
		Rights:           rights.New(db, rights.Config{Licensee: "Lineup"}),
		AdminToken:       adminToken,
		ServiceName:      "Lineup",
		MaxBodyBytes:     64 << 10,
		DefaultTerritory: "US",
		AvailsLicensor:   "Test licensor",
		Licensee:         "Lineup",
	})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewServer(checkAPI(t, s))
	t.Cleanup(ts.Close)
	return &testServer{t: t, url: ts.URL, db: db, srv: s}
}

// do sends a request and decodes a JSON answer into out (when not nil).
func (ts *testServer) do(method, path string, body any, admin bool, out any) int {
	ts.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, ts.url+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if admin {
		req.Header.Set("Authorization", "Bearer "+adminToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		ts.t.Errorf("%s %s: errors must be application/problem+json, got %q", method, path, resp.Header.Get("Content-Type"))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			ts.t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return resp.StatusCode
}

func (ts *testServer) addTitle(original string) int64 {
	ts.t.Helper()
	var t catalog.Title
	code := ts.do("POST", "/api/v1/titles", map[string]any{
		"original_title": original, "original_language": "zh", "year": 2018,
		"localizations": []map[string]string{{"language": "en", "title": "Us and Them"}},
	}, true, &t)
	if code != http.StatusCreated {
		ts.t.Fatalf("POST /api/v1/titles: status %d", code)
	}
	return t.ID
}

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAvailabilityThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		id := ts.addTitle("后来的我们")
		var created map[string]any
		code := ts.do("POST", "/api/v1/licenses", map[string]any{
			"title_id": id, "licensor": "Rights holder", "licensee": "Lineup", "license_type": "SVOD",
			"territories": []string{"ZZ"}, "excluded_territories": []string{"CN"}, "start": "2018-06-22",
			"exclusive": true, "original_branding": true,
		}, true, &created)
		if code != http.StatusCreated {
			t.Fatalf("an admin adds a license: want 201, got %d %v", code, created)
		}
		cases := []struct {
			territory, at string
			want          bool
			rule          string
		}{
			{"PH", "2018-06-21T15:59:59Z", false, "a date-only start is local midnight in Manila: one second before, not yet"},
			{"PH", "2018-06-21T16:00:00Z", true, "a date-only start opens at 00:00 Asia/Manila"},
			{"US", "2018-06-22T03:59:59Z", false, "in New York the same date opens later"},
			{"US", "2018-06-22T04:00:00Z", true, "a date-only start opens at 00:00 America/New_York"},
			{"CN", "2020-01-01T00:00:00Z", false, "a territory excluded from ZZ is not covered"},
			{"FR", "2030-01-01T00:00:00Z", true, "an open end never closes"},
		}
		for _, c := range cases {
			var a struct {
				Available bool   `json:"available"`
				LicenseID int64  `json:"license_id"`
				StartsAt  string `json:"starts_at"`
			}
			path := "/api/v1/availability?title=" + itoa(id) + "&territory=" + c.territory + "&at=" + c.at
			if code := ts.do("GET", path, nil, false, &a); code != http.StatusOK {
				t.Fatalf("GET %s: %d", path, code)
			}
			if a.Available != c.want {
				t.Errorf("%s (%s at %s): available=%v", c.rule, c.territory, c.at, a.Available)
			}
		}
	})
}

func TestConflictRefusedWith409AndNothingStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		id := ts.addTitle("后来的我们")
		base := map[string]any{"title_id": id, "licensor": "Rights holder", "license_type": "SVOD",
			"territories": []string{"ZZ"}, "start": "2018-06-22", "exclusive": true}
		first := clone(base, "licensee", "Lineup")
		if code := ts.do("POST", "/api/v1/licenses", first, true, nil); code != http.StatusCreated {
			t.Fatalf("first license: %d", code)
		}
		before := countRows(t, db, "licenses")
		var p Problem
		second := clone(base, "licensee", "Other service")
		second["territories"] = []string{"PH"}
		if code := ts.do("POST", "/api/v1/licenses", second, true, &p); code != http.StatusConflict {
			t.Fatalf("an exclusive overlap must be refused with 409, got %d", code)
		}
		conflicts, _ := p.Conflicts.([]any)
		if len(conflicts) == 0 {
			t.Fatalf("the 409 must list each conflict: %+v", p)
		}
		c := conflicts[0].(map[string]any)
		if c["territory"] != "PH" || c["kind"] != "exclusivity" {
			t.Errorf("the conflict must name its territory and kind: %v", c)
		}
		if after := countRows(t, db, "licenses"); after != before {
			t.Errorf("a refused license must store nothing: %d licenses before, %d after", before, after)
		}
		second["force"] = true
		if code := ts.do("POST", "/api/v1/licenses", second, true, nil); code != http.StatusCreated {
			t.Fatalf("a forced conflict is stored: %d", code)
		}
		var recorded struct {
			Conflicts []rights.Conflict `json:"conflicts"`
		}
		ts.do("GET", "/api/v1/conflicts?title="+itoa(id), nil, true, &recorded)
		if len(recorded.Conflicts) == 0 {
			t.Errorf("a forced conflict must be recorded and shown")
		}
	})
}

func clone(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

func TestBadInputIsNamedAndChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		id := ts.addTitle("后来的我们")
		good := map[string]any{"title_id": id, "licensor": "R", "licensee": "Lineup", "license_type": "SVOD",
			"territories": []string{"US"}, "start": "2018-06-22"}
		cases := []struct {
			name   string
			body   any
			status int
			field  string
			value  string
		}{
			{"unknown territory code", clone(good, "territories", []string{"XX"}), 400, "territories", "XX"},
			{"a country name is not a code", clone(good, "territories", []string{"China"}), 400, "territories", "China"},
			{"window ends before it starts", clone(good, "end", "2018-06-01"), 400, "end", ""},
			{"unknown title", clone(good, "title_id", 999999), 400, "title_id", ""},
			{"malformed date", clone(good, "start", "22/06/2018"), 400, "", ""},
			{"unknown license type", clone(good, "license_type", "Cinema"), 400, "", ""},
			{"not JSON", "{not json", 400, "body", ""},
			{"oversized body", `{"licensor":"` + strings.Repeat("x", 70<<10) + `"}`, 413, "", ""},
		}
		before := countRows(t, db, "licenses")
		for _, c := range cases {
			var p Problem
			code := ts.do("POST", "/api/v1/licenses", c.body, true, &p)
			if code != c.status {
				t.Errorf("%s: want %d, got %d (%+v)", c.name, c.status, code, p)
				continue
			}
			if c.field != "" && p.Field != c.field {
				t.Errorf("%s: the error must name the field %q, got %q (%s)", c.name, c.field, p.Field, p.Detail)
			}
			if c.value != "" && !strings.Contains(p.Detail+p.Value, c.value) {
				t.Errorf("%s: the error must name the value %q: %+v", c.name, c.value, p)
			}
			if p.Detail == "" {
				t.Errorf("%s: the error must say what was wrong", c.name)
			}
		}
		if after := countRows(t, db, "licenses"); after != before {
			t.Errorf("bad input must store nothing: %d licenses before, %d after", before, after)
		}
		var p Problem
		if code := ts.do("GET", "/api/v1/availability?title="+itoa(id)+"&territory=XX", nil, false, &p); code != 400 || p.Field != "territory" {
			t.Errorf("an unknown territory in a query gets 400 naming it: %d %+v", code, p)
		}
		if code := ts.do("GET", "/api/v1/availability?title="+itoa(id)+"&at=yesterday", nil, false, &p); code != 400 || p.Field != "at" {
			t.Errorf("a malformed instant gets 400 naming it: %d %+v", code, p)
		}
		if code := ts.do("GET", "/api/v1/titles/424242", nil, false, &p); code != 404 {
			t.Errorf("an unknown title gets 404: %d", code)
		}
	})
}

func TestWritesNeedTheAdminToken(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t))
	body := map[string]any{"original_title": "x", "original_language": "en"}
	if code := ts.do("POST", "/api/v1/titles", body, false, nil); code != http.StatusUnauthorized {
		t.Errorf("a write without a token must get 401, got %d", code)
	}
	req, _ := http.NewRequest("POST", ts.url+"/api/v1/titles", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a write with a wrong token must get 403, got %d", resp.StatusCode)
	}
	if n := countRows(t, ts.db, "titles"); n != 0 {
		t.Errorf("a refused write must store nothing, found %d titles", n)
	}
}

func TestLineupRowsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		now := ts.addTitle("now")
		soon := ts.addTitle("soon")
		leaving := ts.addTitle("leaving")
		add := func(title int64, start, end string) {
			l := map[string]any{"title_id": title, "licensor": "R", "licensee": "Lineup", "license_type": "SVOD",
				"territories": []string{"US"}, "start": start}
			if end != "" {
				l["end"] = end
			}
			if code := ts.do("POST", "/api/v1/licenses", l, true, nil); code != 201 {
				t.Fatalf("license: %d", code)
			}
		}
		add(now, "2026-01-01", "")
		add(soon, "2026-04-01", "")
		add(leaving, "2026-01-01", "2026-03-20")
		var l rights.Lineup
		if code := ts.do("GET", "/api/v1/lineup?territory=US&at="+at.Format(time.RFC3339), nil, false, &l); code != 200 {
			t.Fatalf("lineup: %d", code)
		}
		if !hasTitle(l.AvailableNow, now) || !hasTitle(l.AvailableNow, leaving) || hasTitle(l.AvailableNow, soon) {
			t.Errorf("available now must hold the open windows only: %+v", l.AvailableNow)
		}
		if !hasTitle(l.ComingSoon, soon) || l.ComingSoon.Items[0].StartDate != "2026-04-01" {
			t.Errorf("coming soon must hold the title that opens on 2026-04-01 with its local date: %+v", l.ComingSoon)
		}
		if !hasTitle(l.LeavingSoon, leaving) || l.LeavingSoon.Items[0].LastDay != "2026-03-19" {
			t.Errorf("leaving soon must hold the title whose last day is 2026-03-19: %+v", l.LeavingSoon)
		}
	})
}

func hasTitle(r rights.Row, id int64) bool {
	for _, it := range r.Items {
		if it.TitleID == id {
			return true
		}
	}
	return false
}

func TestHealthReadyAndMetrics(t *testing.T) {
	ts := newTestServer(t, storetest.SQLite(t))
	if code := ts.do("GET", "/healthz", nil, false, nil); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	var ready map[string]any
	if code := ts.do("GET", "/readyz", nil, false, &ready); code != 200 {
		t.Errorf("/readyz on a migrated database must be 200, got %d %v", code, ready)
	}
	ops := httptest.NewServer(ts.srv.Ops())
	defer ops.Close()
	resp, err := http.Get(ops.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `lineup_http_requests_total{code="200",method="GET",route="/healthz"}`) {
		t.Errorf("/metrics must count requests by route:\n%.500s", body)
	}
}

func TestReadyzRefusesAnUnmigratedDatabase(t *testing.T) {
	db, err := store.Open(context.Background(), t.TempDir()+"/raw.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ts := newTestServer(t, db)
	if code := ts.do("GET", "/readyz", nil, false, nil); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with pending migrations must be 503, got %d", code)
	}
}

// TestOpenAPIListsEveryRoute keeps the OpenAPI document in step with the
// route table, both ways.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("the document must be OpenAPI 3.1, says %q", doc.OpenAPI)
	}
	s := &Server{}
	inTable := map[string]bool{}
	for _, r := range s.routes() {
		if r.page {
			continue
		}
		pattern := strings.ReplaceAll(r.pattern, "...}", "}") // OpenAPI has no wildcard segments
		key := strings.ToLower(r.method) + " " + pattern
		inTable[key] = true
		if _, ok := doc.Paths[pattern][strings.ToLower(r.method)]; !ok {
			t.Errorf("route %s %s is missing from openapi.json", r.method, r.pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			if !inTable[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which no route serves", strings.ToUpper(method), path)
			}
		}
	}
}
