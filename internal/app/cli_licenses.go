package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/rights"
)

func runLicenses(ctx context.Context, e *env, args []string) error {
	add := func(ctx context.Context, e *env, args []string) error { return licensesAdd(ctx, e, args, false) }
	check := func(ctx context.Context, e *env, args []string) error { return licensesAdd(ctx, e, args, true) }
	return subcommand(ctx, e, "licenses", args, []sub{{"add", add}, {"list", licensesList}, {"check", check}, {"conflicts", licensesConflicts},
		{"amend", licensesAmend}, {"terminate", licensesTerminate}, {"withdraw", licensesWithdraw}, {"history", licensesHistory}})
}

// licenseFlags registers the flags that describe a license and returns a
// function building it after parsing.
func licenseFlags(fs *flag.FlagSet, e *env) func() (rights.License, error) {
	title := fs.Int64("title", 0, "title ID")
	licensor := fs.String("licensor", "", "who grants the rights")
	typ := fs.String("type", "SVOD", "SVOD, AVOD, TVOD, EST, Theatrical, PayTV or FreeTV")
	var territories, excluded, holdbacks listFlag
	fs.Var(&territories, "territories", "countries (ISO 3166-1 alpha-2), ZZ for worldwide, EU")
	fs.Var(&excluded, "exclude", "countries taken out of --territories")
	start := fs.String("start", "", "YYYY-MM-DD (local midnight in each territory) or RFC 3339 with offset")
	end := fs.String("end", "", "like --start; absent means open-ended")
	exclusive := fs.Bool("exclusive", false, "exclusive grant")
	branding := fs.Bool("original-branding", false, "the service may present it as its Original")
	external := fs.String("external-id", "", "an outside reference (an Avails AvailID)")
	zone := fs.String("zone", "", "an IANA time zone for the license's dates (default: each territory's own)")
	fs.Var(&holdbacks, "holdback", "TYPES:TERRITORIES:UNTIL, e.g. SVOD+AVOD:CN:2018-10-28 (repeatable; types and territories joined by +)")
	return func() (rights.License, error) {
		l := rights.License{
			// --licensee is the configuration flag: the service's own
			// licensee unless the operator names another.
			TitleID: *title, Licensor: *licensor, Licensee: e.cfg.Licensee,
			Territories: territories, Excluded: excluded,
			Exclusive: *exclusive, OriginalBranding: *branding, ExternalID: *external, Zone: *zone,
		}
		t, err := rights.ParseLicenseType(*typ)
		if err != nil {
			return l, err
		}
		l.Type = t
		if l.Start, err = rights.ParseMoment(*start); err != nil {
			return l, fmt.Errorf("--start: %w", err)
		}
		if l.End, err = rights.ParseMoment(*end); err != nil {
			return l, fmt.Errorf("--end: %w", err)
		}
		// A holdback's parts are separated by ':' but an RFC 3339 until has
		// colons of its own, so only the first two split.
		for _, h := range holdbacks {
			parts := strings.SplitN(h, ":", 3)
			if len(parts) != 3 {
				return l, fmt.Errorf("--holdback %q: write TYPES:TERRITORIES:UNTIL, such as SVOD:CN:2018-10-28", h)
			}
			var hb rights.Holdback
			for _, ts := range strings.Split(parts[0], "+") {
				t, err := rights.ParseLicenseType(ts)
				if err != nil {
					return l, fmt.Errorf("--holdback %q: %w", h, err)
				}
				hb.LicenseTypes = append(hb.LicenseTypes, t)
			}
			hb.Territories = strings.Split(parts[1], "+")
			if hb.Until, err = rights.ParseMoment(parts[2]); err != nil {
				return l, fmt.Errorf("--holdback %q: %w", h, err)
			}
			l.Holdbacks = append(l.Holdbacks, hb)
		}
		return l, nil
	}
}

