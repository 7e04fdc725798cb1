package avails

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// avail is one good data row, read into Lineup's terms.
type avail struct {
	row       int
	ref       TitleRef
	refColumn string // the column named in a resolver problem
	licensor  string
	licensee  string
	typ       rights.LicenseType
	territory string
	covers    []string // the countries territory stands for
	start     rights.Moment
	end       rights.Moment
	exclusive bool
	branding  bool
	availID   string
}

// grantKey is what rows share to be one license.
type grantKey struct {
	title              int64
	licensor, licensee string
	typ                rights.LicenseType
	start, end         string
	exclusive          bool
	branding           bool
}

// build checks every row of a table, resolves titles and gathers the rows
// into licenses; any problem anywhere makes it return a SheetError instead.
func build(ctx context.Context, t *table, opts Options) ([]rights.License, error) {
	if ps := missingColumns(t); len(ps) > 0 {
		return nil, &SheetError{Problems: ps}
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	importedAt := now().UTC().Truncate(time.Second)

	var problems []Problem
	avs := make([]avail, 0, len(t.rows))
	for i, r := range t.rows {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		a, ps := readRow(t, r, opts, importedAt)
		problems = append(problems, ps...)
		if len(ps) == 0 {
			avs = append(avs, a)
		} else if !a.ref.IsZero() {
			// Still resolve the title, so that an unknown title is reported
			// along with the row's other problems.
			avs = append(avs, avail{row: r.num, ref: a.ref, refColumn: a.refColumn})
		}
	}
	if len(t.rows) == 0 {
		problems = append(problems, Problem{Row: t.headerRow, Reason: "the sheet has column names but no avails below them"})
	}

	type resolved struct {
		id  int64
		err error
	}
	titles := map[TitleRef]resolved{}
	ids := make([]int64, len(avs))
	for i, a := range avs {
		res, ok := titles[a.ref]
		if !ok {
			id, err := opts.Resolve(ctx, a.ref)
			if cerr := ctx.Err(); cerr != nil {
				return nil, cerr
			}
			if err == nil && id <= 0 {
				err = fmt.Errorf("no title matches")
			}
			// A title that is not found is the row's problem; any other
			// failure (the database is down) is the whole import's, and its
			// text is not the sheet author's business.
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("avails: resolve title: %w", err)
			}
			res = resolved{id, err}
			titles[a.ref] = res
		}
		if res.err != nil {
			problems = append(problems, Problem{Row: a.row, Column: a.refColumn, Value: refValue(a.ref, a.refColumn), Reason: "cannot find the title: " + res.err.Error()})
			continue
		}
		ids[i] = res.id
	}
	if len(problems) > 0 {
		// Stable: a row's own problems stay in column order, its title's
		// problem after them.
		slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Row, b.Row) })
		return nil, &SheetError{Problems: problems}
	}

	var out []rights.License
	index := map[grantKey]int{}
	seen := map[grantKey]map[string]bool{}
	for i, a := range avs {
		k := grantKey{
			title: ids[i], licensor: a.licensor, licensee: a.licensee, typ: a.typ,
			start: momentKey(a.start), end: momentKey(a.end), exclusive: a.exclusive, branding: a.branding,
		}
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			seen[k] = map[string]bool{}
			out = append(out, rights.License{
				TitleID: ids[i], Licensor: a.licensor, Licensee: a.licensee, Type: a.typ,
				Start: a.start, End: a.end, Exclusive: a.exclusive, OriginalBranding: a.branding,
			})
		}
		l := &out[j]
		if !seen[k][a.territory] {
			seen[k][a.territory] = true
			l.Territories = append(l.Territories, a.territory)
		}
		if l.ExternalID == "" {
			l.ExternalID = a.availID
		}
	}
	return out, nil
}

// momentKey compares moments by what they mean: a date by its day, an
// instant by the instant, whatever offset it was written with.
func momentKey(m rights.Moment) string {
	if m.IsDate() || m.IsZero() {
		return m.Date
	}
	return m.At.UTC().Format(time.RFC3339Nano)
}

func refValue(ref TitleRef, col string) string {
	switch col {
	case colContentID:
		return ref.ContentID
	case colAltID:
		return ref.AltID
	default:
		return ref.Alias
	}
}

