package rights

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

const dateLayout = "2006-01-02"

// ParseMoment reads a start, end or until value: "YYYY-MM-DD" (a date
// without a time, meaning local midnight in each territory) or an RFC 3339
// date-time with an offset ("2018-06-22T00:00:00+08:00", "…Z"), which is that
// instant everywhere. The empty string is the zero (absent) Moment. A
// date-time without an offset is refused: it names no instant.
func ParseMoment(s string) (Moment, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Moment{}, nil
	}
	if len(s) == len(dateLayout) {
		d, err := time.Parse(dateLayout, s)
		if err != nil {
			return Moment{}, fmt.Errorf("malformed date %q: write YYYY-MM-DD, such as 2018-06-22", s)
		}
		return Moment{Date: d.Format(dateLayout)}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return Moment{}, fmt.Errorf("malformed date %q: write YYYY-MM-DD, or a date-time with an offset such as 2018-06-22T00:00:00+08:00", s)
	}
	return Moment{At: t}, nil
}

// DateMoment returns the date-only Moment of a calendar day.
func DateMoment(year int, month time.Month, day int) Moment {
	return Moment{Date: time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Format(dateLayout)}
}

// InstantMoment returns the Moment of one instant.
func InstantMoment(t time.Time) Moment { return Moment{At: t} }

// IsZero reports whether the Moment is absent.
func (m Moment) IsZero() bool { return m.Date == "" && m.At.IsZero() }

// IsDate reports whether the Moment is a date without a time.
func (m Moment) IsDate() bool { return m.Date != "" }

// In returns the instant the Moment stands for in a territory: the first
// instant of the local date in the territory's principal zone for a date,
// the instant itself otherwise. It returns the zero time for the zero
// Moment or an unknown territory.
func (m Moment) In(territory string) time.Time {
	if m.Date == "" {
		return m.At
	}
	return m.InZone(Zone(territory))
}

// InZone returns the instant the Moment stands for in a time zone: the
// first instant of the local date for a date (see StartOfDay), the instant
// itself otherwise. It returns the zero time for the zero Moment, or for a
// date with a nil zone.
func (m Moment) InZone(loc *time.Location) time.Time {
	if m.Date == "" {
		return m.At
	}
	if loc == nil {
		return time.Time{}
	}
	d, err := time.Parse(dateLayout, m.Date)
	if err != nil {
		return time.Time{}
	}
	return StartOfDay(d.Year(), d.Month(), d.Day(), loc)
}

// StartOfDay returns the first instant of a local date in loc: local
// midnight, or, where the clocks jump forward at midnight so that 00:00
// does not exist (Paraguay on 2019-10-06, Chile on 2019-09-08), the
// instant of the jump, which is 01:00 local. (time.Date would answer 23:00
// of the day before.)
func StartOfDay(year int, month time.Month, day int, loc *time.Location) time.Time {
	t := time.Date(year, month, day, 0, 0, 0, 0, loc)
	if y, m, d := t.Date(); y == year && m == month && d == day {
		return t
	}
	// t fell on the day before, in the offset in force before the jump:
	// the date begins where that offset ends.
	_, end := t.ZoneBounds()
	if !end.IsZero() {
		return end.In(loc)
	}
	return t
}

// String returns the Moment as it would be entered: the date, or the
// instant in RFC 3339; "" for the zero Moment.
func (m Moment) String() string {
	switch {
	case m.Date != "":
		return m.Date
	case m.At.IsZero():
		return ""
	default:
		return m.At.Format(time.RFC3339Nano)
	}
}

// MarshalJSON writes the Moment as its String, or null when absent.
func (m Moment) MarshalJSON() ([]byte, error) {
	if m.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(m.String())
}

// UnmarshalJSON reads a Moment from a JSON string (see ParseMoment) or null.
func (m *Moment) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = Moment{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string such as \"2018-06-22\": %w", err)
	}
	v, err := ParseMoment(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// LastDay returns the territory-local date ("YYYY-MM-DD") of the last day to
// watch for a window that ends at end: the date of the instant just before
// end. It returns "" for the zero time (an open end).
func LastDay(end time.Time, territory string) string {
	if end.IsZero() {
		return ""
	}
	loc := Zone(territory)
	if loc == nil {
		loc = time.UTC
	}
	return end.Add(-time.Nanosecond).In(loc).Format(dateLayout)
}

// LocalDate returns the territory-local date of an instant, "YYYY-MM-DD".
func LocalDate(t time.Time, territory string) string {
	loc := Zone(territory)
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(dateLayout)
}
