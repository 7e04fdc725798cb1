package geo_test

import (
	"net"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/lineup/lineup/internal/geo"
)

// countryDB writes a small MaxMind-format country database into the test's
// temp folder and returns its path.
func countryDB(t testing.TB) string {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: "GeoLite2-Country",
		// 203.0.113.0/24 is a documentation network; a real database
		// leaves it out, the test puts it in.
		IncludeReservedNetworks: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, code := range map[string]string{
		"81.2.69.0/24":   "GB",
		"2.16.0.0/13":    "FR",
		"1.0.16.0/20":    "JP",
		"203.0.113.0/24": "PH",
		"2a01:e00::/26":  "FR",
		"5.9.0.0/16":     "DE",
		"45.12.0.0/16":   "EU", // some databases know only the region: not a country
	} {
		_, network, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		rec := mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String(code)}}
		if err := w.Insert(network, rec); err != nil {
			t.Fatalf("insert %s: %v", cidr, err)
		}
	}
	path := filepath.Join(t.TempDir(), "country.mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func newLocator(t testing.TB, cfg geo.Config) *geo.Locator {
	t.Helper()
	l, err := geo.New(cfg)
	if err != nil {
		t.Fatalf("geo.New: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

var proxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}

func TestTerritory(t *testing.T) {
	dbPath := countryDB(t)
	withDB := newLocator(t, geo.Config{DBPath: dbPath, TrustedProxies: proxies, Header: "X-Country-Code", Default: "US"})
	headerOnly := newLocator(t, geo.Config{TrustedProxies: proxies, Header: "x-country-code", Default: "US"})
	bare := newLocator(t, geo.Config{Default: "CN"})

	tests := []struct {
		name     string
		l        *geo.Locator
		remote   string
		xff      []string
		country  string
		home     string
		want     string
		source   geo.Source
		detected string
		client   string
		rule     string
	}{
		{"direct GB", withDB, "81.2.69.10:4321", nil, "", "", "GB", geo.SourceGeoIP, "GB", "81.2.69.10", "a direct client is looked up by its own address"},
		{"direct PH", withDB, "203.0.113.5:1", nil, "", "", "PH", geo.SourceGeoIP, "PH", "203.0.113.5", "Manila is PH"},
		{"IPv6 FR", withDB, "[2a01:e00::1]:443", nil, "", "", "FR", geo.SourceGeoIP, "FR", "2a01:e00::1", "IPv6 addresses are looked up too"},
		{"IPv4-mapped", withDB, "[::ffff:1.0.16.1]:80", nil, "", "", "JP", geo.SourceGeoIP, "JP", "1.0.16.1", "an IPv4-mapped address is its IPv4 address"},
		{"forged XFF from untrusted", withDB, "1.0.16.5:1000", []string{"81.2.69.10"}, "", "", "JP", geo.SourceGeoIP, "JP", "1.0.16.5", "X-Forwarded-For from an untrusted address is ignored"},
		{"forged header from untrusted", withDB, "203.0.113.5:1000", nil, "US", "", "PH", geo.SourceGeoIP, "PH", "203.0.113.5", "a country header from an untrusted address is ignored"},
		{"trusted proxy", withDB, "10.0.0.2:5000", []string{"1.0.16.9"}, "", "", "JP", geo.SourceGeoIP, "JP", "1.0.16.9", "behind a trusted proxy the forwarded client is looked up"},
		{"spoofed leftmost hop", withDB, "10.0.0.2:5000", []string{"81.2.69.10, 1.0.16.9"}, "", "", "JP", geo.SourceGeoIP, "JP", "1.0.16.9", "the rightmost untrusted hop is the client; what it claims to the left is not believed"},
		{"two trusted hops", withDB, "10.0.0.2:5000", []string{"2.16.0.5, 10.1.2.3", "10.0.0.7"}, "", "", "FR", geo.SourceGeoIP, "FR", "2.16.0.5", "trusted hops are skipped, over several header lines"},
		{"garbage hop", withDB, "10.0.0.2:5000", []string{"81.2.69.10, not-an-ip"}, "", "", "US", geo.SourceDefault, "", "10.0.0.2", "a hop that is not an address stops the walk at the last trusted address"},
		{"all hops trusted", withDB, "10.0.0.2:5000", []string{"10.9.9.9"}, "", "", "US", geo.SourceDefault, "", "10.9.9.9", "when every hop is trusted the leftmost is the client"},
		{"geoip beats header", withDB, "10.0.0.2:5000", []string{"81.2.69.10"}, "JP", "", "GB", geo.SourceGeoIP, "GB", "81.2.69.10", "the database is believed before the header"},
		{"header when geoip misses", withDB, "10.0.0.2:5000", []string{"192.0.2.1"}, "JP", "", "JP", geo.SourceHeader, "JP", "192.0.2.1", "the trusted header is used when the database does not know the address"},
		{"region in database", withDB, "45.12.1.1:1", nil, "", "", "US", geo.SourceDefault, "", "45.12.1.1", "a database answer that is not one country is no answer"},
		{"header from trusted", headerOnly, "10.0.0.2:5000", nil, "jp", "", "JP", geo.SourceHeader, "JP", "10.0.0.2", "a trusted proxy's country header is believed (any case)"},
		{"header from trusted IPv6", headerOnly, "[fd00::1]:5000", nil, "PH", "", "PH", geo.SourceHeader, "PH", "fd00::1", "trusted IPv6 proxies too"},
		{"header from untrusted", headerOnly, "192.0.2.7:5000", nil, "JP", "", "US", geo.SourceDefault, "", "192.0.2.7", "a country header from an untrusted address is ignored"},
		{"unknown header code", headerOnly, "10.0.0.2:5000", nil, "XX", "", "US", geo.SourceDefault, "", "10.0.0.2", "a header value that is not a country is ignored"},
		{"Tor header code", headerOnly, "10.0.0.2:5000", nil, "T1", "", "US", geo.SourceDefault, "", "10.0.0.2", "a CDN's pseudo-country is ignored"},
		{"region header", headerOnly, "10.0.0.2:5000", nil, "EU", "", "US", geo.SourceDefault, "", "10.0.0.2", "a region in the header is no country"},
		{"no configuration", bare, "81.2.69.10:1", []string{"1.0.16.1"}, "JP", "", "CN", geo.SourceDefault, "", "81.2.69.10", "with no database and no trusted proxy the default applies"},
		{"home when nothing detected", bare, "81.2.69.10:1", nil, "", "DE", "DE", geo.SourceHome, "", "81.2.69.10", "the subscriber's home beats the default when nothing is detected"},
		{"portability", withDB, "2.16.0.9:1", nil, "", "DE", "DE", geo.SourcePortability, "FR", "2.16.0.9", "an EU subscriber in another member state keeps the home catalogue"},
		{"portability via header", headerOnly, "10.0.0.2:1", nil, "IT", "IE", "IE", geo.SourcePortability, "IT", "10.0.0.2", "portability applies whatever detected the country"},
		{"outside the EU", withDB, "81.2.69.10:1", nil, "", "DE", "GB", geo.SourceGeoIP, "GB", "81.2.69.10", "outside the EU a DE subscriber sees the local catalogue"},
		{"home outside the EU", withDB, "2.16.0.9:1", nil, "", "US", "FR", geo.SourceGeoIP, "FR", "2.16.0.9", "portability is for EU residents only"},
		{"at home", withDB, "5.9.1.1:1", nil, "", "DE", "DE", geo.SourceGeoIP, "DE", "5.9.1.1", "at home the detected country is home"},
		{"bad RemoteAddr", withDB, "@", nil, "", "", "US", geo.SourceDefault, "", "invalid IP", "an unreadable RemoteAddr falls back to the default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if tt.country != "" {
				r.Header.Set("X-Country-Code", tt.country)
			}
			got, err := tt.l.Territory(r, tt.home)
			if err != nil {
				t.Fatalf("%s: %v", tt.rule, err)
			}
			if got.Territory != tt.want || got.Source != tt.source || got.Detected != tt.detected {
				t.Errorf("%s: got %s (source %s, detected %q), want %s (source %s, detected %q)",
					tt.rule, got.Territory, got.Source, got.Detected, tt.want, tt.source, tt.detected)
			}
			if got.Client.String() != tt.client {
				t.Errorf("%s: client %s, want %s", tt.rule, got.Client, tt.client)
			}
			if tt.l.ClientAddr(r) != got.Client {
				t.Errorf("ClientAddr must agree with Territory's client")
			}
		})
	}

	r := httptest.NewRequest("GET", "/", nil)
	for _, bad := range []string{"EU", "de", "XX"} {
		if _, err := withDB.Territory(r, bad); err == nil {
			t.Errorf("home %q is not one country code: Territory must refuse it", bad)
		}
	}
}

