package avails

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// headerScan is how many rows from the top are searched for the row of
// column names: EMA workbooks put one or two rows of group labels and notes
// above it.
const headerScan = 20

// unzipLimit bounds what an uploaded workbook may unpack to, so that a small
// zip cannot expand to fill the memory.
const unzipLimit = 512 << 20

// row is one data row of a sheet: its number as a person sees it and its
// cells.
type row struct {
	num   int
	cells []string
}

// table is a sheet reduced to what build needs: where each known column is,
// and the data rows below the column names.
type table struct {
	// sheet is the worksheet's name in a workbook, "" for a CSV file.
	sheet     string
	headerRow int
	cols      map[string]int
	rows      []row
	// date1904 is the workbook's date system: serial day numbers count from
	// 1904-01-01 instead of 1899-12-30 (old Mac workbooks).
	date1904 bool
}

// cell returns the trimmed content of a named column in a row, "" when the
// sheet has no such column or the row is short.
func (t *table) cell(r row, col string) string {
	i, ok := t.cols[col]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

// cells returns the row's non-blank cells by column name (the known
// columns; others are not kept).
func (t *table) cells(r row) map[string]string {
	m := make(map[string]string, len(t.cols))
	for name, i := range t.cols {
		if i < len(r.cells) {
			if v := strings.TrimSpace(r.cells[i]); v != "" {
				m[name] = v
			}
		}
	}
	return m
}

// has reports whether the sheet has a column.
func (t *table) has(col string) bool {
	_, ok := t.cols[col]
	return ok
}

// collector gathers the rows of a sheet as they are read: it finds the
// header in the first rows, then keeps the data rows, skipping blank and
// comment rows and counting the rest against the limit.
type collector struct {
	sheet   string
	maxRows int
	seen    int // rows looked at so far
	t       *table
	tooMany bool
}

// add takes the next row of the sheet, numbered as a person sees it; it
// reports false when no more rows are wanted (the header was not found in
// time, or the limit was passed).
func (c *collector) add(num int, cells []string) bool {
	c.seen++
	if c.t == nil {
		if cols, ok := headerColumns(cells); ok {
			c.t = &table{sheet: c.sheet, headerRow: num, cols: cols}
			return true
		}
		return num < headerScan
	}
	if skippable(cells) || isHeaderAgain(cells) {
		return true
	}
	if len(c.t.rows) >= c.maxRows {
		c.tooMany = true
		return false
	}
	c.t.rows = append(c.t.rows, row{num: num, cells: cells})
	return true
}

// result returns the table, or the SheetError for a sheet without column
// names or with too many rows.
func (c *collector) result() (*table, error) {
	if c.t == nil {
		return nil, &SheetError{Problems: []Problem{{Reason: fmt.Sprintf(
			"no row of EMA Avails column names (%s) in the first %d rows",
			strings.Join(requiredColumns, ", "), headerScan)}}}
	}
	if c.tooMany {
		return nil, tooManyRows(c.maxRows)
	}
	return c.t, nil
}

// skippable reports whether a row is blank, a comment ("//" in its first
// non-blank cell) or a row of field hints as EMA templates carry under the
// column names ("//REQ", "//Opt", "//Cond"...: half or more of its
// non-blank cells start with "//", whatever the first one says).
func skippable(cells []string) bool {
	filled, hints := 0, 0
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if filled == 0 && strings.HasPrefix(c, "//") {
			return true
		}
		filled++
		if strings.HasPrefix(c, "//") {
			hints++
		}
	}
	return filled == 0 || 2*hints >= filled
}

// isHeaderAgain reports whether a row repeats the column names, as sheets
// pasted together often do.
func isHeaderAgain(cells []string) bool {
	_, ok := headerColumns(cells)
	return ok
}

// errTooManyRows stops the reading of one worksheet of a workbook that
// passes the limit; readXLSX reports it for the whole workbook.
var errTooManyRows = errors.New("too many rows")

// tooManyRows is the problem of a workbook whose sheets hold more data rows
// together than the limit.
func tooManyRows(maxRows int) error {
	return &SheetError{Problems: []Problem{{Reason: fmt.Sprintf(
		"the sheet has more than %d data rows: split it into smaller sheets", maxRows)}}}
}

