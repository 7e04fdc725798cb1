package charts

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// demoRun derives a demo film's run without a database.
func demoRun(t *testing.T, key string) Run {
	t.Helper()
	gs := DemoGrosses(map[string]int64{key: 1})
	for i := range gs {
		gs[i].ID, gs[i].ImportID, gs[i].Revision = int64(i+1), 1, 1
	}
	return NewBoxOffice(nil, Config{}).derive(1, "CN", gs)
}

func TestCumulativeSVGGolden(t *testing.T) {
	run := demoRun(t, "us-and-them")
	got := CumulativeSVG(run, run.Milestones(78500000000, 100000000000), ChartOptions{Name: "Us and Them (后来的我们)"})
	path := filepath.Join("testdata", "us-and-them-cn.svg")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the chart of Us and Them differs from %s (run go test ./internal/charts -run Golden -update after checking the change)", path)
	}
}

func TestCumulativeSVGRules(t *testing.T) {
	run := demoRun(t, "us-and-them")
	ms := run.Milestones(78500000000, 100000000000, 999900000000)
	svg := string(CumulativeSVG(run, ms, ChartOptions{Name: `<script>alert("x")</script> & Them`}))
	dec := xml.NewDecoder(strings.NewReader(svg))
	var elems []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the chart must be well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			elems = append(elems, se.Name.Local)
		}
	}
	cases := []struct {
		rule string
		ok   bool
	}{
		{"the chart is an accessible image", strings.Contains(svg, `role="img"`) && strings.Contains(svg, `aria-labelledby="boxoffice-1-cn-title boxoffice-1-cn-desc"`)},
		{"the first elements are <title> then <desc>", len(elems) > 2 && elems[1] == "title" && elems[2] == "desc"},
		{"the name is escaped", !strings.Contains(svg, "<script>") && strings.Contains(svg, "&lt;script&gt;")},
		{"estimate stretches are dashed", strings.Contains(svg, `class="line estimate"`) && strings.Contains(svg, "stroke-dasharray")},
		{"reported stretches are solid", strings.Contains(svg, `class="line reported"`)},
		{"reached milestones are marked", strings.Count(svg, `class="milestone"`) == 2 && strings.Contains(svg, "CNY 785M · day 4<") && strings.Contains(svg, "CNY 1bn · day 5 (estimate)")},
		{"the description says which days are estimates", strings.Contains(svg, "days are estimates")},
		{"the chart carries its looks in attributes, not in a <style> element that a page's CSP drops", !slices.Contains(elems, "style") && strings.Contains(svg, `font-size="12"`)},
	}
	for _, c := range cases {
		if !c.ok {
			t.Errorf("%s", c.rule)
		}
	}
	empty := string(CumulativeSVG(Run{TitleID: 2, Territory: "CN"}, nil, ChartOptions{}))
	if !strings.Contains(empty, "No box-office figures") || !strings.Contains(empty, "<title") {
		t.Errorf("a run without figures still draws a titled chart that says so")
	}
}

func FuzzParseGrosses(f *testing.F) {
	f.Add("title,territory,date,gross,currency,source\n1,CN,2018-04-28,280000000,CNY,Maoyan\n")
	f.Add("title,territory,date,gross,currency,source,estimate,kind,note\n后来的我们,CN,2018-05-01,785000000.01,CNY,facts,true,cumulative,\"passed, day 4\"\n")
	f.Add("title,date\n\"unterminated")
	f.Fuzz(func(t *testing.T, in string) {
		gs, err := ParseGrosses(strings.NewReader(in))
		if err != nil {
			if _, ok := err.(*ImportError); !ok {
				t.Fatalf("bad input must be an *ImportError, got %T", err)
			}
			return
		}
		for _, g := range gs {
			if checkDay(g.Day) != nil || g.Source == "" || (g.Kind != KindDaily && g.Kind != KindCumulative) {
				t.Fatalf("an accepted figure must be valid: %+v", g)
			}
			if _, err := ParseCurrency(g.Currency); err != nil {
				t.Fatalf("an accepted currency must be valid: %+v", g)
			}
		}
	})
}
