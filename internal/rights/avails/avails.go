// Package avails reads and writes EMA Avails movie sheets (the Entertainment
// Merchants Association's spreadsheet for content availability, as published
// by MovieLabs; columns of template v1.9) as Lineup licenses.
//
// A sheet is .xlsx or .csv. Its column names are looked for in the first rows,
// so the group labels real EMA workbooks put above them ("Avail",
// "Disposition", "AvailAsset", "AvailMetadata", "AvailTrans") do no harm.
// Each data row is one avail: one title, one territory, one window. Rows that
// make the same grant are gathered into one rights.License with several
// territories.
//
// The columns read, with their meaning in the EMA specification:
//
//   - DisplayName: the licensor, the studio that owns the title and sends the
//     avails (EMA maps it to Licensor/DisplayName). Blank: Options.Licensor.
//   - Licensee (optional, EMA v1.7.3 on): the service the avail is for.
//     Blank or absent: Options.Licensee.
//   - Territory: one ISO 3166-1 alpha-2 code, or ZZ (worldwide) or EU, as the
//     EMA vocabulary has them. Lists are refused: one territory per row.
//   - TerritoryExclusion (optional): must be blank; its lists are not read.
//   - WorkType: Movie (Feature is accepted as a synonym); TV work types and
//     anything else are refused.
//   - EntryType: Create or Full Extract, the entries that bring new avails;
//     Update, Delete and Full Delete are refused, as is anything else.
//   - TitleInternalAlias, ContentID, AltID: the title reference, handed to
//     Options.Resolve.
//   - LicenseType: SVOD, AVOD, EST, and VOD (which in EMA means
//     transactional rental, Lineup's TVOD). POEST, Pre-Release and Library
//     grant no streaming and are refused.
//   - Start, End: "YYYY-MM-DD" (a date, midnight in each territory's own
//     zone), a date-time with an offset (an instant), or an Excel serial day
//     number such as 43273 (2018-06-22). Start may be "Immediate" (the moment
//     of the import); End may be "Open" (no end).
//   - Exclusive, BrandingRights: the EMA boolean terms, Yes or No (blank is
//     No), read as the license's Exclusive and OriginalBranding.
//   - AvailID (optional): kept as the license's ExternalID.
//
// Rows whose first non-blank cell starts with "//" are comments, as in EMA
// templates; they, blank rows and rows repeating the column names are
// skipped.
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
)

// TitleRef is how a sheet row names its title: any of the three may be
// blank, but not all of them.
type TitleRef struct {
	// ContentID is the EMA ContentID column, typically an EIDR or an
	// identifier both sides agreed on.
	ContentID string `json:"content_id,omitempty"`
	// AltID is the EMA AltID column, the licensor's own identifier.
	AltID string `json:"alt_id,omitempty"`
	// Alias is the EMA TitleInternalAlias column, the title's working name.
	Alias string `json:"alias,omitempty"`
}

// IsZero reports whether the reference names nothing.
func (r TitleRef) IsZero() bool { return r.ContentID == "" && r.AltID == "" && r.Alias == "" }

// TitleResolver finds the Lineup title ID a row's reference stands for. An
// error becomes a problem of every row with that reference, and its text is
// shown to the person importing, so it should say what was not found; an
// error once ctx is done stops the import instead. Parse calls it once per
// distinct reference, from one goroutine.
type TitleResolver func(ctx context.Context, ref TitleRef) (int64, error)

// DefaultMaxRows is the number of data rows Parse accepts when
// Options.MaxRows is zero.
const DefaultMaxRows = 100000

// Options tells Parse what the sheet itself may leave out.
type Options struct {
	// Resolve finds the title of each row; it is required.
	Resolve TitleResolver
	// Licensor is used for rows whose DisplayName is blank.
	Licensor string
	// Licensee is used for rows whose Licensee is blank or when the sheet
	// has no Licensee column, which is usual: a studio's sheet is addressed
	// to one service, this one.
	Licensee string
	// MaxRows caps the number of data rows; zero means DefaultMaxRows.
	MaxRows int
	// Now gives the instant a Start of "Immediate" stands for; nil means
	// time.Now.
	Now func() time.Time
}

// Problem is one thing wrong with a sheet.
type Problem struct {
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
	if p.Row > 0 {
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

// Parse reads an EMA Avails movie sheet and returns its licenses, with
// TitleID resolved and ID zero, in the order their first rows appear. The
// format comes from the file name's extension (.xlsx or .csv) and is checked
// against the content. A sheet with any bad row imports nothing: the error
// is then a *SheetError listing every problem. A file that is not a
// spreadsheet gives a *FormatError. Rows that share title, licensor,
// licensee, license type, start, end, exclusivity and branding make one
// license whose territories are in the order first seen; its ExternalID is
// the first non-blank AvailID among them (the others are dropped).
// Parse reads r to the end and does not close it.
func Parse(ctx context.Context, r io.Reader, filename string, opts Options) ([]rights.License, error) {
	if opts.Resolve == nil {
		return nil, errors.New("avails: parse: Options.Resolve is required")
	}
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
	var t *table
	if bytes.HasPrefix(head, []byte("PK")) {
		t, err = readXLSX(ctx, br, name, opts.MaxRows)
	} else if ext == ".xlsx" {
		return nil, notSpreadsheet(name, "an .xlsx workbook is a zip archive, and this file %s", describeContent(head))
	} else {
		t, err = readCSV(ctx, br, name, opts.MaxRows)
	}
	if err != nil {
		return nil, err
	}
	return build(ctx, t, opts)
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