func licensesAdd(ctx context.Context, e *env, args []string, checkOnly bool) error {
	name := "licenses add"
	if checkOnly {
		name = "licenses check"
	}
	fs, parse := e.flags(name)
	build := licenseFlags(fs, e)
	force := fs.Bool("force", false, "store it despite conflicts (the conflicts are recorded)")
	if err := parse(args); err != nil {
		return err
	}
	l, err := build()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if checkOnly {
		conflicts, err := svc.rights.Check(ctx, l)
		if err != nil {
			return err
		}
		if !e.json && len(conflicts) == 0 {
			fmt.Fprintln(e.stdout, "no conflicts")
			return nil
		}
		return e.showConflicts(conflicts)
	}
	stored, conflicts, err := svc.rights.AddAs(ctx, l, *force, rights.Change{Actor: cliActor(e)})
	if err != nil {
		return e.refused(err, "the license conflicts with existing licenses; nothing was stored (use --force to store it and record the conflicts)")
	}
	if e.json {
		return writeJSON(e.stdout, map[string]any{"license": stored, "conflicts": conflicts})
	}
	fmt.Fprintf(e.stdout, "added license %d\n", stored.ID)
	return e.showForced(conflicts)
}

// refused returns err; when it is a refusal for conflicts it first says
// why nothing changed (unless the output is JSON) and lists the conflicts.
func (e *env) refused(err error, why string) error {
	var ce *rights.ConflictError
	if !errors.As(err, &ce) {
		return err
	}
	if !e.json {
		fmt.Fprintln(e.stdout, "refused: "+why)
	}
	if err := e.showConflicts(ce.Conflicts); err != nil {
		return err
	}
	return err
}

// showForced lists the conflicts a forced change was stored over, if any.
func (e *env) showForced(conflicts []rights.Conflict) error {
	if len(conflicts) == 0 {
		return nil
	}
	fmt.Fprintf(e.stdout, "forced over %d conflict(s), recorded:\n", len(conflicts))
	return e.showConflicts(conflicts)
}

func (e *env) showConflicts(cs []rights.Conflict) error {
	var rows [][]string
	for _, c := range cs {
		start := c.OverlapStart
		rows = append(rows, []string{string(c.Kind), strconv.FormatInt(c.LicenseID, 10), strconv.FormatInt(c.OtherID, 10), c.Territory, fmtTime(&start), fmtTime(c.OverlapEnd)})
	}
	return e.show(cs, []string{"KIND", "LICENSE", "CONFLICTS WITH", "TERRITORY", "OVERLAP FROM", "OVERLAP UNTIL"}, rows)
}

func licensesList(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("licenses list")
	title := fs.Int64("title", 0, "only this title's licenses")
	if err := parse(args); err != nil {
		return err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	ls, err := svc.rights.List(ctx, *title)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, l := range ls {
		terr := strings.Join(l.Territories, ",")
		if len(l.Excluded) > 0 {
			terr += " minus " + strings.Join(l.Excluded, ",")
		}
		flags := []string{}
		if l.Exclusive {
			flags = append(flags, "exclusive")
		}
		if l.OriginalBranding {
			flags = append(flags, "original")
		}
		if l.Forced {
			flags = append(flags, "FORCED")
		}
		if l.Status != "" && l.Status != rights.StatusActive {
			flags = append(flags, strings.ToUpper(string(l.Status)))
		}
		end := l.End.String()
		if end == "" {
			end = "open"
		}
		rows = append(rows, []string{strconv.FormatInt(l.ID, 10), strconv.FormatInt(l.TitleID, 10), string(l.Type), l.Licensor, l.Licensee, terr, l.Start.String(), end, strings.Join(flags, " ")})
	}
	return e.show(ls, []string{"ID", "TITLE", "TYPE", "LICENSOR", "LICENSEE", "TERRITORIES", "START", "END", "TERMS"}, rows)
}

func licensesConflicts(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("licenses conflicts")
	title := fs.Int64("title", 0, "only this title's conflicts")
	if err := parse(args); err != nil {
		return err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	cs, err := svc.rights.RecordedConflicts(ctx, *title)
	if err != nil {
		return err
	}
	return e.showConflicts(cs)
}
