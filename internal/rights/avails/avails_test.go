package avails

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

const (
	usAndThem = int64(7)
	wanderer  = int64(11)
)

// catalogue is the titles the test resolver knows, by ContentID, AltID and
// alias, as a catalogue would.
var catalogue = map[string]int64{
	"md:cid:org:hualu:us-and-them": usAndThem,
	"UAT-2018":                     usAndThem,
	"Us and Them":                  usAndThem,
	"SOTW-1":                       wanderer,
	"Song of the Wanderer":         wanderer,
}

func resolve(_ context.Context, ref TitleRef) (int64, error) {
	for _, k := range []string{ref.ContentID, ref.AltID, ref.Alias} {
		if id, ok := catalogue[k]; ok && k != "" {
			return id, nil
		}
	}
	return 0, fmt.Errorf("no title with ContentID %q, AltID %q or alias %q: %w", ref.ContentID, ref.AltID, ref.Alias, store.ErrNotFound)
}

// titleRefs is the reverse of the catalogue, for Export.
func titleRefs(id int64) TitleRef {
	switch id {
	case usAndThem:
		return TitleRef{ContentID: "md:cid:org:hualu:us-and-them", AltID: "UAT-2018", Alias: "Us and Them"}
	case wanderer:
		return TitleRef{AltID: "SOTW-1", Alias: "Song of the Wanderer"}
	}
	return TitleRef{}
}

func opts() Options { return Options{Resolve: resolve} }

func readFixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/us_and_them.csv")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureXLSX builds the workbook twin of the CSV fixture: the same rows in
// the same places, on a sheet that comes after an instructions sheet, with
// the Excel-serial start stored as a number formatted as a date (so that a
// formatted read would see "1/1/19" rather than 43466).
func fixtureXLSX(t *testing.T) []byte {
	t.Helper()
	records, err := csvRecords(readFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	return workbook(t, records)
}

func csvRecords(b []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	var out [][]string
	for {
		rec, err := r.Read()
		if err != nil {
			if err.Error() == "EOF" {
				return out, nil
			}
			return nil, err
		}
		line, _ := r.FieldPos(0)
		for len(out) < line-1 {
			out = append(out, nil) // keep blank lines as blank rows
		}
		out = append(out, rec)
	}
}

// workbook writes records to an .xlsx, numbers that look like serial days
// as date-formatted numbers, the rest as text.
func workbook(t *testing.T, records [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Instructions"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Instructions", "A1", "Fill in the Avails sheet."); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Avails_v1.9"); err != nil {
		t.Fatal(err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range records {
		for j, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if n, err := strconv.Atoi(v); err == nil && n > 40000 && n < 50000 {
				if err := f.SetCellValue("Avails_v1.9", cell, n); err != nil {
					t.Fatal(err)
				}
				if err := f.SetCellStyle("Avails_v1.9", cell, cell, dateStyle); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := f.SetCellStr("Avails_v1.9", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wantFixture is what the fixture means.
func wantFixture() []rights.License {
	return []rights.License{
		{TitleID: usAndThem, Licensor: "Hualu Films", Licensee: "Lineup", Type: rights.SVOD,
			Territories: []string{"CN", "HK", "TW", "PH", "US"},
			Start:       rights.DateMoment(2018, time.June, 22), Exclusive: true, OriginalBranding: true, ExternalID: "HL-0001"},
		{TitleID: usAndThem, Licensor: "Hualu Films", Licensee: "Lineup", Type: rights.TVOD,
			Territories: []string{"US"},
			Start:       rights.InstantMoment(time.Date(2018, 8, 1, 4, 0, 0, 0, time.UTC)),
			End:         rights.InstantMoment(time.Date(2019, 8, 1, 4, 0, 0, 0, time.UTC)), ExternalID: "HL-0007"},
		{TitleID: usAndThem, Licensor: "Hualu Films", Licensee: "Lineup", Type: rights.EST,
			Territories: []string{"EU"}, Start: rights.DateMoment(2018, time.September, 1), ExternalID: "HL-0008"},
		{TitleID: wanderer, Licensor: "Northlight Pictures", Licensee: "Lineup", Type: rights.AVOD,
			Territories: []string{"GB", "IE"}, Start: rights.DateMoment(2019, time.January, 1),
			End: rights.InstantMoment(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)), ExternalID: "NL-17"},
	}
}

func parse(t *testing.T, data []byte, name string, o Options) ([]rights.License, error) {
	t.Helper()
	return Parse(context.Background(), bytes.NewReader(data), name, o)
}

func TestParseFixture(t *testing.T) {
	for _, tc := range []struct {
		name string
		data func(*testing.T) []byte
	}{
		{"us_and_them.csv", readFixture},
		{"us_and_them.xlsx", fixtureXLSX},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parse(t, tc.data(t), tc.name, opts())
			if err != nil {
				t.Fatalf("a good sheet must import: %v", err)
			}
			want := wantFixture()
			if len(got) != len(want) {
				t.Fatalf("rows of one grant must make one license: got %d licenses, want %d:\n%+v", len(got), len(want), got)
			}
			for i := range want {
				if !sameLicense(got[i], want[i], true) {
					t.Errorf("license %d:\n got %+v\nwant %+v", i, got[i], want[i])
				}
				if got[i].ExternalID != want[i].ExternalID {
					t.Errorf("license %d: ExternalID must be the group's first AvailID: got %q, want %q", i, got[i].ExternalID, want[i].ExternalID)
				}
			}
		})
	}
}

// sameLicense compares what an avails sheet carries. With ordered, the
// territories must be the same list; otherwise the same covered countries.
func sameLicense(a, b rights.License, ordered bool) bool {
	if a.TitleID != b.TitleID || a.Licensor != b.Licensor || a.Licensee != b.Licensee || a.Type != b.Type ||
		a.Exclusive != b.Exclusive || a.OriginalBranding != b.OriginalBranding ||
		!sameMoment(a.Start, b.Start) || !sameMoment(a.End, b.End) {
		return false
	}
	if ordered {
		return slices.Equal(a.Territories, b.Territories)
	}
	ca, err1 := rights.Covered(a.Territories, a.Excluded)
	cb, err2 := rights.Covered(b.Territories, b.Excluded)
	return err1 == nil && err2 == nil && slices.Equal(ca, cb)
}

func sameMoment(a, b rights.Moment) bool {
	return a.Date == b.Date && a.At.Equal(b.At)
}

func TestRoundTrip(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			first, err := parse(t, readFixture(t), "us_and_them.csv", opts())
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Export(&buf, format, first, titleRefs, nil); err != nil {
				t.Fatalf("export: %v", err)
			}
			second, err := parse(t, buf.Bytes(), "export."+format, opts())
			if err != nil {
				t.Fatalf("an exported sheet must import again: %v", err)
			}
			if len(second) != len(first) {
				t.Fatalf("round trip must keep one license per grant: got %d, want %d", len(second), len(first))
			}
			for i := range first {
				if !sameLicense(second[i], first[i], false) {
					t.Errorf("round trip changed license %d:\n got %+v\nwant %+v", i, second[i], first[i])
				}
			}
			// And from the exported sheet again: a fixed point.
			var again bytes.Buffer
			if err := Export(&again, format, second, titleRefs, nil); err != nil {
				t.Fatal(err)
			}
			if format == "csv" && again.String() != buf.String() {
				t.Errorf("export of a re-imported sheet must be the same sheet:\n%s\n---\n%s", again.String(), buf.String())
			}
		})
	}
}

// columns of the sheets the table tests write, a minimal v1.9 movie sheet.
var testColumns = []string{
	"DisplayName", "Licensee", "Territory", "WorkType", "EntryType", "TitleInternalAlias",
	"LicenseType", "Start", "End", "Exclusive", "BrandingRights", "ContentID", "AltID", "AvailID",
	"TerritoryExclusion", "ReleaseYear",
}

