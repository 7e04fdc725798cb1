package avails

import (
	"slices"
	"strings"

	"github.com/lineup/lineup/internal/rights"
)

// Grant is one license gathered from the rows that make the same grant.
type Grant struct {
	// License has TitleID set and ID zero; its ExternalID is the first
	// AvailID of its rows.
	License rights.License
	// Rows are the rows gathered, in sheet order; each keeps its own
	// AvailID.
	Rows []Row
}

// grantKey is what rows share to be one license.
type grantKey struct {
	title              int64
	licensor, licensee string
	typ                rights.LicenseType
	start, end         string
	exclusive          bool
	branding           bool
	excluded           string
}

// Group gathers rows into licenses: rows that share title (as titleOf
// gives it), licensor, licensee, license type, start, end, exclusivity,
// branding and exclusions make one license, whose territories are in the
// order first seen. Rows that withdraw or are pending are not grouped
// (the caller handles them); the grants come in the order of their first
// rows.
func Group(rows []Row, titleOf func(Row) int64) []Grant {
	var out []Grant
	index := map[grantKey]int{}
	for _, r := range rows {
		if r.Withdraw || r.Pending != "" {
			continue
		}
		ex := slices.Clone(r.Excluded)
		slices.Sort(ex)
		k := grantKey{
			title: titleOf(r), licensor: r.Licensor, licensee: r.Licensee, typ: r.Type,
			start: momentKey(r.Start), end: momentKey(r.End), exclusive: r.Exclusive, branding: r.Branding,
			excluded: strings.Join(ex, ","),
		}
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			out = append(out, Grant{License: rights.License{
				TitleID: k.title, Licensor: r.Licensor, Licensee: r.Licensee, Type: r.Type,
				Start: r.Start, End: r.End, Exclusive: r.Exclusive, OriginalBranding: r.Branding,
				Excluded: slices.Clone(r.Excluded),
			}})
		}
		g := &out[j]
		g.Rows = append(g.Rows, r)
		if !slices.Contains(g.License.Territories, r.Territory) {
			g.License.Territories = append(g.License.Territories, r.Territory)
		}
		if g.License.ExternalID == "" {
			g.License.ExternalID = r.AvailID
		}
	}
	return out
}
