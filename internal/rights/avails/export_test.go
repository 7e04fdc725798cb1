package avails

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lineup/lineup/internal/rights"
)

// zipWriter returns a zip archive that holds a text file and no workbook.
func zipWriter(buf *bytes.Buffer) []byte {
	zw := zip.NewWriter(buf)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("not a workbook"))
	zw.Close()
	return buf.Bytes()
}

func exportOne(t *testing.T, format string, l rights.License) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(&buf, format, []rights.License{l}, titleRefs, nil); err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

func TestExportCSVLayout(t *testing.T) {
	l := rights.License{ID: 3, TitleID: usAndThem, Licensor: "Hualu Films", Licensee: "Lineup", Type: rights.TVOD,
		Territories: []string{"EU", "CH"}, Excluded: []string{"FR", "DE"},
		Start: rights.DateMoment(2018, time.June, 22), End: rights.InstantMoment(time.Date(2019, 1, 1, 0, 0, 0, 0, time.FixedZone("", 8*3600))),
		Exclusive: true, ExternalID: "HL-9"}
	recs, err := csv.NewReader(bytes.NewReader(exportOne(t, "csv", l))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "DisplayName,Territory,TerritoryExclusion,WorkType,EntryType,TitleInternalAlias,TitleDisplayUnlimited,ReleaseYear,LicenseType,Start,End,ContentID,AvailID,AltID,Exclusive,BrandingRights,Licensee" {
		t.Errorf("the CSV must start with the EMA column names, got %s", got)
	}
	if len(recs) != 1+2 {
		t.Fatalf("one row per territory as entered (EU with its exclusions, CH), got %d rows", len(recs)-1)
	}
	want := []string{
		"Hualu Films,EU,\"FR, DE\",Movie,Full Extract,Us and Them,,,VOD,2018-06-22,2019-01-01T00:00:00+08:00,md:cid:org:hualu:us-and-them,HL-9,UAT-2018,Yes,No,Lineup",
		"Hualu Films,CH,,Movie,Full Extract,Us and Them,,,VOD,2018-06-22,2019-01-01T00:00:00+08:00,md:cid:org:hualu:us-and-them,,UAT-2018,Yes,No,Lineup",
	}
	lines := strings.Split(strings.TrimSpace(string(exportOne(t, "csv", l))), "\n")
	for i, w := range want {
		if got := strings.TrimSpace(lines[i+1]); got != w {
			t.Errorf("row %d: values must be written as entered, TVOD as VOD, exclusions inside their territory, the AvailID once:\n got %s\nwant %s", i+1, got, w)
		}
	}
	l.End = rights.Moment{}
	recs, _ = csv.NewReader(bytes.NewReader(exportOne(t, "csv", l))).ReadAll()
	if recs[1][10] != "Open" {
		t.Errorf("an open end must be written Open, got %q", recs[1][10])
	}
}

func TestExportRowsOwnAvailIDs(t *testing.T) {
	l := wantFixture()[0]
	var buf bytes.Buffer
	rows := func(rights.License) []ExportRow {
		return []ExportRow{{Territory: "CN", AvailID: "HL-0001"}, {Territory: "CN", AvailID: "HL-0002"}, {Territory: "HK", AvailID: "HL-0003"}}
	}
	if err := Export(&buf, "csv", []rights.License{l}, titleRefs, rows); err != nil {
		t.Fatal(err)
	}
	recs, _ := csv.NewReader(&buf).ReadAll()
	var got []string
	for _, r := range recs[1:] {
		got = append(got, r[1]+"="+r[12])
	}
	if want := "CN=HL-0001 CN=HL-0002 HK=HL-0003"; strings.Join(got, " ") != want {
		t.Errorf("every avail of a license must be written on its own row with its own AvailID: got %v, want %s", got, want)
	}
}

func TestExportXLSXLayout(t *testing.T) {
	l := wantFixture()[0]
	data := exportOne(t, "xlsx", l)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Avails")
	if err != nil {
		t.Fatalf("the workbook must have an Avails sheet: %v", err)
	}
	if rows[0][0] != "Avail" || rows[0][3] != "AvailAsset" || rows[1][0] != "DisplayName" || rows[1][1] != "Territory" {
		t.Errorf("row 1 must hold the EMA group labels and row 2 the column names: %v / %v", rows[0], rows[1])
	}
	if len(rows) != 2+5 || rows[2][1] != "CN" || rows[2][9] != "2018-06-22" || rows[2][10] != "Open" {
		t.Errorf("the avails must follow from row 3, dates as text: %v", rows[2:])
	}
}

func TestExportRefuses(t *testing.T) {
	good := wantFixture()[0]
	for _, tc := range []struct {
		name   string
		format string
		l      rights.License
		says   string
	}{
		{"theatrical", "csv", func() rights.License { l := good; l.ID, l.Type = 42, rights.Theatrical; return l }(), "license 42"},
		{"pay tv", "xlsx", func() rights.License { l := good; l.ID, l.Type = 43, rights.PayTV; return l }(), "license 43"},
		{"unknown title", "csv", func() rights.License { l := good; l.ID, l.TitleID = 44, 999; return l }(), "title 999"},
		{"bad territory", "csv", func() rights.License { l := good; l.ID, l.Territories = 45, []string{"XX"}; return l }(), "license 45"},
		{"no start", "csv", func() rights.License { l := good; l.ID, l.Start = 46, rights.Moment{}; return l }(), "license 46"},
		{"unknown format", "ods", good, "ods"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Export(&buf, tc.format, []rights.License{tc.l}, titleRefs, nil)
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("export must refuse and name %q, got %v", tc.says, err)
			}
			if buf.Len() != 0 {
				t.Errorf("a refused export must write nothing, wrote %d bytes", buf.Len())
			}
		})
	}
}

// FuzzParseCSV feeds arbitrary bytes to the CSV reader: it must never
// panic, and what it accepts must be licenses Lineup can hold.
func FuzzParseCSV(f *testing.F) {
	header := strings.Join(testColumns, ",")
	f.Add([]byte(header + "\nHualu Films,Lineup,CN,Movie,Create,Us and Them,SVOD,2018-06-22,Open,Yes,No,md:cid:org:hualu:us-and-them,,\n"))
	f.Add([]byte(header + "\nHualu Films,Lineup,ZZ,Movie,Create,Us and Them,VOD,43273,2019-01-01T00:00:00Z,,,,UAT-2018,A1\n"))
	f.Add([]byte(header + "\n,,XX,Episode,Delete,,POEST,22/06/2018,Immediate,Maybe,,,,\n"))
	f.Add([]byte("\"unterminated,\n" + header))
	f.Add([]byte{0xef, 0xbb, 0xbf, ';', '\t'})
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := opts()
		o.MaxRows = 50
		ls, err := Parse(context.Background(), bytes.NewReader(data), "fuzz.csv", o)
		if err != nil {
			if ls != nil {
				t.Fatalf("an error must come without licenses")
			}
			return
		}
		for _, l := range ls {
			if l.TitleID == 0 || l.Licensor == "" || l.Licensee == "" || l.Start.IsZero() {
				t.Fatalf("accepted an incomplete license %+v", l)
			}
			if _, err := rights.Covered(l.Territories, l.Excluded); err != nil {
				t.Fatalf("accepted a license with bad territories %+v: %v", l, err)
			}
			if _, ok := emaLicenseType(l.Type); !ok {
				t.Fatalf("accepted license type %q", l.Type)
			}
		}
	})
}
