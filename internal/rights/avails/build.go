package avails

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lineup/lineup/internal/rights"
)

// Row is one data row of a sheet that Lineup takes: one title, one
// territory (with its exclusions), one window, read into Lineup's terms.
type Row struct {
	// Sheet and Num locate the row as a person sees it (Sheet is "" for a
	// CSV file or a workbook with one avails sheet).
	Sheet string `json:"sheet,omitempty"`
	Num   int    `json:"row"`
	// AvailID and ALID are the EMA identifiers of the avail, when given.
	AvailID string `json:"avail_id,omitempty"`
	ALID    string `json:"alid,omitempty"`
	// Withdraw is true for EntryType Full Delete (or Delete): the avail the
	// row names is withdrawn rather than created or changed.
	Withdraw bool `json:"withdraw,omitempty"`
	// EntryType is the row's EntryType in its canonical spelling.
	EntryType string             `json:"entry_type"`
	Title     TitleRef           `json:"title"`
	Licensor  string             `json:"licensor"`
	Licensee  string             `json:"licensee"`
	Type      rights.LicenseType `json:"license_type"`
	// Territory is the code as written (ZZ and EU allowed); Excluded the
	// codes of TerritoryExclusion.
	Territory string   `json:"territory"`
	Excluded  []string `json:"excluded_territories,omitempty"`
	// Start and End are the window; a zero End is open. StartImmediate and
	// EndImmediate say the sheet wrote "Immediate": Start then holds the
	// moment of the import (an avail already stored keeps its own).
	Start          rights.Moment `json:"start"`
	End            rights.Moment `json:"end"`
	StartImmediate bool          `json:"start_immediate,omitempty"`
	EndImmediate   bool          `json:"end_immediate,omitempty"`
	Exclusive      bool          `json:"exclusive"`
	Branding       bool          `json:"original_branding"`
	// Pending, when not empty, says why the window is not known yet ("to be
	// announced"): the row is recorded, and makes no license until a later
	// sheet gives the date.
	Pending string `json:"pending,omitempty"`
	// Cells holds every non-blank cell of the row by EMA column name,
	// including the columns Lineup does not use.
	Cells map[string]string `json:"-"`
}

// Key is the row's identity from one sheet to the next: the licensor, the
// licensee, the AvailID (or, without one, the ALID, or else the title
// reference), the territory and the license type. Two rows of one sheet
// with the same key are the same avail.
func (r Row) Key() string {
	id := r.AvailID
	switch {
	case id != "":
		id = "avail:" + id
	case r.ALID != "":
		id = "alid:" + r.ALID
	default:
		id = "title:" + r.Title.key()
	}
	return strings.Join([]string{strings.ToLower(r.Licensor), strings.ToLower(r.Licensee), id, r.Territory, string(r.Type)}, "\x1f")
}

// Terms is the row's grant in one comparable string: a row whose Terms did
// not change since it was stored changes nothing.
func (r Row) Terms() string {
	ex := slices.Clone(r.Excluded)
	slices.Sort(ex)
	return strings.Join([]string{momentKey(r.Start), momentKey(r.End), strconv.FormatBool(r.Exclusive),
		strconv.FormatBool(r.Branding), strings.Join(ex, ","), r.Pending}, "|")
}

// SetAside is a row Lineup does not take, with the reason; the other rows
// of the sheet import.
type SetAside struct {
	Sheet       string `json:"sheet,omitempty"`
	Row         int    `json:"row"`
	AvailID     string `json:"avail_id,omitempty"`
	Title       string `json:"title,omitempty"`
	Territory   string `json:"territory,omitempty"`
	WorkType    string `json:"work_type,omitempty"`
	LicenseType string `json:"license_type,omitempty"`
	Reason      string `json:"reason"`
}

// Sheet is what Read finds in a sheet: the rows Lineup takes, in sheet
// order, and the rows it sets aside.
type Sheet struct {
	Rows     []Row      `json:"rows"`
	SetAside []SetAside `json:"set_aside"`
}

// Read reads an EMA Avails movie sheet (.xlsx, every worksheet with a row
// of EMA column names, or .csv) into rows, checking every cell. Rows of
// kinds Lineup does not take (TV work types, collections, pre-order
// windows, license types it does not track) are set aside with a reason. A
// sheet with any wrong row (a malformed date, an unknown territory, an end
// before its start…) gives a *SheetError listing every problem; a file that
// is not a spreadsheet gives a *FormatError. Titles are not looked up:
// each row carries its TitleRef. Read reads r to the end and does not
// close it.
func Read(ctx context.Context, r io.Reader, filename string, opts Options) (*Sheet, error) {
	ts, err := readTables(ctx, r, filename, opts)
	if err != nil {
		return nil, err
	}
	return readSheet(ctx, ts, opts)
}

