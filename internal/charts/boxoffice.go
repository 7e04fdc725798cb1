// Package charts keeps what audiences did with a title. Its box-office part
// (this file and the other boxoffice*, milestones*, records*, fx* and svg*
// files) imports daily and cumulative grosses per title, territory and day
// with their sources, and derives from them a title's run in a territory
// (daily and cumulative gross, days in release, opening day and weekend),
// its milestones, the records among titles that match filters, and an SVG
// chart of the run. docs/boxoffice.md is the user's guide; the rules are
// stated on the functions that apply them.
//
// Amounts are integers in the currency's minor units (see Money). Days are
// calendar dates in the territory, written YYYY-MM-DD.
package charts

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// Kinds of figure. A daily figure is one day's gross (negative for a refund
// or an adjustment); a cumulative figure is the total from the start of the
// run to the end of its day, as a source reported it.
const (
	KindDaily      = "daily"
	KindCumulative = "cumulative"
)

// Gross is one figure as imported: one source's gross of one title in one
// territory for one day.
//
// Amount is in minor units of Currency. Kind is KindDaily or KindCumulative
// ("" reads as daily on input). Estimate marks a figure that is not a
// reported number (an interpolation, a bound, a stand-in date); it is shown
// as an estimate wherever it is used. Note says, for a person, what the
// figure is when that needs saying. Revision counts how many times the
// figure was written (1 for the first import); ImportID is the import that
// last wrote it. ID, Revision and ImportID are ignored on input.
type Gross struct {
	ID        int64  `json:"id,omitempty"`
	TitleID   int64  `json:"title_id"`
	Territory string `json:"territory"`
	Day       string `json:"day"`
	Kind      string `json:"kind"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	Source    string `json:"source"`
	Estimate  bool   `json:"estimate"`
	Note      string `json:"note,omitempty"`
	Revision  int    `json:"revision,omitempty"`
	ImportID  int64  `json:"import_id,omitempty"`
}

// Money returns the figure's amount with its currency.
func (g Gross) Money() Money { return Money{Amount: g.Amount, Currency: g.Currency} }

// TitleResolver finds the title a CSV row names when the title column holds
// a name rather than a Lineup title ID. A name that matches no title, or
// several, is an error whose message is fit to show the person importing.
type TitleResolver func(ctx context.Context, name string) (int64, error)

// CatalogResolver resolves names through the catalogue: the original,
// alternate or localized title of exactly one title (see
// catalog.Service.ResolveTitleRef).
func CatalogResolver(cat *catalog.Service) TitleResolver {
	return func(ctx context.Context, name string) (int64, error) {
		return cat.ResolveTitleRef(ctx, "", "", name)
	}
}

// Config configures a BoxOffice.
type Config struct {
	// SourcePriority decides which figure counts when several sources
	// report the same title, territory, day and kind: a source listed
	// earlier wins over one listed later or not at all; among sources not
	// listed (or equally listed) the figure imported most recently wins,
	// and then the figure stored first. Matching is exact.
	SourcePriority []string
	// Resolve finds titles named by name in an import. Nil means names are
	// refused and only Lineup title IDs are accepted.
	Resolve TitleResolver
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// BoxOffice imports grosses and derives runs, milestones and records from
// them. It is safe for concurrent use.
type BoxOffice struct {
	db  *store.DB
	cfg Config
}

// NewBoxOffice returns a BoxOffice over db. The caller keeps ownership of
// db.
func NewBoxOffice(db *store.DB, cfg Config) *BoxOffice {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.SourcePriority = slices.Clone(cfg.SourcePriority)
	return &BoxOffice{db: db, cfg: cfg}
}

// RowProblem is one thing wrong with one row of an import. Row is the line's
// record number in the file, the header being row 1 (for Add, the index of
// the figure plus one); Column names the column ("" for the whole row).
type RowProblem struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// ImportError reports every problem of a refused import. Nothing was
// stored.
type ImportError struct {
	Problems []RowProblem
}

// Error lists the problems, one per line after the first.
func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "charts: import refused, nothing stored: %d problem(s)", len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  row %d", p.Row)
		if p.Column != "" {
			fmt.Fprintf(&b, ", column %s", p.Column)
		}
		if p.Value != "" {
			fmt.Fprintf(&b, " (%q)", p.Value)
		}
		fmt.Fprintf(&b, ": %s", p.Reason)
	}
	return b.String()
}

func (e *ImportError) add(row int, column, value, reason string) {
	if utf8.RuneCountInString(value) > 80 {
		value = string([]rune(value)[:80]) + "…"
	}
	e.Problems = append(e.Problems, RowProblem{Row: row, Column: column, Value: strings.ToValidUTF8(value, "\uFFFD"), Reason: reason})
}

// ImportResult says what an import stored.
type ImportResult struct {
	ImportID int64 `json:"import_id"`
	// Rows is the number of figures read; Added, Replaced and Unchanged
	// split them by what they did to the stored figures.
	Rows      int `json:"rows"`
	Added     int `json:"added"`
	Replaced  int `json:"replaced"`
	Unchanged int `json:"unchanged"`
	// Titles lists the titles whose figures the import touched, sorted.
	Titles []int64 `json:"titles"`
}

// Columns of the grosses CSV.
var (
	grossColumns         = []string{"title", "territory", "date", "gross", "currency", "source"}
	optionalGrossColumns = []string{"estimate", "kind", "note"}
)

// row is a figure on its way in: its row number and how it named its title.
type row struct {
	n     int
	ref   string
	gross Gross
}

// Import reads grosses from CSV and stores them in one transaction. The
// header must name the columns title, territory, date, gross, currency and
// source, in any order, and may add estimate (true/false, default false),
// kind (daily/cumulative, default daily) and note:
//
//   - title: a Lineup title ID ("42" or "lineup:title:42") or a name the
//     Config's resolver finds;
//   - territory: one ISO 3166-1 alpha-2 country code in capitals;
//   - date: YYYY-MM-DD, the day in the territory;
//   - gross: a decimal in major units, negative for a refund, with no more
//     decimals than the currency has (it is stored in minor units);
//   - currency: an ISO 4217 code (see ParseCurrency), the same for every
//     figure of one title in one territory.
//
// A figure for a title, territory, day, kind and source already stored is
// replaced (the old one is kept as a revision). A file with any bad row, or
// whose figures would take a cumulative gross below zero on some day, stores
// nothing and returns an *ImportError listing every problem found. origin
// names the file for the import's record.
func (b *BoxOffice) Import(ctx context.Context, r io.Reader, origin string) (ImportResult, error) {
	rows, err := parseGrosses(r)
	if err != nil {
		return ImportResult{}, err
	}
	return b.store(ctx, rows, origin)
}

// ParseGrosses reads the CSV Import takes and returns its figures without
// storing anything. Titles are not resolved: a row naming its title by name
// has TitleID 0. Bad input is an *ImportError listing every bad row.
func ParseGrosses(r io.Reader) ([]Gross, error) {
	rows, err := parseGrosses(r)
	if err != nil {
		return nil, err
	}
	out := make([]Gross, len(rows))
	for i, rw := range rows {
		out[i] = rw.gross
	}
	return out, nil
}

// Add validates and stores figures given as values, by the rules of Import:
// each must carry its TitleID; Row numbers in an *ImportError are the
// figure's index plus one. origin names where the figures came from.
func (b *BoxOffice) Add(ctx context.Context, grosses []Gross, origin string) (ImportResult, error) {
	ie := &ImportError{}
	rows := make([]row, 0, len(grosses))
	for i, g := range grosses {
		g.Kind = cmpOr(g.Kind, KindDaily)
		checkGross(ie, i+1, &g, strconv.FormatInt(g.Amount, 10), false)
		if g.TitleID <= 0 {
			ie.add(i+1, "title", strconv.FormatInt(g.TitleID, 10), "must be a Lineup title ID")
		}
		rows = append(rows, row{n: i + 1, gross: g})
	}
	if len(ie.Problems) > 0 {
		return ImportResult{}, ie
	}
	return b.store(ctx, rows, origin)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// readHeader reads the header and maps column names to indexes. A missing
// required column, an unknown or a repeated one is reported on row 1.
func readHeader(cr *csv.Reader, ie *ImportError, required, optional []string) (map[string]int, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		ie.add(1, "", "", "the file is empty: the first line must name the columns "+strings.Join(required, ", "))
		return nil, ie
	}
	if err != nil {
		ie.add(1, "", "", "unreadable CSV header: "+csvReason(err))
		return nil, ie
	}
	cols := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		switch {
		case name == "":
			ie.add(1, "", "", fmt.Sprintf("column %d has no name", i+1))
		case !slices.Contains(required, name) && !slices.Contains(optional, name):
			ie.add(1, name, "", "unknown column; the columns are "+strings.Join(append(slices.Clone(required), optional...), ", "))
		case hasIndex(cols, name):
			ie.add(1, name, "", "column given twice")
		default:
			cols[name] = i
		}
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			ie.add(1, c, "", "missing column")
		}
	}
	if len(ie.Problems) > 0 {
		return nil, ie
	}
	return cols, nil
}

func hasIndex(cols map[string]int, name string) bool {
	_, ok := cols[name]
	return ok
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func parseGrosses(r io.Reader) ([]row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	ie := &ImportError{}
	cols, err := readHeader(cr, ie, grossColumns, optionalGrossColumns)
	if err != nil {
		return nil, err
	}
	var out []row
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ie.add(n, "", "", "unreadable CSV: "+csvReason(err))
			break
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) < len(cols) {
			ie.add(n, "", "", fmt.Sprintf("has %d fields where the header has %d", len(rec), len(cols)))
			continue
		}
		get := func(c string) string {
			if i, ok := cols[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		g := Gross{Territory: get("territory"), Day: get("date"), Currency: get("currency"), Source: get("source"), Note: get("note")}
		ref := get("title")
		if ref == "" {
			ie.add(n, "title", "", "is required: a Lineup title ID or a title's name")
		} else if id, ok := parseTitleID(ref); ok {
			g.TitleID = id
		}
		switch est := strings.ToLower(get("estimate")); est {
		case "", "false", "no", "0":
		case "true", "yes", "1":
			g.Estimate = true
		default:
			ie.add(n, "estimate", get("estimate"), "must be true or false")
		}
		g.Kind = strings.ToLower(get("kind"))
		if g.Kind == "" {
			g.Kind = KindDaily
		}
		checkGross(ie, n, &g, get("gross"), true)
		out = append(out, row{n: n, ref: ref, gross: g})
	}
	if len(ie.Problems) > 0 {
		return nil, ie
	}
	if len(out) == 0 {
		ie.add(1, "", "", "the file has a header but no figures")
		return nil, ie
	}
	return out, nil
}

// parseTitleID reads "42" or "lineup:title:42".
func parseTitleID(ref string) (int64, bool) {
	s := strings.TrimPrefix(ref, catalog.TitleRefPrefix)
	if !allDigits(s) || s == "" {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// checkGross validates and normalizes every field but the title. From CSV,
// amount is the gross as written and is parsed into g.Amount; otherwise
// g.Amount is already in minor units and only its range is checked.
func checkGross(ie *ImportError, n int, g *Gross, amount string, fromCSV bool) {
	if ts, err := rights.ParseTerritory(g.Territory); err != nil {
		ie.add(n, "territory", g.Territory, err.Error())
	} else if len(ts) != 1 {
		ie.add(n, "territory", g.Territory, "a gross belongs to one country: give its ISO 3166-1 alpha-2 code, not ZZ, WW or EU")
	} else {
		g.Territory = ts[0]
	}
	if err := checkDay(g.Day); err != nil {
		ie.add(n, "date", g.Day, err.Error())
	}
	if g.Kind != KindDaily && g.Kind != KindCumulative {
		ie.add(n, "kind", g.Kind, `must be "daily" or "cumulative"`)
	}
	code, err := ParseCurrency(g.Currency)
	if err != nil {
		ie.add(n, "currency", g.Currency, err.Error())
	} else {
		g.Currency = code
	}
	switch {
	case !fromCSV:
		if g.Amount > maxAmount || g.Amount < -maxAmount {
			ie.add(n, "gross", amount, "is too large")
		}
	case amount == "":
		ie.add(n, "gross", amount, "is required")
	case err == nil:
		// The decimal needs a valid currency to know its number of decimals.
		if v, perr := ParseAmount(amount, code); perr != nil {
			ie.add(n, "gross", amount, perr.Error())
		} else {
			g.Amount = v
		}
	}
	if g.Kind == KindCumulative && g.Amount < 0 {
		ie.add(n, "gross", amount, "a cumulative gross cannot be below zero")
	}
	switch {
	case g.Source == "":
		ie.add(n, "source", "", "is required: say who reported the figure")
	case !utf8.ValidString(g.Source) || strings.IndexByte(g.Source, 0) >= 0:
		ie.add(n, "source", g.Source, "must be UTF-8 text")
	case utf8.RuneCountInString(g.Source) > 200:
		ie.add(n, "source", g.Source, "must be at most 200 characters")
	}
	if !utf8.ValidString(g.Note) || strings.IndexByte(g.Note, 0) >= 0 || utf8.RuneCountInString(g.Note) > 1000 {
		ie.add(n, "note", g.Note, "must be UTF-8 text of at most 1000 characters")
	}
}

// checkDay accepts exactly YYYY-MM-DD, a real calendar day.
func checkDay(s string) error {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 || t.Format(time.DateOnly) != s {
		return fmt.Errorf("date %q must be a calendar day written YYYY-MM-DD, such as 2018-04-28", s)
	}
	if t.Year() < 1890 || t.Year() > 2200 {
		return fmt.Errorf("date %q is out of range", s)
	}
	return nil
}

// store resolves titles, then checks and writes the figures in one
// transaction, refusing the whole import on any problem.
func (b *BoxOffice) store(ctx context.Context, rows []row, origin string) (ImportResult, error) {
	ie := &ImportError{}
	// Names are resolved before the transaction: the resolver reads the
	// database itself, and on SQLite the transaction holds the only
	// connection.
	resolved := map[string]int64{}
	for i := range rows {
		rw := &rows[i]
		if rw.gross.TitleID != 0 || rw.ref == "" {
			continue
		}
		if id, ok := resolved[rw.ref]; ok {
			rw.gross.TitleID = id
			continue
		}
		if b.cfg.Resolve == nil {
			ie.add(rw.n, "title", rw.ref, "names a title by name; give its Lineup title ID (this import takes IDs only)")
			continue
		}
		id, err := b.cfg.Resolve(ctx, rw.ref)
		if err != nil {
			if ctx.Err() != nil {
				return ImportResult{}, ctx.Err()
			}
			ie.add(rw.n, "title", rw.ref, "unknown title: "+err.Error())
			continue
		}
		resolved[rw.ref] = id
		rw.gross.TitleID = id
	}
	if len(ie.Problems) > 0 {
		return ImportResult{}, ie
	}
	var res ImportResult
	err := b.db.InTx(ctx, func(tx *sql.Tx) error {
		res = ImportResult{Rows: len(rows)} // InTx may run this again
		if err := checkTitlesAndCurrencies(ctx, tx, rows, ie); err != nil {
			return err
		}
		if len(ie.Problems) > 0 {
			return ie
		}
		now := b.cfg.Now().UnixMilli()
		if err := tx.QueryRowContext(ctx, `INSERT INTO boxoffice_imports (origin, row_count, created_at) VALUES ($1, $2, $3) RETURNING id`,
			origin, len(rows), now).Scan(&res.ImportID); err != nil {
			return fmt.Errorf("record import: %w", err)
		}
		type runKey struct {
			title     int64
			territory string
		}
		touched := map[runKey][]row{}
		var order []runKey
		for _, rw := range rows {
			g := rw.gross
			k := runKey{g.TitleID, g.Territory}
			if _, ok := touched[k]; !ok {
				order = append(order, k)
			}
			touched[k] = append(touched[k], rw)
			did, err := upsertGross(ctx, tx, g, res.ImportID, now)
			if err != nil {
				return fmt.Errorf("row %d: %w", rw.n, err)
			}
			switch did {
			case "added":
				res.Added++
			case "replaced":
				res.Replaced++
			default:
				res.Unchanged++
			}
		}
		for _, k := range order {
			gs, err := loadGrosses(ctx, tx, k.title, k.territory)
			if err != nil {
				return err
			}
			run := b.derive(k.title, k.territory, gs)
			for _, d := range run.Days {
				if d.Cumulative >= 0 {
					continue
				}
				// Blame the last row of this import on or before the day.
				blame := touched[k][0]
				for _, rw := range touched[k] {
					if rw.gross.Day <= d.Day && rw.gross.Day >= blame.gross.Day {
						blame = rw
					}
				}
				ie.add(blame.n, "gross", formatMinor(blame.gross.Amount, MinorDigits(blame.gross.Currency)),
					fmt.Sprintf("refused: the cumulative gross of title %d in %s would be %s on %s; a refund or revision may not take the total below zero",
						k.title, k.territory, Money{d.Cumulative, run.Currency}, d.Day))
				break
			}
			if !slices.Contains(res.Titles, k.title) {
				res.Titles = append(res.Titles, k.title)
			}
		}
		if len(ie.Problems) > 0 {
			return ie
		}
		return nil
	})
	if err != nil {
		var refused *ImportError
		if errors.As(err, &refused) {
			return ImportResult{}, refused
		}
		return ImportResult{}, fmt.Errorf("charts: import grosses: %w", err)
	}
	slices.Sort(res.Titles)
	return res, nil
}

// checkTitlesAndCurrencies reports rows whose title does not exist and rows
// whose currency differs from the other figures of the same title and
// territory (stored, or earlier in the file).
func checkTitlesAndCurrencies(ctx context.Context, tx *sql.Tx, rows []row, ie *ImportError) error {
	exists := map[int64]bool{}
	type runKey struct {
		title     int64
		territory string
	}
	currencyOf := map[runKey]string{}
	for _, rw := range rows {
		g := rw.gross
		ok, seen := exists[g.TitleID]
		if !seen {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM titles WHERE id = $1`, g.TitleID).Scan(&one)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("find title: %w", err)
			}
			ok = err == nil
			exists[g.TitleID] = ok
		}
		if !ok {
			ie.add(rw.n, "title", cmpOr(rw.ref, strconv.FormatInt(g.TitleID, 10)), fmt.Sprintf("unknown title: no title has ID %d", g.TitleID))
			continue
		}
		k := runKey{g.TitleID, g.Territory}
		cur, known := currencyOf[k]
		if !known {
			err := tx.QueryRowContext(ctx, `SELECT currency FROM boxoffice_grosses WHERE title_id = $1 AND territory = $2 LIMIT 1`,
				g.TitleID, g.Territory).Scan(&cur)
			if errors.Is(err, sql.ErrNoRows) {
				cur = g.Currency
			} else if err != nil {
				return fmt.Errorf("find currency: %w", err)
			}
			currencyOf[k] = cur
		}
		if cur != g.Currency {
			ie.add(rw.n, "currency", g.Currency, fmt.Sprintf("title %d's figures in %s are in %s: one run is counted in one currency", g.TitleID, g.Territory, cur))
		}
	}
	return nil
}

