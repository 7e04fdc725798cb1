package geo_test

import (
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/lineup/lineup/internal/geo"
)

// cityDB writes a small MaxMind-format City database, whose records carry
// location.time_zone.
func cityDB(t testing.TB) string {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoLite2-City", IncludeReservedNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, rec := range map[string][2]string{
		"8.8.8.0/24":     {"US", "America/Los_Angeles"},
		"8.8.9.0/24":     {"US", "America/New_York"},
		"24.0.0.0/16":    {"CA", "America/Vancouver"},
		"1.0.16.0/20":    {"AU", "Australia/Perth"},
		"81.2.69.0/24":   {"GB", "America/New_York"}, // a zone outside the country: ignored
		"2.16.0.0/13":    {"FR", "Europe/Paris"},
		"203.0.113.0/24": {"PH", ""},
	} {
		_, network, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		m := mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String(rec[0])}}
		if rec[1] != "" {
			m["location"] = mmdbtype.Map{"time_zone": mmdbtype.String(rec[1])}
		}
		if err := w.Insert(network, m); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "city.mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

func TestViewerZoneFromCityDatabase(t *testing.T) {
	city := newLocator(t, geo.Config{DBPath: cityDB(t), Default: "US"})
	country := newLocator(t, geo.Config{DBPath: countryDB(t), Default: "US"})
	tests := []struct {
		name         string
		l            *geo.Locator
		remote, home string
		territory    string
		zone         string
		rule         string
	}{
		{"US west", city, "8.8.8.8:1", "", "US", "America/Los_Angeles", "a City database gives the viewer's own zone"},
		{"US east", city, "8.8.9.8:1", "", "US", "America/New_York", "a second zone of the same country"},
		{"CA", city, "24.0.1.1:1", "", "CA", "America/Vancouver", "a Canadian viewer in Vancouver"},
		{"AU", city, "1.0.16.1:1", "", "AU", "Australia/Perth", "an Australian viewer in Perth"},
		{"zone outside the country", city, "81.2.69.10:1", "", "GB", "", "a zone that does not belong to the territory is ignored"},
		{"portability", city, "2.16.0.9:1", "DE", "DE", "", "a viewer shown the home catalogue abroad does not bring the foreign zone"},
		{"no zone known", city, "203.0.113.5:1", "", "PH", "", "a record without time_zone leaves it unknown"},
		{"country database", country, "81.2.69.10:1", "", "GB", "", "a Country database knows no zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			got, err := tt.l.Territory(r, tt.home)
			if err != nil {
				t.Fatal(err)
			}
			if got.Territory != tt.territory || got.Zone != tt.zone {
				t.Errorf("%s: got %s zone %q, want %s zone %q", tt.rule, got.Territory, got.Zone, tt.territory, tt.zone)
			}
		})
	}
}