// readCSV reads a CSV sheet: UTF-8 (a byte-order mark is allowed), fields
// separated by commas, or by semicolons or tabs when those are what the
// first lines use.
func readCSV(ctx context.Context, r io.Reader, name string, maxRows int) ([]*table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("avails: read %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, notSpreadsheet(name, "the file is empty")
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		head := data
		if len(head) > 8 {
			head = head[:8]
		}
		what := describeContent(head)
		if strings.HasPrefix(what, "starts with") {
			what = "is not UTF-8 text: save it as CSV UTF-8"
		}
		return nil, notSpreadsheet(name, "a .csv file must be text, and this one %s", what)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(data)
	cr.FieldsPerRecord = -1
	c := &collector{maxRows: maxRows}
	// A spreadsheet shows each record on one row, blank lines included,
	// while a quoted field may span lines: the row number is the record's
	// first line less the line breaks inside earlier fields.
	inside := 0
	for {
		if c.seen%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			reason, rowNum := err.Error(), c.seen+1
			if errors.As(err, &pe) {
				reason, rowNum = pe.Err.Error(), pe.StartLine-inside
			}
			return nil, &SheetError{Problems: []Problem{{Row: rowNum, Reason: "malformed CSV: " + reason}}}
		}
		line, _ := cr.FieldPos(0)
		num := line - inside
		for i, f := range rec {
			inside += strings.Count(f, "\n")
			rec[i] = untextCell(f)
		}
		if !c.add(num, rec) {
			break
		}
	}
	t, err := c.result()
	if err != nil {
		return nil, err
	}
	return []*table{t}, nil
}

// sniffDelimiter picks the field separator the first lines use most:
// comma, semicolon (Excel in many European locales) or tab.
func sniffDelimiter(data []byte) rune {
	if len(data) > 8192 {
		data = data[:8192]
	}
	best, n := ',', bytes.Count(data, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if m := bytes.Count(data, []byte(string(d))); m > n {
			best, n = d, m
		}
	}
	return best
}

// readXLSX reads every worksheet that has a row of EMA column names (an
// EMA workbook may split its avails over several sheets, and put
// instructions or lists of values on others). maxRows bounds the data rows
// of all sheets together. Cells are read raw, so that dates formatted as
// dates arrive as Excel serial day numbers rather than in the workbook's
// display format.
func readXLSX(ctx context.Context, r io.Reader, name string, maxRows int) ([]*table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("avails: read %s: %w", name, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, notSpreadsheet(name, "the file starts like a zip archive, as an .xlsx workbook does, but is not one (%v)", err)
	}
	if !slices.ContainsFunc(zr.File, func(f *zip.File) bool { return strings.EqualFold(f.Name, "xl/workbook.xml") }) {
		return nil, notSpreadsheet(name, "a zip archive that is not an Excel workbook (it has no xl/workbook.xml)")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: unzipLimit})
	if err != nil {
		return nil, notSpreadsheet(name, "the workbook cannot be opened (%v)", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, notSpreadsheet(name, "a zip archive without worksheets, not an Excel workbook")
	}
	var date1904 bool
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	var out []*table
	left := maxRows
	for _, sheet := range sheets {
		t, found, err := readWorksheet(ctx, f, sheet, left)
		if !found && err == nil {
			continue
		}
		if err != nil {
			if errors.Is(err, errTooManyRows) {
				return nil, tooManyRows(maxRows)
			}
			return nil, err
		}
		t.date1904 = date1904
		left -= len(t.rows)
		out = append(out, t)
	}
	if len(out) == 0 {
		_, err = (&collector{}).result()
		return nil, err
	}
	return out, nil
}

// readWorksheet reads one worksheet; found is false, with a nil error, when
// the sheet has no row of column names and the next one may be tried.
func readWorksheet(ctx context.Context, f *excelize.File, sheet string, maxRows int) (t *table, found bool, err error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, false, fmt.Errorf("avails: read worksheet %q: %w", sheet, err)
	}
	defer rows.Close()
	c := &collector{sheet: sheet, maxRows: maxRows}
	for rows.Next() {
		if c.seen%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, false, err
			}
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, true, unreadable(sheet, c.seen+1, err)
		}
		if !c.add(c.seen+1, cells) {
			break
		}
	}
	if err := rows.Error(); err != nil {
		return nil, true, unreadable(sheet, c.seen+1, err)
	}
	if c.t == nil {
		return nil, false, nil
	}
	if c.tooMany {
		return nil, true, errTooManyRows
	}
	t, err = c.result()
	return t, true, err
}

func unreadable(sheet string, rowNum int, err error) error {
	return &SheetError{Problems: []Problem{{Sheet: sheet, Row: rowNum, Reason: fmt.Sprintf("worksheet %q cannot be read: %v", sheet, err)}}}
}
