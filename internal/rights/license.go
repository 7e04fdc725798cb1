// Package rights decides what the service may stream, where and when: it
// stores licenses, expands their territories, resolves their windows in each
// territory's own time zone, finds exclusivity and holdback conflicts, and
// answers availability and the lineup rows of a territory.
//
// The rules are those of DESIGN.md, "Rights: the exact rules".
package rights

import (
	"fmt"
	"time"
)

// LicenseType is the kind of exploitation a license grants.
type LicenseType string

// The license types Lineup knows, spelled as in EMA Avails.
const (
	SVOD       LicenseType = "SVOD"
	AVOD       LicenseType = "AVOD"
	TVOD       LicenseType = "TVOD"
	EST        LicenseType = "EST"
	Theatrical LicenseType = "Theatrical"
	PayTV      LicenseType = "PayTV"
	FreeTV     LicenseType = "FreeTV"
)

// LicenseTypes lists every known license type.
var LicenseTypes = []LicenseType{SVOD, AVOD, TVOD, EST, Theatrical, PayTV, FreeTV}

// ParseLicenseType accepts a known type in any letter case and returns its
// canonical spelling, or an error naming the value and the known types.
func ParseLicenseType(s string) (LicenseType, error) {
	for _, t := range LicenseTypes {
		if equalFold(string(t), s) {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown license type %q: use one of SVOD, AVOD, TVOD, EST, Theatrical, PayTV, FreeTV", s)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Moment is a start, end or until value as it was entered: either a calendar
// date without a time, which means 00:00 in each territory's own time zone,
// or an instant, which is the same everywhere. The zero Moment means absent
// (an open end).
type Moment struct {
	// Date is "YYYY-MM-DD" when the value was a date without a time.
	Date string
	// At is the instant when the value had a time and an offset.
	At time.Time
}

// Holdback forbids exploitation of the title under other license types in
// some territories until a moment: any license of those types in those
// territories that starts before Until conflicts with it.
type Holdback struct {
	LicenseTypes []LicenseType `json:"license_types"`
	// Territories as entered; ZZ, WW and EU are expanded before comparing.
	Territories []string `json:"territories"`
	Until       Moment   `json:"until"`
}

// License is a grant of rights in a title from a licensor to a licensee.
type License struct {
	ID       int64       `json:"id"`
	TitleID  int64       `json:"title_id"`
	Licensor string      `json:"licensor"`
	Licensee string      `json:"licensee"`
	Type     LicenseType `json:"license_type"`
	// Territories and Excluded are kept as entered (ZZ, WW, EU allowed);
	// the covered set is Territories expanded, minus Excluded expanded.
	Territories      []string   `json:"territories"`
	Excluded         []string   `json:"excluded_territories"`
	Start            Moment     `json:"start"`
	End              Moment     `json:"end"` // zero: open-ended
	Exclusive        bool       `json:"exclusive"`
	OriginalBranding bool       `json:"original_branding"`
	Holdbacks        []Holdback `json:"holdbacks"`
	// Forced is true when the license was stored despite conflicts.
	Forced bool `json:"forced"`
	// ExternalID is an outside reference, such as an Avails AvailID.
	ExternalID string `json:"external_id,omitempty"`
	// Zone, when not empty, is an IANA time zone the license names for its
	// dates: a start or end without a time is 00:00 there, in every
	// territory, instead of in each territory's own zone (holdbacks keep
	// their territories' zones).
	Zone      string    `json:"zone,omitempty"`
	CreatedAt time.Time `json:"created_at"`

	// Status is StatusActive, StatusTerminated (ended early; End is the new
	// end) or StatusWithdrawn (kept for the record, never counted again).
	// Set by the Service; ignored on input.
	Status Status `json:"status"`
	// Version counts the license's states: 1 when created, one more per
	// change (see History). Set by the Service; ignored on input.
	Version int64 `json:"version"`
	// UpdatedAt is when the last change was recorded (CreatedAt until one
	// is). Set by the Service; ignored on input.
	UpdatedAt time.Time `json:"updated_at"`
}

// Status is where a license stands in its life.
type Status string

// The states of a license.
const (
	StatusActive     Status = "active"
	StatusTerminated Status = "terminated"
	StatusWithdrawn  Status = "withdrawn"
)

// ConflictKind says which rule a conflict breaks.
type ConflictKind string

// The two kinds of conflict.
const (
	Exclusivity      ConflictKind = "exclusivity"
	HoldbackConflict ConflictKind = "holdback"
)

// Conflict is one clash between a license (new or stored) and a stored
// license, in one territory, over one stretch of time.
type Conflict struct {
	Kind ConflictKind `json:"kind"`
	// LicenseID is the license being checked (0 while it is not stored yet);
	// OtherID the stored license it clashes with.
	LicenseID int64  `json:"license_id"`
	OtherID   int64  `json:"conflicting_license_id"`
	Territory string `json:"territory"`
	// OverlapStart and OverlapEnd bound the shared time; a nil end is open.
	OverlapStart time.Time  `json:"overlap_start"`
	OverlapEnd   *time.Time `json:"overlap_end"`
	// OtherEntry is set (1-based) when AddAll refused a batch and the other
	// license is an earlier entry of that batch, which was never stored;
	// OtherID is then 0.
	OtherEntry int `json:"conflicting_entry,omitempty"`
}

// ConflictError is returned by Add when the license conflicts and the caller
// did not force it. Nothing was stored.
type ConflictError struct {
	Conflicts []Conflict
}

// Error says how many conflicts were found; Conflicts lists them.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("rights: license conflicts with %d existing grant(s)", len(e.Conflicts))
}

// Availability answers whether a title can be streamed by the service in one
// territory at one instant.
type Availability struct {
	Available bool `json:"available"`
	// LicenseID is the license that makes it available, or, when it is not
	// available yet, the license that opens next (0 when none).
	LicenseID int64      `json:"license_id,omitempty"`
	StartsAt  *time.Time `json:"starts_at"`
	EndsAt    *time.Time `json:"ends_at"`
	// LastDay is the territory-local date of the last day to watch
	// ("YYYY-MM-DD"), empty when the window is open-ended.
	LastDay string `json:"last_day,omitempty"`
}
