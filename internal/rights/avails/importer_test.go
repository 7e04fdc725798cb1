package avails_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/rights/avails"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

type env struct {
	db       *store.DB
	catalog  *catalog.Service
	rights   *rights.Service
	importer *avails.Importer
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	cat := catalog.New(db)
	rs := rights.New(db, rights.Config{Licensee: "Lineup"})
	return &env{db: db, catalog: cat, rights: rs, importer: avails.NewImporter(db, cat, rs, nil)}
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) importSheet(t *testing.T, data []byte, name string, dryRun bool) *avails.Report {
	t.Helper()
	rep, err := e.importer.Import(context.Background(), bytes.NewReader(data), name, avails.ImportOptions{
		Options: avails.Options{Licensee: "Lineup"}, DryRun: dryRun, Actor: "test"})
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return rep
}

var columns = []string{"DisplayName", "Territory", "TerritoryExclusion", "WorkType", "EntryType", "TitleInternalAlias",
	"TitleDisplayUnlimited", "ReleaseYear", "LicenseType", "Start", "End", "Exclusive", "BrandingRights", "ContentID", "AltID", "AvailID"}

// sheet writes a CSV sheet in EMA layout: group labels, column names, a row
// of hints, then the rows.
func sheet(t *testing.T, rows ...map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	groups := make([]string, len(columns))
	hints := make([]string, len(columns))
	for i := range columns {
		groups[i], hints[i] = "Avail", "//REQ"
	}
	hints[0] = "Studio name"
	w.Write(groups)
	w.Write(columns)
	w.Write(hints)
	for _, r := range rows {
		rec := make([]string, len(columns))
		for i, c := range columns {
			rec[i] = r[c]
		}
		w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

const (
	eidrDance = "10.5240/7791-8534-2C23-9030-8610-5"
	eidrRiver = "10.5240/1F2A-0000-1111-2222-3333-K"
)

func dance(changes map[string]string) map[string]string {
	r := map[string]string{
		"DisplayName": "Northlight Pictures", "Territory": "US", "WorkType": "Movie", "EntryType": "Full Extract",
		"TitleInternalAlias": "FIRST DANCE", "TitleDisplayUnlimited": "First Dance, The", "ReleaseYear": "2019",
		"LicenseType": "SVOD", "Start": "2020-01-01", "End": "2021-01-01", "Exclusive": "Yes", "BrandingRights": "No",
		"ContentID": eidrDance, "AltID": "ND-1", "AvailID": "NL-1",
	}
	for k, v := range changes {
		r[k] = v
	}
	return r
}

// studioSheet is shaped like the EMA's sample workbooks: two films the
// service does not have yet, named by EIDR in two spellings and by AltID,
// with Episode and POEST rows among them and a window to be announced.
func studioSheet(t *testing.T) []byte {
	return sheet(t,
		dance(nil), // 4
		dance(map[string]string{"Territory": "CA", "AvailID": "NL-2", "ContentID": "md:cid:eidr-s:7791-8534-2c23-9030-8610-5"}), // 5
		dance(map[string]string{"Territory": "GB", "AvailID": "NL-3", "ContentID": "", "AltID": "ND-1"}),                        // 6: by AltID alone
		dance(map[string]string{"WorkType": "Episode", "AvailID": "NL-4", "TitleInternalAlias": "Dance Academy 1x01"}),          // 7
		dance(map[string]string{"LicenseType": "POEST", "AvailID": "NL-5", "End": "ESTStart"}),                                  // 8
		dance(map[string]string{"LicenseType": "EST", "AvailID": "NL-6", "Start": "TBA", "End": "Open", "Exclusive": "No"}),     // 9
		dance(map[string]string{"Territory": "ZZ", "TerritoryExclusion": "US, CA, GB", "AvailID": "NL-7", "LicenseType": "AVOD",
			"Exclusive": "No", "ContentID": eidrRiver, "AltID": "RV-9", "TitleInternalAlias": "RIVER", "TitleDisplayUnlimited": "The River", "ReleaseYear": "2020"}), // 10
	)
}

func TestImportCreatesTitlesAndLicenses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()

		dry := e.importSheet(t, studioSheet(t), "northlight.csv", true)
		if e.count(t, "titles") != 0 || e.count(t, "licenses") != 0 || e.count(t, "avail_rows") != 0 {
			t.Fatalf("a dry run must store nothing")
		}
		rep := e.importSheet(t, studioSheet(t), "northlight.csv", false)
		dry.DryRun = false
		for i := range dry.Created {
			dry.Created[i].LicenseID, dry.Created[i].TitleID = rep.Created[i].LicenseID, rep.Created[i].TitleID
		}
		for i := range dry.TitlesCreated {
			dry.TitlesCreated[i].ID = rep.TitlesCreated[i].ID
		}
		if dry.Summary() != rep.Summary() {
			t.Errorf("a dry run must report what the import does:\n dry %s\n did %s", dry.Summary(), rep.Summary())
		}

		if len(rep.TitlesCreated) != 2 {
			t.Fatalf("two films the service lacks must each become one title (EIDR spellings and AltID naming the same film): %+v", rep.TitlesCreated)
		}
		tc := rep.TitlesCreated[0]
		if tc.Name != "First Dance, The" || tc.Year != 2019 || !slices.Contains(tc.Identifiers, eidrDance) || !slices.Contains(tc.Identifiers, "ND-1") {
			t.Errorf("the title must take the display title, release year and identifiers of its rows: %+v", tc)
		}
		title, err := e.catalog.GetTitle(ctx, tc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !title.MetadataPending || title.Year != 2019 {
			t.Errorf("a title made from avails is marked metadata pending: %+v", title)
		}

		if len(rep.Created) != 2 {
			t.Fatalf("want the SVOD license of First Dance (US, CA, GB) and the AVOD one of The River, got %+v", rep.Created)
		}
		svod, err := e.rights.Get(ctx, rep.Created[0].LicenseID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(svod.Territories, []string{"US", "CA", "GB"}) || svod.TitleID != tc.ID || !svod.Exclusive {
			t.Errorf("rows of one grant make one license: %+v", svod)
		}
		if got := rep.Created[0].AvailIDs; !slices.Equal(got, []string{"NL-1", "NL-2", "NL-3"}) {
			t.Errorf("every AvailID of the merged rows must be kept: %v", got)
		}
		river, _ := e.rights.Get(ctx, rep.Created[1].LicenseID)
		if !slices.Equal(river.Territories, []string{"ZZ"}) || !slices.Equal(river.Excluded, []string{"US", "CA", "GB"}) {
			t.Errorf("ZZ with a TerritoryExclusion must be a worldwide license with exclusions: %+v", river)
		}
		if a, _ := e.rights.Availability(ctx, river.TitleID, "US", time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)); a.Available {
			t.Errorf("an excluded territory must not be available")
		}

		if len(rep.SetAside) != 2 || !strings.Contains(rep.SetAside[0].Reason, "Episode") || !strings.Contains(rep.SetAside[1].Reason, "pre-order") {
			t.Errorf("Episode and POEST rows must be set aside with their reasons: %+v", rep.SetAside)
		}
		if len(rep.ToBeAnnounced) != 1 || rep.ToBeAnnounced[0].Row != "9" || !strings.Contains(rep.ToBeAnnounced[0].Reason, "TBA") {
			t.Errorf("the EST window with a TBA start must be reported to be announced: %+v", rep.ToBeAnnounced)
		}
		if a, _ := e.rights.Availability(ctx, tc.ID, "US", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); a.Available {
			t.Errorf("an avail to be announced must not make the title available")
		}

		// A later sheet names the same films by other spellings: no new title.
		later := sheet(t,
			dance(map[string]string{"Territory": "AU", "AvailID": "NL-20", "ContentID": "urn:eidr:10.5240:7791-8534-2C23-9030-8610-5", "AltID": ""}),
			dance(map[string]string{"Territory": "NZ", "AvailID": "NL-21", "ContentID": "", "AltID": "RV-9", "TitleInternalAlias": "RIVER"}),
		)
		rep2 := e.importSheet(t, later, "later.csv", false)
		if len(rep2.TitlesCreated) != 0 {
			t.Errorf("a later sheet with the same IDs must find the titles again, not create %+v", rep2.TitlesCreated)
		}
		if len(rep2.Created) != 2 || rep2.Created[0].TitleID != tc.ID || rep2.Created[1].TitleID != river.TitleID {
			t.Errorf("the later avails must go to the titles created before: %+v", rep2.Created)
		}
	})
}

