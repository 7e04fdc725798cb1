package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

func runBoxoffice(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: lineup boxoffice import FILE | rates FILE | show --title ID", ErrUsage)
	}
	switch args[0] {
	case "import", "rates":
		fs, parse := e.flags("boxoffice " + args[0])
		if err := parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: lineup boxoffice %s FILE.csv", ErrUsage, args[0])
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer svc.db.Close()
		if args[0] == "rates" {
			n, err := svc.boxoffice.ImportRates(ctx, f)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "stored %d exchange rate(s)\n", n)
			return nil
		}
		res, err := svc.boxoffice.Import(ctx, f, fs.Arg(0))
		if err != nil {
			return err
		}
		if e.json {
			return writeJSON(e.stdout, res)
		}
		fmt.Fprintf(e.stdout, "%d row(s): %d added, %d replaced, %d unchanged\n", res.Rows, res.Added, res.Replaced, res.Unchanged)
		return nil
	case "show":
		fs, parse := e.flags("boxoffice show")
		title := fs.Int64("title", 0, "title ID")
		territory := fs.String("territory", "", "one territory (default: every territory with figures)")
		if err := parse(args[1:]); err != nil {
			return err
		}
		svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer svc.db.Close()
		runs, err := svc.boxoffice.Runs(ctx, *title)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if e.json {
			return writeJSON(e.stdout, runs)
		}
		if len(runs) == 0 {
			fmt.Fprintln(e.stdout, "no box-office figures for this title")
		}
		for _, run := range runs {
			if *territory != "" && run.Territory != *territory {
				continue
			}
			fmt.Fprintf(e.stdout, "%s: opened %s, %d days, total %s\n", run.Territory, run.OpeningDay, run.DaysInRelease,
				figure(run.Total, run.Currency, run.TotalEstimate))
			usd, usdErr := svc.boxoffice.RunInUSD(ctx, *title, run.Territory)
			header := []string{"DAY", "DATE", "GROSS", "CUMULATIVE", ""}
			if usdErr == nil && run.Currency != charts.USD {
				header = []string{"DAY", "DATE", "GROSS", "CUMULATIVE", "CUMULATIVE USD", ""}
			}
			var rows [][]string
			for i, d := range run.Days {
				mark := ""
				if d.Estimate {
					mark = "estimate"
				}
				// A day's gross is an estimate when either end of it is.
				grossEstimate := d.Estimate || i > 0 && run.Days[i-1].Estimate
				if grossEstimate {
					mark = "estimate"
				}
				row := []string{strconv.Itoa(d.N), d.Day, figure(d.Gross, run.Currency, grossEstimate), figure(d.Cumulative, run.Currency, d.Estimate)}
				if len(header) == 6 {
					row = append(row, figure(usd.Days[i].Cumulative, charts.USD, true))
				}
				rows = append(rows, append(row, mark))
			}
			table(e.stdout, header, rows)
			for _, m := range run.Milestones(charts.RoundThresholds(run.Total, run.Currency, 6)...) {
				if m.Reached {
					fmt.Fprintf(e.stdout, "  passed %s on day %d (%s)\n", m.Threshold, m.N, m.Day)
				}
			}
			switch {
			case usdErr == nil && run.Currency != charts.USD && len(usd.Days) >= 10:
				fmt.Fprintf(e.stdout, "  in US dollars at the stored rates: %s after 10 days, %s in all\n",
					figure(usd.Days[9].Cumulative, charts.USD, true), figure(usd.Total, charts.USD, true))
			case errors.Is(usdErr, charts.ErrNoRate):
				fmt.Fprintf(e.stdout, "  (no exchange rate covers this run: import rates with lineup boxoffice rates FILE to see it in US dollars)\n")
			}
		}
		return nil
	}
	return fmt.Errorf("%w: unknown boxoffice command %q: use import, rates or show", ErrUsage, args[0])
}

