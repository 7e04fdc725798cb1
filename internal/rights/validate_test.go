package rights

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	base := svod(1, "2018-06-22", "2019-06-22")
	tests := []struct {
		name      string
		l         License
		field     string // "" means valid
		value     string
		reasonHas string
	}{
		{"a plain license is valid", base, "", "", ""},
		{"an open end is valid", with(base, func(l *License) { l.End = Moment{} }), "", "", ""},
		{"license type in any case is accepted", with(base, func(l *License) { l.Type = "svod" }), "", "", ""},
		{"licensor is required", with(base, func(l *License) { l.Licensor = "  " }), "licensor", "  ", "required"},
		{"licensee is required", with(base, func(l *License) { l.Licensee = "" }), "licensee", "", "required"},
		{"title is required", with(base, func(l *License) { l.TitleID = 0 }), "title_id", "0", "title"},
		{"license type must be known", with(base, func(l *License) { l.Type = "Cinema" }), "license_type", "Cinema", `unknown license type "Cinema"`},
		{"unknown territory XX is named", with(base, func(l *License) { l.Territories = []string{"FR", "XX"} }), "territories", "XX", `unknown territory "XX"`},
		{"UK suggests GB", with(base, func(l *License) { l.Territories = []string{"UK"} }), "territories", "UK", "did you mean GB (Britain (UK))"},
		{"EL suggests GR", with(base, func(l *License) { l.Territories = []string{"FR"}; l.Excluded = []string{"EL"} }), "excluded_territories", "EL", "did you mean GR (Greece)"},
		{"a country name is not a code", with(base, func(l *License) { l.Territories = []string{"China"} }), "territories", "China", `unknown territory "China"`},
		{"lower-case codes are refused", with(base, func(l *License) { l.Territories = []string{"cn"} }), "territories", "cn", "capitals"},
		{"unknown excluded territory is named", with(base, func(l *License) { l.Excluded = []string{"XX"} }), "excluded_territories", "XX", `unknown territory "XX"`},
		{"no territories", with(base, func(l *License) { l.Territories = nil }), "territories", "", "no territories"},
		{"territories that cover nothing", with(base, func(l *License) { l.Territories = []string{"EU"}; l.Excluded = []string{"EU"} }), "territories", "EU", "cover no country"},
		{"an exclusion outside the inclusion is refused (EU minus US)", with(base, func(l *License) { l.Territories = []string{"EU"}; l.Excluded = []string{"US"} }), "excluded_territories", "US", "not inside the included territories"},
		{"an exclusion partly outside names what is outside", with(base, func(l *License) { l.Territories = []string{"FR", "DE"}; l.Excluded = []string{"EU"} }), "excluded_territories", "EU", "AT, BE"},
		{"an exclusion inside the inclusion is fine", with(base, func(l *License) { l.Territories = []string{"ZZ"}; l.Excluded = []string{"EU", "US"} }), "", "", ""},
		{"licensor with a NUL byte is refused", with(base, func(l *License) { l.Licensor = "Studio\x00" }), "licensor", "Studio�", "control character U+0000"},
		{"licensee with a newline is refused", with(base, func(l *License) { l.Licensee = "Line\nup" }), "licensee", "Line�up", "control character"},
		{"a licensor of 2 MiB is refused", with(base, func(l *License) { l.Licensor = strings.Repeat("a", 2<<20) }), "licensor", strings.Repeat("a", 80) + "…", "too long: 2097152 characters, at most 200"},
		{"an external_id of 201 characters is refused", with(base, func(l *License) { l.ExternalID = strings.Repeat("é", 201) }), "external_id", strings.Repeat("é", 40) + "…", "at most 200"},
		{"a licensee that is not UTF-8 is refused", with(base, func(l *License) { l.Licensee = "Line\xffup" }), "licensee", "Line?up", "UTF-8"},
		{"an unknown zone is refused", with(base, func(l *License) { l.Zone = "Mars/Olympus" }), "zone", "Mars/Olympus", "unknown time zone"},
		{"a known zone is accepted", with(base, func(l *License) { l.Zone = "America/Vancouver" }), "", "", ""},
		{"start is required", with(base, func(l *License) { l.Start = Moment{} }), "start", "", "start"},
		{"malformed start date", with(base, func(l *License) { l.Start = Moment{Date: "2018-02-30"} }), "start", "2018-02-30", "malformed"},
		{"date end before date start", with(base, func(l *License) { l.End = mustMoment("2018-06-01") }), "end", "2018-06-01", "window ends before it starts"},
		{"date end equal to date start", with(base, func(l *License) { l.End = mustMoment("2018-06-22") }), "end", "2018-06-22", "window ends before it starts"},
		{"instant end before instant start", with(base, func(l *License) {
			l.Start = mustMoment("2018-06-22T00:00:00Z")
			l.End = mustMoment("2018-06-21T23:59:59Z")
		}), "end", "2018-06-21T23:59:59Z", "window ends before it starts"},
		// 2018-06-22 starts at 16:00Z on the 21st in Manila but 04:00Z on
		// the 22nd in New York: an instant end at 20:00Z on the 21st is
		// after the start in PH and before it in US.
		{"mixed kinds compare in every territory", with(base, func(l *License) {
			l.Territories = []string{"PH", "US"}
			l.End = mustMoment("2018-06-21T20:00:00Z")
		}), "end", "2018-06-21T20:00:00Z", "in US"},
		{"mixed kinds fine where every territory agrees", with(base, func(l *License) {
			l.Territories = []string{"PH"}
			l.End = mustMoment("2018-06-21T20:00:00Z")
		}), "", "", ""},
		{"holdback types must be known", with(base, func(l *License) {
			l.Holdbacks = []Holdback{{LicenseTypes: []LicenseType{"Radio"}, Territories: []string{"ZZ"}, Until: mustMoment("2019-01-01")}}
		}), "holdbacks[0].license_types", "Radio", "unknown license type"},
		{"holdback territories must be known", with(base, func(l *License) {
			l.Holdbacks = []Holdback{{LicenseTypes: []LicenseType{AVOD}, Territories: []string{"China"}, Until: mustMoment("2019-01-01")}}
		}), "holdbacks[0].territories", "China", `unknown territory "China"`},
		{"holdback until is required", with(base, func(l *License) {
			l.Holdbacks = []Holdback{{LicenseTypes: []LicenseType{AVOD}, Territories: []string{"CN"}}}
		}), "holdbacks[0].until", "", "until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.l)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("rule %q: want valid, got %v", tt.name, err)
				}
				return
			}
			fe := fieldOf(t, err)
			field, value, reason := fe.InvalidField()
			if field != tt.field || value != tt.value || !strings.Contains(reason, tt.reasonHas) {
				t.Errorf("rule %q: got field %q value %q reason %q; want field %q value %q reason containing %q",
					tt.name, field, value, reason, tt.field, tt.value, tt.reasonHas)
			}
			if !strings.HasPrefix(fe.Error(), tt.field+": ") || strings.Contains(fe.Error(), "rights:") {
				t.Errorf("a field error must read as \"field: reason\" for people, got %q", fe.Error())
			}
		})
	}
}