// readSheet checks every row of the tables and resolves the conditional
// dates; any problem anywhere makes it return a SheetError instead.
func readSheet(ctx context.Context, ts []*table, opts Options) (*Sheet, error) {
	var problems []Problem
	for _, t := range ts {
		problems = append(problems, missingColumns(t)...)
	}
	if len(problems) > 0 {
		return nil, &SheetError{Problems: problems}
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	importedAt := now().UTC().Truncate(time.Second)
	tracked := opts.Tracked
	if len(tracked) == 0 {
		tracked = DefaultTracked
	}

	out := &Sheet{Rows: []Row{}, SetAside: []SetAside{}}
	var conds []conditional
	total := 0
	for _, t := range ts {
		total += len(t.rows)
		for i, r := range t.rows {
			if i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			row, aside, c, ps := readRow(t, r, opts, tracked, importedAt)
			switch {
			case len(ps) > 0:
				problems = append(problems, ps...)
			case aside != nil:
				out.SetAside = append(out.SetAside, *aside)
			default:
				if c.start != "" || c.end != "" {
					c.index = len(out.Rows)
					conds = append(conds, c)
				}
				out.Rows = append(out.Rows, row)
			}
		}
	}
	if total == 0 {
		problems = append(problems, Problem{Sheet: ts[0].sheet, Row: ts[0].headerRow, Reason: "the sheet has column names but no avails below them"})
	}
	problems = append(problems, resolveConditions(out.Rows, conds)...)
	problems = append(problems, duplicates(out.Rows)...)
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, &SheetError{Problems: problems}
	}
	return out, nil
}

// sortProblems orders problems by sheet and row, keeping a row's own
// problems in column order.
func sortProblems(ps []Problem) {
	order := map[string]int{}
	for _, p := range ps {
		if _, ok := order[p.Sheet]; !ok {
			order[p.Sheet] = len(order)
		}
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := cmp.Compare(order[a.Sheet], order[b.Sheet]); c != 0 {
			return c
		}
		return cmp.Compare(a.Row, b.Row)
	})
}

// duplicates reports rows that are the same avail (the same Key) with
// different terms; the same avail written twice with the same terms (once
// per FormatProfile, say) is harmless.
func duplicates(rows []Row) []Problem {
	var ps []Problem
	first := map[string]int{}
	for i, r := range rows {
		k := r.Key()
		j, ok := first[k]
		if !ok {
			first[k] = i
			continue
		}
		if rows[j].Terms() != r.Terms() || rows[j].Withdraw != r.Withdraw {
			ps = append(ps, Problem{Sheet: r.Sheet, Row: r.Num, Column: colAvailID, Value: r.AvailID,
				Reason: fmt.Sprintf("the same avail as row %d (same AvailID or title, territory and license type) with other terms: give each avail one row, or its own AvailID", rows[j].Num)})
		}
	}
	return ps
}

// DefaultTracked is the license types Read takes when Options.Tracked is
// empty: those an avails sheet can grant for streaming or download.
var DefaultTracked = []rights.LicenseType{rights.SVOD, rights.AVOD, rights.TVOD, rights.EST}

// conditional is a row whose Start or End is tied to another window
// ("ESTStart") or not known yet ("TBA").
type conditional struct {
	index      int
	start, end string // the condition words, "" when the cell is a date
}

// titleWorkTypes are the EMA WorkType values that are a film.
var titleWorkTypes = map[string]string{"movie": "Movie", "feature": "Movie", "short": "Short"}

// asideWorkTypes are the EMA WorkType values Lineup sets aside.
var asideWorkTypes = map[string]string{
	"episode": "Episode", "season": "Season", "series": "Series", "collection": "Collection",
	"supplemental": "Supplemental", "promotion": "Promotion", "bundle": "Bundle", "excerpt": "Excerpt",
	"music": "Music", "musicvideo": "MusicVideo", "miniseries": "Miniseries",
}

