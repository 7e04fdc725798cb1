package avails

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lineup/lineup/internal/rights"
)

// exportSheet is the name of the worksheet Export writes.
const exportSheet = "Avails"

// ExportRow is one row of a license in an exported sheet: a territory as
// entered, the exclusions inside it, and the AvailID of the avail it came
// from.
type ExportRow struct {
	Territory string
	Excluded  []string
	AvailID   string
}

// DefaultRows returns the rows a license is written as when nothing else
// is known of it: one per territory as entered (ZZ, EU and countries), each
// with the exclusions that fall inside it; the first row carries the
// license's ExternalID.
func DefaultRows(l rights.License) []ExportRow {
	out := make([]ExportRow, 0, len(l.Territories))
	for i, t := range l.Territories {
		r := ExportRow{Territory: t, Excluded: ExclusionsWithin(t, l.Excluded)}
		if i == 0 {
			r.AvailID = l.ExternalID
		}
		out = append(out, r)
	}
	return out
}

// ExclusionsWithin returns the excluded codes that fall inside territory.
func ExclusionsWithin(territory string, excluded []string) []string {
	inside, err := rights.ParseTerritory(territory)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range excluded {
		codes, err := rights.ParseTerritory(e)
		if err != nil {
			continue
		}
		all := true
		for _, c := range codes {
			if !slices.Contains(inside, c) {
				all = false
				break
			}
		}
		if all {
			out = append(out, e)
		}
	}
	return out
}

// Export writes licenses as an EMA Avails movie sheet that Read reads
// back: format "csv" (one row of column names, then the avails) or "xlsx"
// (a worksheet named Avails with a row of EMA group labels above the column
// names). Each license becomes the rows rowsOf gives (nil: DefaultRows),
// with DisplayName the licensor, Licensee the licensee, EntryType "Full
// Extract", LicenseType in EMA words (TVOD is written VOD), Start and End
// as entered (a date, or an RFC 3339 instant; "Open" for an open end),
// Exclusive and BrandingRights Yes or No. titles gives each title's
// reference and must name every title. Only SVOD, AVOD, TVOD and EST
// licenses have a place in an avails sheet; any other type is an error
// naming the license. Holdbacks and the forced flag have no column and are
// not written. Nothing is written to w when an error is returned for a
// license.
func Export(w io.Writer, format string, ls []rights.License, titles func(id int64) TitleRef, rowsOf func(l rights.License) []ExportRow) error {
	if titles == nil {
		return errors.New("avails: export: no title references given")
	}
	if rowsOf == nil {
		rowsOf = DefaultRows
	}
	var rows [][]string
	for _, l := range ls {
		lt, ok := emaLicenseType(l.Type)
		if !ok {
			return fmt.Errorf("avails: export license %d: %s licenses cannot be written as avails: only SVOD, AVOD, TVOD and EST can", l.ID, l.Type)
		}
		if l.Start.IsZero() {
			return fmt.Errorf("avails: export license %d: the license has no start", l.ID)
		}
		ref := titles(l.TitleID)
		if ref.IsZero() {
			return fmt.Errorf("avails: export license %d: title %d has no reference to write", l.ID, l.TitleID)
		}
		if _, err := rights.Covered(l.Territories, l.Excluded); err != nil {
			return fmt.Errorf("avails: export license %d: %w", l.ID, err)
		}
		end := "Open"
		if !l.End.IsZero() {
			end = l.End.String()
		}
		year := ""
		if ref.Year > 0 {
			year = strconv.Itoa(ref.Year)
		}
		for _, er := range rowsOf(l) {
			v := map[string]string{
				colDisplayName:           l.Licensor,
				colLicensee:              l.Licensee,
				colTerritory:             er.Territory,
				colTerritoryExclusion:    strings.Join(er.Excluded, ", "),
				colWorkType:              "Movie",
				colEntryType:             "Full Extract",
				colTitleInternalAlias:    ref.Alias,
				colTitleDisplayUnlimited: ref.Display,
				colReleaseYear:           year,
				colContentID:             ref.ContentID,
				colAltID:                 ref.AltID,
				colLicenseType:           lt,
				colStart:                 l.Start.String(),
				colEnd:                   end,
				colExclusive:             yesNoText(l.Exclusive),
				colBrandingRights:        yesNoText(l.OriginalBranding),
				colAvailID:               er.AvailID,
			}
			if ref.Kind == "Short" {
				v[colWorkType] = "Short"
			}
			row := make([]string, len(exportColumns))
			for i, col := range exportColumns {
				row[i] = v[col.name]
			}
			rows = append(rows, row)
		}
	}
	switch format {
	case "csv":
		return writeCSV(w, rows)
	case "xlsx":
		return writeXLSX(w, rows)
	}
	return fmt.Errorf("avails: export: format %q: use csv or xlsx", format)
}