// goodRow is a valid avail; rows in tests change what they test.
func goodRow() map[string]string {
	return map[string]string{
		"DisplayName": "Hualu Films", "Licensee": "Lineup", "Territory": "CN", "WorkType": "Movie",
		"EntryType": "Create", "TitleInternalAlias": "Us and Them", "LicenseType": "SVOD",
		"Start": "2018-06-22", "End": "Open", "Exclusive": "Yes", "BrandingRights": "No",
		"ContentID": "md:cid:org:hualu:us-and-them", "AltID": "", "AvailID": "",
	}
}

func with(changes map[string]string) map[string]string {
	r := goodRow()
	for k, v := range changes {
		r[k] = v
	}
	return r
}

// sheetCSV writes a CSV sheet: a row of group labels, the column names, then
// the rows (so that the first data row is row 3).
func sheetCSV(t *testing.T, columns []string, rows ...map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	groups := make([]string, len(columns))
	for i := range groups {
		groups[i] = "AvailTrans"
	}
	w.Write(groups)
	w.Write(columns)
	for _, r := range rows {
		rec := make([]string, len(columns))
		for i, c := range columns {
			rec[i] = r[c]
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sheetError(t *testing.T, err error) *SheetError {
	t.Helper()
	var se *SheetError
	if !errors.As(err, &se) {
		t.Fatalf("want a *SheetError, got %T: %v", err, err)
	}
	return se
}

type at struct {
	row    int
	column string
}

func problemsAt(se *SheetError) []at {
	var out []at
	for _, p := range se.Problems {
		out = append(out, at{p.Row, p.Column})
	}
	return out
}

// badSheet has a bad row for each rule, between good rows: all of them must
// be reported at once, each with its row and column, and nothing imported.
func badSheet() ([]map[string]string, []at) {
	rows := []map[string]string{
		goodRow(), // row 3
		with(map[string]string{"Territory": "XX"}),                                              // 4
		with(map[string]string{"Territory": "China"}),                                           // 5
		with(map[string]string{"Start": "22/06/2018"}),                                          // 6
		with(map[string]string{"Start": "2018-06-22", "End": "2018-06-01"}),                     // 7
		with(map[string]string{"WorkType": "Episode"}),                                          // 8: set aside, not wrong
		with(map[string]string{"ContentID": "eidr:nope", "TitleInternalAlias": "Nobody Knows"}), // 9
		with(map[string]string{"Territory": "us", "LicenseType": "SVOD", "Exclusive": "Maybe"}), // 10
		goodRow(), // 11
	}
	want := []at{
		{4, "Territory"},
		{5, "Territory"},
		{6, "Start"},
		{7, "End"},
		{9, "ContentID"},
		{10, "Territory"},
		{10, "Exclusive"},
	}
	return rows, want
}

func TestParseReportsEveryBadRow(t *testing.T) {
	rows, want := badSheet()
	csvData := sheetCSV(t, testColumns, rows...)
	records, err := csvRecords(csvData)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"bad.csv", csvData},
		{"bad.xlsx", workbook(t, records)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls, err := parse(t, tc.data, tc.name, opts())
			if ls != nil {
				t.Errorf("a sheet with bad rows must import nothing, got %d licenses", len(ls))
			}
			se := sheetError(t, err)
			if got := problemsAt(se); !reflect.DeepEqual(got, want) {
				t.Errorf("every bad row must be reported with its row and column:\n got %v\nwant %v\n%v", got, want, se)
			}
			for _, p := range se.Problems {
				if p.Reason == "" {
					t.Errorf("problem %+v has no reason", p)
				}
			}
			msg := se.Error()
			for _, frag := range []string{"row 4, Territory \"XX\"", "row 5, Territory \"China\"", "row 9, ContentID \"eidr:nope\"", "7 problems"} {
				if !strings.Contains(msg, frag) {
					t.Errorf("Error() must list the problems readably; %q missing from:\n%s", frag, msg)
				}
			}
		})
	}
}

