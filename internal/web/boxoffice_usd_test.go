package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store/storetest"
)

// TestRecordsInUSDWithoutRatesSaysWhatToDo: asking for records in dollars
// when no exchange rate covers the figures is the caller's to fix (import
// rates), a 422 that says how, not a 500.
func TestRecordsInUSDWithoutRatesSaysWhatToDo(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	cat := catalog.New(db)
	bo := charts.NewBoxOffice(db, charts.Config{})
	title, err := cat.CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh", Year: 2018})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bo.Add(ctx, []charts.Gross{{TitleID: title.ID, Territory: "CN", Day: "2018-04-28", Amount: 28_000_000_000, Currency: "CNY", Source: "test"}}, "test"); err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: db, Catalog: cat, BoxOffice: bo,
		Rights: rights.New(db, rights.Config{Licensee: "Lineup"}), ServiceName: "Lineup", DefaultTerritory: "US", Licensee: "Lineup"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/api/v1/records?territory=CN&usd=true&as_of=2018-05-10")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p Problem
	json.NewDecoder(resp.Body).Decode(&p)
	if resp.StatusCode != http.StatusUnprocessableEntity || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("records in USD without exchange rates must be 422 problem+json, got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(p.Detail, "CNY") || !strings.Contains(p.Detail, "boxoffice rates") {
		t.Errorf("the 422 must name the missing rate and how to add rates: %q", p.Detail)
	}
}
