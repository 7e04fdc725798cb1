package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestLicenseLifecycleThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		id := ts.addTitle("后来的我们")
		var created struct{ License rights.License }
		if code := ts.do("POST", "/api/v1/licenses", map[string]any{
			"title_id": id, "licensor": "Studio", "licensee": "Lineup", "license_type": "SVOD",
			"territories": []string{"FR"}, "start": "2018-06-22", "end": "2019-06-22", "exclusive": true,
		}, true, &created); code != http.StatusCreated {
			t.Fatalf("add: %d", code)
		}
		lid := created.License.ID
		path := fmt.Sprintf("/api/v1/licenses/%d", lid)
		rival := map[string]any{"title_id": id, "licensor": "Studio", "licensee": "Rival", "license_type": "SVOD",
			"territories": []string{"BE"}, "start": "2019-01-01", "exclusive": true}
		if code := ts.do("POST", "/api/v1/licenses", rival, true, nil); code != http.StatusCreated {
			t.Fatalf("add rival: %d", code)
		}
		availableIn := func(territory, at, asOf string) bool {
			t.Helper()
			q := url.Values{"title": {fmt.Sprint(id)}, "territory": {territory}, "at": {at}}
			if asOf != "" {
				q.Set("as_of", asOf)
			}
			var a rights.Availability
			if code := ts.do("GET", "/api/v1/availability?"+q.Encode(), nil, false, &a); code != http.StatusOK {
				t.Fatalf("availability: %d", code)
			}
			return a.Available
		}

		// PATCH only what changes; a clash with the rival's BE window is 409.
		var problem Problem
		if code := ts.do("PATCH", path, map[string]any{"territories": []string{"FR", "BE"}, "reason": "Belgium added"}, true, &problem); code != http.StatusConflict || len(problem.Conflicts.([]any)) != 1 {
			t.Fatalf("an amendment that conflicts must be refused with 409 listing the conflict: %d %+v", code, problem)
		}
		var checked struct{ Conflicts []rights.Conflict }
		if code := ts.do("POST", path+"/check", map[string]any{"territories": []string{"FR", "BE"}}, true, &checked); code != http.StatusOK || len(checked.Conflicts) != 1 || checked.Conflicts[0].Territory != "BE" {
			t.Errorf("check shows the conflicts an amendment would make: %d %+v", code, checked)
		}
		var amended struct {
			License   rights.License
			Conflicts []rights.Conflict
			Changed   bool
		}
		if code := ts.do("PATCH", path, map[string]any{"end": "2020-06-22", "reason": "renewed"}, true, &amended); code != http.StatusOK ||
			amended.License.Version != 2 || amended.License.End.Date != "2020-06-22" || !amended.Changed || amended.License.Territories[0] != "FR" {
			t.Fatalf("PATCH changes the fields sent and keeps the rest: %d %+v", code, amended)
		}
		if !availableIn("FR", "2019-12-01T00:00:00Z", "") {
			t.Errorf("the amended end must count")
		}
		if code := ts.do("PATCH", path, map[string]any{"licensee": "Someone else"}, true, &problem); code != http.StatusBadRequest || problem.Field != "licensee" {
			t.Errorf("the licensee cannot be amended: %d %+v", code, problem)
		}
		if code := ts.do("PATCH", "/api/v1/licenses/999999", map[string]any{"end": "2020-01-01"}, true, nil); code != http.StatusNotFound {
			t.Errorf("PATCH of an unknown license is 404: %d", code)
		}

		time.Sleep(5 * time.Millisecond)
		beforeTermination := time.Now().UTC().Format(time.RFC3339Nano)
		time.Sleep(5 * time.Millisecond)
		if code := ts.do("POST", path+"/terminate", map[string]any{"end": "2019-01-01"}, true, &problem); code != http.StatusBadRequest || problem.Field != "reason" {
			t.Errorf("terminating needs a reason: %d %+v", code, problem)
		}
		var term struct{ License rights.License }
		if code := ts.do("POST", path+"/terminate", map[string]any{"end": "2019-01-01", "reason": "licensor breach"}, true, &term); code != http.StatusOK || term.License.Status != rights.StatusTerminated {
			t.Fatalf("terminate: %d %+v", code, term)
		}
		if availableIn("FR", "2019-12-01T00:00:00Z", "") || !availableIn("FR", "2019-12-01T00:00:00Z", beforeTermination) {
			t.Errorf("after terminating the title leaves on 2019-01-01; as of before, it did not")
		}

		time.Sleep(5 * time.Millisecond)
		if code := ts.do("DELETE", path, nil, true, &problem); code != http.StatusBadRequest || problem.Field != "reason" {
			t.Errorf("withdrawing needs a reason: %d %+v", code, problem)
		}
		if code := ts.do("DELETE", path+"?reason="+url.QueryEscape("signed in error"), nil, true, nil); code != http.StatusOK {
			t.Fatalf("withdraw: %d", code)
		}
		if availableIn("FR", "2018-10-01T00:00:00Z", "") {
			t.Errorf("a withdrawn license is never counted again")
		}
		var got rights.License
		if code := ts.do("GET", path, nil, true, &got); code != http.StatusOK || got.Status != rights.StatusWithdrawn {
			t.Errorf("a withdrawn license is kept and shows it: %d %+v", code, got)
		}
		if code := ts.do("DELETE", path, map[string]any{"reason": "again"}, true, &problem); code != http.StatusBadRequest || problem.Field != "status" {
			t.Errorf("a withdrawn license cannot be withdrawn again: %d %+v", code, problem)
		}

		var h struct {
			History []rights.Revision
		}
		if code := ts.do("GET", path+"/history", nil, true, &h); code != http.StatusOK || len(h.History) != 4 {
			t.Fatalf("history lists created, amended, terminated, withdrawn: %d %+v", code, h)
		}
		if r := h.History[0]; r.Action != rights.ActionCreated || r.Actor != "admin token" || r.Before != nil {
			t.Errorf("the created revision says who added the license: %+v", r)
		}
		if r := h.History[2]; r.Action != rights.ActionTerminated || r.Actor != "admin token" || r.Reason != "licensor breach" ||
			r.Before.End.Date != "2020-06-22" || r.After.End.Date != "2019-01-01" {
			t.Errorf("a revision says who, why, before and after: %+v", r)
		}
		if code := ts.do("GET", path+"/history", nil, false, nil); code != http.StatusUnauthorized {
			t.Errorf("history needs the admin role: %d", code)
		}
		if code := ts.do("GET", "/api/v1/availability?title=1&territory=FR&as_of=yesterday", nil, false, &problem); code != http.StatusBadRequest || problem.Field != "as_of" {
			t.Errorf("a malformed as_of is named: %d %+v", code, problem)
		}
		var lineup map[string]any
		if code := ts.do("GET", "/api/v1/lineup?territory=FR&at=2018-10-01T00:00:00Z&as_of="+url.QueryEscape(beforeTermination), nil, false, &lineup); code != http.StatusOK ||
			len(lineup["available_now"].(map[string]any)["items"].([]any)) != 1 {
			t.Errorf("the lineup as of before the withdrawal shows the title: %d %v", code, lineup)
		}
	})
}