func yesNoText(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func writeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		header[i] = c.name
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("avails: export csv: %w", err)
	}
	for _, row := range rows {
		for i, cell := range row {
			row[i] = textCell(cell)
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("avails: export csv: %w", err)
	}
	return nil
}

// formulaStart holds the first characters that make a spreadsheet read a
// CSV cell as a formula (OWASP's list for CSV injection).
const formulaStart = "=+-@\t\r"

// textCell keeps a spreadsheet from running a cell as a formula: a cell that
// begins with one of formulaStart gets a leading apostrophe, which
// spreadsheets read as "this is text" and do not show. readCSV takes it off
// again, so an export imports as it was entered. The xlsx export needs none:
// its cells are typed text.
func textCell(s string) string {
	if s != "" && strings.IndexByte(formulaStart, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// untextCell undoes textCell.
func untextCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(formulaStart, s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// writeXLSX writes the workbook: group labels in row 1, column names in row
// 2, avails from row 3, every cell as text so that dates stay as entered.
func writeXLSX(w io.Writer, rows [][]string) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("avails: export xlsx: %w", cerr)
		}
	}()
	wrap := func(err error) error { return fmt.Errorf("avails: export xlsx: %w", err) }
	if err := f.SetSheetName("Sheet1", exportSheet); err != nil {
		return wrap(err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return wrap(err)
	}
	sw, err := f.NewStreamWriter(exportSheet)
	if err != nil {
		return wrap(err)
	}
	if err := sw.SetColWidth(1, len(exportColumns), 20); err != nil {
		return wrap(err)
	}
	groups := make([]any, len(exportColumns))
	names := make([]any, len(exportColumns))
	for i, c := range exportColumns {
		groups[i] = excelize.Cell{StyleID: bold, Value: c.group}
		names[i] = excelize.Cell{StyleID: bold, Value: c.name}
	}
	if err := sw.SetRow("A1", groups); err != nil {
		return wrap(err)
	}
	if err := sw.SetRow("A2", names); err != nil {
		return wrap(err)
	}
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+3), cells); err != nil {
			return wrap(err)
		}
	}
	if err := sw.Flush(); err != nil {
		return wrap(err)
	}
	if err := f.Write(w); err != nil {
		return wrap(err)
	}
	return nil
}

// Digital returns the licenses an avails sheet can express (SVOD, AVOD,
// TVOD and EST), in order: theatrical and TV grants have no row in a sheet.
func Digital(ls []rights.License) []rights.License {
	var out []rights.License
	for _, l := range ls {
		switch l.Type {
		case rights.SVOD, rights.AVOD, rights.TVOD, rights.EST:
			out = append(out, l)
		}
	}
	return out
}

// TitleIDs returns the distinct titles of the licenses, in first-seen order.
func TitleIDs(ls []rights.License) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, l := range ls {
		if !seen[l.TitleID] {
			seen[l.TitleID] = true
			ids = append(ids, l.TitleID)
		}
	}
	return ids
}