// readRow reads one data row. It returns the row, or the reason it is set
// aside, or every problem it has.
func readRow(t *table, r row, opts Options, tracked []rights.LicenseType, importedAt time.Time) (Row, *SetAside, conditional, []Problem) {
	a := Row{Sheet: t.sheet, Num: r.num, Cells: t.cells(r)}
	var ps []Problem
	bad := func(col, val, format string, args ...any) {
		ps = append(ps, Problem{Sheet: t.sheet, Row: r.num, Column: col, Value: val, Reason: fmt.Sprintf(format, args...)})
	}
	a.AvailID = t.cell(r, colAvailID)
	a.ALID = t.cell(r, colALID)
	a.Title = titleRef(t, r)
	a.Territory = t.cell(r, colTerritory)
	aside := func(reason string) (Row, *SetAside, conditional, []Problem) {
		return Row{}, &SetAside{Sheet: t.sheet, Row: r.num, AvailID: a.AvailID, Title: a.Title.Name(), Territory: a.Territory,
			WorkType: t.cell(r, colWorkType), LicenseType: t.cell(r, colLicenseType), Reason: reason}, conditional{}, nil
	}

	// What kind of row this is comes first: a row Lineup does not take is
	// set aside whatever its other cells say.
	wt := t.cell(r, colWorkType)
	if w, ok := asideWorkTypes[strings.ToLower(wt)]; ok {
		return aside(fmt.Sprintf("WorkType %s: Lineup takes films (Movie, Short); episodes, seasons, series and collections are not imported", w))
	}
	kind, film := titleWorkTypes[strings.ToLower(wt)]
	switch {
	case film:
		a.Title.Kind = kind
	case wt == "":
		bad(colWorkType, wt, "WorkType is required: Movie")
	default:
		bad(colWorkType, wt, "unknown WorkType: films are Movie or Short; Episode, Season, Series and Collection rows are set aside")
	}
	lt := t.cell(r, colLicenseType)
	typ, known := emaLicenseTypes[strings.ToUpper(lt)]
	switch {
	case lt == "":
		bad(colLicenseType, lt, "LicenseType is required: SVOD, AVOD, VOD (rental) or EST")
	case strings.EqualFold(lt, "POEST"), strings.EqualFold(lt, "POVOD"):
		return aside(fmt.Sprintf("LicenseType %s is a pre-order window: it grants no viewing, and Lineup does not take pre-orders", strings.ToUpper(lt)))
	case !known:
		return aside(fmt.Sprintf("LicenseType %s is not one Lineup tracks (%s)", lt, trackedList(tracked)))
	case !slices.Contains(tracked, typ):
		return aside(fmt.Sprintf("LicenseType %s: this service does not track %s licenses (%s)", lt, typ, trackedList(tracked)))
	default:
		a.Type = typ
	}

	switch v := t.cell(r, colEntryType); strings.ToLower(v) {
	case "create":
		a.EntryType = "Create"
	case "update":
		a.EntryType = "Update"
	case "full extract":
		a.EntryType = "Full Extract"
	case "full delete", "delete":
		a.EntryType, a.Withdraw = "Full Delete", true
	case "":
		bad(colEntryType, v, "EntryType is required: Create, Update, Full Extract or Full Delete")
	default:
		bad(colEntryType, v, "unknown EntryType: use Create, Update, Full Extract or Full Delete")
	}

	a.Licensor = t.cell(r, colDisplayName)
	if a.Licensor == "" {
		a.Licensor = strings.TrimSpace(opts.Licensor)
	}
	if a.Licensor == "" {
		bad(colDisplayName, "", "the licensor is missing: DisplayName names the studio granting the avail")
	}
	a.Title.Licensor = a.Licensor
	a.Licensee = t.cell(r, colLicensee)
	if a.Licensee == "" {
		a.Licensee = strings.TrimSpace(opts.Licensee)
	}
	if a.Licensee == "" {
		bad(colLicensee, "", "the licensee is missing: give a Licensee column, or import with a default licensee")
	}

	if a.Title.IsZero() {
		col := colContentID
		if !t.has(colContentID) {
			col = colAltID
		}
		bad(col, "", "the row names no title: give a ContentID, an AltID or a TitleInternalAlias")
	}
	for _, col := range []string{colContentID, colTitleID, colEditID} {
		if v := t.cell(r, col); v != "" && looksLikeEIDR(v) {
			if _, ok := NormalizeEIDR(v); !ok {
				bad(col, v, "not a well-formed EIDR: write 10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C or md:cid:eidr-s:XXXX-XXXX-XXXX-XXXX-XXXX-C")
			}
		}
	}
	if v := t.cell(r, colReleaseYear); v != "" {
		y, err := releaseYear(v, t.date1904)
		if err != nil {
			bad(colReleaseYear, v, "%s", err)
		}
		a.Title.Year = y
	}

	covers, terr := territory(a.Territory)
	if terr != nil {
		bad(colTerritory, a.Territory, "%s", terr)
	}
	if v := t.cell(r, colTerritoryExclusion); v != "" {
		ex, err := exclusions(v, a.Territory, covers)
		if err != nil {
			bad(colTerritoryExclusion, v, "%s", err)
		}
		a.Excluded = ex
	}

	var c conditional
	startText, endText := t.cell(r, colStart), t.cell(r, colEnd)
	start, scond, serr := moment(startText, false, t.date1904, importedAt)
	if serr != nil {
		bad(colStart, startText, "%s", serr)
	}
	end, econd, eerr := moment(endText, true, t.date1904, importedAt)
	if eerr != nil {
		bad(colEnd, endText, "%s", eerr)
	}
	c.start, c.end = scond, econd
	a.Start, a.End = start, end
	a.StartImmediate = strings.EqualFold(startText, "Immediate")
	a.EndImmediate = strings.EqualFold(endText, "Immediate")
	if serr == nil && eerr == nil && scond == "" && econd == "" && covers != nil && !a.Withdraw {
		if empty, where := emptyWindow(start, end, covers); empty {
			bad(colEnd, endText, "End must be after Start (%s)%s: the window would be empty", startText, where)
		}
	}

	var err error
	ex := t.cell(r, colExclusive)
	if a.Exclusive, err = yesNo(ex); err != nil {
		bad(colExclusive, ex, "%s", err)
	}
	br := t.cell(r, colBrandingRights)
	if a.Branding, err = yesNo(br); err != nil {
		bad(colBrandingRights, br, "%s", err)
	}
	return a, nil, c, ps
}