func TestNew(t *testing.T) {
	notDB := filepath.Join(t.TempDir(), "not.mmdb")
	os.WriteFile(notDB, []byte("this is not a MaxMind database"), 0o600)
	tests := []struct {
		name string
		cfg  geo.Config
		rule string
	}{
		{"no default", geo.Config{}, "a default territory is required"},
		{"region default", geo.Config{Default: "EU"}, "the default is one country"},
		{"lower-case default", geo.Config{Default: "us"}, "the default is written in capitals"},
		{"missing database", geo.Config{Default: "US", DBPath: filepath.Join(t.TempDir(), "missing.mmdb")}, "a named database must open"},
		{"not a database", geo.Config{Default: "US", DBPath: notDB}, "a named database must be a MaxMind database"},
		{"invalid prefix", geo.Config{Default: "US", TrustedProxies: []netip.Prefix{{}}}, "trusted proxies are valid prefixes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if l, err := geo.New(tt.cfg); err == nil {
				l.Close()
				t.Errorf("%s: New accepted %+v", tt.rule, tt.cfg)
			}
		})
	}
}

func TestParseProxies(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
		rule string
	}{
		{"", nil, true, "no proxies is nil"},
		{"10.0.0.0/8", []string{"10.0.0.0/8"}, true, "a CIDR prefix"},
		{"10.1.2.3/8, 192.0.2.10 ::1", []string{"10.0.0.0/8", "192.0.2.10/32", "::1/128"}, true, "commas or spaces separate; prefixes are masked; a bare address is one host"},
		{"::ffff:192.0.2.1", []string{"192.0.2.1/32"}, true, "an IPv4-mapped address is its IPv4 address"},
		{"10.0.0.0/33", nil, false, "a prefix too long is refused"},
		{"proxy.example.com", nil, false, "host names are refused"},
	}
	for _, tt := range tests {
		got, err := geo.ParseProxies(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("%s: ParseProxies(%q) error %v", tt.rule, tt.in, err)
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		if !slices.Equal(s, tt.want) {
			t.Errorf("%s: ParseProxies(%q) = %v, want %v", tt.rule, tt.in, s, tt.want)
		}
	}
}
