// Package geo decides the viewer's territory: which country's catalogue a
// request sees. It believes, in order, a MaxMind-format country database
// looked up with the client's address, a country header set by a proxy the
// operator trusts, and the configured default; and it applies the EU
// portability rule, under which a subscriber resident in one member state
// keeps the home catalogue while travelling in another.
//
// The client's address is the connection's peer unless that peer is a
// trusted proxy, in which case X-Forwarded-For is read from the right,
// skipping trusted hops. Headers from anyone else are ignored, so a viewer
// cannot pick a country by forging them.
package geo

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/oschwald/geoip2-golang/v2"

	"github.com/lineup/lineup/internal/rights"
)

// Source says where a Result's territory came from.
type Source string

const (
	// SourceGeoIP is a country found in the GeoIP database for the
	// client's address.
	SourceGeoIP Source = "geoip"
	// SourceHeader is the country header set by a trusted proxy.
	SourceHeader Source = "header"
	// SourceHome is the subscriber's home territory, used when nothing
	// else says where the client is.
	SourceHome Source = "home"
	// SourceDefault is the configured default, used when nothing else is
	// known.
	SourceDefault Source = "default"
	// SourcePortability is the home territory of an EU subscriber detected
	// in another member state (the EU portability rule).
	SourcePortability Source = "portability"
)

// Config says how to find a viewer's territory.
type Config struct {
	// DBPath names a MaxMind-format country (or city) database, such as
	// GeoLite2-Country.mmdb; "" means none.
	DBPath string
	// TrustedProxies are the addresses of the proxies and load balancers
	// in front of Lineup. Only from these are X-Forwarded-For and Header
	// believed.
	TrustedProxies []netip.Prefix
	// Header names a request header carrying the viewer's country code,
	// set by a trusted proxy or CDN (such as "X-Country-Code" or
	// "CF-IPCountry"); "" means none. It is read only when the connection
	// comes from a trusted proxy.
	Header string
	// Default is the country used when neither the database nor the
	// header says; it must be one ISO 3166-1 alpha-2 code.
	Default string
}

// Result is the territory a request sees and why.
type Result struct {
	// Territory is the ISO 3166-1 alpha-2 code whose catalogue to show.
	Territory string `json:"territory"`
	// Source says where Territory came from.
	Source Source `json:"source"`
	// Detected is where the client appears to be (the database's or the
	// header's answer), "" when nothing was detected. It differs from
	// Territory under the portability rule.
	Detected string `json:"detected,omitempty"`
	// Client is the client's address as found (see Locator.ClientAddr);
	// invalid when the request's RemoteAddr was not an address.
	Client netip.Addr `json:"-"`
	// Zone is the viewer's IANA time zone from a GeoIP City database
	// ("time_zone"), set only when it is one of Territory's zones (so a
	// viewer shown their home catalogue abroad gets the home's principal
	// zone); "" when unknown.
	Zone string `json:"zone,omitempty"`
}

// Locator finds viewers' territories. It is safe for concurrent use; Close
// releases the database.
type Locator struct {
	cfg    Config
	header string
	db     *geoip2.Reader
	dbIPv6 bool // the database answers IPv6 lookups too
	dbCity bool // a City database: it knows time zones
}

// New returns a Locator for cfg. It opens the GeoIP database when one is
// named (failing if it cannot be read or is not a country database) and
// checks that Default is one country. The caller closes the Locator.
func New(cfg Config) (*Locator, error) {
	def, ok := country(cfg.Default)
	if !ok {
		return nil, fmt.Errorf("geo: default territory %q must be one ISO 3166-1 alpha-2 country code, such as US", cfg.Default)
	}
	cfg.Default = def
	cfg.TrustedProxies = slices.Clone(cfg.TrustedProxies)
	for i, p := range cfg.TrustedProxies {
		if !p.IsValid() {
			return nil, fmt.Errorf("geo: trusted proxy %d is not a valid prefix", i+1)
		}
		cfg.TrustedProxies[i] = p.Masked()
	}
	l := &Locator{cfg: cfg, header: http.CanonicalHeaderKey(strings.TrimSpace(cfg.Header))}
	if cfg.DBPath != "" {
		db, err := geoip2.Open(cfg.DBPath)
		if err != nil {
			return nil, fmt.Errorf("geo: open GeoIP database %s: %w", cfg.DBPath, err)
		}
		if _, err := db.Country(netip.MustParseAddr("1.1.1.1")); err != nil {
			db.Close()
			return nil, fmt.Errorf("geo: GeoIP database %s cannot answer country lookups: %w", cfg.DBPath, err)
		}
		l.db, l.dbIPv6 = db, db.Metadata().IPVersion == 6
		l.dbCity = strings.Contains(db.Metadata().DatabaseType, "City")
	}
	return l, nil
}