// titleRef reads the columns that name and describe the row's title.
func titleRef(t *table, r row) TitleRef {
	ref := TitleRef{
		ContentID: t.cell(r, colContentID),
		AltID:     t.cell(r, colAltID),
		Alias:     t.cell(r, colTitleInternalAlias),
		Display:   t.cell(r, colTitleDisplayUnlimited),
	}
	if ref.Display == "" {
		ref.Display = t.cell(r, colTitleDisplay19)
	}
	for _, col := range []string{colContentID, colTitleID, colEditID} {
		if id, ok := NormalizeEIDR(t.cell(r, col)); ok {
			ref.EIDR = id
			break
		}
	}
	return ref
}

// looksLikeEIDR reports whether an identifier is meant as an EIDR.
func looksLikeEIDR(v string) bool {
	low := strings.ToLower(v)
	return strings.HasPrefix(low, "10.5240") || strings.Contains(low, "eidr")
}

// releaseYear reads a ReleaseYear cell: a year, a date or an Excel serial
// day number.
func releaseYear(v string, date1904 bool) (int, error) {
	if len(v) == 4 {
		if y, err := strconv.Atoi(v); err == nil && y >= 1870 && y <= 2200 {
			return y, nil
		}
	}
	if len(v) >= 10 {
		if d, err := time.Parse("2006-01-02", v[:10]); err == nil {
			return d.Year(), nil
		}
	}
	if serialDay.MatchString(v) {
		if m, err := serialMoment(strings.SplitN(v, ".", 2)[0], date1904); err == nil {
			return strconv.Atoi(m.Date[:4])
		}
	}
	return 0, fmt.Errorf("ReleaseYear must be a year such as 2018 (or a date)")
}

// emaLicenseTypes maps the EMA LicenseType values Lineup knows to its own.
var emaLicenseTypes = map[string]rights.LicenseType{
	"SVOD": rights.SVOD, "AVOD": rights.AVOD, "VOD": rights.TVOD, "TVOD": rights.TVOD, "EST": rights.EST,
}

func trackedList(ts []rights.LicenseType) string {
	var names []string
	for _, t := range ts {
		if s, ok := emaLicenseType(t); ok {
			names = append(names, s)
		}
	}
	return "it takes " + strings.Join(names, ", ")
}

// emaLicenseType is the EMA spelling of a Lineup license type, for Export.
func emaLicenseType(t rights.LicenseType) (string, bool) {
	switch t {
	case rights.SVOD:
		return "SVOD", true
	case rights.AVOD:
		return "AVOD", true
	case rights.TVOD:
		return "VOD", true
	case rights.EST:
		return "EST", true
	}
	return "", false
}