func TestImportFindsExistingTitlesAndKeepsTheirIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		film, err := e.catalog.CreateTitle(ctx, catalog.Title{OriginalTitle: "First Dance, The", OriginalLanguage: "en", Year: 2019})
		if err != nil {
			t.Fatal(err)
		}
		rep := e.importSheet(t, sheet(t, dance(map[string]string{"TitleInternalAlias": "First Dance, The"})), "a.csv", false)
		if len(rep.TitlesCreated) != 0 || len(rep.Created) != 1 || rep.Created[0].TitleID != film.ID {
			t.Fatalf("a row whose name and year match a title must use it: %+v", rep)
		}
		ids, _ := e.catalog.Identifiers(ctx, []int64{film.ID})
		if len(ids[film.ID]) != 2 {
			t.Errorf("the title found by name must keep the row's EIDR and AltID, to be found by them next time: %+v", ids)
		}
		if got, _ := e.catalog.GetTitle(ctx, film.ID); got.MetadataPending {
			t.Errorf("a title that existed is not metadata pending")
		}
	})
}

func TestImportAgainChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		first := e.importSheet(t, studioSheet(t), "northlight.csv", false)
		titles, licenses := e.count(t, "titles"), e.count(t, "licenses")
		again := e.importSheet(t, studioSheet(t), "northlight.csv", false)
		if again.Changed() || len(again.Created)+len(again.Amended)+len(again.Withdrawn) != 0 {
			t.Errorf("importing the same sheet again must change nothing: %s", again.Summary())
		}
		if again.Unchanged != first.Rows-len(first.SetAside) {
			t.Errorf("every row taken must be reported unchanged: %d of %d", again.Unchanged, first.Rows-len(first.SetAside))
		}
		if e.count(t, "titles") != titles || e.count(t, "licenses") != licenses {
			t.Errorf("nothing may be stored twice: titles %d → %d, licenses %d → %d", titles, e.count(t, "titles"), licenses, e.count(t, "licenses"))
		}
	})
}

func TestImportRefusesWrongSheetsAndStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		bad := sheet(t, dance(nil), dance(map[string]string{"Territory": "XX", "AvailID": "NL-9"}), dance(map[string]string{"AvailID": "NL-10", "Start": "2022-01-01", "Territory": "FR"}))
		_, err := e.importer.Import(context.Background(), bytes.NewReader(bad), "bad.csv", avails.ImportOptions{Options: avails.Options{Licensee: "Lineup"}})
		var se *avails.SheetError
		if !errors.As(err, &se) || len(se.Problems) != 2 {
			t.Fatalf("a wrong row (unknown territory, end before start) must refuse the sheet naming every bad row: %v", err)
		}
		if e.count(t, "titles")+e.count(t, "licenses")+e.count(t, "avail_rows") != 0 {
			t.Errorf("a refused sheet must store nothing, not even its titles")
		}
	})
}

// TestExportImportExport is the round trip: a service's avails exported,
// imported into an empty service and exported again give the same rows.
func TestExportImportExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := newEnv(t, db)
		src.importSheet(t, studioSheet(t), "northlight.csv", false)
		first := exportAll(t, src)
		if !strings.Contains(first, "NL-2") || !strings.Contains(first, "NL-3") || strings.Count(first, "NL-1,") != 1 {
			t.Fatalf("the export must write every AvailID on its own row:\n%s", first)
		}

		empty := newEnv(t, storetest.SQLite(t))
		empty.importSheet(t, []byte(first), "export.csv", false)
		second := exportAll(t, empty)
		if first != second {
			t.Errorf("export, import into an empty service, export again must give the same rows:\n%s\n---\n%s", first, second)
		}
		_ = ctx
	})
}