// Close releases the GeoIP database, if any.
func (l *Locator) Close() error {
	if l.db == nil {
		return nil
	}
	return l.db.Close()
}

// Territory returns the territory r sees. home is the signed-in
// subscriber's home territory ("" when unknown or signed out). The country
// comes from the GeoIP database (when configured and it knows the client's
// address), else from the trusted proxy's header, else it is home (when
// given), else the default. When home is an EU member state and the
// detected country another member state, the result is home, with
// SourcePortability. An invalid home is an error; so is a database that
// fails to decode.
func (l *Locator) Territory(r *http.Request, home string) (res Result, err error) {
	if home != "" {
		h, ok := country(home)
		if !ok {
			return Result{}, fmt.Errorf("geo: home territory %q is not one country code", home)
		}
		home = h
	}
	client, trusted := l.client(r)
	res = Result{Client: client}
	zone := ""
	if l.db != nil && client.IsValid() && (client.Is4() || l.dbIPv6) {
		code := ""
		if l.dbCity {
			rec, err := l.db.City(client)
			if err != nil {
				return Result{}, fmt.Errorf("geo: look up %s: %w", client, err)
			}
			code, zone = rec.Country.ISOCode, rec.Location.TimeZone
		} else {
			rec, err := l.db.Country(client)
			if err != nil {
				return Result{}, fmt.Errorf("geo: look up %s: %w", client, err)
			}
			code = rec.Country.ISOCode
		}
		if c, ok := country(code); ok {
			res.Detected, res.Source = c, SourceGeoIP
		}
	}
	defer func() {
		if zone != "" && rights.InTerritory(zone, res.Territory) {
			res.Zone = zone
		}
	}()
	if res.Detected == "" && trusted && l.header != "" {
		if c, ok := country(strings.ToUpper(strings.TrimSpace(r.Header.Get(l.header)))); ok {
			res.Detected, res.Source = c, SourceHeader
		}
	}
	switch {
	case res.Detected != "" && home != "" && home != res.Detected && rights.IsEU(home) && rights.IsEU(res.Detected):
		res.Territory, res.Source = home, SourcePortability
	case res.Detected != "":
		res.Territory = res.Detected
	case home != "":
		res.Territory, res.Source = home, SourceHome
	default:
		res.Territory, res.Source = l.cfg.Default, SourceDefault
	}
	return res, nil
}

// ClientAddr returns the address of the client that sent r: RemoteAddr,
// unless RemoteAddr is a trusted proxy, in which case it is the rightmost
// address in X-Forwarded-For that is not a trusted proxy (or the leftmost,
// when all are). The zero Addr means RemoteAddr was not an address. The
// sign-in attempt limit counts by this address.
func (l *Locator) ClientAddr(r *http.Request) netip.Addr {
	a, _ := l.client(r)
	return a
}

// client returns the client's address and whether the request came through
// a trusted proxy (so that its headers may be believed).
func (l *Locator) client(r *http.Request) (netip.Addr, bool) {
	peer := parseAddr(r.RemoteAddr)
	if !peer.IsValid() || !l.trusted(peer) {
		return peer, false
	}
	client := peer
	hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
	for i := len(hops) - 1; i >= 0; i-- {
		a := parseAddr(hops[i])
		if !a.IsValid() {
			// A hop that is not an address was not written by a proxy
			// we trust; stop at the last address we can vouch for.
			break
		}
		client = a
		if !l.trusted(a) {
			break
		}
	}
	return client, true
}

func (l *Locator) trusted(a netip.Addr) bool {
	for _, p := range l.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor splits X-Forwarded-For header lines into hops, left to
// right.
func forwardedFor(lines []string) []string {
	var hops []string
	for _, line := range lines {
		for h := range strings.SplitSeq(line, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	return hops
}

// parseAddr reads "ip", "ip:port" or "[ipv6]:port", dropping any zone and
// turning IPv4-mapped IPv6 addresses into IPv4.
func parseAddr(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

// country returns code when it is exactly one known country (not a region
// such as EU or ZZ).
func country(code string) (string, bool) {
	codes, err := rights.ParseTerritory(code)
	if err != nil || len(codes) != 1 || codes[0] != code {
		return "", false
	}
	return code, true
}

// ParseProxies reads a list of trusted proxies as an operator writes it in
// configuration: addresses or CIDR prefixes separated by commas or spaces
// ("10.0.0.0/8, 192.0.2.10, ::1"). A bare address is a single-address
// prefix. An empty list is nil.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("geo: trusted proxy %q is not an address or CIDR prefix", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("geo: trusted proxy %q is not an address or CIDR prefix", f)
		}
		a = a.Unmap().WithZone("")
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
