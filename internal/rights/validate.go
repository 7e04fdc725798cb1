package rights

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// openEnd is the stored end of an open window: the largest BIGINT, so that
// "ends_at > t" holds for every t and range predicates stay indexable.
const openEnd = math.MaxInt64

// Validate checks a license against the rules of DESIGN.md without reading
// the database: a licensor and a licensee, a known license type, territories
// that are known codes and cover at least one country, a start, an end after
// the start in every covered territory, and well-formed holdbacks. It
// returns a *FieldError naming the first field at fault, or nil. Whether the
// title exists is checked by Add and Check, which can see the database.
func Validate(l License) error {
	_, err := resolve(l)
	return err
}

// window is a license's window in one country, in unix milliseconds; end is
// openEnd when the license has no end.
type window struct {
	territory  string
	start, end int64
	// startDated and endDated say that the start (end) was a date without
	// a time in the territory's zone, which a viewer's own zone may move.
	startDated, endDated bool
}

// resolvedHoldback is a holdback with its territories expanded.
type resolvedHoldback struct {
	types   map[LicenseType]bool
	covered map[string]bool
	until   Moment
}

// resolved is a normalized license with its territories expanded and its
// window resolved in each of them.
type resolved struct {
	l         License
	windows   []window // sorted by territory
	index     map[string]int
	holdbacks []resolvedHoldback
}

