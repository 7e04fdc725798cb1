package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/catalog"
)

func runTitles(ctx context.Context, e *env, args []string) error {
	return subcommand(ctx, e, "titles", args, []sub{{"add", titlesAdd}, {"list", titlesList}, {"show", titlesShow}, {"complete", titlesComplete}})
}

func titlesAdd(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("titles add")
	file := fs.String("file", "", "a JSON file holding the whole title (as POST /api/v1/titles takes)")
	var t catalog.Title
	var genres listFlag
	fs.StringVar(&t.OriginalTitle, "title", "", "original title")
	fs.StringVar(&t.OriginalLanguage, "language", "", "original language, BCP-47 (zh, en, ko…)")
	fs.IntVar(&t.Year, "year", 0, "year of release")
	fs.IntVar(&t.RuntimeMinutes, "runtime", 0, "runtime in minutes")
	fs.StringVar(&t.Kind, "kind", "movie", "movie, series, episode, short or documentary")
	fs.IntVar(&t.MinAge, "min-age", 0, "maturity: the minimum age")
	fs.StringVar(&t.SourceWork, "source-work", "", "the work it is based on")
	fs.Var(&genres, "genre", "genre (repeat or comma-separate)")
	if err := parse(args); err != nil {
		return err
	}
	t.Genres = genres
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		t = catalog.Title{}
		if err := json.Unmarshal(b, &t); err != nil {
			return fmt.Errorf("%s is not a title in JSON: %w", *file, err)
		}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	created, err := svc.catalog.CreateTitle(ctx, t)
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, created)
	}
	fmt.Fprintf(e.stdout, "added title %d: %s (%d)\n", created.ID, created.OriginalTitle, created.Year)
	return nil
}

func titlesList(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("titles list")
	limit := fs.Int("limit", 50, "titles per page (1–200)")
	after := fs.Int64("after", 0, "list titles after this ID")
	genre := fs.String("genre", "", "only this genre")
	lang := fs.String("lang", "en", "language for localized titles")
	if err := parse(args); err != nil {
		return err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	titles, err := svc.catalog.ListTitles(ctx, catalog.ListQuery{Limit: *limit, After: *after, Genre: *genre})
	if err != nil {
		return err
	}
	var rows [][]string
	for _, t := range titles {
		local, _ := t.Localized(*lang)
		original := t.OriginalTitle
		if t.MetadataPending {
			original += " (metadata pending)"
		}
		rows = append(rows, []string{strconv.FormatInt(t.ID, 10), original, local, strconv.Itoa(t.Year), t.OriginalLanguage, strings.Join(t.Genres, ", ")})
	}
	return e.show(titles, []string{"ID", "ORIGINAL TITLE", "TITLE (" + *lang + ")", "YEAR", "LANGUAGE", "GENRES"}, rows)
}

func titlesShow(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("titles show")
	lang := fs.String("lang", "en", "language for localized names")
	if err := parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: lineup titles show ID", ErrUsage)
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: title ID must be a number, not %q", ErrUsage, fs.Arg(0))
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	t, err := svc.catalog.GetTitle(ctx, id)
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, t)
	}
	local, synopsis := t.Localized(*lang)
	fmt.Fprintf(e.stdout, "%s (%s, %d)\n", local, t.OriginalTitle, t.Year)
	fmt.Fprintf(e.stdout, "ID %d · %s · %d min · %d+ · %s\n", t.ID, t.Kind, t.RuntimeMinutes, t.MinAge, strings.Join(t.Genres, ", "))
	if t.SourceWork != "" {
		fmt.Fprintf(e.stdout, "Based on %s\n", t.SourceWork)
	}
	if synopsis != "" {
		fmt.Fprintf(e.stdout, "\n%s\n", synopsis)
	}
	if len(t.Credits) > 0 {
		fmt.Fprintln(e.stdout)
		var rows [][]string
		for _, c := range t.Credits {
			rows = append(rows, []string{c.Job, c.Person.LocalizedName(*lang), c.LocalizedCharacter(*lang)})
		}
		return table(e.stdout, []string{"JOB", "NAME", "CHARACTER"}, rows)
	}
	return nil
}