// upsertGross writes one figure and says whether it was "added",
// "replaced" or "unchanged".
func upsertGross(ctx context.Context, tx *sql.Tx, g Gross, importID, now int64) (string, error) {
	var (
		id, oldImport int64
		amount        int64
		estimate      bool
		note          string
		revision      int
	)
	err := tx.QueryRowContext(ctx, `SELECT id, amount, estimate, note, revision, import_id FROM boxoffice_grosses
WHERE title_id = $1 AND territory = $2 AND day = $3 AND kind = $4 AND source = $5`,
		g.TitleID, g.Territory, g.Day, g.Kind, g.Source).Scan(&id, &amount, &estimate, &note, &revision, &oldImport)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = tx.ExecContext(ctx, `INSERT INTO boxoffice_grosses
(title_id, territory, day, kind, source, amount, currency, estimate, note, import_id, revision, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11)`,
			g.TitleID, g.Territory, g.Day, g.Kind, g.Source, g.Amount, g.Currency, g.Estimate, g.Note, importID, now)
		return "added", err
	}
	if err != nil {
		return "", err
	}
	if amount == g.Amount && estimate == g.Estimate && note == g.Note {
		return "unchanged", nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO boxoffice_gross_revisions (gross_id, revision, amount, estimate, note, import_id, replaced_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, revision, amount, estimate, note, oldImport, now); err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `UPDATE boxoffice_grosses SET amount = $1, estimate = $2, note = $3, import_id = $4, revision = $5, updated_at = $6 WHERE id = $7`,
		g.Amount, g.Estimate, g.Note, importID, revision+1, now, id)
	return "replaced", err
}

