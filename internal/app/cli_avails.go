package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/rights/avails"
)

func runAvails(ctx context.Context, e *env, args []string) error {
	return subcommand(ctx, e, "avails", args, []sub{{"import", availsImport}, {"export", availsExport}})
}

func availsImport(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("avails import")
	force := fs.Bool("force", false, "store licenses despite conflicts (recorded)")
	dryRun := fs.Bool("dry-run", false, "report what the import would do, and store nothing")
	licensor := fs.String("licensor", "Unknown licensor", "licensor for rows that name none")
	if err := parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: lineup avails import [--dry-run] [--force] FILE.xlsx|FILE.csv", ErrUsage)
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	actor := "cli"
	if u := os.Getenv("USER"); u != "" {
		actor = "cli:" + u
	}
	im := avails.NewImporter(svc.db, svc.catalog, svc.rights, nil)
	rep, err := im.Import(ctx, f, filepath.Base(path), avails.ImportOptions{
		Options: avails.Options{Licensor: *licensor, Licensee: e.cfg.Licensee},
		Force:   *force, DryRun: *dryRun, Actor: actor,
	})
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, rep)
	}
	writeAvailsReport(e.stdout, rep)
	return nil
}

// writeAvailsReport prints an import's report for a person: the summary,
// then each license created, amended or withdrawn, each row to be
// announced or set aside with its reason, and each title created.
func writeAvailsReport(w io.Writer, rep *avails.Report) {
	fmt.Fprintf(w, "%s: %s\n", rep.File, rep.Summary())
	lic := func(verb string, cs []avails.LicenseChange) {
		for _, c := range cs {
			id := "new license"
			if c.LicenseID != 0 {
				id = fmt.Sprintf("license %d", c.LicenseID)
			}
			terr := strings.Join(c.Territories, ", ")
			if len(c.Excluded) > 0 {
				terr += " except " + strings.Join(c.Excluded, ", ")
			}
			fmt.Fprintf(w, "  %s %s: %q %s %s, %s (rows %s)", verb, id, c.Title, c.Type, terr, c.Window, strings.Join(c.Rows, ", "))
			if c.Why != "" {
				fmt.Fprintf(w, ": %s", c.Why)
			}
			fmt.Fprintln(w)
		}
	}
	lic("created", rep.Created)
	lic("amended", rep.Amended)
	lic("withdrew", rep.Withdrawn)
	for _, n := range rep.ToBeAnnounced {
		fmt.Fprintf(w, "  row %s (%s, %s): %s\n", n.Row, n.Title, n.Territory, n.Reason)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "  row %s (%s, %s): %s\n", n.Row, n.Title, n.Territory, n.Reason)
	}
	for _, a := range rep.SetAside {
		row := strconv.Itoa(a.Row)
		if a.Sheet != "" {
			row = a.Sheet + "!" + row
		}
		fmt.Fprintf(w, "  set aside row %s (%s): %s\n", row, a.Title, a.Reason)
	}
	for _, t := range rep.TitlesCreated {
		id := "new title"
		if t.ID != 0 {
			id = fmt.Sprintf("title %d", t.ID)
		}
		fmt.Fprintf(w, "  created %s %q", id, t.Name)
		if t.Year != 0 {
			fmt.Fprintf(w, " (%d)", t.Year)
		}
		fmt.Fprintf(w, ", metadata pending, from rows %s\n", strings.Join(t.Rows, ", "))
	}
}

func availsExport(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("avails export")
	title := fs.Int64("title", 0, "only this title's licenses")
	format := fs.String("format", "csv", "csv or xlsx")
	out := fs.String("o", "", "write to this file (default: standard output)")
	if err := parse(args); err != nil {
		return err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	all, err := svc.rights.List(ctx, *title)
	if err != nil {
		return err
	}
	ls := avails.Digital(all)
	refs, err := avails.TitleRefs(ctx, svc.catalog, avails.TitleIDs(ls))
	if err != nil {
		return err
	}
	rows, err := avails.NewImporter(svc.db, svc.catalog, svc.rights, nil).ExportRows(ctx, ls)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := avails.Export(&buf, *format, ls, refs, rows); err != nil {
		return err
	}
	if *out == "" {
		_, err = buf.WriteTo(e.stdout)
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "exported %d license(s) to %s\n", len(ls), *out)
	return nil
}
