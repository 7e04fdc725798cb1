package app

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/lineup/lineup/internal/rights"
)

// changeFlags registers --id, --reason and --by (who, for the history;
// default cli:$USER) and returns them.
func changeFlags(fs *flag.FlagSet, e *env) (id *int64, reason *string, by func() string) {
	id = fs.Int64("id", 0, "the license's ID")
	reason = fs.String("reason", "", "why (recorded in the license's history)")
	who := fs.String("by", "", "who makes the change, for the history (default cli:$USER)")
	return id, reason, func() string {
		if *who != "" {
			return *who
		}
		return cliActor(e)
	}
}

// cliActor names the person at the command line: cli:$USER.
func cliActor(e *env) string {
	if u := e.getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// licensesAmend changes the terms given as flags (those not given keep
// their value), conflict-checked as a new license.
func licensesAmend(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("licenses amend")
	build := licenseFlags(fs, e)
	id, reason, by := changeFlags(fs, e)
	force := fs.Bool("force", false, "amend despite conflicts (the conflicts are recorded)")
	if err := parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("%w: --id is required: the license to amend", ErrUsage)
	}
	given, err := build()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range []string{"title", "licensor", "licensee", "type"} {
		if set[name] {
			return fmt.Errorf("%w: --%s cannot be amended: withdraw the license and add a new one", ErrUsage, name)
		}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	l, err := svc.rights.Get(ctx, *id)
	if err != nil {
		return err
	}
	was := l.Version
	for name, take := range amendable {
		if set[name] {
			take(&l, given)
		}
	}
	stored, conflicts, err := svc.rights.Amend(ctx, *id, l, rights.Change{Actor: by(), Reason: *reason}, *force)
	if err != nil {
		return e.refused(err, "the amendment conflicts with existing licenses; nothing changed (use --force to amend anyway and record the conflicts)")
	}
	if e.json {
		return writeJSON(e.stdout, map[string]any{"license": stored, "conflicts": conflicts, "changed": stored.Version != was})
	}
	if stored.Version == was {
		fmt.Fprintf(e.stdout, "license %d already has these terms; nothing changed\n", stored.ID)
		return nil
	}
	fmt.Fprintf(e.stdout, "amended license %d (version %d)\n", stored.ID, stored.Version)
	return e.showForced(conflicts)
}

// amendable lists the terms `licenses amend` changes when their flag is
// given; the others (title, licensor, licensee, type) cannot be amended.
var amendable = map[string]func(l *rights.License, given rights.License){
	"territories":       func(l *rights.License, g rights.License) { l.Territories = g.Territories },
	"exclude":           func(l *rights.License, g rights.License) { l.Excluded = g.Excluded },
	"start":             func(l *rights.License, g rights.License) { l.Start = g.Start },
	"end":               func(l *rights.License, g rights.License) { l.End = g.End },
	"exclusive":         func(l *rights.License, g rights.License) { l.Exclusive = g.Exclusive },
	"original-branding": func(l *rights.License, g rights.License) { l.OriginalBranding = g.OriginalBranding },
	"external-id":       func(l *rights.License, g rights.License) { l.ExternalID = g.ExternalID },
	"zone":              func(l *rights.License, g rights.License) { l.Zone = g.Zone },
	"holdback":          func(l *rights.License, g rights.License) { l.Holdbacks = g.Holdbacks },
}

func licensesTerminate(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("licenses terminate")
	id, reason, by := changeFlags(fs, e)
	end := fs.String("end", "", "the new end: YYYY-MM-DD (local midnight in each territory) or RFC 3339 with offset")
	if err := parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("%w: --id is required: the license to terminate", ErrUsage)
	}
	m, err := rights.ParseMoment(*end)
	if err != nil {
		return fmt.Errorf("%w: --end: %v", ErrUsage, err)
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	l, err := svc.rights.Terminate(ctx, *id, m, rights.Change{Actor: by(), Reason: *reason})
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, map[string]any{"license": l})
	}
	fmt.Fprintf(e.stdout, "terminated license %d: it now ends %s\n", l.ID, l.End)
	return nil
}

func licensesWithdraw(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("licenses withdraw")
	id, reason, by := changeFlags(fs, e)
	if err := parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("%w: --id is required: the license to withdraw", ErrUsage)
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	l, err := svc.rights.Withdraw(ctx, *id, rights.Change{Actor: by(), Reason: *reason})
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, map[string]any{"license": l})
	}
	fmt.Fprintf(e.stdout, "withdrew license %d: kept for the record, never counted again\n", l.ID)
	return nil
}

func licensesHistory(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("licenses history")
	id := fs.Int64("id", 0, "the license's ID")
	if err := parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("%w: --id is required", ErrUsage)
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	h, err := svc.rights.History(ctx, *id)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, r := range h {
		end := r.After.End.String()
		if end == "" {
			end = "open"
		}
		at := r.At
		rows = append(rows, []string{strconv.FormatInt(r.Version, 10), string(r.Action), fmtTime(&at), r.Actor, r.Reason,
			r.After.Start.String(), end, string(r.After.Status)})
	}
	return e.show(h, []string{"VERSION", "ACTION", "AT", "BY", "REASON", "START", "END", "STATUS"}, rows)
}
