package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table prints rows under a header, columns aligned.
func table(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
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
