package rights

import (
	"testing"
	"time"
)

// TestFindConflicts proves the conflict rules on loaded values alone, no
// database: each rule names the license checked, the stored ones (as the
// loaders would give them) and the conflicts it must find.
func TestFindConflicts(t *testing.T) {
	hk := Zone("HK")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, hk) }
	lic := func(licensee string, typ LicenseType, exclusive bool, start, end string, territories ...string) License {
		return License{TitleID: 1, Licensor: "S", Licensee: licensee, Type: typ, Exclusive: exclusive,
			Territories: territories, Start: mustMoment(start), End: mustMoment(end)}
	}
	// stored turns licenses into the windows and holdbacks the loaders
	// read, numbering them from 1.
	stored := func(ls ...License) ([]otherWindow, []otherHoldback) {
		var ws []otherWindow
		var hs []otherHoldback
		for i, l := range ls {
			r, err := resolve(l)
			if err != nil {
				t.Fatalf("stored license %d: %v", i+1, err)
			}
			for _, w := range r.windows {
				ws = append(ws, otherWindow{license: int64(i + 1), territory: w.territory, licensee: FoldName(l.Licensee),
					typ: r.l.Type, exclusive: l.Exclusive, start: w.start, end: w.end})
			}
			for _, h := range r.holdbacks {
				var cov []string
				for c := range h.covered {
					cov = append(cov, c)
				}
				hs = append(hs, otherHoldback{license: int64(i + 1), types: h.types, covered: cov, until: h.until})
			}
		}
		return ws, hs
	}
	withHoldback := func(l License, types []LicenseType, until string, territories ...string) License {
		l.Holdbacks = []Holdback{{LicenseTypes: types, Territories: territories, Until: mustMoment(until)}}
		return l
	}
	type want struct {
		kind      ConflictKind
		other     int64
		territory string
		from      time.Time
		to        *time.Time // nil: open
	}
	ptr := func(t time.Time) *time.Time { return &t }
	tests := []struct {
		name   string
		check  License
		stored []License
		want   []want
	}{
		{"exclusive overlap conflicts in each shared territory only",
			lic("Rival", SVOD, false, "2019-01-01", "", "HK", "TW"),
			[]License{lic("Lineup", SVOD, true, "2018-06-22", "2019-06-22", "CN", "HK")},
			[]want{{Exclusivity, 1, "HK", day(2019, 1, 1), ptr(day(2019, 6, 22))}}},
		{"the checked license's exclusivity counts too",
			lic("Lineup", SVOD, true, "2019-01-01", "2019-02-01", "HK"),
			[]License{lic("Rival", SVOD, false, "2018-06-22", "", "HK")},
			[]want{{Exclusivity, 1, "HK", day(2019, 1, 1), ptr(day(2019, 2, 1))}}},
		{"two open ends overlap to an open end",
			lic("Rival", SVOD, false, "2020-01-01", "", "HK"),
			[]License{lic("Lineup", SVOD, true, "2018-06-22", "", "HK")},
			[]want{{Exclusivity, 1, "HK", day(2020, 1, 1), nil}}},
		{"touching windows do not conflict (half-open)",
			lic("Rival", SVOD, false, "2019-06-22", "", "HK"),
			[]License{lic("Lineup", SVOD, true, "2018-06-22", "2019-06-22", "HK")}, nil},
		{"non-exclusive on both sides never conflicts",
			lic("Rival", SVOD, false, "2018-01-01", "", "HK"),
			[]License{lic("Lineup", SVOD, false, "2018-01-01", "", "HK")}, nil},
		{"the same licensee never conflicts with itself, whatever its letter case",
			lic(" LINEUP ", SVOD, true, "2018-01-01", "", "HK"),
			[]License{lic("lineup", SVOD, true, "2018-01-01", "", "HK")}, nil},
		{"another license type does not clash on exclusivity",
			lic("Rival", AVOD, true, "2018-01-01", "", "HK"),
			[]License{lic("Lineup", SVOD, true, "2018-01-01", "", "HK")}, nil},
		{"a stored holdback holds the checked license back until its until",
			lic("Rival", AVOD, false, "2018-09-01", "2019-09-01", "HK"),
			[]License{withHoldback(lic("Lineup", SVOD, true, "2018-06-22", "", "HK"), []LicenseType{AVOD}, "2019-01-01", "HK", "CN")},
			[]want{{HoldbackConflict, 1, "HK", day(2018, 9, 1), ptr(day(2019, 1, 1))}}},
		{"a license starting on the holdback's until is free",
			lic("Rival", AVOD, false, "2019-01-01", "", "HK"),
			[]License{withHoldback(lic("Lineup", SVOD, true, "2018-06-22", "", "HK"), []LicenseType{AVOD}, "2019-01-01", "HK")}, nil},
		{"the checked license's holdback against a stored license",
			withHoldback(lic("Lineup", SVOD, false, "2018-06-22", "", "HK"), []LicenseType{FreeTV}, "2020-01-01", "ZZ"),
			[]License{lic("Broadcaster", FreeTV, false, "2019-01-01", "2019-03-01", "HK")},
			[]want{{HoldbackConflict, 1, "HK", day(2019, 1, 1), ptr(day(2019, 3, 1))}}},
		{"a holdback of other types holds nothing back",
			lic("Rival", TVOD, false, "2018-09-01", "", "HK"),
			[]License{withHoldback(lic("Lineup", SVOD, true, "2018-06-22", "", "HK"), []LicenseType{AVOD}, "2019-01-01", "HK")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := resolve(tt.check)
			if err != nil {
				t.Fatal(err)
			}
			ws, hs := stored(tt.stored...)
			got := findConflicts(r, ws, hs)
			if len(got) != len(tt.want) {
				t.Fatalf("%s: got %d conflicts %+v, want %d", tt.name, len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Kind != w.kind || g.OtherID != w.other || g.Territory != w.territory || !g.OverlapStart.Equal(w.from) ||
					(w.to == nil) != (g.OverlapEnd == nil) || (w.to != nil && !g.OverlapEnd.Equal(*w.to)) {
					t.Errorf("%s: conflict %d is %+v, want %+v", tt.name, i, g, w)
				}
			}
		})
	}
}
