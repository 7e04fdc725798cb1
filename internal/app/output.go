package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
)

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table prints rows under a header, columns aligned.
func table(w io.Writer, header []string, rows [][]string) error {
	// Columns are measured in screen columns, not bytes or runes (as
	// text/tabwriter does): a Chinese character takes two, so 后来的我们
	// is ten columns wide.
	widths := make([]int, len(header))
	measure := func(r []string) {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	measure(header)
	for _, r := range rows {
		measure(r)
	}
	var b strings.Builder
	line := func(r []string) {
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+2))
		}
		out := strings.TrimRight(b.String(), " ")
		b.Reset()
		b.WriteString(out)
		b.WriteByte('\n')
	}
	var all strings.Builder
	for _, r := range append([][]string{header}, rows...) {
		line(r)
		all.WriteString(b.String())
		b.Reset()
	}
	_, err := io.WriteString(w, all.String())
	return err
}

// show prints v as JSON when --json was given, else as the table rows give.
func (e *env) show(v any, header []string, rows [][]string) error {
	if e.json {
		return writeJSON(e.stdout, v)
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintln(e.stdout, "(none)")
		return err
	}
	return table(e.stdout, header, rows)
}

func fmtTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "open"
	}
	return t.UTC().Format(time.RFC3339)
}

// listFlag collects a flag given several times and/or comma-separated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}
