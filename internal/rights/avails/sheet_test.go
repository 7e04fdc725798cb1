package avails

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lineup/lineup/internal/rights"
)

// emaColumns is every column of the EMA Avails v1.9 movie template that the
// tests write, with its group label, in the template's order.
var emaColumns = [][2]string{
	{"Avail", "DisplayName"}, {"Avail", "StoreLanguage"}, {"AvailTrans", "Territory"}, {"AvailTrans", "TerritoryExclusion"},
	{"AvailAsset", "WorkType"}, {"Disposition", "EntryType"}, {"AvailMetadata", "TitleInternalAlias"},
	{"AvailMetadata", "TitleDisplayUnlimited"}, {"AvailMetadata", "TitleDisplay19"}, {"AvailMetadata", "LocalizationType"},
	{"AvailTrans", "LicenseType"}, {"AvailTrans", "LicenseRightsDescription"}, {"AvailTrans", "FormatProfile"},
	{"AvailTrans", "Start"}, {"AvailTrans", "End"}, {"AvailTrans", "PriceType"}, {"AvailTrans", "PriceValue"},
	{"AvailTrans", "SRP"}, {"AvailTrans", "Description"}, {"AvailTrans", "OtherTerms"}, {"AvailTrans", "OtherInstructions"},
	{"AvailAsset", "ContentID"}, {"AvailAsset", "ProductID"}, {"AvailAsset", "EncodeID"}, {"Avail", "AvailID"},
	{"AvailAsset", "Metadata"}, {"AvailAsset", "AltID"}, {"AvailTrans", "SuppressionLiftDate"},
	{"AvailTrans", "SpecialPreOrderFulfillDate"}, {"AvailMetadata", "ReleaseYear"}, {"AvailMetadata", "ReleaseHistoryOriginal"},
	{"AvailMetadata", "ReleaseHistoryPhysicalHV"}, {"Avail", "ExceptionFlag"}, {"AvailMetadata", "RatingSystem"},
	{"AvailMetadata", "RatingValue"}, {"AvailMetadata", "RatingReason"}, {"AvailTrans", "RentalDuration"},
	{"AvailTrans", "WatchDuration"}, {"AvailMetadata", "CaptionIncluded"}, {"AvailMetadata", "CaptionExemption"},
	{"AvailMetadata", "Any"}, {"AvailTrans", "ContractID"}, {"Avail", "ServiceProvider"}, {"AvailMetadata", "TotalRunTime"},
	{"AvailTrans", "HoldbackLanguage"}, {"AvailTrans", "HoldbackExclusionLanguage"}, {"AvailTrans", "AllowedLanguages"},
	{"Avail", "ALID"}, {"AvailTrans", "Exclusive"}, {"AvailTrans", "ExclusiveAttributes"}, {"AvailTrans", "BrandingRights"},
	{"AvailTrans", "BrandingRightsAttributes"}, {"Avail", "ReportingID"}, {"AvailMetadata", "CompanyDisplayCredit"},
	{"Avail", "Licensee"},
}

// hints is the row of field hints EMA templates put under the column names:
// the first cell is not a hint, so only the hints themselves tell the row
// apart.
func hints(n int) []string {
	out := make([]string, n)
	out[0] = "Required (studio)"
	for i := 1; i < n; i++ {
		out[i] = []string{"//REQ", "//Opt", "//Cond", ""}[i%4]
	}
	return out
}

// emaSheet is one worksheet of a test workbook: group labels, column names,
// a row of hints, then the rows (so that the first data row is row 4).
type emaSheet struct {
	name    string
	columns [][2]string
	rows    []map[string]string
}

