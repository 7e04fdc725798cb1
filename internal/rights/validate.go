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
		w := window{territory: c, start: ms(l.Start, c), end: openEnd}
		if !l.End.IsZero() {
			w.end = ms(l.End, c)
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