// TestBadNamesAre400NotServerErrors reproduces the fault: a NUL byte or 2
// MiB in licensor, licensee or external_id failed with 500 on PostgreSQL.
func TestBadNamesAre400NotServerErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, err := New(Deps{
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: db, Catalog: catalog.New(db),
			Rights:     rights.New(db, rights.Config{Licensee: "Lineup"}),
			AdminToken: adminToken, ServiceName: "Lineup", MaxBodyBytes: 8 << 20, DefaultTerritory: "US", Licensee: "Lineup",
		})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(checkAPI(t, s))
		t.Cleanup(hs.Close)
		ts := &testServer{t: t, url: hs.URL, db: db}
		id := ts.addTitle("t")
		base := map[string]any{"title_id": id, "licensor": "Studio", "licensee": "Lineup", "license_type": "SVOD",
			"territories": []string{"FR"}, "start": "2018-06-22"}
		huge := strings.Repeat("x", 2<<20)
		for _, c := range []struct{ field, value string }{
			{"licensor", "Stu\x00dio"}, {"licensee", "Line\x00up"}, {"external_id", "A\x00"},
			{"licensor", huge}, {"licensee", huge}, {"external_id", huge},
		} {
			var p Problem
			code := ts.do("POST", "/api/v1/licenses", clone(base, c.field, c.value), true, &p)
			if code != http.StatusBadRequest || p.Field != c.field {
				t.Errorf("%s of %d bytes with a NUL or too long must be 400 naming the field: %d %+v", c.field, len(c.value), code, p)
			}
		}
		if n := countRows(t, db, "licenses"); n != 0 {
			t.Errorf("nothing may be stored: %d", n)
		}
	})
}
