// Package avails reads and writes EMA Avails movie sheets (the Entertainment
// Merchants Association's spreadsheet for content availability, as published
// by MovieLabs; Movie columns of templates v1.7 to v1.9) and applies them to
// Lineup's titles and licenses.
//
// A sheet is .xlsx (every worksheet with a row of EMA column names) or
// .csv. Columns are found by name, in any order, with or without their
// group labels; the rows of field hints EMA templates put under the names
// ("//REQ", "//Opt") and comment rows are skipped. Each data row is one
// avail: one title, one territory (with its exclusions), one window.
//
// Read checks every row: a wrong one (a malformed date, an unknown
// territory, an end before its start) refuses the whole sheet, naming every
// problem; rows Lineup does not take (episodes, seasons, series,
// collections, pre-order windows, license types it does not track) are set
// aside with a reason. Importer applies a sheet: it finds each row's title
// by EIDR (any spelling), ContentID, AltID or name, or creates it marked
// metadata pending; gathers rows that make the same grant into one
// rights.License; and compares each row, by its Key, with what was imported
// before, so that the same sheet again changes nothing, changed rows amend
// their license and withdrawn ones (EntryType Full Delete) withdraw it.
// Export writes licenses back in the same layout, each imported avail on
// its own row.
//
// docs/avails.md lists the columns used, kept and ignored, and what is
// created, set aside and refused.
package avails

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// TitleRef is how a sheet row names its title, and what it says about it.
// ContentID, AltID and Alias may each be blank, but not all of them.
type TitleRef struct {
	// ContentID is the EMA ContentID column, typically an EIDR or an
	// identifier both sides agreed on.
	ContentID string `json:"content_id,omitempty"`
	// EIDR is the title's EIDR in canonical form ("10.5240/…"), from
	// ContentID, TitleID or EditID in any of their spellings; "" when the
	// row gives none.
	EIDR string `json:"eidr,omitempty"`
	// AltID is the EMA AltID column, the licensor's own identifier.
	AltID string `json:"alt_id,omitempty"`
	// Alias is the EMA TitleInternalAlias column, the title's working name.
	Alias string `json:"alias,omitempty"`
	// Display is the title to show (TitleDisplayUnlimited, else
	// TitleDisplay19); Year the ReleaseYear, 0 when not given; Kind "Movie"
	// or "Short".
	Display string `json:"display,omitempty"`
	Year    int    `json:"year,omitempty"`
	Kind    string `json:"kind,omitempty"`
	// Licensor is the studio whose sheet it is: AltIDs and ContentIDs other
	// than EIDRs are that studio's own, and mean nothing from another.
	Licensor string `json:"licensor,omitempty"`
}

// IsZero reports whether the reference names nothing.
func (r TitleRef) IsZero() bool { return r.ContentID == "" && r.AltID == "" && r.Alias == "" }

// Name is the title's name as the row gives it: the display title, else the
// internal alias, else an identifier.
func (r TitleRef) Name() string {
	for _, s := range []string{r.Display, r.Alias, r.EIDR, r.ContentID, r.AltID} {
		if s != "" {
			return s
		}
	}
	return ""
}

// key is the reference's most telling identifier, to tell titles apart
// within a sheet: the EIDR, else the ContentID, else the AltID, else the
// alias.
func (r TitleRef) key() string {
	switch {
	case r.EIDR != "":
		return "eidr:" + r.EIDR
	case r.ContentID != "":
		return "cid:" + r.ContentID
	case r.AltID != "":
		return "alt:" + r.AltID
	}
	return "alias:" + r.Alias
}

// TitleResolver finds the Lineup title ID a row's reference stands for. An
// error becomes a problem of every row with that reference, and its text is
// shown to the person importing, so it should say what was not found; an
// error once ctx is done stops the import instead. Parse calls it once per
// distinct reference, from one goroutine.
type TitleResolver func(ctx context.Context, ref TitleRef) (int64, error)

// DefaultMaxRows is the number of data rows Parse accepts when
// Options.MaxRows is zero.
const DefaultMaxRows = 100000

// Options tells Read and Parse what the sheet itself may leave out.
type Options struct {
	// Resolve finds the title of each row; Parse requires it, Read does not
	// use it.
	Resolve TitleResolver
	// Licensor is used for rows whose DisplayName is blank.
	Licensor string
	// Licensee is used for rows whose Licensee is blank or when the sheet
	// has no Licensee column, which is usual: a studio's sheet is addressed
	// to one service, this one.
	Licensee string
	// Tracked is the license types rows are taken for; others are set
	// aside. Empty means DefaultTracked.
	Tracked []rights.LicenseType
	// MaxRows caps the number of data rows; zero means DefaultMaxRows.
	MaxRows int
	// Now gives the instant a Start of "Immediate" stands for; nil means
	// time.Now.
	Now func() time.Time
}