func TestParseMissingColumn(t *testing.T) {
	cols := slices.DeleteFunc(slices.Clone(testColumns), func(c string) bool { return c == "Start" || c == "End" })
	_, err := parse(t, sheetCSV(t, cols, goodRow()), "a.csv", opts())
	se := sheetError(t, err)
	want := []at{{2, "Start"}, {2, "End"}}
	if got := problemsAt(se); !reflect.DeepEqual(got, want) {
		t.Errorf("a missing required column must be named, at the header row: got %v, want %v", got, want)
	}
	field, _, reason := se.InvalidField()
	if field != "Start" || !strings.Contains(reason, "row 2") || !strings.Contains(reason, "1 more") {
		t.Errorf("InvalidField must summarise the first problem: got %q, %q", field, reason)
	}

	cols = slices.DeleteFunc(slices.Clone(testColumns), func(c string) bool { return c == "ContentID" || c == "AltID" || c == "TitleInternalAlias" })
	_, err = parse(t, sheetCSV(t, cols, goodRow()), "a.csv", opts())
	if got := problemsAt(sheetError(t, err)); !reflect.DeepEqual(got, []at{{2, "ContentID"}}) {
		t.Errorf("a sheet without ContentID, AltID nor TitleInternalAlias must be refused: got %v", got)
	}
}

func TestParseNoHeader(t *testing.T) {
	_, err := parse(t, []byte("title,country\nUs and Them,CN\n"), "a.csv", opts())
	se := sheetError(t, err)
	if len(se.Problems) != 1 || se.Problems[0].Row != 0 || !strings.Contains(se.Problems[0].Reason, "column names") {
		t.Errorf("a sheet without EMA column names must say so: %v", se)
	}
	field, _, _ := se.InvalidField()
	if field != "file" {
		t.Errorf("a file-wide problem must name the file as field, got %q", field)
	}
}

func TestParseNotSpreadsheet(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	random := []byte{0x13, 0x37, 0xfe, 0xed, 0x00, 0x42, 0x99, 0x01, 0x02}
	var zipped bytes.Buffer
	zw := zipWriter(&zipped)
	for _, tc := range []struct {
		name, file string
		data       []byte
		sentinel   error
		says       string
	}{
		{"png named xlsx", "poster.xlsx", png, ErrNotSpreadsheet, "PNG image"},
		{"random bytes named xlsx", "avails.xlsx", random, ErrNotSpreadsheet, "zip archive"},
		{"empty xlsx", "avails.xlsx", nil, ErrNotSpreadsheet, "empty"},
		{"empty csv", "avails.csv", nil, ErrNotSpreadsheet, "empty"},
		{"blank csv", "avails.csv", []byte("\n\n  \n"), ErrNotSpreadsheet, "empty"},
		{"png named csv", "poster.csv", png, ErrNotSpreadsheet, "PNG image"},
		{"binary named csv", "avails.csv", random, ErrNotSpreadsheet, "UTF-8"},
		{"latin-1 csv", "avails.csv", []byte("DisplayName\nCin\xe9ma\n"), ErrNotSpreadsheet, "UTF-8"},
		{"zip that is no workbook", "avails.xlsx", zw, ErrNotSpreadsheet, "not a spreadsheet"},
		{"truncated zip", "avails.xlsx", []byte("PK\x03\x04garbage"), ErrNotSpreadsheet, "not a spreadsheet"},
		{"pdf extension", "avails.pdf", []byte("%PDF-1.7"), ErrUnsupportedFormat, ".pdf"},
		{"no extension", "avails", []byte("a,b"), ErrUnsupportedFormat, "extension"},
		{"old excel", "avails.xls", []byte("\xd0\xcf\x11\xe0"), ErrUnsupportedFormat, ".xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, tc.data, tc.file, opts())
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("want an error wrapping %v, got %v", tc.sentinel, err)
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("want a *FormatError, got %T", err)
			}
			if !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), tc.file) {
				t.Errorf("the error must name the file and say what it is (%q): %v", tc.says, err)
			}
			if field, value, _ := fe.InvalidField(); field != "file" || value != tc.file {
				t.Errorf("InvalidField must name the file: %q %q", field, value)
			}
		})
	}
}