// territory reads a Territory cell: exactly one code, as rights.ParseTerritory
// accepts it, but with the EMA spelling of worldwide (ZZ, not WW).
func territory(v string) ([]string, error) {
	if v == "" {
		return nil, fmt.Errorf("Territory is required: one ISO 3166-1 alpha-2 code such as CN, or ZZ for worldwide")
	}
	if strings.ContainsAny(v, ",; \t\n") {
		return nil, fmt.Errorf("one territory per row: put each code on a row of its own (or ZZ with a TerritoryExclusion)")
	}
	if v == "WW" {
		return nil, fmt.Errorf("WW is not an EMA territory code: write ZZ for worldwide")
	}
	codes, err := rights.ParseTerritory(v)
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// exclusions reads a TerritoryExclusion cell: codes separated by commas,
// semicolons or spaces, each inside the row's territory.
func exclusions(v, territory string, covers []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, code := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' }) {
		codes, err := rights.ParseTerritory(code)
		if err != nil {
			return nil, err
		}
		if code == "ZZ" || code == "WW" {
			return nil, fmt.Errorf("excluding %s leaves nothing: list the countries to leave out", code)
		}
		for _, c := range codes {
			if covers != nil && !slices.Contains(covers, c) {
				return nil, fmt.Errorf("%s is not inside %s, so it cannot be excluded from it", code, territory)
			}
		}
		if !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	if covers != nil {
		left, err := rights.Covered([]string{territory}, out)
		if err == nil && len(left) == 0 {
			return nil, fmt.Errorf("the exclusions leave nothing of %s", territory)
		}
	}
	return out, nil
}

// serialDay matches a whole or fractional Excel serial day number.
var serialDay = regexp.MustCompile(`^[0-9]{1,7}(\.[0-9]+)?$`)

// conditionWords are the EMA DateTimeCondition words and their usual
// variants that tie a date to an event Lineup may not know: ESTStart is
// resolved from the EST row of the same title and territory; the others
// leave the window "to be announced".
var conditionWords = map[string]string{
	"eststart": "ESTStart", "tba": "TBA", "tbd": "TBD", "tbc": "TBC", "est": "EST", "broadcast": "Broadcast",
	"completed": "Completed", "theatrical": "Theatrical",
}

// moment reads a Start or End cell. cond is the condition word when the
// cell names one instead of a date.
func moment(v string, isEnd, date1904 bool, importedAt time.Time) (m rights.Moment, cond string, err error) {
	switch {
	case v == "":
		if isEnd {
			return rights.Moment{}, "", fmt.Errorf("End is required: a date, a date-time with an offset, Open, or TBA")
		}
		return rights.Moment{}, "", fmt.Errorf("Start is required: a date, a date-time with an offset, Immediate, or TBA")
	case strings.EqualFold(v, "Open"):
		if isEnd {
			return rights.Moment{}, "", nil
		}
		return rights.Moment{}, "", fmt.Errorf("Open is for End only: a window must start at a date, Immediate, or TBA")
	case strings.EqualFold(v, "Immediate"):
		return rights.InstantMoment(importedAt), "", nil
	case serialDay.MatchString(v):
		m, err := serialMoment(v, date1904)
		return m, "", err
	}
	if w, ok := conditionWords[strings.ToLower(v)]; ok {
		return rights.Moment{}, w, nil
	}
	if len(v) > 10 && (v[10] == 'T' || v[10] == 't' || v[10] == ' ') && !hasOffset(v[11:]) {
		return rights.Moment{}, "", fmt.Errorf("a date-time without an offset names no instant: add Z or an offset such as +08:00, or give the date alone")
	}
	m, err = rights.ParseMoment(v)
	if err != nil {
		return rights.Moment{}, "", err
	}
	return m, "", nil
}

// resolveConditions gives conditional dates their value from the other rows
// of the same title, licensor and territory (ESTStart is the Start of the
// EST row), and marks the rows whose dates stay unknown as pending. It
// returns the problems of windows that turn out empty.
func resolveConditions(rows []Row, conds []conditional) []Problem {
	if len(conds) == 0 {
		return nil
	}
	estStart := map[string]rights.Moment{}
	for i, r := range rows {
		if r.Type == rights.EST && !r.Withdraw && !r.Start.IsZero() && !slices.ContainsFunc(conds, func(c conditional) bool { return c.index == i && c.start != "" }) {
			k := siblingKey(r)
			if _, ok := estStart[k]; !ok {
				estStart[k] = r.Start
			}
		}
	}
	var ps []Problem
	for _, c := range conds {
		r := &rows[c.index]
		var why []string
		resolve := func(word, col string, m *rights.Moment) {
			if word == "" {
				return
			}
			if word == "ESTStart" {
				if s, ok := estStart[siblingKey(*r)]; ok {
					*m = s
					return
				}
				why = append(why, fmt.Sprintf("%s is ESTStart and no EST row of this title and territory gives a start", col))
				return
			}
			why = append(why, fmt.Sprintf("%s is %s", col, word))
		}
		resolve(c.start, colStart, &r.Start)
		resolve(c.end, colEnd, &r.End)
		if len(why) > 0 {
			r.Pending = "to be announced: " + strings.Join(why, "; ")
			if c.start != "" {
				r.Start = rights.Moment{}
			}
			if c.end != "" {
				r.End = rights.Moment{}
			}
			continue
		}
		if r.Withdraw {
			continue
		}
		covers, err := rights.ParseTerritory(r.Territory)
		if err != nil {
			continue
		}
		if empty, where := emptyWindow(r.Start, r.End, covers); empty {
			ps = append(ps, Problem{Sheet: r.Sheet, Row: r.Num, Column: colEnd, Value: r.End.String(),
				Reason: fmt.Sprintf("End must be after Start (%s, from the EST row)%s: the window would be empty", r.Start.String(), where)})
		}
	}
	return ps
}

// siblingKey groups the rows of one title, licensor and territory.
func siblingKey(r Row) string {
	return strings.ToLower(r.Licensor) + "\x1f" + r.Title.key() + "\x1f" + r.Territory
}

// momentKey compares moments by what they mean: a date by its day, an
// instant by the instant, whatever offset it was written with.
func momentKey(m rights.Moment) string {
	if m.IsDate() || m.IsZero() {
		return m.Date
	}
	return m.At.UTC().Format(time.RFC3339Nano)
}

func hasOffset(clock string) bool {
	return strings.HasSuffix(clock, "Z") || strings.HasSuffix(clock, "z") || strings.ContainsAny(clock, "+-")
}

// serialMoment reads an Excel serial day number as the date it stands for.
// A fraction is a time of day without an offset, which names no instant.
func serialMoment(v string, date1904 bool) (rights.Moment, error) {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return rights.Moment{}, fmt.Errorf("malformed date: write YYYY-MM-DD, such as 2018-06-22")
	}
	if n != float64(int64(n)) {
		return rights.Moment{}, fmt.Errorf("an Excel date-time has no offset and names no instant: give the date alone, or a date-time with an offset as text")
	}
	// 25569 is 1970-01-01 and 2958465 is 9999-12-31 in the 1900 system:
	// smaller numbers are more likely a year or a typo than the start of a
	// digital window.
	if n < 25569 || n > 2958465 {
		return rights.Moment{}, fmt.Errorf("the number %s is not a plausible Excel date: write YYYY-MM-DD, such as 2018-06-22", v)
	}
	d, err := excelize.ExcelDateToTime(n, date1904)
	if err != nil {
		return rights.Moment{}, fmt.Errorf("the number %s is not an Excel date: write YYYY-MM-DD, such as 2018-06-22", v)
	}
	return rights.DateMoment(d.Year(), d.Month(), d.Day()), nil
}

// emptyWindow reports whether the window [start, end) is empty in some
// country, and names that country when start and end are of different kinds
// (a date and an instant) and so compare differently in each zone. An open
// end is never empty.
func emptyWindow(start, end rights.Moment, countries []string) (empty bool, where string) {
	switch {
	case end.IsZero():
		return false, ""
	case start.IsDate() && end.IsDate():
		return end.Date <= start.Date, ""
	case !start.IsDate() && !end.IsDate():
		return !end.At.After(start.At), ""
	}
	for _, c := range countries {
		if !end.In(c).After(start.In(c)) {
			return true, " in " + c
		}
	}
	return false, ""
}

// yesNo reads an EMA boolean term: Yes or No, blank meaning No. True,
// False, Y, N, 1 and 0 (a spreadsheet's own booleans) are accepted too.
func yesNo(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes", "y", "true", "1":
		return true, nil
	case "no", "n", "false", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("write Yes or No (blank means No)")
}
