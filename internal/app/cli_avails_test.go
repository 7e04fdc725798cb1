package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const northlightCSV = "DisplayName,Territory,TerritoryExclusion,WorkType,EntryType,TitleInternalAlias,TitleDisplayUnlimited,ReleaseYear,LicenseType,Start,End,Exclusive,ContentID,AltID,AvailID\n" +
	"//REQ,//REQ,//Opt,//REQ,//REQ,//Opt,//Opt,//Opt,//REQ,//REQ,//REQ,//Opt,//Cond,//Cond,//Opt\n" +
	"Northlight Pictures,US,,Movie,Full Extract,FIRST DANCE,\"First Dance, The\",2019,SVOD,2020-01-01,2021-01-01,Yes,10.5240/7791-8534-2C23-9030-8610-5,ND-1,NL-1\n" +
	"Northlight Pictures,CA,,Movie,Full Extract,FIRST DANCE,\"First Dance, The\",2019,SVOD,2020-01-01,2021-01-01,Yes,md:cid:eidr-s:7791-8534-2C23-9030-8610-5,ND-1,NL-2\n" +
	"Northlight Pictures,ZZ,\"US, CA\",Movie,Full Extract,FIRST DANCE,\"First Dance, The\",2019,AVOD,2020-01-01,Open,No,10.5240/7791-8534-2C23-9030-8610-5,ND-1,NL-3\n" +
	"Northlight Pictures,US,,Season,Full Extract,Dance Academy S1,,2019,SVOD,2020-01-01,2021-01-01,Yes,,DA-1,NL-4\n" +
	"Northlight Pictures,GB,,Movie,Full Extract,FIRST DANCE,\"First Dance, The\",2019,SVOD,TBA,Open,Yes,10.5240/7791-8534-2C23-9030-8610-5,ND-1,NL-5\n"

func TestCLIAvailsImportReportsAndExportsBack(t *testing.T) {
	c := newCLI(t, filepath.Join(t.TempDir(), "cli.db"))
	sheet := filepath.Join(t.TempDir(), "northlight.csv")
	if err := os.WriteFile(sheet, []byte(northlightCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	out := c.must("avails", "import", "--dry-run", sheet)
	if !strings.Contains(out, "dry run, nothing stored: would have 2 license(s) created") || !strings.Contains(out, `created new title "First Dance, The" (2019)`) {
		t.Errorf("--dry-run must report what the import would do:\n%s", out)
	}
	if list := c.must("titles", "list"); strings.Contains(list, "First Dance") {
		t.Errorf("--dry-run must store nothing:\n%s", list)
	}
	out = c.must("avails", "import", sheet)
	for _, want := range []string{"2 license(s) created", "0 amended", "0 withdrawn", "1 to be announced", "1 set aside", "1 title(s) created",
		"US, CA", "ZZ except US, CA", "set aside row 6 (Dance Academy S1): WorkType Season", "row 7 (First Dance, The, GB): to be announced"} {
		if !strings.Contains(out, want) {
			t.Errorf("the import report must say %q:\n%s", want, out)
		}
	}
	if list := c.must("titles", "list"); !strings.Contains(list, "First Dance, The (metadata pending)") {
		t.Errorf("titles list must mark a title created from avails as metadata pending:\n%s", list)
	}
	c.must("titles", "complete", "1")
	if list := c.must("titles", "list"); strings.Contains(list, "metadata pending") {
		t.Errorf("titles complete must clear metadata pending:\n%s", list)
	}
	out = c.must("avails", "import", sheet)
	if !strings.Contains(out, "0 license(s) created, 0 amended, 0 withdrawn, 4 row(s) unchanged") {
		t.Errorf("importing the same sheet again must change nothing:\n%s", out)
	}
	exported := c.must("avails", "export")
	for _, want := range []string{"NL-1", "NL-2", "NL-3", "\"US, CA\"", "10.5240/7791-8534-2C23-9030-8610-5", "First Dance, The"} {
		if !strings.Contains(exported, want) {
			t.Errorf("the export must carry %q:\n%s", want, exported)
		}
	}
}