func TestParseCells(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	type result struct {
		start, end rights.Moment
		typ        rights.LicenseType
		territory  string
		exclusive  bool
	}
	for _, tc := range []struct {
		name    string
		changes map[string]string
		want    *result // nil: the row must be refused
		column  string  // the column a refusal names
		reason  string  // a fragment of its reason
	}{
		{"date start, open end", nil, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.SVOD, territory: "CN", exclusive: true}, "", ""},
		{"open is case-blind", map[string]string{"End": "OPEN"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.SVOD, territory: "CN", exclusive: true}, "", ""},
		{"excel serial start", map[string]string{"Start": "43273"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.SVOD, territory: "CN", exclusive: true}, "", ""},
		{"instant start and end", map[string]string{"Start": "2018-06-22T00:00:00+08:00", "End": "2019-06-22T00:00:00+08:00"},
			&result{start: rights.InstantMoment(time.Date(2018, 6, 21, 16, 0, 0, 0, time.UTC)), end: rights.InstantMoment(time.Date(2019, 6, 21, 16, 0, 0, 0, time.UTC)), typ: rights.SVOD, territory: "CN", exclusive: true}, "", ""},
		{"immediate start is the import's now", map[string]string{"Start": "Immediate"}, &result{start: rights.InstantMoment(now), typ: rights.SVOD, territory: "CN", exclusive: true}, "", ""},
		{"ZZ is worldwide", map[string]string{"Territory": "ZZ"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.SVOD, territory: "ZZ", exclusive: true}, "", ""},
		{"EU", map[string]string{"Territory": "EU"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.SVOD, territory: "EU", exclusive: true}, "", ""},
		{"VOD is rental", map[string]string{"LicenseType": "VOD"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.TVOD, territory: "CN", exclusive: true}, "", ""},
		{"AVOD", map[string]string{"LicenseType": "avod"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.AVOD, territory: "CN", exclusive: true}, "", ""},
		{"EST", map[string]string{"LicenseType": "EST"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.EST, territory: "CN", exclusive: true}, "", ""},
		{"blank exclusive is no", map[string]string{"Exclusive": ""}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.SVOD, territory: "CN"}, "", ""},
		{"full extract imports", map[string]string{"EntryType": "Full Extract"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.SVOD, territory: "CN", exclusive: true}, "", ""},
		{"mixed date and instant, later end", map[string]string{"Start": "2018-06-22", "End": "2018-06-22T05:00:00Z", "Territory": "US"},
			&result{start: rights.DateMoment(2018, 6, 22), end: rights.InstantMoment(time.Date(2018, 6, 22, 5, 0, 0, 0, time.UTC)), typ: rights.SVOD, territory: "US", exclusive: true}, "", ""},

		{"unknown code", map[string]string{"Territory": "XX"}, nil, "Territory", "unknown territory"},
		{"country name", map[string]string{"Territory": "China"}, nil, "Territory", "unknown territory"},
		{"lower case", map[string]string{"Territory": "cn"}, nil, "Territory", "capitals"},
		{"list of territories", map[string]string{"Territory": "CN,HK"}, nil, "Territory", "one territory per row"},
		{"WW is not EMA", map[string]string{"Territory": "WW"}, nil, "Territory", "ZZ"},
		{"blank territory", map[string]string{"Territory": ""}, nil, "Territory", "required"},
		{"malformed date", map[string]string{"Start": "22/06/2018"}, nil, "Start", "malformed date"},
		{"impossible date", map[string]string{"Start": "2018-02-30"}, nil, "Start", "malformed date"},
		{"date-time without offset", map[string]string{"Start": "2018-06-22T00:00:00"}, nil, "Start", "offset"},
		{"fractional serial", map[string]string{"Start": "43273.5"}, nil, "Start", "offset"},
		{"implausible serial", map[string]string{"Start": "2018"}, nil, "Start", "plausible"},
		{"blank start", map[string]string{"Start": ""}, nil, "Start", "required"},
		{"open start", map[string]string{"Start": "Open"}, nil, "Start", "End only"},
		{"blank end", map[string]string{"End": ""}, nil, "End", "required"},
		{"end before start", map[string]string{"End": "2018-06-01"}, nil, "End", "after Start"},
		{"end equals start", map[string]string{"End": "2018-06-22"}, nil, "End", "after Start"},
		{"instant end before a date start in New York", map[string]string{"Territory": "US", "End": "2018-06-22T03:00:00Z"}, nil, "End", "in US"},
		{"a date start is local midnight in each EU country", map[string]string{"Territory": "EU", "End": "2018-06-21T22:00:00Z"}, nil, "End", "in AT"},
		{"blank work type", map[string]string{"WorkType": ""}, nil, "WorkType", "required"},
		{"unknown entry type", map[string]string{"EntryType": "Insert"}, nil, "EntryType", "unknown EntryType"},
		{"unknown work type", map[string]string{"WorkType": "Film"}, nil, "WorkType", "unknown WorkType"},
		{"update imports", map[string]string{"EntryType": "Update"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.SVOD, territory: "CN", exclusive: true}, "", ""},
		{"short", map[string]string{"WorkType": "Short"}, &result{start: rights.DateMoment(2018, 6, 22), typ: rights.SVOD, territory: "CN", exclusive: true}, "", ""},
		{"immediate end is the import's now", map[string]string{"Start": "2018-06-22T00:00:00Z", "End": "Immediate"},
			&result{start: rights.InstantMoment(time.Date(2018, 6, 22, 0, 0, 0, 0, time.UTC)), end: rights.InstantMoment(now), typ: rights.SVOD, territory: "CN", exclusive: true}, "", ""},
		{"malformed EIDR", map[string]string{"ContentID": "10.5240/1234-5678"}, nil, "ContentID", "EIDR"},
		{"exclusion outside the territory", map[string]string{"Territory": "EU", "TerritoryExclusion": "US"}, nil, "TerritoryExclusion", "not inside EU"},
		{"unknown exclusion", map[string]string{"Territory": "ZZ", "TerritoryExclusion": "XX"}, nil, "TerritoryExclusion", "unknown territory"},
		{"malformed release year", map[string]string{"ReleaseYear": "last year"}, nil, "ReleaseYear", "year"},
		{"blank license type", map[string]string{"LicenseType": ""}, nil, "LicenseType", "required"},
		{"exclusive maybe", map[string]string{"Exclusive": "Maybe"}, nil, "Exclusive", "Yes or No"},
		{"branding maybe", map[string]string{"BrandingRights": "sometimes"}, nil, "BrandingRights", "Yes or No"},
		{"no title reference", map[string]string{"ContentID": "", "TitleInternalAlias": ""}, nil, "ContentID", "names no title"},
		{"unknown title", map[string]string{"ContentID": "md:cid:org:nobody:nope", "TitleInternalAlias": "Nope"}, nil, "ContentID", "cannot find the title"},
		{"unknown title by alias", map[string]string{"ContentID": "", "TitleInternalAlias": "Nope"}, nil, "TitleInternalAlias", "cannot find the title"},
		{"no licensor", map[string]string{"DisplayName": ""}, nil, "DisplayName", "licensor"},
		{"no licensee", map[string]string{"Licensee": ""}, nil, "Licensee", "licensee"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opts()
			o.Now = func() time.Time { return now }
			ls, err := parse(t, sheetCSV(t, testColumns, with(tc.changes)), "a.csv", o)
			if tc.want == nil {
				se := sheetError(t, err)
				if len(se.Problems) != 1 {
					t.Fatalf("want exactly one problem, got %v", se)
				}
				p := se.Problems[0]
				if p.Row != 3 || p.Column != tc.column || !strings.Contains(p.Reason, tc.reason) {
					t.Errorf("want row 3, column %s, a reason with %q; got %+v", tc.column, tc.reason, p)
				}
				return
			}
			if err != nil {
				t.Fatalf("the row must import: %v", err)
			}
			if len(ls) != 1 {
				t.Fatalf("want one license, got %d", len(ls))
			}
			l := ls[0]
			got := result{start: l.Start, end: l.End, typ: l.Type, exclusive: l.Exclusive}
			if len(l.Territories) == 1 {
				got.territory = l.Territories[0]
			}
			if !sameMoment(got.start, tc.want.start) || !sameMoment(got.end, tc.want.end) || got.typ != tc.want.typ ||
				got.territory != tc.want.territory || got.exclusive != tc.want.exclusive {
				t.Errorf("got %+v, want %+v", got, *tc.want)
			}
		})
	}
}

