package avails

import "strings"

// The EMA Avails column names this package reads and writes.
const (
	colDisplayName        = "DisplayName"
	colLicensee           = "Licensee"
	colTerritory          = "Territory"
	colTerritoryExclusion = "TerritoryExclusion"
	colWorkType           = "WorkType"
	colEntryType          = "EntryType"
	colTitleInternalAlias = "TitleInternalAlias"
	colLicenseType        = "LicenseType"
	colStart              = "Start"
	colEnd                = "End"
	colExclusive          = "Exclusive"
	colBrandingRights     = "BrandingRights"
	colContentID          = "ContentID"
	colAltID              = "AltID"
	colAvailID            = "AvailID"
)

// requiredColumns must all be present; so must ContentID or AltID.
var requiredColumns = []string{
	colDisplayName, colTerritory, colWorkType, colEntryType, colTitleInternalAlias,
	colLicenseType, colStart, colEnd, colExclusive, colBrandingRights,
}

// knownColumns are every column read, to recognise the header row.
var knownColumns = append(append([]string(nil), requiredColumns...),
	colLicensee, colTerritoryExclusion, colContentID, colAltID, colAvailID)

// minHeaderMatches is how many known column names a row needs to be taken
// for the row of column names rather than a row of group labels or notes.
const minHeaderMatches = 4

// headerColumns reads a row as column names: it returns where each known
// column is (the first one when a name repeats) and whether the row has
// enough known names to be the header. Names are matched without regard to
// case or surrounding spaces, and a "Group/" or "Group:" prefix (as MovieLabs
// tools write "AvailTrans/Territory") is ignored.
func headerColumns(cells []string) (map[string]int, bool) {
	cols := map[string]int{}
	for i, c := range cells {
		name := strings.TrimSpace(c)
		if j := strings.LastIndexAny(name, "/:"); j >= 0 {
			name = strings.TrimSpace(name[j+1:])
		}
		for _, k := range knownColumns {
			if strings.EqualFold(name, k) {
				if _, dup := cols[k]; !dup {
					cols[k] = i
				}
				break
			}
		}
	}
	return cols, len(cols) >= minHeaderMatches
}

// missingColumns lists the problems of a header that lacks required columns.
func missingColumns(t *table) []Problem {
	var ps []Problem
	for _, c := range requiredColumns {
		if !t.has(c) {
			ps = append(ps, Problem{Row: t.headerRow, Column: c, Reason: "required column " + c + " is missing from the row of column names"})
		}
	}
	if !t.has(colContentID) && !t.has(colAltID) {
		ps = append(ps, Problem{Row: t.headerRow, Column: colContentID, Reason: "the sheet needs a ContentID or an AltID column to name its titles"})
	}
	return ps
}

// exportColumn is one column of an exported sheet with the EMA group label
// that stands above it in a workbook.
type exportColumn struct {
	group, name string
}

// exportColumns is the layout Export writes, in the order of the EMA v1.9
// movie template (Licensee, added later to the template, last).
var exportColumns = []exportColumn{
	{"Avail", colDisplayName},
	{"AvailTrans", colTerritory},
	{"AvailAsset", colWorkType},
	{"Disposition", colEntryType},
	{"AvailMetadata", colTitleInternalAlias},
	{"AvailTrans", colLicenseType},
	{"AvailTrans", colStart},
	{"AvailTrans", colEnd},
	{"AvailAsset", colContentID},
	{"Avail", colAvailID},
	{"AvailAsset", colAltID},
	{"AvailTrans", colExclusive},
	{"AvailTrans", colBrandingRights},
	{"Avail", colLicensee},
}