// Problem is one thing wrong with a sheet.
type Problem struct {
	// Sheet is the worksheet of a workbook the row is on, "" for a CSV
	// file (and for a workbook's only avails sheet, when it has one).
	Sheet string `json:"sheet,omitempty"`
	// Row is the 1-based row number as a person sees it in the spreadsheet
	// (for CSV, the record number); 0 when the problem is the file's, not a
	// row's.
	Row int `json:"row"`
	// Column is the EMA column name, or "" when no column is at fault.
	Column string `json:"column,omitempty"`
	// Value is the cell's content as read.
	Value string `json:"value,omitempty"`
	// Reason says what is wrong and how to put it right.
	Reason string `json:"reason"`
}

// String returns the problem on one line: "row 4, Territory "XX": reason".
func (p Problem) String() string {
	var b strings.Builder
	if p.Sheet != "" {
		fmt.Fprintf(&b, "sheet %q", p.Sheet)
	}
	if p.Row > 0 {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "row %d", p.Row)
	}
	if p.Column != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Column)
		if p.Value != "" {
			fmt.Fprintf(&b, " %q", p.Value)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// SheetError is returned by Parse when the sheet has bad rows or lacks
// columns. Nothing was imported; Problems lists every problem found, in row
// order.
type SheetError struct {
	Problems []Problem
}

// maxListed bounds the problems Error spells out; Problems keeps them all.
const maxListed = 50

// Error lists the problems, one a line, the first fifty of them.
func (e *SheetError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	if n == 1 {
		b.WriteString("avails: the sheet has 1 problem; nothing was imported:")
	} else {
		fmt.Fprintf(&b, "avails: the sheet has %d problems; nothing was imported:", n)
	}
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … and %d more", n-maxListed)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// InvalidField summarizes the first problem for a client that shows one
// field: the column (or "file"), the cell's value and the reason with its row.
func (e *SheetError) InvalidField() (field, value, reason string) {
	if len(e.Problems) == 0 {
		return "file", "", "the sheet could not be imported"
	}
	p := e.Problems[0]
	field = p.Column
	if field == "" {
		field = "file"
	}
	reason = p.Reason
	if p.Row > 0 {
		reason = fmt.Sprintf("row %d: %s", p.Row, p.Reason)
	}
	if more := len(e.Problems) - 1; more > 0 {
		reason += fmt.Sprintf(" (and %d more problem(s))", more)
	}
	return field, p.Value, reason
}

// ProblemRows returns Problems, for an API that lists them all.
func (e *SheetError) ProblemRows() any { return e.Problems }

// ErrNotSpreadsheet is wrapped by the FormatError returned for a file that
// is not a spreadsheet at all (an image, random bytes, an empty file).
var ErrNotSpreadsheet = errors.New("not a spreadsheet")

// ErrUnsupportedFormat is wrapped by the FormatError returned for a file
// name whose extension is neither .xlsx nor .csv.
var ErrUnsupportedFormat = errors.New("unsupported format")

// FormatError reports a file that cannot be read as a sheet. It wraps
// ErrNotSpreadsheet or ErrUnsupportedFormat.
type FormatError struct {
	// Filename is the base name of the file, as given to Parse.
	Filename string
	// Reason says what the file is instead, for the person who sent it.
	Reason string
	// Err is ErrNotSpreadsheet or ErrUnsupportedFormat.
	Err error
}

// Error returns "avails: NAME: REASON".
func (e *FormatError) Error() string { return "avails: " + e.Filename + ": " + e.Reason }

// Unwrap returns ErrNotSpreadsheet or ErrUnsupportedFormat.
func (e *FormatError) Unwrap() error { return e.Err }

// InvalidField names the file as the field at fault.
func (e *FormatError) InvalidField() (field, value, reason string) {
	return "file", e.Filename, e.Reason
}

func notSpreadsheet(name, format string, a ...any) error {
	return &FormatError{Filename: name, Reason: "not a spreadsheet: " + fmt.Sprintf(format, a...), Err: ErrNotSpreadsheet}
}

// Parse reads an EMA Avails movie sheet with Read, resolves each row's
// title with Options.Resolve and gathers the rows into licenses (see
// Group), with TitleID set and ID zero, in the order their first rows
// appear. Rows set aside and rows to be announced make no license; a row
// that withdraws is refused, since Parse only builds new licenses. A title
// that cannot be found is a problem of its rows, reported in the
// *SheetError with the sheet's other problems.
func Parse(ctx context.Context, r io.Reader, filename string, opts Options) ([]rights.License, error) {
	if opts.Resolve == nil {
		return nil, errors.New("avails: parse: Options.Resolve is required")
	}
	sh, err := Read(ctx, r, filename, opts)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	var problems []Problem
	var rows []Row
	for _, row := range sh.Rows {
		k := row.Title.key()
		id, ok := ids[k]
		if !ok {
			id, err = opts.Resolve(ctx, row.Title)
			if cerr := ctx.Err(); cerr != nil {
				return nil, cerr
			}
			if err == nil && id <= 0 {
				err = fmt.Errorf("no title matches")
			}
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("avails: resolve title: %w", err)
			}
			if err != nil {
				id = -1
				problems = append(problems, Problem{Sheet: row.Sheet, Row: row.Num, Column: refColumn(row.Title), Value: refValue(row.Title),
					Reason: "cannot find the title: " + err.Error()})
			}
			ids[k] = id
		}
		if row.Withdraw {
			problems = append(problems, Problem{Sheet: row.Sheet, Row: row.Num, Column: colEntryType, Value: row.EntryType,
				Reason: "a withdrawal needs the licenses already stored: import the sheet into Lineup"})
		}
		if id > 0 && row.Pending == "" {
			rows = append(rows, row)
		}
	}
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, &SheetError{Problems: problems}
	}
	var out []rights.License
	for _, g := range Group(rows, func(r Row) int64 { return ids[r.Title.key()] }) {
		out = append(out, g.License)
	}
	return out, nil
}