func TestParseDefaults(t *testing.T) {
	cols := slices.DeleteFunc(slices.Clone(testColumns), func(c string) bool { return c == "Licensee" })
	data := sheetCSV(t, cols, with(map[string]string{"DisplayName": ""}))
	o := opts()
	o.Licensor, o.Licensee = "Hualu Films", "Lineup"
	ls, err := parse(t, data, "a.csv", o)
	if err != nil {
		t.Fatal(err)
	}
	if ls[0].Licensor != "Hualu Films" || ls[0].Licensee != "Lineup" {
		t.Errorf("a blank licensor and an absent Licensee column must take the import's defaults: %+v", ls[0])
	}
}

func TestParseGrouping(t *testing.T) {
	rows := []map[string]string{
		with(map[string]string{"Territory": "CN", "AvailID": "", "Start": "2018-06-22T00:00:00+08:00"}),
		with(map[string]string{"Territory": "HK", "AvailID": "A-2", "Start": "2018-06-21T16:00:00Z"}),
		with(map[string]string{"Territory": "CN", "AvailID": "A-3", "Start": "2018-06-22T00:00:00+08:00"}),
		with(map[string]string{"Territory": "MO", "AvailID": "A-4", "Start": "2018-06-22T00:00:00+08:00", "Exclusive": "No"}),
		with(map[string]string{"Territory": "SG", "AvailID": "A-5", "Start": "2018-06-22T00:00:00+08:00", "ContentID": "", "AltID": "UAT-2018"}),
	}
	calls := 0
	o := opts()
	o.Resolve = func(ctx context.Context, ref TitleRef) (int64, error) {
		calls++
		return resolve(ctx, ref)
	}
	ls, err := parse(t, sheetCSV(t, testColumns, rows...), "a.csv", o)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 {
		t.Fatalf("same title, parties, type, window and terms make one license whatever the title reference or offset; exclusivity splits: got %d: %+v", len(ls), ls)
	}
	if want := []string{"CN", "HK", "SG"}; !slices.Equal(ls[0].Territories, want) {
		t.Errorf("territories must be deduplicated in first-seen order: got %v, want %v", ls[0].Territories, want)
	}
	if ls[0].ExternalID != "A-2" {
		t.Errorf("ExternalID must be the first non-blank AvailID of the group, got %q", ls[0].ExternalID)
	}
	if ls[0].Start.At.Format(time.RFC3339) != "2018-06-22T00:00:00+08:00" {
		t.Errorf("a license must keep its start as first entered, got %v", ls[0].Start)
	}
	if calls != 2 {
		t.Errorf("the resolver must be called once per distinct reference: %d calls, want 2", calls)
	}
}

