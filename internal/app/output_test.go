package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/charts"

	"github.com/mattn/go-runewidth"
)

// TestTableAlignsChinese: a column starts at the same screen column on every
// line, whether the cells before it are Chinese (two columns a character)
// or Latin.
func TestTableAlignsChinese(t *testing.T) {
	var b bytes.Buffer
	table(&b, []string{"ID", "TITLE", "YEAR"}, [][]string{
		{"1", "后来的我们", "2018"},
		{"2", "Us and Them", "2018"},
		{"3", "致我们终将逝去的青春", "2013"},
	})
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	want := -1
	for _, l := range lines {
		i := strings.LastIndex(l, " ")
		col := runewidth.StringWidth(l[:i+1])
		if want < 0 {
			want = col
		}
		if col != want {
			t.Errorf("the YEAR column must start at screen column %d on every line, starts at %d in %q", want, col, l)
		}
	}
}

// TestProgressWithoutATerminal: written to a log or a pipe, the progress bar
// is plain lines, no carriage returns, one per state and tenth of the way.
func TestProgressWithoutATerminal(t *testing.T) {
	var b bytes.Buffer
	p := newProgressBar(&b)
	p.draw("queued", 0, 0)
	for pct := 0.0; pct <= 100; pct += 0.5 {
		p.draw("encoding", pct, 2.5)
	}
	p.draw("ready", 100, 0)
	p.done()
	out := b.String()
	if strings.Contains(out, "\r") {
		t.Errorf("a progress bar that is not on a terminal must not write carriage returns: %q", out)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 5 || len(lines) > 14 || !strings.HasPrefix(lines[len(lines)-1], "ready") {
		t.Errorf("one line per state and tenth of the way, ending ready: %d lines\n%s", len(lines), out)
	}
}

// TestBoxofficeShowFollowsTheFacts: the demo's run of Us and Them, as the
// CLI prints it, starts at day 1, rounds and labels its estimates, and
// shows the reported "close to US$200M in its first 10 days" in dollars.
func TestBoxofficeShowFollowsTheFacts(t *testing.T) {
	ctx := context.Background()
	c := newCLI(t, filepath.Join(t.TempDir(), "bo.db"))
	var title struct{ ID int64 }
	json.Unmarshal([]byte(c.must("titles", "add", "--title", "后来的我们", "--language", "zh", "--year", "2018", "--json")), &title)
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return c.env[k] }}
	if _, parse := e.flags("boxoffice show"); parse(nil) != nil {
		t.Fatal("flags")
	}
	svc, err := e.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.boxoffice.Add(ctx, charts.DemoGrosses(map[string]int64{"us-and-them": title.ID}), charts.DemoOrigin); err != nil {
		t.Fatal(err)
	}
	if err := svc.boxoffice.AddRates(ctx, charts.DemoRates()); err != nil {
		t.Fatal(err)
	}
	svc.db.Close()
	out := c.must("boxoffice", "show", "--title", itoa(title.ID))
	lines := strings.Split(out, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[2], "1 ") || strings.Contains(out, "\n0 ") {
		t.Errorf("the run must start at day 1, never print a day 0:\n%s", strings.Join(lines[:min(4, len(lines))], "\n"))
	}
	for _, l := range estimateLines(lines) {
		if !strings.Contains(l, "about CNY") || regexpCents.MatchString(l) {
			t.Errorf("an estimate must be labelled and rounded, never to the cent: %q", l)
		}
	}
	if !strings.Contains(out, "about USD 193M after 10 days") {
		t.Errorf("the CLI must show the run in dollars: close to US$200M (USD 193M) after 10 days:\n%s", out)
	}
}

var regexpCents = regexp.MustCompile(`about [A-Z]{3} [\d,]+\.\d\d\b`)

// estimateLines are the table's lines marked estimate.
func estimateLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasSuffix(l, "estimate") {
			out = append(out, l)
		}
	}
	return out
}