// resolve validates l and returns it normalized (names trimmed, type
// canonical, instants in UTC at millisecond precision, empty lists non-nil)
// with its windows. Errors are *FieldError.
func resolve(in License) (*resolved, error) {
	l := in
	l.Licensor = strings.TrimSpace(l.Licensor)
	l.Licensee = strings.TrimSpace(l.Licensee)
	if l.TitleID <= 0 {
		return nil, &FieldError{Field: "title_id", Value: fmt.Sprint(in.TitleID), Reason: "a license needs the title it grants rights in"}
	}
	if l.Licensor == "" {
		return nil, &FieldError{Field: "licensor", Value: in.Licensor, Reason: "the licensor (who grants the rights) is required"}
	}
	if l.Licensee == "" {
		return nil, &FieldError{Field: "licensee", Value: in.Licensee, Reason: "the licensee (who receives the rights) is required"}
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{{"licensor", l.Licensor, MaxNameLength}, {"licensee", l.Licensee, MaxNameLength}, {"external_id", l.ExternalID, MaxExternalID}} {
		if err := checkText(f.field, f.value, f.max, false); err != nil {
			return nil, err
		}
	}
	var zone *time.Location
	if l.Zone = strings.TrimSpace(l.Zone); l.Zone != "" {
		z, err := loadZone(l.Zone)
		if err != nil {
			return nil, &FieldError{Field: "zone", Value: clip(l.Zone), Reason: err.Error()}
		}
		zone = z
	}
	typ, err := ParseLicenseType(string(l.Type))
	if err != nil {
		return nil, &FieldError{Field: "license_type", Value: string(in.Type), Reason: err.Error()}
	}
	l.Type = typ

	l.Territories = trimAll(l.Territories)
	l.Excluded = trimAll(l.Excluded)
	covered, err := coveredField("territories", "excluded_territories", l.Territories, l.Excluded)
	if err != nil {
		return nil, err
	}

	if l.Start.IsZero() {
		return nil, &FieldError{Field: "start", Reason: "a start date is required, such as 2018-06-22"}
	}
	if l.Start, err = normalMoment("start", l.Start); err != nil {
		return nil, err
	}
	if l.End, err = normalMoment("end", l.End); err != nil {
		return nil, err
	}

	r := &resolved{windows: make([]window, len(covered)), index: make(map[string]int, len(covered))}
	for i, c := range covered {
		w := window{territory: c, start: msIn(l.Start, c, zone), end: openEnd,
			startDated: l.Start.IsDate() && zone == nil, endDated: l.End.IsDate() && zone == nil}
		if !l.End.IsZero() {
			w.end = msIn(l.End, c, zone)
		}
		if w.end <= w.start {
			reason := fmt.Sprintf("window ends before it starts: end %s is not after start %s", l.End, l.Start)
			if l.Start.IsDate() != l.End.IsDate() {
				reason = fmt.Sprintf("window ends before it starts in %s (%s): end %s is not after start %s there",
					c, CountryName(c), l.End, l.Start)
			}
			return nil, &FieldError{Field: "end", Value: l.End.String(), Reason: reason}
		}
		r.windows[i] = w
		r.index[c] = i
	}

	hbs := make([]Holdback, len(l.Holdbacks))
	r.holdbacks = make([]resolvedHoldback, len(l.Holdbacks))
	for i, h := range l.Holdbacks {
		field := fmt.Sprintf("holdbacks[%d].", i)
		if len(h.LicenseTypes) == 0 {
			return nil, &FieldError{Field: field + "license_types", Reason: "a holdback names the license types it holds back, such as SVOD"}
		}
		rh := resolvedHoldback{types: map[LicenseType]bool{}, covered: map[string]bool{}}
		types := make([]LicenseType, len(h.LicenseTypes))
		for j, t := range h.LicenseTypes {
			ct, err := ParseLicenseType(string(t))
			if err != nil {
				return nil, &FieldError{Field: field + "license_types", Value: string(t), Reason: err.Error()}
			}
			types[j] = ct
			rh.types[ct] = true
		}
		terr := trimAll(h.Territories)
		hcov, err := coveredField(field+"territories", "", terr, nil)
		if err != nil {
			return nil, err
		}
		for _, c := range hcov {
			rh.covered[c] = true
		}
		if h.Until.IsZero() {
			return nil, &FieldError{Field: field + "until", Reason: "a holdback needs the date it lasts until, such as 2019-06-22"}
		}
		until, err := normalMoment(field+"until", h.Until)
		if err != nil {
			return nil, err
		}
		rh.until = until
		hbs[i] = Holdback{LicenseTypes: types, Territories: terr, Until: until}
		r.holdbacks[i] = rh
	}
	l.Holdbacks = hbs
	l.Forced = false
	l.Status, l.Version, l.UpdatedAt = "", 0, time.Time{}
	r.l = l
	return r, nil
}

// coveredField expands included minus excluded, naming the field and the
// value at fault in a *FieldError.
func coveredField(field, excludedField string, included, excluded []string) ([]string, error) {
	if len(included) == 0 {
		return nil, &FieldError{Field: field, Reason: "no territories: give at least one country code, or ZZ for worldwide"}
	}
	for _, t := range included {
		if _, err := ParseTerritory(t); err != nil {
			return nil, &FieldError{Field: field, Value: t, Reason: err.Error()}
		}
	}
	for _, t := range excluded {
		if _, err := ParseTerritory(t); err != nil {
			return nil, &FieldError{Field: excludedField, Value: t, Reason: err.Error()}
		}
	}
	if len(excluded) > 0 {
		in := map[string]bool{}
		for _, t := range included {
			codes, _ := ParseTerritory(t)
			for _, c := range codes {
				in[c] = true
			}
		}
		for _, t := range excluded {
			codes, _ := ParseTerritory(t)
			var outside []string
			for _, c := range codes {
				if !in[c] {
					outside = append(outside, c)
				}
			}
			if len(outside) > 0 {
				what := strings.Join(outside, ", ")
				if len(outside) > 5 {
					what = strings.Join(outside[:5], ", ") + fmt.Sprintf(" and %d more", len(outside)-5)
				}
				return nil, &FieldError{Field: excludedField, Value: t,
					Reason: fmt.Sprintf("excluded territory %s is not inside the included territories %s (%s outside): an exclusion only removes countries the license includes; drop it or include them", t, strings.Join(included, ","), what)}
			}
		}
	}
	covered, err := Covered(included, excluded)
	if err != nil {
		return nil, &FieldError{Field: field, Value: strings.Join(included, ","), Reason: err.Error()}
	}
	return covered, nil
}

// normalMoment checks that a Moment is well formed and returns it with an
// instant in UTC at millisecond precision, the precision stored.
func normalMoment(field string, m Moment) (Moment, error) {
	if m.Date != "" {
		d, err := time.Parse(dateLayout, m.Date)
		if err != nil || d.Format(dateLayout) != m.Date {
			return Moment{}, &FieldError{Field: field, Value: m.Date, Reason: fmt.Sprintf("malformed date %q: write YYYY-MM-DD, such as 2018-06-22", m.Date)}
		}
		return Moment{Date: m.Date}, nil
	}
	if m.At.IsZero() {
		return Moment{}, nil
	}
	return Moment{At: time.UnixMilli(m.At.UnixMilli()).UTC()}, nil
}

// ms returns the instant of a non-zero Moment in a territory, in unix
// milliseconds.
func ms(m Moment, territory string) int64 {
	if m.Date == "" {
		return m.At.UnixMilli()
	}
	return m.In(territory).UnixMilli()
}

// msIn is ms with the license's own zone, when it names one, in place of
// the territory's.
func msIn(m Moment, territory string, zone *time.Location) int64 {
	if zone != nil {
		return m.InZone(zone).UnixMilli()
	}
	return ms(m, territory)
}

// loadZone reads an IANA zone name; "Local" and "" are refused, since they
// name no place.
func loadZone(name string) (*time.Location, error) {
	if name == "Local" || !strings.Contains(name, "/") && name != "UTC" {
		return nil, fmt.Errorf("unknown time zone %q: use an IANA zone name such as America/Toronto", name)
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: use an IANA zone name such as America/Toronto", name)
	}
	return z, nil
}

func trimAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// timeIn returns a stored instant as a time in a territory's zone.
func timeIn(msec int64, territory string) time.Time {
	t := time.UnixMilli(msec)
	if loc := Zone(territory); loc != nil {
		return t.In(loc)
	}
	return t.UTC()
}

// endIn returns a stored end in a territory's zone, nil when open.
func endIn(msec int64, territory string) *time.Time {
	if msec == openEnd {
		return nil
	}
	t := timeIn(msec, territory)
	return &t
}