func TestParseMaxRows(t *testing.T) {
	rows := []map[string]string{goodRow(), goodRow(), goodRow()}
	o := opts()
	o.MaxRows = 2
	_, err := parse(t, sheetCSV(t, testColumns, rows...), "a.csv", o)
	se := sheetError(t, err)
	if !strings.Contains(se.Error(), "more than 2") {
		t.Errorf("a sheet past MaxRows must be refused saying so: %v", se)
	}
	o.MaxRows = 3
	if _, err := parse(t, sheetCSV(t, testColumns, rows...), "a.csv", o); err != nil {
		t.Errorf("MaxRows rows must import: %v", err)
	}
}

func TestParseCSVDetails(t *testing.T) {
	header := strings.Join(testColumns, ",")
	good := "Hualu Films,Lineup,CN,Movie,Create,Us and Them,SVOD,2018-06-22,Open,Yes,No,md:cid:org:hualu:us-and-them,,"
	for _, tc := range []struct {
		name, data string
		badRow     int // 0: must import
	}{
		{"byte-order mark", "\ufeff" + header + "\n" + good + "\n", 0},
		{"crlf", header + "\r\n" + good + "\r\n", 0},
		{"semicolons", strings.ReplaceAll(header+"\n"+good+"\n", ",", ";"), 0},
		{"blank lines count as rows", header + "\n\n\n" + strings.Replace(good, ",CN,", ",XX,", 1) + "\n", 4},
		{"a multi-line cell is one row", header + "\n\"// a note\nover two lines\"\n" + strings.Replace(good, ",CN,", ",XX,", 1) + "\n", 3},
		{"comment rows", header + "\n// nothing here\n" + good + "\n", 0},
		{"repeated header", header + "\n" + good + "\n" + header + "\n" + good + "\n", 0},
		{"malformed quotes", header + "\n" + good + "\n\"Hualu\"x,Lineup\n", 3},
		{"no data rows", header + "\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, []byte(tc.data), "a.csv", opts())
			if tc.badRow == 0 {
				if err != nil {
					t.Errorf("must import: %v", err)
				}
				return
			}
			se := sheetError(t, err)
			if se.Problems[0].Row != tc.badRow {
				t.Errorf("row numbers must be those a spreadsheet shows: got %d, want %d (%v)", se.Problems[0].Row, tc.badRow, se)
			}
		})
	}
}