const grossSelect = `SELECT id, title_id, territory, day, kind, amount, currency, source, estimate, note, revision, import_id FROM boxoffice_grosses`

// loadGrosses reads every stored figure of a title in a territory.
func loadGrosses(ctx context.Context, q store.Querier, titleID int64, territory string) ([]Gross, error) {
	return queryGrosses(ctx, q, grossSelect+` WHERE title_id = $1 AND territory = $2 ORDER BY day, id`, titleID, territory)
}

func queryGrosses(ctx context.Context, q store.Querier, query string, args ...any) ([]Gross, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("load grosses: %w", err)
	}
	defer rows.Close()
	var out []Gross
	for rows.Next() {
		var g Gross
		if err := rows.Scan(&g.ID, &g.TitleID, &g.Territory, &g.Day, &g.Kind, &g.Amount, &g.Currency, &g.Source,
			&g.Estimate, &g.Note, &g.Revision, &g.ImportID); err != nil {
			return nil, fmt.Errorf("load grosses: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load grosses: %w", err)
	}
	return out, nil
}

// Grosses returns every stored figure of a title in a territory, by day, each
// with its source, kind and revision: the figures behind Run. A territory of
// "" returns the figures of every territory.
func (b *BoxOffice) Grosses(ctx context.Context, titleID int64, territory string) ([]Gross, error) {
	var (
		gs  []Gross
		err error
	)
	if territory == "" {
		gs, err = queryGrosses(ctx, b.db, grossSelect+` WHERE title_id = $1 ORDER BY territory, day, id`, titleID)
	} else {
		gs, err = loadGrosses(ctx, b.db, titleID, territory)
	}
	if err != nil {
		return nil, fmt.Errorf("charts: grosses of title %d: %w", titleID, err)
	}
	return gs, nil
}

// Territories returns the territories where a title has figures, sorted.
func (b *BoxOffice) Territories(ctx context.Context, titleID int64) ([]string, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT DISTINCT territory FROM boxoffice_grosses WHERE title_id = $1 ORDER BY territory`, titleID)
	if err != nil {
		return nil, fmt.Errorf("charts: territories of title %d: %w", titleID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ProblemRows returns the problems for an API answer that lists them.
func (e *ImportError) ProblemRows() any { return e.Problems }

// InvalidField summarizes the first problem (field, value, reason), for
// callers that show one line.
func (e *ImportError) InvalidField() (field, value, reason string) {
	if len(e.Problems) == 0 {
		return "file", "", "the import was refused"
	}
	p := e.Problems[0]
	return p.Column, p.Value, fmt.Sprintf("row %d: %s", p.Row, p.Reason)
}
