// Package app wires Lineup together: configuration in, services built,
// roles started, and the operator's command line.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/editorial"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// ErrUsage marks a command line that could not be understood; main exits 2.
var ErrUsage = errors.New("usage")

// command is one verb of the command line.
type command struct {
	name, args, help string
	run              func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "[--role all|web|worker]", "run the web server and/or the encode workers", runServe},
		{"demo", "", "load the demo catalogue and serve it", runDemo},
		{"version", "[--json]", "print the version, commit and build date", runVersion},
		{"backup", "--to DIR", "an online backup of a SQLite deployment (PostgreSQL: pg_dump)", runBackup},
		{"restore", "--from DIR", "restore a backup into an empty data folder", runRestore},
		{"migrate", "[status]", "apply pending database migrations, or list each one's state", runMigrate},
		{"ingest", "FILE --title ID [--audio LANG=FILE] [--subtitle LANG=FILE]", "ingest a film and encode it", runIngest},
		{"user", "add --email E [--password-file F] [--admin]  (password on stdin) | 2fa-off --email E", "add an account, or turn its two-factor sign-in off", runUser},
		{"config", "[--json]", "print the effective configuration, secrets masked", runConfig},
		{"titles", "add|list|show", "manage the catalogue", runTitles},
		{"licenses", "add|list|check|conflicts|amend|terminate|withdraw|history", "manage licenses and their changes", runLicenses},
		{"avails", "import [--dry-run] FILE|export", "EMA Avails sheets in and out", runAvails},
		{"availability", "--title ID --territory CC [--at T]", "can the service stream a title there and then?", runAvailability},
		{"lineup", "--territory CC [--at T]", "the lineup rows of a territory", runLineup},
		{"boxoffice", "import FILE|rates FILE|show --title ID", "box-office grosses in and out", runBoxoffice},
		{"records", "--territory CC [--director-gender G] [--language L]", "who held a box-office record when", runRecords},
		{"editorial", "import FILE|list --title ID", "interviews and stories", runEditorial},
		{"top10", "[--territory CC] [--week DATE]", "a territory's weekly Top 10", runTopTen},
		{"keys", "new-kek|check|rotate-kek --new-kek-file F", "content keys: make a KEK, check or re-wrap every key", runKeys},
		{"media", "protect --all [--wait=false]", "encrypt the clear assets published before encryption, a job each", runMedia},
	}
}

// env is what one command invocation works with.
type env struct {
	// stdin is where `lineup user add` reads a password from; nil means
	// os.Stdin.
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	cfg            Config
	log            *slog.Logger
	json           bool
}

// Run runs the command line args (without the program name) and returns
// when it is done or ctx is cancelled. It writes results to stdout and logs
// and progress to stderr.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = append([]string{"version"}, args[1:]...)
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		e := &env{stdout: stdout, stderr: stderr, getenv: getenv}
		return c.run(ctx, e, args[1:])
	}
	usage(stderr)
	return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "lineup — a streaming service whose catalogue follows the rights")
	fmt.Fprintln(w, "\nUsage: lineup COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %-38s %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintln(w, "\nEvery command takes the configuration flags too; `lineup COMMAND -h` lists them.")
	fmt.Fprintln(w, "Add --json to query commands for output scripts can read.")
}

// flags starts a command's flag set with the configuration flags and --json.
// Call e.parse after adding the command's own flags.
func (e *env) flags(name string) (*flag.FlagSet, func(args []string) error) {
	fs := flag.NewFlagSet("lineup "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	resolve := configFlags(fs, e.getenv)
	fs.BoolVar(&e.json, "json", false, "print JSON instead of a table")
	return fs, func(args []string) error {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return fmt.Errorf("%w: %v", ErrUsage, err)
		}
		cfg, err := resolve()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrUsage, err)
		}
		e.cfg = cfg
		e.log = newLogger(e.stderr, cfg)
		return nil
	}
}

func newLogger(w io.Writer, cfg Config) *slog.Logger {
	var level slog.Level
	switch strings.ToLower(cfg.LogLevel) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// services are the domain services over one open database.
type services struct {
	db        *store.DB
	catalog   *catalog.Service
	rights    *rights.Service
	events    *eventSink // rights events to the webhook, once one is set up
	boxoffice *charts.BoxOffice
	editorial *editorial.Service
}

// open opens and migrates the database and builds the services. The caller
// closes s.db.
func (e *env) open(ctx context.Context) (*services, error) {
	db, err := store.Open(ctx, e.cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		e.log.Info("migrated database", "applied", n, "database", db.Location)
	}
	events := &eventSink{}
	cat := catalog.New(db)
	svc := &services{
		db:      db,
		catalog: cat,
		rights: rights.New(db, rights.Config{
			Titles:            cat,
			Licensee:          e.cfg.Licensee,
			Offered:           e.cfg.LicenseTypes,
			ComingSoonHorizon: time.Duration(e.cfg.ComingSoonDays) * 24 * time.Hour,
			LeavingSoonWithin: e.cfg.LeavingSoonDays,
			Notify:            events.notify,
		}),
		events: events,
	}
	svc.boxoffice = charts.NewBoxOffice(db, charts.Config{Resolve: charts.CatalogResolver(svc.catalog)})
	svc.editorial = editorial.New(db, svc.catalog)
	return svc, nil
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "status" {
		return runMigrateStatus(ctx, e, args[1:])
	}
	_, parse := e.flags("migrate")
	if err := parse(args); err != nil {
		return err
	}
	db, err := store.Open(ctx, e.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "applied %d migration(s) to %s (%s)\n", n, db.Location, db.Dialect)
	return nil
}

func runConfig(ctx context.Context, e *env, args []string) error {
	_, parse := e.flags("config")
	if err := parse(args); err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, e.cfg.Map())
	}
	e.cfg.Print(e.stdout)
	return nil
}

// sub is one subcommand of a command group ("titles add").
type sub struct {
	name string
	run  func(ctx context.Context, e *env, args []string) error
}

// subcommand runs the subcommand of group that args[0] names, or says which
// ones there are.
func subcommand(ctx context.Context, e *env, group string, args []string, subs []sub) error {
	var names []string
	for _, s := range subs {
		if len(args) > 0 && s.name == args[0] {
			return s.run(ctx, e, args[1:])
		}
		names = append(names, s.name)
	}
	if len(args) == 0 {
		return fmt.Errorf("%w: lineup %s %s", ErrUsage, group, strings.Join(names, "|"))
	}
	return fmt.Errorf("%w: unknown %s command %q: use %s", ErrUsage, group, args[0], strings.Join(names, ", "))
}