func TestSheetErrorLists(t *testing.T) {
	se := &SheetError{}
	for i := range 60 {
		se.Problems = append(se.Problems, Problem{Row: i + 3, Column: "Territory", Value: "XX", Reason: "unknown territory"})
	}
	msg := se.Error()
	if !strings.Contains(msg, "60 problems") || !strings.Contains(msg, "row 52, Territory \"XX\": unknown territory") || !strings.Contains(msg, "and 10 more") {
		t.Errorf("Error must count the problems, list the first fifty and say how many more:\n%s", msg)
	}
	if rows, ok := se.ProblemRows().([]Problem); !ok || len(rows) != 60 {
		t.Errorf("ProblemRows must give every problem")
	}
	field, value, reason := se.InvalidField()
	if field != "Territory" || value != "XX" || reason != "row 3: unknown territory (and 59 more problem(s))" {
		t.Errorf("InvalidField: %q %q %q", field, value, reason)
	}
}

func TestParseResolverAndContext(t *testing.T) {
	if _, err := Parse(context.Background(), strings.NewReader("x"), "a.csv", Options{}); err == nil {
		t.Error("a parse without a resolver must fail")
	}
	ctx, cancel := context.WithCancel(context.Background())
	o := opts()
	o.Resolve = func(ctx context.Context, ref TitleRef) (int64, error) {
		cancel()
		return 0, ctx.Err()
	}
	_, err := Parse(ctx, bytes.NewReader(sheetCSV(t, testColumns, goodRow())), "a.csv", o)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled import must stop with the context's error, not report rows: %v", err)
	}
}

func TestResolverFailureAbortsTheImport(t *testing.T) {
	broken := func(ctx context.Context, ref TitleRef) (int64, error) {
		return 0, errors.New("connection refused to 10.0.0.7")
	}
	_, err := Parse(context.Background(), bytes.NewReader(readFixture(t)), "a.csv", Options{Resolve: broken, Licensor: "L", Licensee: "Lineup"})
	var se *SheetError
	if err == nil || errors.As(err, &se) {
		t.Errorf("a failing catalogue is not the sheet's fault: it must abort the import, not become a row problem: %v", err)
	}
}