// refColumn is the column a title problem names: the one the reference
// was taken from.
func refColumn(ref TitleRef) string {
	switch {
	case ref.ContentID != "":
		return colContentID
	case ref.AltID != "":
		return colAltID
	}
	return colTitleInternalAlias
}

func refValue(ref TitleRef) string {
	switch {
	case ref.ContentID != "":
		return ref.ContentID
	case ref.AltID != "":
		return ref.AltID
	}
	return ref.Alias
}

// readTables checks the file's name and content and reads its tables: the
// CSV file's one, or each worksheet of an .xlsx workbook that has EMA
// column names.
func readTables(ctx context.Context, r io.Reader, filename string, opts Options) ([]*table, error) {
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	name := filepath.Base(filename)
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".xlsx", ".csv":
	case ".xls":
		return nil, &FormatError{Filename: name, Reason: "an Excel 97-2003 workbook (.xls) cannot be read: save it as .xlsx or .csv", Err: ErrUnsupportedFormat}
	default:
		return nil, &FormatError{Filename: name, Reason: fmt.Sprintf("the extension %q is not an avails format: send an .xlsx workbook or a .csv file", ext), Err: ErrUnsupportedFormat}
	}

	br := bufio.NewReader(r)
	head, err := br.Peek(8)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("avails: read %s: %w", name, err)
	}
	if len(head) == 0 {
		return nil, notSpreadsheet(name, "the file is empty")
	}
	var ts []*table
	if bytes.HasPrefix(head, []byte("PK")) {
		ts, err = readXLSX(ctx, br, name, opts.MaxRows)
	} else if ext == ".xlsx" {
		return nil, notSpreadsheet(name, "an .xlsx workbook is a zip archive, and this file %s", describeContent(head))
	} else {
		ts, err = readCSV(ctx, br, name, opts.MaxRows)
	}
	if err != nil {
		return nil, err
	}
	if len(ts) == 1 {
		// One sheet: its rows are numbered without naming it.
		ts[0].sheet = ""
	}
	return ts, nil
}

// describeContent names what a file that should have been a spreadsheet
// looks like instead, from its first bytes.
func describeContent(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG")):
		return "is a PNG image"
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return "is a JPEG image"
	case bytes.HasPrefix(head, []byte("GIF8")):
		return "is a GIF image"
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "is a PDF document"
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return "is an Excel 97-2003 or password-protected workbook: save it as .xlsx without a password"
	case bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")):
		return "is UTF-16 text: save it as CSV UTF-8"
	default:
		return "starts with " + strconv.Quote(string(head))
	}
}