// emaWorkbook writes sheets as an EMA workbook would have them, after an
// instructions sheet.
func emaWorkbook(t *testing.T, sheets ...emaSheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Instructions"); err != nil {
		t.Fatal(err)
	}
	f.SetCellStr("Instructions", "A1", "EMA Avails: fill in one row per avail. // Required fields are marked //REQ.")
	for _, sh := range sheets {
		if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		var groups, names []string
		for _, c := range sh.columns {
			groups = append(groups, c[0])
			names = append(names, c[1])
		}
		recs := [][]string{groups, names, hints(len(names))}
		for _, r := range sh.rows {
			rec := make([]string, len(names))
			for i, c := range names {
				rec[i] = r[c]
			}
			recs = append(recs, rec)
		}
		for i, rec := range recs {
			for j, v := range rec {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if err := f.SetCellStr(sh.name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// emaRow is a full v1.9 movie row, every column filled the way studios fill
// them; tests change what they test.
func emaRow(changes map[string]string) map[string]string {
	r := map[string]string{
		"DisplayName": "Hualu Films", "StoreLanguage": "zh", "Territory": "CN", "WorkType": "Movie", "EntryType": "Full Extract",
		"TitleInternalAlias": "Us and Them", "TitleDisplayUnlimited": "Us and Them", "TitleDisplay19": "Us and Them",
		"LocalizationType": "sub", "LicenseType": "SVOD", "LicenseRightsDescription": "Library", "FormatProfile": "HD",
		"Start": "2018-06-22", "End": "Open", "PriceType": "Tier", "PriceValue": "Catalog", "SRP": "",
		"Description": "Streaming", "OtherTerms": "", "OtherInstructions": "Deliver subtitles in zh-Hans",
		"ContentID": "md:cid:org:hualu:us-and-them", "ProductID": "", "EncodeID": "", "AvailID": "HL-1", "Metadata": "",
		"AltID": "UAT-2018", "SuppressionLiftDate": "2018-06-01", "SpecialPreOrderFulfillDate": "", "ReleaseYear": "2018",
		"ReleaseHistoryOriginal": "2018-04-28", "ReleaseHistoryPhysicalHV": "", "ExceptionFlag": "", "RatingSystem": "MPAA",
		"RatingValue": "NR", "RatingReason": "", "RentalDuration": "", "WatchDuration": "", "CaptionIncluded": "Yes",
		"CaptionExemption": "", "Any": "", "ContractID": "C-77", "ServiceProvider": "", "TotalRunTime": "1:59:00",
		"HoldbackLanguage": "", "HoldbackExclusionLanguage": "", "AllowedLanguages": "zh, en", "ALID": "md:alid:org:hualu:uat",
		"Exclusive": "Yes", "ExclusiveAttributes": "", "BrandingRights": "No", "BrandingRightsAttributes": "",
		"ReportingID": "R-1", "CompanyDisplayCredit": "Hualu Films", "Licensee": "Lineup",
	}
	for k, v := range changes {
		r[k] = v
	}
	return r
}

func read(t *testing.T, data []byte, name string, o Options) (*Sheet, error) {
	t.Helper()
	return Read(context.Background(), bytes.NewReader(data), name, o)
}

func mustRead(t *testing.T, data []byte, name string, o Options) *Sheet {
	t.Helper()
	sh, err := read(t, data, name, o)
	if err != nil {
		t.Fatalf("the sheet must import: %v", err)
	}
	return sh
}

func TestReadSkipsHintRows(t *testing.T) {
	data := emaWorkbook(t, emaSheet{"Movie Avails", emaColumns, []map[string]string{emaRow(nil), emaRow(map[string]string{"Territory": "HK", "AvailID": "HL-2"})}})
	sh := mustRead(t, data, "template.xlsx", opts())
	if len(sh.Rows) != 2 {
		t.Fatalf("the hint row under the column names must be skipped and both avails read: got %d rows", len(sh.Rows))
	}
	if sh.Rows[0].Num != 4 {
		t.Errorf("row numbers must be the workbook's: the first avail is row 4, got %d", sh.Rows[0].Num)
	}

	// CSV, with the hint row starting with a hint.
	var b strings.Builder
	b.WriteString(strings.Join(testColumns, ",") + "\n")
	h := make([]string, len(testColumns))
	for i := range h {
		h[i] = "//REQ"
	}
	b.WriteString(strings.Join(h, ",") + "\n")
	b.WriteString(strings.Join(h[:3], ",") + ",,,,//Opt\n")
	lines := strings.SplitN(string(sheetCSV(t, testColumns, goodRow())), "\n", 3)
	b.WriteString(lines[2])
	sh = mustRead(t, []byte(b.String()), "template.csv", opts())
	if len(sh.Rows) != 1 {
		t.Errorf("hint rows in a CSV file must be skipped too: got %d rows", len(sh.Rows))
	}
}

func TestReadEveryMovieColumnByName(t *testing.T) {
	reversed := slices.Clone(emaColumns)
	slices.Reverse(reversed)
	for _, tc := range []struct {
		name    string
		columns [][2]string
	}{
		{"template order", emaColumns},
		{"any order", reversed},
		{"v1.7 without the v1.9 columns", slices.DeleteFunc(slices.Clone(emaColumns), func(c [2]string) bool {
			return slices.Contains([]string{"TerritoryExclusion", "TitleDisplay19", "Exclusive", "ExclusiveAttributes", "BrandingRights", "BrandingRightsAttributes", "Licensee"}, c[1])
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opts()
			o.Licensee = "Lineup"
			sh := mustRead(t, emaWorkbook(t, emaSheet{"Avails", tc.columns, []map[string]string{emaRow(nil)}}), "a.xlsx", o)
			if len(sh.Rows) != 1 {
				t.Fatalf("want one avail, got %d", len(sh.Rows))
			}
			r := sh.Rows[0]
			if r.Territory != "CN" || r.Type != rights.SVOD || r.Start.Date != "2018-06-22" || !r.End.IsZero() || r.AvailID != "HL-1" || r.ALID != "md:alid:org:hualu:uat" {
				t.Errorf("the columns must be read by name wherever they are: %+v", r)
			}
			if r.Title.Display != "Us and Them" || r.Title.Year != 2018 || r.Title.AltID != "UAT-2018" {
				t.Errorf("the title's display name, release year and AltID must be read: %+v", r.Title)
			}
			if r.Cells["ContractID"] != "C-77" || r.Cells["OtherInstructions"] != "Deliver subtitles in zh-Hans" {
				t.Errorf("the columns Lineup does not use must be kept with the row: %v", r.Cells)
			}
		})
	}
}

func TestReadSeveralSheets(t *testing.T) {
	short := [][2]string{{"Avail", "DisplayName"}, {"AvailAsset", "AltID"}, {"AvailTrans", "Territory"}, {"AvailAsset", "WorkType"},
		{"Disposition", "EntryType"}, {"AvailTrans", "LicenseType"}, {"AvailTrans", "Start"}, {"AvailTrans", "End"}}
	o := opts()
	o.Licensee = "Lineup"
	data := emaWorkbook(t,
		emaSheet{"Movies Q1", emaColumns, []map[string]string{emaRow(nil)}},
		emaSheet{"Movies Q2", short, []map[string]string{{"DisplayName": "Northlight Pictures", "AltID": "SOTW-1", "Territory": "GB",
			"WorkType": "Movie", "EntryType": "Create", "LicenseType": "AVOD", "Start": "2019-01-01", "End": "2020-01-01"}}},
	)
	sh := mustRead(t, data, "two.xlsx", o)
	if len(sh.Rows) != 2 || sh.Rows[0].Sheet != "Movies Q1" || sh.Rows[1].Sheet != "Movies Q2" || sh.Rows[1].Territory != "GB" {
		t.Fatalf("every worksheet with avails must be read, in order, each by its own column names: %+v", sh.Rows)
	}

	bad := emaWorkbook(t,
		emaSheet{"Movies Q1", emaColumns, []map[string]string{emaRow(map[string]string{"Territory": "XX"})}},
		emaSheet{"Movies Q2", short, []map[string]string{{"DisplayName": "N", "AltID": "SOTW-1", "Territory": "GB",
			"WorkType": "Movie", "EntryType": "Create", "LicenseType": "AVOD", "Start": "someday", "End": "Open"}}},
	)
	_, err := read(t, bad, "two.xlsx", o)
	se := sheetError(t, err)
	if len(se.Problems) != 2 || se.Problems[0].Sheet != "Movies Q1" || se.Problems[1].Sheet != "Movies Q2" || se.Problems[1].Row != 4 {
		t.Fatalf("problems must name their sheet and row: %v", se)
	}
	if !strings.Contains(se.Error(), `sheet "Movies Q2", row 4, Start "someday"`) {
		t.Errorf("the message must name the sheet: %s", se.Error())
	}
}

func TestNormalizeEIDR(t *testing.T) {
	const want = "10.5240/7791-8534-2C23-9030-8610-5"
	for _, in := range []string{
		"10.5240/7791-8534-2C23-9030-8610-5",
		"10.5240/7791-8534-2c23-9030-8610-5",
		"md:cid:eidr-s:7791-8534-2C23-9030-8610-5",
		"MD:CID:EIDR-S:7791-8534-2C23-9030-8610-5",
		"md:cid:eidr:10.5240/7791-8534-2C23-9030-8610-5",
		"urn:eidr:10.5240:7791-8534-2C23-9030-8610-5",
		"doi:10.5240/7791-8534-2C23-9030-8610-5",
		"https://doi.org/10.5240/7791-8534-2C23-9030-8610-5",
		" 10.5240/7791-8534-2C23-9030-8610-5 ",
	} {
		if got, ok := NormalizeEIDR(in); !ok || got != want {
			t.Errorf("NormalizeEIDR(%q) = %q, %v; every spelling of an EIDR must give %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "md:cid:org:hualu:1", "10.5240/7791-8534", "10.1234/7791-8534-2C23-9030-8610-5", "7791-8534-2C23-9030-8610"} {
		if got, ok := NormalizeEIDR(in); ok {
			t.Errorf("NormalizeEIDR(%q) = %q: not an EIDR", in, got)
		}
	}
}

func TestReadEIDRSpellingsNameOneTitle(t *testing.T) {
	rows := []map[string]string{
		with(map[string]string{"ContentID": "10.5240/7791-8534-2C23-9030-8610-5", "Territory": "CN"}),
		with(map[string]string{"ContentID": "md:cid:eidr-s:7791-8534-2c23-9030-8610-5", "Territory": "HK"}),
		with(map[string]string{"ContentID": "urn:eidr:10.5240:7791-8534-2C23-9030-8610-5", "Territory": "TW"}),
	}
	sh := mustRead(t, sheetCSV(t, testColumns, rows...), "a.csv", opts())
	for _, r := range sh.Rows {
		if r.Title.EIDR != "10.5240/7791-8534-2C23-9030-8610-5" || r.Title.key() != sh.Rows[0].Title.key() {
			t.Errorf("row %d: every spelling of one EIDR must name the same title: %+v", r.Num, r.Title)
		}
	}
}

func TestReadSetsAsideWhatLineupDoesNotTake(t *testing.T) {
	rows := []map[string]string{
		goodRow(), // 3
		with(map[string]string{"WorkType": "Episode", "Start": "not a date"}), // 4: its cells do not matter
		with(map[string]string{"WorkType": "Season"}),                         // 5
		with(map[string]string{"WorkType": "Series"}),                         // 6
		with(map[string]string{"WorkType": "Collection"}),                     // 7
		with(map[string]string{"LicenseType": "POEST", "End": "ESTStart"}),    // 8
		with(map[string]string{"LicenseType": "POVOD"}),                       // 9
		with(map[string]string{"LicenseType": "PPV"}),                         // 10
		with(map[string]string{"LicenseType": "EST", "Territory": "HK"}),      // 11: not tracked here
		with(map[string]string{"Territory": "HK"}),                            // 12
	}
	o := opts()
	o.Tracked = []rights.LicenseType{rights.SVOD, rights.AVOD, rights.TVOD}
	sh := mustRead(t, sheetCSV(t, testColumns, rows...), "a.csv", o)
	if len(sh.Rows) != 2 || sh.Rows[0].Num != 3 || sh.Rows[1].Num != 12 {
		t.Errorf("the movie rows of a tracked license type must import beside the rows set aside: %+v", sh.Rows)
	}
	want := map[int]string{4: "Episode", 5: "Season", 6: "Series", 7: "Collection", 8: "pre-order", 9: "pre-order", 10: "PPV", 11: "does not track EST"}
	if len(sh.SetAside) != len(want) {
		t.Fatalf("want %d rows set aside, got %+v", len(want), sh.SetAside)
	}
	for _, a := range sh.SetAside {
		if !strings.Contains(a.Reason, want[a.Row]) {
			t.Errorf("row %d must be set aside saying %q, got %q", a.Row, want[a.Row], a.Reason)
		}
		if a.Title != "Us and Them" {
			t.Errorf("row %d: a row set aside must say which title it is: %+v", a.Row, a)
		}
	}

	// Wrong rows still refuse the sheet, beside rows set aside.
	rows = append(rows, with(map[string]string{"Start": "2018-13-01"}))
	_, err := read(t, sheetCSV(t, testColumns, rows...), "a.csv", o)
	if got := problemsAt(sheetError(t, err)); len(got) != 1 || got[0] != (at{13, "Start"}) {
		t.Errorf("a malformed date must still refuse the sheet, naming only the wrong row: %v", got)
	}
}

func TestReadConditionalDates(t *testing.T) {
	est := with(map[string]string{"LicenseType": "EST", "Territory": "US", "Start": "2018-09-01", "Exclusive": "No"})
	rows := []map[string]string{
		with(map[string]string{"LicenseType": "POEST", "Territory": "US", "Start": "2018-08-01", "End": "ESTStart"}), // 3 set aside
		with(map[string]string{"LicenseType": "VOD", "Territory": "US", "Start": "2018-08-01", "End": "ESTStart"}),   // 4: ends when EST starts
		est, // 5
		with(map[string]string{"LicenseType": "AVOD", "Territory": "US", "Start": "ESTStart", "End": "2019-09-01"}), // 6: from the EST start
		with(map[string]string{"Territory": "HK", "Start": "TBA"}),                                                  // 7
		with(map[string]string{"LicenseType": "VOD", "Territory": "GB", "Start": "2018-08-01", "End": "ESTStart"}),  // 8: no EST in GB
		with(map[string]string{"LicenseType": "VOD", "Territory": "FR", "Start": "2018-10-01", "End": "ESTStart"}),  // 9
		with(map[string]string{"LicenseType": "EST", "Territory": "FR", "Start": "2018-09-01", "Exclusive": "No"}),  // 10
	}
	_, err := read(t, sheetCSV(t, testColumns, rows...), "a.csv", opts())
	se := sheetError(t, err)
	if got := problemsAt(se); len(got) != 1 || got[0] != (at{9, "End"}) {
		t.Fatalf("a conditional end that resolves before the start must be refused: %v", se)
	}
	rows = rows[:6]
	sh := mustRead(t, sheetCSV(t, testColumns, rows...), "a.csv", opts())
	byRow := map[int]Row{}
	for _, r := range sh.Rows {
		byRow[r.Num] = r
	}
	if r := byRow[4]; r.End.Date != "2018-09-01" || r.Pending != "" {
		t.Errorf("End ESTStart must be the EST row's start in the same territory: %+v", r)
	}
	if r := byRow[6]; r.Start.Date != "2018-09-01" || r.End.Date != "2019-09-01" || r.Pending != "" {
		t.Errorf("Start ESTStart must be the EST row's start: %+v", r)
	}
	if r := byRow[7]; !strings.Contains(r.Pending, "to be announced") || !strings.Contains(r.Pending, "TBA") || !r.Start.IsZero() {
		t.Errorf("a TBA start must leave the avail to be announced: %+v", r)
	}
	if r := byRow[8]; !strings.Contains(r.Pending, "no EST row") {
		t.Errorf("ESTStart without an EST row must leave the avail to be announced, saying why: %+v", r)
	}
	// Parse makes no license of an avail to be announced.
	ls, err := parse(t, sheetCSV(t, testColumns, rows...), "a.csv", opts())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if slices.Contains(l.Territories, "HK") || (slices.Contains(l.Territories, "GB") && l.Type == rights.TVOD) {
			t.Errorf("an avail to be announced must not become an available license: %+v", l)
		}
	}
}

func TestReadTerritoryExclusion(t *testing.T) {
	rows := []map[string]string{
		with(map[string]string{"Territory": "ZZ", "TerritoryExclusion": "US, CA;MX", "AvailID": "W-1"}),
		with(map[string]string{"Territory": "EU", "TerritoryExclusion": "FR", "LicenseType": "AVOD", "AvailID": "W-2"}),
	}
	ls, err := parse(t, sheetCSV(t, testColumns, rows...), "a.csv", opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 {
		t.Fatalf("want two licenses, got %+v", ls)
	}
	if !slices.Equal(ls[0].Territories, []string{"ZZ"}) || !slices.Equal(ls[0].Excluded, []string{"US", "CA", "MX"}) {
		t.Errorf("ZZ with exclusions must be one license with those exclusions: %+v", ls[0])
	}
	covered, _ := rights.Covered(ls[1].Territories, ls[1].Excluded)
	if slices.Contains(covered, "FR") || !slices.Contains(covered, "DE") || len(covered) != 26 {
		t.Errorf("EU less FR must cover the 26 other member states: %v", covered)
	}
}

func TestReadImmediateIsTheImport(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	o := opts()
	o.Now = func() time.Time { return now }
	sh := mustRead(t, sheetCSV(t, testColumns, with(map[string]string{"Start": "Immediate"})), "a.csv", o)
	if r := sh.Rows[0]; !r.StartImmediate || !r.Start.At.Equal(now) {
		t.Errorf("Start Immediate is the moment of the import, and says so: %+v", r)
	}
}
