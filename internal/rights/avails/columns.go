package avails

import "strings"

// The EMA Avails column names this package reads and writes.
const (
	colDisplayName           = "DisplayName"
	colLicensee              = "Licensee"
	colTerritory             = "Territory"
	colTerritoryExclusion    = "TerritoryExclusion"
	colWorkType              = "WorkType"
	colEntryType             = "EntryType"
	colTitleInternalAlias    = "TitleInternalAlias"
	colTitleDisplayUnlimited = "TitleDisplayUnlimited"
	colTitleDisplay19        = "TitleDisplay19"
	colReleaseYear           = "ReleaseYear"
	colLicenseType           = "LicenseType"
	colStart                 = "Start"
	colEnd                   = "End"
	colExclusive             = "Exclusive"
	colBrandingRights        = "BrandingRights"
	colContentID             = "ContentID"
	colAltID                 = "AltID"
	colAvailID               = "AvailID"
	colALID                  = "ALID"
	colTitleID               = "TitleID"
	colEditID                = "EditID"
)

// requiredColumns must all be present; so must one of ContentID, AltID and
// TitleInternalAlias (the title reference).
var requiredColumns = []string{
	colTerritory, colWorkType, colEntryType, colLicenseType, colStart, colEnd,
}

// usedColumns are the columns whose values Lineup uses.
var usedColumns = []string{
	colDisplayName, colLicensee, colTerritory, colTerritoryExclusion, colWorkType, colEntryType,
	colTitleInternalAlias, colTitleDisplayUnlimited, colTitleDisplay19, colReleaseYear,
	colLicenseType, colStart, colEnd, colExclusive, colBrandingRights,
	colContentID, colAltID, colAvailID, colALID, colTitleID, colEditID,
}

// ignoredColumns are the other Movie columns of EMA Avails v1.7 to v1.9
// (and v1.10): recognised, kept with the row (see Row.Cells), and not
// otherwise used. Prices, formats, languages, ratings, captions and
// retailer fields describe how a store sells the film; Lineup's rights
// model has no place for them yet.
var ignoredColumns = []string{
	// Avail
	"StoreLanguage", "ServiceProvider", "ReportingID", "ExceptionFlag", "UV_ID", "DMA_ID",
	"BundledALIDs", "RetailerSpare1", "RetailerSpare2", "RetailerSpare3", "GroupingEntity",
	// AvailAsset
	"ProductID", "EncodeID", "Metadata",
	// AvailMetadata
	"LocalizationType", "ReleaseHistoryOriginal", "ReleaseHistoryPhysicalHV", "RatingSystem",
	"RatingValue", "RatingReason", "CaptionIncluded", "CaptionExemption", "Any", "TotalRunTime",
	"CompanyDisplayCredit", "RetailerID1", "RetailerID2", "RetailerID3", "ShortDescription",
	"VersionLanguage", "PackageLabel",
	// AvailTrans
	"LicenseRightsDescription", "FormatProfile", "HDR", "WCG", "HFR", "NGAudio", "PriceType",
	"PriceValue", "PriceCurrency", "SRP", "Description", "OtherTerms", "OtherInstructions",
	"ContractID", "RentalDuration", "WatchDuration", "FixedEndDate", "SuppressionLiftDate",
	"SpecialPreOrderFulfillDate", "AnnounceDate", "AllowedLanguages", "AssetLanguage",
	"HoldbackLanguage", "HoldbackExclusionLanguage", "ExclusiveAttributes",
	"BrandingRightsAttributes", "Download", "CampaignID", "AvailType",
}

// knownColumns are every column recognised, by lower-case name, each with
// its canonical spelling.
var knownColumns = func() map[string]string {
	m := map[string]string{}
	for _, c := range usedColumns {
		m[strings.ToLower(c)] = c
	}
	for _, c := range ignoredColumns {
		m[strings.ToLower(c)] = c
	}
	return m
}()

// minHeaderMatches is how many required column names a row needs to be
// taken for the row of column names rather than a row of group labels,
// hints or notes.
const minHeaderMatches = 4

// columnName returns the canonical name of a header cell, or "" when it is
// no known column. Names are matched without regard to case or surrounding
// spaces, and a "Group/" or "Group:" prefix (as MovieLabs tools write
// "AvailTrans/Territory") is ignored.
func columnName(cell string) string {
	name := strings.TrimSpace(cell)
	if j := strings.LastIndexAny(name, "/:"); j >= 0 {
		name = strings.TrimSpace(name[j+1:])
	}
	return knownColumns[strings.ToLower(name)]
}

// headerColumns reads a row as column names: it returns where each known
// column is (the first one when a name repeats) and whether the row has
// enough required names to be the header.
func headerColumns(cells []string) (map[string]int, bool) {
	cols := map[string]int{}
	for i, c := range cells {
		if name := columnName(c); name != "" {
			if _, dup := cols[name]; !dup {
				cols[name] = i
			}
		}
	}
	n := 0
	for _, c := range requiredColumns {
		if _, ok := cols[c]; ok {
			n++
		}
	}
	return cols, n >= minHeaderMatches
}

// missingColumns lists the problems of a header that lacks required columns.
func missingColumns(t *table) []Problem {
	var ps []Problem
	for _, c := range requiredColumns {
		if !t.has(c) {
			ps = append(ps, Problem{Sheet: t.sheet, Row: t.headerRow, Column: c, Reason: "required column " + c + " is missing from the row of column names"})
		}
	}
	if !t.has(colContentID) && !t.has(colAltID) && !t.has(colTitleInternalAlias) {
		ps = append(ps, Problem{Sheet: t.sheet, Row: t.headerRow, Column: colContentID, Reason: "the sheet needs a ContentID, AltID or TitleInternalAlias column to name its titles"})
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
	{"AvailTrans", colTerritoryExclusion},
	{"AvailAsset", colWorkType},
	{"Disposition", colEntryType},
	{"AvailMetadata", colTitleInternalAlias},
	{"AvailMetadata", colTitleDisplayUnlimited},
	{"AvailMetadata", colReleaseYear},
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