func runRecords(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("records")
	var f charts.RecordFilter
	fs.StringVar(&f.Territory, "territory", "CN", "the territory whose box office counts")
	fs.StringVar(&f.DirectorGender, "director-gender", "", "only titles directed by: female, male or nonbinary")
	fs.StringVar(&f.OriginalLanguage, "language", "", "only titles in this original language (zh covers every Chinese language)")
	fs.BoolVar(&f.InUSD, "usd", false, "compare in US dollars")
	asOf := fs.String("as-of", time.Now().UTC().Format("2006-01-02"), "the date to answer for, YYYY-MM-DD")
	if err := parse(args); err != nil {
		return err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	timeline, err := svc.boxoffice.RecordTimeline(ctx, f)
	if err != nil {
		return err
	}
	reign, standing, err := svc.boxoffice.Record(ctx, f, *asOf)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, map[string]any{"filter": f, "as_of": *asOf, "holder": reign, "standing": standing, "timeline": timeline})
	}
	ids := []int64{}
	for _, r := range timeline {
		ids = append(ids, r.TitleID)
	}
	titles, err := svc.catalog.GetTitles(ctx, ids)
	if err != nil {
		return err
	}
	name := func(id int64) string {
		local, _ := titles[id].Localized("en")
		return local + " (" + titles[id].OriginalTitle + ")"
	}
	if reign.TitleID != 0 {
		fmt.Fprintf(e.stdout, "As of %s the record is held by %s with %s, since %s.\n", *asOf, name(reign.TitleID), standing.Cumulative, reign.From)
	} else {
		fmt.Fprintf(e.stdout, "As of %s nobody holds this record.\n", *asOf)
	}
	var rows [][]string
	for _, r := range timeline {
		until := r.Until
		if until == "" {
			until = "still"
		}
		rows = append(rows, []string{r.From, until, name(r.TitleID), r.Took.String()})
	}
	fmt.Fprintln(e.stdout)
	return table(e.stdout, []string{"FROM", "UNTIL", "HOLDER", "WITH"}, rows)
}

func runEditorial(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: lineup editorial import FILE.md | list --title ID", ErrUsage)
	}
	switch args[0] {
	case "import":
		fs, parse := e.flags("editorial import")
		if err := parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: lineup editorial import FILE.md", ErrUsage)
		}
		b, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return err
		}
		svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer svc.db.Close()
		story, err := svc.editorial.Import(ctx, b)
		if err != nil {
			return err
		}
		if e.json {
			return writeJSON(e.stdout, story)
		}
		fmt.Fprintf(e.stdout, "imported story %d: %s\n", story.ID, story.Headline)
		return nil
	case "list":
		fs, parse := e.flags("editorial list")
		title := fs.Int64("title", 0, "title ID")
		if err := parse(args[1:]); err != nil {
			return err
		}
		svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer svc.db.Close()
		stories, err := svc.editorial.ForTitle(ctx, *title)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, st := range stories {
			rows = append(rows, []string{strconv.FormatInt(st.ID, 10), st.Date, st.Publication, st.Headline})
		}
		return e.show(stories, []string{"ID", "DATE", "PUBLICATION", "HEADLINE"}, rows)
	}
	return fmt.Errorf("%w: unknown editorial command %q: use import or list", ErrUsage, args[0])
}

func runTopTen(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("top10")
	territory := fs.String("territory", "", "country code (default: the configured default territory)")
	week := fs.String("week", "", "any date of the week, YYYY-MM-DD (default: this week)")
	if err := parse(args); err != nil {
		return err
	}
	terr, now, err := territoryAndAt(e, *territory, "")
	if err != nil {
		return err
	}
	if *week == "" {
		*week = rights.LocalDate(now, terr)
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	top, err := charts.NewPlays(svc.db, charts.PlaysConfig{Log: e.log}).Weekly(ctx, terr, *week)
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, top)
	}
	var ids []int64
	for _, en := range top.Entries {
		ids = append(ids, en.TitleID)
	}
	titles, err := svc.catalog.GetTitles(ctx, ids)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Top 10 in %s, %s to %s\n", rights.CountryName(terr), top.From, top.To)
	var rows [][]string
	for _, en := range top.Entries {
		name, _ := titles[en.TitleID].Localized("en")
		rows = append(rows, []string{strconv.Itoa(en.Rank), name, strconv.FormatFloat(en.Views, 'f', 2, 64), strconv.FormatFloat(en.Hours, 'f', 2, 64)})
	}
	return e.show(top, []string{"#", "TITLE", "VIEWS", "HOURS"}, rows)
}

// figure writes an amount for the CLI's tables: in full when reported, and
// rounded to three significant digits with "about" when it is an estimate
// or a conversion, since such a figure is not known to the cent.
func figure(amount int64, currency string, estimate bool) string {
	m := charts.Money{Amount: amount, Currency: currency}
	if estimate {
		return "about " + m.Short()
	}
	return m.String()
}
