package rights

import (
	"fmt"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // the tz data travels in the binary: same answers without /usr/share/zoneinfo
)

//go:generate go run ./internal/zonegen -o zones_gen.go

type country struct {
	name string
	zone string
	// zones lists every zone of a country with several; nil when zone is
	// the only one.
	zones []string
}

// euMembers are the 27 member states of the European Union, which the
// region code EU expands to.
var euMembers = []string{
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
	"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}

var allCodes = func() []string {
	out := make([]string, 0, len(countries))
	for c := range countries {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}()

var zoneCache = func() map[string]*time.Location {
	m := make(map[string]*time.Location, len(countries))
	for code, c := range countries {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			panic(fmt.Sprintf("rights: zone %s of %s: %v", c.zone, code, err))
		}
		m[code] = loc
	}
	return m
}()

// Countries returns every known ISO 3166-1 alpha-2 code, sorted.
func Countries() []string { return append([]string(nil), allCodes...) }

// IsEU reports whether a country is a member state of the European Union.
func IsEU(code string) bool {
	for _, c := range euMembers {
		if c == code {
			return true
		}
	}
	return false
}

// CountryName returns the English name of a country code, or "" if unknown.
func CountryName(code string) string { return countries[code].name }

// Zone returns the principal time zone of a country: its only zone, or,
// for a country with several, the zone where most of its people live
// (US → America/New_York, CA → America/Toronto, AU → Australia/Sydney,
// BR → America/Sao_Paulo, RU → Europe/Moscow), generated from the tz
// database (see internal/zonegen). It returns nil for an unknown code.
func Zone(code string) *time.Location { return zoneCache[code] }

// Zones returns the names of every time zone of a country, principal or
// not, in the tz database's order; nil for an unknown code.
func Zones(code string) []string {
	c, ok := countries[code]
	if !ok {
		return nil
	}
	if c.zones == nil {
		return []string{c.zone}
	}
	return append([]string(nil), c.zones...)
}

// InTerritory reports whether the IANA zone name is one of a country's
// zones: a viewer's zone counts only where it belongs.
func InTerritory(zone, code string) bool {
	c, ok := countries[code]
	if !ok || zone == "" {
		return false
	}
	if zone == c.zone {
		return true
	}
	for _, z := range c.zones {
		if z == zone {
			return true
		}
	}
	return false
}

// ParseTerritory reads one territory as entered and returns the country
// codes it stands for: ZZ and WW are every country, EU the 27 member
// states, anything else must be a known ISO 3166-1 alpha-2 code in capitals.
// Surrounding spaces are ignored; lower case is refused, as DESIGN.md wants
// capitals, with a message that says so.
func ParseTerritory(s string) ([]string, error) {
	code := strings.TrimSpace(s)
	switch code {
	case "ZZ", "WW":
		return Countries(), nil
	case "EU":
		return append([]string(nil), euMembers...), nil
	}
	if _, ok := countries[code]; ok {
		return []string{code}, nil
	}
	if up := strings.ToUpper(code); up != code {
		if _, ok := countries[up]; ok || up == "ZZ" || up == "WW" || up == "EU" {
			return nil, fmt.Errorf("territory %q must be written in capitals: %q", s, up)
		}
	}
	if meant, ok := meantCodes[strings.ToUpper(code)]; ok {
		return nil, fmt.Errorf("unknown territory %q: did you mean %s (%s)? %s", s, meant, CountryName(meant), meantWhy[strings.ToUpper(code)])
	}
	return nil, fmt.Errorf("unknown territory %q: use an ISO 3166-1 alpha-2 country code such as CN or US, or ZZ (worldwide) or EU", s)
}

// meantCodes are codes people use for a country that ISO 3166-1 spells
// otherwise; an unknown territory that is one of them suggests the ISO code.
var meantCodes = map[string]string{"UK": "GB", "EL": "GR"}

var meantWhy = map[string]string{
	"UK": "ISO 3166-1 writes the United Kingdom as GB; UK is only reserved",
	"EL": "EL is the EU's own abbreviation for Greece; ISO 3166-1 writes GR",
}

// Covered expands included and excluded territories (as entered) and
// returns the sorted countries included and not excluded. An unknown code on
// either side is an error naming it; an empty result is an error too, since
// a license that covers nowhere is a mistake.
func Covered(included, excluded []string) ([]string, error) {
	if len(included) == 0 {
		return nil, fmt.Errorf("no territories: give at least one country code, or ZZ for worldwide")
	}
	set := map[string]bool{}
	for _, t := range included {
		codes, err := ParseTerritory(t)
		if err != nil {
			return nil, err
		}
		for _, c := range codes {
			set[c] = true
		}
	}
	for _, t := range excluded {
		codes, err := ParseTerritory(t)
		if err != nil {
			return nil, fmt.Errorf("excluded territories: %w", err)
		}
		for _, c := range codes {
			delete(set, c)
		}
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("territories %v minus excluded %v cover no country", included, excluded)
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out, nil
}
