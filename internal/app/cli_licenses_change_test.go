package app

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store/storetest"
)

func TestCLIAmendsTerminatesAndWithdraws(t *testing.T) {
	dbs := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "cli.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	}
	for name, url := range dbs {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t, url(t))
			c.env["USER"] = "ana"
			var title struct{ ID int64 }
			json.Unmarshal([]byte(c.must("titles", "add", "--title", "后来的我们", "--language", "zh", "--json")), &title)
			id := itoa(title.ID)
			var added struct{ License rights.License }
			json.Unmarshal([]byte(c.must("licenses", "add", "--title", id, "--licensor", "Studio", "--territories", "FR",
				"--start", "2018-06-22", "--end", "2019-06-22", "--exclusive", "--json")), &added)
			lid := itoa(added.License.ID)
			c.must("licenses", "add", "--title", id, "--licensor", "Studio", "--licensee", "Rival", "--territories", "BE", "--start", "2019-01-01", "--exclusive")

			out, err := c.run("licenses", "amend", "--id", lid, "--territories", "FR,BE")
			if err == nil || !strings.Contains(out, "refused") || !strings.Contains(out, "BE") {
				t.Errorf("an amendment that clashes must fail listing the conflict: %v\n%s", err, out)
			}
			if _, err := c.run("licenses", "amend", "--id", lid, "--licensee", "Other"); err == nil {
				t.Errorf("the licensee cannot be amended")
			}
			out = c.must("licenses", "amend", "--id", lid, "--end", "2020-06-22", "--reason", "renewed")
			if !strings.Contains(out, "amended license "+lid+" (version 2)") {
				t.Errorf("amend says what it did: %s", out)
			}
			if out := c.must("licenses", "amend", "--id", lid, "--end", "2020-06-22"); !strings.Contains(out, "nothing changed") {
				t.Errorf("the same terms again change nothing: %s", out)
			}
			time.Sleep(5 * time.Millisecond)
			asOf := time.Now().UTC().Format(time.RFC3339Nano)
			time.Sleep(5 * time.Millisecond)
			if _, err := c.run("licenses", "terminate", "--id", lid, "--end", "2019-01-01"); err == nil {
				t.Errorf("terminate needs --reason")
			}
			if out := c.must("licenses", "terminate", "--id", lid, "--end", "2019-01-01", "--reason", "breach"); !strings.Contains(out, "now ends 2019-01-01") {
				t.Errorf("terminate says the new end: %s", out)
			}
			if out := c.must("availability", "--title", id, "--territory", "FR", "--at", "2019-06-01T00:00:00Z"); !strings.Contains(out, "not available") {
				t.Errorf("after terminating, not available in June 2019: %s", out)
			}
			if out := c.must("availability", "--title", id, "--territory", "FR", "--at", "2019-06-01T00:00:00Z", "--as-of", asOf); !strings.HasPrefix(out, "available") {
				t.Errorf("as of before terminating, it was: %s", out)
			}
			c.must("licenses", "withdraw", "--id", lid, "--reason", "signed in error", "--by", "legal@example.com")
			if out := c.must("licenses", "list", "--title", id); !strings.Contains(out, "WITHDRAWN") {
				t.Errorf("the list shows a withdrawn license as such:\n%s", out)
			}
			h := c.must("licenses", "history", "--id", lid)
			for _, want := range []string{"created", "amended", "cli:ana", "renewed", "terminated", "breach", "withdrawn", "legal@example.com"} {
				if !strings.Contains(h, want) {
					t.Errorf("history must show %q:\n%s", want, h)
				}
			}
		})
	}
}
