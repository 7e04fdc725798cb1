package web

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"testing"
)

// readXLSX reads back the cells of the first worksheet of an .xlsx.
func readXLSX(t testing.TB, b []byte) [][]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("an .xlsx is a zip: %v", err)
	}
	need := map[string]bool{"[Content_Types].xml": true, "_rels/.rels": true, "xl/workbook.xml": true, "xl/_rels/workbook.xml.rels": true}
	var sheet []byte
	for _, f := range z.File {
		delete(need, f.Name)
		if f.Name == "xl/worksheets/sheet1.xml" {
			r, _ := f.Open()
			sheet, _ = io.ReadAll(r)
		}
	}
	if len(need) > 0 || sheet == nil {
		t.Fatalf("an .xlsx needs its package parts; missing %v (sheet %v)", need, sheet != nil)
	}
	var ws struct {
		Rows []struct {
			Cells []struct {
				Ref  string `xml:"r,attr"`
				Text string `xml:"is>t"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.Unmarshal(sheet, &ws); err != nil {
		t.Fatalf("the worksheet must be well-formed XML: %v", err)
	}
	var out [][]string
	for _, r := range ws.Rows {
		var row []string
		for _, c := range r.Cells {
			row = append(row, c.Text)
		}
		out = append(out, row)
	}
	return out
}

func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	rows := [][]string{{"后来的我们", "<&> \"quoted\""}, {"", "  spaces kept  "}}
	if err := writeXLSX(&buf, "Windows", []string{"title", "note"}, rows); err != nil {
		t.Fatal(err)
	}
	got := readXLSX(t, buf.Bytes())
	want := [][]string{{"title", "note"}, rows[0], rows[1]}
	if len(got) != 3 || got[1][0] != want[1][0] || got[1][1] != want[1][1] || got[2][1] != want[2][1] {
		t.Errorf("cells must round-trip, markup and CJK included: %q", got)
	}
	if err := writeXLSX(io.Discard, "x", []string{"a"}, [][]string{{"bad\x01"}}); err == nil {
		t.Errorf("a character XML cannot carry must be refused, not written into a broken file")
	}
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := column(i); got != want {
			t.Errorf("column(%d) = %s, want %s", i, got, want)
		}
	}
}
