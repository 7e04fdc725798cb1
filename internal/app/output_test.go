package app

import (
	"bytes"
	"strings"
	"testing"

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
