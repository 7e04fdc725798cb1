package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lineup/lineup/internal/rights/avails"
)

func runAvails(ctx context.Context, e *env, args []string) error {
	return subcommand(ctx, e, "avails", args, []sub{{"import", availsImport}, {"export", availsExport}})
}

func availsImport(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("avails import")
	force := fs.Bool("force", false, "store licenses despite conflicts (recorded)")
	licensor := fs.String("licensor", "Unknown licensor", "licensor for rows that name none")
	if err := parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: lineup avails import FILE.xlsx|FILE.csv", ErrUsage)
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
	ls, err := avails.Parse(ctx, f, filepath.Base(path), avails.Options{
		Licensor: *licensor,
		Licensee: e.cfg.Licensee,
		Resolve: func(ctx context.Context, ref avails.TitleRef) (int64, error) {
			return svc.catalog.ResolveTitleRef(ctx, ref.ContentID, ref.AltID, ref.Alias)
		},
	})
	if err != nil {
		return err
	}
	stored, err := svc.rights.AddAll(ctx, ls, *force)
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, map[string]any{"imported": len(stored), "licenses": stored})
	}
	fmt.Fprintf(e.stdout, "imported %d license(s) from %s\n", len(stored), path)
	return nil
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
	titles, err := svc.catalog.GetTitles(ctx, avails.TitleIDs(ls))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := avails.Export(&buf, *format, ls, func(id int64) avails.TitleRef {
		return avails.TitleRef{ContentID: titles[id].ContentID(), Alias: titles[id].OriginalTitle}
	}, nil); err != nil {
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