func TestZonesComeFromZoneTab(t *testing.T) {
	for code, want := range map[string]string{"PH": "Asia/Manila", "US": "America/New_York", "CN": "Asia/Shanghai",
		"AU": "Australia/Sydney", "CA": "America/Toronto", "BR": "America/Sao_Paulo", "RU": "Europe/Moscow",
		"MX": "America/Mexico_City", "ID": "Asia/Jakarta"} {
		if z := Zone(code); z == nil || z.String() != want {
			t.Errorf("Zone(%s) must be the principal zone, where most people live, %s; got %v", code, want, z)
		}
	}
	if Zone("XX") != nil {
		t.Errorf("an unknown code has no zone")
	}
}

func TestEUExpandsToTheMemberStates(t *testing.T) {
	eu, err := Covered([]string{"EU"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(eu) != 27 {
		t.Errorf("EU must expand to the 27 member states, got %d", len(eu))
	}
	if !slices.Contains(eu, "FR") {
		t.Errorf("EU must include FR")
	}
	for _, c := range []string{"GB", "CH"} {
		if slices.Contains(eu, c) {
			t.Errorf("EU must not include %s", c)
		}
	}
	zz, _ := Covered([]string{"ZZ"}, []string{"CN"})
	if len(zz) != len(Countries())-1 || slices.Contains(zz, "CN") {
		t.Errorf("ZZ minus CN must be every country but China, got %d codes", len(zz))
	}
}

func TestResolveNormalizes(t *testing.T) {
	l := svod(1, "", "")
	l.Licensee = "  Lineup "
	l.Type = "svod"
	l.Territories = []string{" CN ", "HK"}
	l.Start = Moment{At: time.Date(2018, 6, 22, 0, 0, 0, 123456789, time.FixedZone("CST", 8*3600))}
	r, err := resolve(l)
	if err != nil {
		t.Fatal(err)
	}
	if r.l.Licensee != "Lineup" || r.l.Type != SVOD || r.l.Territories[0] != "CN" {
		t.Errorf("names trimmed and type canonical: got %q %q %q", r.l.Licensee, r.l.Type, r.l.Territories)
	}
	if !r.l.Start.At.Equal(time.Date(2018, 6, 21, 16, 0, 0, 123000000, time.UTC)) || r.l.Start.At.Location() != time.UTC {
		t.Errorf("an instant is stored in UTC at millisecond precision, got %v", r.l.Start.At)
	}
	if r.l.Excluded == nil || r.l.Holdbacks == nil {
		t.Errorf("empty lists are non-nil so that JSON shows []")
	}
	if len(r.windows) != 2 || r.windows[0].end != openEnd {
		t.Errorf("one window per covered country, open end as the sentinel: %+v", r.windows)
	}
}
