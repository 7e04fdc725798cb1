package avails

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/rights"
)

// Issue 10 row 6: a text a spreadsheet would run as a formula (a licensor
// or ID beginning with =, +, -, @, a tab or a carriage return) is written
// to the CSV export as text, and reads back as it was entered.
func TestCSVExportWritesFormulasAsText(t *testing.T) {
	l := rights.License{ID: 3, TitleID: usAndThem, Licensor: "=cmd|' /C calc'!A0", Licensee: "@SUM(1+1)*cmd", Type: rights.SVOD,
		Territories: []string{"FR"}, Start: rights.DateMoment(2018, time.June, 22), ExternalID: "+HYPERLINK(\"http://evil.example\")"}
	out := exportOne(t, "csv", l)
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for i, cell := range rec {
			if cell != "" && bytes.ContainsRune([]byte("=+-@\t\r"), rune(cell[0])) {
				t.Errorf("column %s starts with %q: a spreadsheet would run it as a formula", recs[0][i], cell[:1])
			}
		}
	}
	back, err := parse(t, out, "export.csv", opts())
	if err != nil {
		t.Fatalf("the export must import again: %v", err)
	}
	if len(back) != 1 || back[0].Licensor != l.Licensor || back[0].Licensee != l.Licensee || back[0].ExternalID != l.ExternalID {
		t.Errorf("escaped text must read back as entered: got %+v", back)
	}
}
