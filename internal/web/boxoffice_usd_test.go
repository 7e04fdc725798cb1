package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
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
	ts := httptest.NewServer(checkAPI(t, s))
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

// TestTitlePageShowsTheRunInDollars: with the demo's facts and reference
// rate, the title page says (and draws) close to US$200M after 10 days, as
// an estimate, rounded, in the viewer's language.
func TestTitlePageShowsTheRunInDollars(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	bo := charts.NewBoxOffice(vs.srv.DB, charts.Config{})
	vs.srv.BoxOffice = bo
	if _, err := bo.Add(ctx, charts.DemoGrosses(map[string]int64{"us-and-them": vs.unready}), charts.DemoOrigin); err != nil {
		t.Fatal(err)
	}
	if err := bo.AddRates(ctx, charts.DemoRates()); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct{ lang, want, opened, mark string }{
		{"en", "about US$193 million after 10 days", "opened 28 April 2018 with CN¥280 million", "USD 193M · day 10 (estimate)"},
		{"zh", "上映10天约US$1.93亿", "2018年4月28日首映，首日¥2.8亿", "USD 193M · 第10天（估算）"},
	} {
		email := "bo" + itoa(int64(i)) + "@b.test"
		u, _ := vs.accounts.AddUser(ctx, accounts.NewUser{Email: email, Password: "correct horse battery", HomeTerritory: "US"})
		p, _ := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "A", Language: tc.lang, MaxAge: 18})
		b := newBrowserClient(t, vs.url)
		_, page := b.do("POST", "/signin", url.Values{"email": {email}, "password": {"correct horse battery"}})
		b.do("POST", "/profiles/"+itoa(p.ID)+"/select", url.Values{"csrf": {b.csrf(page)}})
		_, page = b.do("GET", "/titles/"+itoa(vs.unready), nil)
		if !strings.Contains(page, tc.want) || !strings.Contains(page, tc.opened) {
			t.Errorf("a %s reader must read %q and %q on the title page", tc.lang, tc.want, tc.opened)
		}
		if !strings.Contains(page, tc.mark) {
			t.Errorf("the chart in dollars must mark the ten-day figure as an estimate")
		}
		if regexp.MustCompile(`\d,\d{3}\.\d\d`).MatchString(page) {
			t.Errorf("no figure on the page is given to the cent")
		}
	}
}

func TestChartSpeaksTheReadersLanguage(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	bo := charts.NewBoxOffice(vs.srv.DB, charts.Config{})
	vs.srv.BoxOffice = bo
	if _, err := bo.Add(ctx, charts.DemoGrosses(map[string]int64{"us-and-them": vs.unready}), charts.DemoOrigin); err != nil {
		t.Fatal(err)
	}
	u, _ := vs.accounts.AddUser(ctx, accounts.NewUser{Email: "chart@b.test", Password: "correct horse battery", HomeTerritory: "US"})
	p, _ := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "A", Language: "zh-Hant", MaxAge: 18})
	b := newBrowserClient(t, vs.url)
	_, page := b.do("POST", "/signin", url.Values{"email": {"chart@b.test"}, "password": {"correct horse battery"}})
	b.do("POST", "/profiles/"+itoa(p.ID)+"/select", url.Values{"csrf": {b.csrf(page)}})
	_, page = b.do("GET", "/titles/"+itoa(vs.unready), nil)
	for _, want := range []string{"中國累計票房", "第5天（估算）", "已公布", "天（2018-05-02，估算）突破CNY"} {
		if !strings.Contains(page, want) {
			t.Errorf("the box-office chart must speak the reader's language: no %q", want)
		}
	}
	if strings.Contains(page, "cumulative box office in") || strings.Contains(page, ">reported<") {
		t.Errorf("the chart must not keep its English words for a traditional-Chinese reader")
	}
}