// readRow reads one data row. It returns every problem of the row; the
// avail is meaningful only when there is none, though its title reference
// is filled in whenever the row has one.
func readRow(t *table, r row, opts Options, importedAt time.Time) (avail, []Problem) {
	a := avail{row: r.num}
	var ps []Problem
	bad := func(col, val, format string, args ...any) {
		ps = append(ps, Problem{Row: r.num, Column: col, Value: val, Reason: fmt.Sprintf(format, args...)})
	}

	a.licensor = t.cell(r, colDisplayName)
	if a.licensor == "" {
		a.licensor = strings.TrimSpace(opts.Licensor)
	}
	if a.licensor == "" {
		bad(colDisplayName, "", "the licensor is missing: DisplayName names the studio granting the avail")
	}
	a.licensee = t.cell(r, colLicensee)
	if a.licensee == "" {
		a.licensee = strings.TrimSpace(opts.Licensee)
	}
	if a.licensee == "" {
		bad(colLicensee, "", "the licensee is missing: give a Licensee column, or import with a default licensee")
	}

	if v := t.cell(r, colWorkType); !strings.EqualFold(v, "Movie") && !strings.EqualFold(v, "Feature") {
		if v == "" {
			bad(colWorkType, v, "WorkType is required: Movie")
		} else {
			bad(colWorkType, v, "only movies import: WorkType must be Movie (episodes, seasons, series and other work types are refused)")
		}
	}

	switch v := t.cell(r, colEntryType); {
	case strings.EqualFold(v, "Create"), strings.EqualFold(v, "Full Extract"):
	case v == "":
		bad(colEntryType, v, "EntryType is required: Create or Full Extract")
	case strings.EqualFold(v, "Update"), strings.EqualFold(v, "Delete"), strings.EqualFold(v, "Full Delete"):
		bad(colEntryType, v, "only new avails import (EntryType Create or Full Extract); change or withdraw an existing license in Lineup itself")
	default:
		bad(colEntryType, v, "unknown EntryType: use Create or Full Extract")
	}

	a.ref = TitleRef{ContentID: t.cell(r, colContentID), AltID: t.cell(r, colAltID), Alias: t.cell(r, colTitleInternalAlias)}
	switch {
	case a.ref.ContentID != "":
		a.refColumn = colContentID
	case a.ref.AltID != "":
		a.refColumn = colAltID
	case a.ref.Alias != "":
		a.refColumn = colTitleInternalAlias
	default:
		col := colContentID
		if !t.has(colContentID) {
			col = colAltID
		}
		bad(col, "", "the row names no title: give a ContentID, an AltID or a TitleInternalAlias")
	}

	lt := t.cell(r, colLicenseType)
	if typ, err := licenseType(lt); err != nil {
		bad(colLicenseType, lt, "%s", err)
	} else {
		a.typ = typ
	}

	a.territory = t.cell(r, colTerritory)
	if codes, err := territory(a.territory); err != nil {
		bad(colTerritory, a.territory, "%s", err)
	} else {
		a.covers = codes
	}
	if v := t.cell(r, colTerritoryExclusion); v != "" {
		bad(colTerritoryExclusion, v, "territory exclusions are not read: list each territory that is included on a row of its own")
	}

	startText, endText := t.cell(r, colStart), t.cell(r, colEnd)
	start, serr := moment(startText, false, t.date1904, importedAt)
	if serr != nil {
		bad(colStart, startText, "%s", serr)
	}
	end, eerr := moment(endText, true, t.date1904, importedAt)
	if eerr != nil {
		bad(colEnd, endText, "%s", eerr)
	}
	if serr == nil && eerr == nil && a.covers != nil {
		if empty, where := emptyWindow(start, end, a.covers); empty {
			bad(colEnd, endText, "End must be after Start (%s)%s: the window would be empty", startText, where)
		}
	}
	a.start, a.end = start, end

	var err error
	ex := t.cell(r, colExclusive)
	if a.exclusive, err = yesNo(ex); err != nil {
		bad(colExclusive, ex, "%s", err)
	}
	br := t.cell(r, colBrandingRights)
	if a.branding, err = yesNo(br); err != nil {
		bad(colBrandingRights, br, "%s", err)
	}
	a.availID = t.cell(r, colAvailID)
	return a, ps
}

// licenseType maps an EMA LicenseType to Lineup's.
func licenseType(v string) (rights.LicenseType, error) {
	switch strings.ToUpper(v) {
	case "SVOD":
		return rights.SVOD, nil
	case "AVOD":
		return rights.AVOD, nil
	case "VOD", "TVOD":
		return rights.TVOD, nil
	case "EST":
		return rights.EST, nil
	case "":
		return "", fmt.Errorf("LicenseType is required: SVOD, AVOD, VOD (rental) or EST")
	case "POEST":
		return "", fmt.Errorf("a pre-order window (POEST) grants no viewing: import the EST avail instead")
	}
	return "", fmt.Errorf("unknown or unsupported license type: use SVOD, AVOD, VOD (rental) or EST")
}

// emaLicenseType is licenseType the other way round, for Export.
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
		return nil, fmt.Errorf("one territory per row: put each code on a row of its own")
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

// serialDay matches a whole or fractional Excel serial day number.
var serialDay = regexp.MustCompile(`^[0-9]{1,7}(\.[0-9]+)?$`)

// moment reads a Start or End cell.
func moment(v string, isEnd, date1904 bool, importedAt time.Time) (rights.Moment, error) {
	switch {
	case v == "":
		if isEnd {
			return rights.Moment{}, fmt.Errorf("End is required: a date, a date-time with an offset, or Open")
		}
		return rights.Moment{}, fmt.Errorf("Start is required: a date, a date-time with an offset, or Immediate")
	case strings.EqualFold(v, "Open"):
		if isEnd {
			return rights.Moment{}, nil
		}
		return rights.Moment{}, fmt.Errorf("Open is for End only: a window must start at a date, or Immediate")
	case strings.EqualFold(v, "Immediate"):
		if isEnd {
			return rights.Moment{}, fmt.Errorf("an End of Immediate withdraws an avail, and only new avails import: give the end date")
		}
		return rights.InstantMoment(importedAt), nil
	case serialDay.MatchString(v):
		return serialMoment(v, date1904)
	}
	if conditional(v) {
		return rights.Moment{}, fmt.Errorf("conditional dates (%s) are not supported: give a date", v)
	}
	if len(v) > 10 && (v[10] == 'T' || v[10] == 't' || v[10] == ' ') && !hasOffset(v[11:]) {
		return rights.Moment{}, fmt.Errorf("a date-time without an offset names no instant: add Z or an offset such as +08:00, or give the date alone")
	}
	m, err := rights.ParseMoment(v)
	if err != nil {
		return rights.Moment{}, err
	}
	return m, nil
}

// conditional reports whether v is one of the EMA DateTimeCondition words
// other than Open and Immediate: starts and ends tied to events Lineup does
// not know.
func conditional(v string) bool {
	for _, c := range []string{"ESTStart", "EST", "Broadcast", "Completed", "Theatrical", "TBD"} {
		if strings.EqualFold(v, c) {
			return true
		}
	}
	return false
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