func exportAll(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	all, err := e.rights.List(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	ls := avails.Digital(all)
	refs, err := avails.TitleRefs(ctx, e.catalog, avails.TitleIDs(ls))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.importer.ExportRows(ctx, ls)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := avails.Export(&buf, "csv", ls, refs, rows); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func lastRevision(t *testing.T, e *env, id int64) rights.Revision {
	t.Helper()
	h, err := e.rights.History(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return h[len(h)-1]
}

func TestImportUpdateAmendsAndFullDeleteWithdraws(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		first := e.importSheet(t, studioSheet(t), "northlight.csv", false)
		svodID, riverID := first.Created[0].LicenseID, first.Created[1].LicenseID

		// Update: the three SVOD rows end later.
		longer := map[string]string{"EntryType": "Update", "End": "2021-06-01"}
		update := sheet(t,
			dance(longer),
			dance(merge(longer, map[string]string{"Territory": "CA", "AvailID": "NL-2", "ContentID": "md:cid:eidr-s:7791-8534-2c23-9030-8610-5"})),
			dance(merge(longer, map[string]string{"Territory": "GB", "AvailID": "NL-3", "ContentID": "", "AltID": "ND-1"})),
		)
		rep := e.importSheet(t, update, "northlight-update.csv", false)
		if len(rep.Amended) != 1 || rep.Amended[0].LicenseID != svodID || len(rep.Created) != 0 {
			t.Fatalf("changed terms on every row of a license must amend that license: %s %+v", rep.Summary(), rep.Amended)
		}
		l, _ := e.rights.Get(ctx, svodID)
		if l.End.Date != "2021-06-01" || !slices.Equal(l.Territories, []string{"US", "CA", "GB"}) {
			t.Errorf("the amended license must have the new end: %+v", l)
		}
		rev := lastRevision(t, e, svodID)
		if rev.Action != rights.ActionAmended || !strings.Contains(rev.Reason, "northlight-update.csv") || !strings.Contains(rev.Reason, "EntryType Update") ||
			!strings.Contains(rev.Reason, "NL-1") || !strings.Contains(rev.Reason, "end 2021-01-01 → 2021-06-01") || rev.Actor != "test" {
			t.Errorf("the amendment must be in the license's history with the sheet as the reason: %+v", rev)
		}
		if again := e.importSheet(t, update, "northlight-update.csv", false); again.Changed() {
			t.Errorf("the same update again must change nothing: %s", again.Summary())
		}

		// One row of three changes: the license keeps the other two, and the
		// changed avail becomes a license of its own.
		gb := sheet(t, dance(merge(longer, map[string]string{"Territory": "GB", "AvailID": "NL-3", "ContentID": "", "AltID": "ND-1", "End": "2022-01-01"})))
		rep = e.importSheet(t, gb, "northlight-gb.csv", false)
		if len(rep.Amended) != 1 || rep.Amended[0].LicenseID != svodID || len(rep.Created) != 1 || !slices.Equal(rep.Created[0].Territories, []string{"GB"}) {
			t.Fatalf("a changed row of a license with others must leave it (amended) for a new license: %s\n%+v\n%+v", rep.Summary(), rep.Amended, rep.Created)
		}
		if l, _ := e.rights.Get(ctx, svodID); !slices.Equal(l.Territories, []string{"US", "CA"}) {
			t.Errorf("the license must keep its other territories: %+v", l.Territories)
		}

		// Full Delete of the River's only row withdraws its license.
		del := sheet(t, dance(map[string]string{"EntryType": "Full Delete", "Territory": "ZZ", "TerritoryExclusion": "US, CA, GB", "AvailID": "NL-7",
			"LicenseType": "AVOD", "Exclusive": "No", "ContentID": eidrRiver, "AltID": "RV-9", "TitleInternalAlias": "RIVER", "TitleDisplayUnlimited": "The River", "ReleaseYear": "2020"}),
			dance(map[string]string{"EntryType": "Full Delete", "AvailID": "NL-99", "Territory": "FR"}))
		rep = e.importSheet(t, del, "northlight-delete.csv", false)
		if len(rep.Withdrawn) != 1 || rep.Withdrawn[0].LicenseID != riverID {
			t.Fatalf("Full Delete must withdraw the license it names: %s %+v", rep.Summary(), rep.Withdrawn)
		}
		river, _ := e.rights.Get(ctx, riverID)
		if river.Status != rights.StatusWithdrawn {
			t.Errorf("the license must be kept, marked withdrawn: %+v", river)
		}
		if rev := lastRevision(t, e, riverID); rev.Action != rights.ActionWithdrawn || !strings.Contains(rev.Reason, "northlight-delete.csv") || !strings.Contains(rev.Reason, "Full Delete") {
			t.Errorf("the withdrawal must be in the history with the sheet as the reason: %+v", rev)
		}
		if a, _ := e.rights.Availability(ctx, river.TitleID, "FR", time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)); a.Available {
			t.Errorf("a withdrawn license must not make the title available")
		}
		if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0].Reason, "nothing to withdraw") {
			t.Errorf("a Full Delete of an avail never imported must say there is nothing to withdraw: %+v", rep.Notes)
		}
		if again := e.importSheet(t, del, "northlight-delete.csv", false); again.Changed() {
			t.Errorf("the same withdrawal again must change nothing: %s", again.Summary())
		}

		// Full Delete of one territory of a license amends it.
		rep = e.importSheet(t, sheet(t, dance(merge(longer, map[string]string{"EntryType": "Full Delete", "Territory": "CA", "AvailID": "NL-2"}))), "northlight-ca.csv", false)
		if len(rep.Amended) != 1 || len(rep.Withdrawn) != 0 {
			t.Fatalf("withdrawing one avail of several must amend the license: %s", rep.Summary())
		}
		if l, _ := e.rights.Get(ctx, svodID); !slices.Equal(l.Territories, []string{"US"}) {
			t.Errorf("the withdrawn avail's territory must leave the license: %+v", l.Territories)
		}
	})
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func TestConcurrentImportsOfOneSheetCreateItOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		data := studioSheet(t)
		const n = 4
		reps := make(chan *avails.Report, n)
		errs := make(chan error, n)
		for range n {
			go func() {
				// Each upload is its own importer, as each request is.
				im := avails.NewImporter(db, e.catalog, e.rights, nil)
				rep, err := im.Import(context.Background(), bytes.NewReader(data), "northlight.csv", avails.ImportOptions{Options: avails.Options{Licensee: "Lineup"}, Actor: "test"})
				reps <- rep
				errs <- err
			}()
		}
		created := 0
		for range n {
			if err := <-errs; err != nil {
				t.Fatalf("a concurrent import failed: %v", err)
			}
			created += len((<-reps).Created)
		}
		if created != 2 || e.count(t, "licenses") != 2 || e.count(t, "titles") != 2 {
			t.Errorf("uploads of one sheet at once must create its licenses and titles once: %d created, %d licenses, %d titles",
				created, e.count(t, "licenses"), e.count(t, "titles"))
		}
	})
}
