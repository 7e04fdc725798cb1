package avails

import (
	"regexp"
	"strings"
)

// eidrPrefix is the DOI prefix of every EIDR.
const eidrPrefix = "10.5240/"

// eidrSuffix is the part of an EIDR after the prefix: five groups of four
// hexadecimal digits and a check character.
var eidrSuffix = regexp.MustCompile(`^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-Z]$`)

// NormalizeEIDR returns the EIDR an identifier spells, in its canonical
// form "10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C", and whether it spells one. It
// accepts the spellings found in avails and MovieLabs documents:
//
//   - 10.5240/XXXX-… (the DOI form), also with "doi:" before it;
//   - md:cid:eidr-s:XXXX-… (the MovieLabs short form, without the prefix);
//   - md:cid:eidr:10.5240/XXXX-… and md:cid:eidr:XXXX-…;
//   - urn:eidr:10.5240:XXXX-… (the URN form of EditEIDR-URN and
//     TitleEIDR-URN);
//   - https://doi.org/10.5240/XXXX-… and the suffix alone.
//
// Letters may be in either case; the canonical form has capitals.
func NormalizeEIDR(s string) (string, bool) {
	v := strings.TrimSpace(s)
	low := strings.ToLower(v)
	for _, p := range []string{"https://doi.org/", "http://doi.org/", "http://dx.doi.org/", "doi:", "md:cid:eidr-s:", "md:cid:eidr:", "urn:eidr:"} {
		if strings.HasPrefix(low, p) {
			v, low = v[len(p):], low[len(p):]
			break
		}
	}
	switch {
	case strings.HasPrefix(low, "10.5240/"), strings.HasPrefix(low, "10.5240:"):
		v = v[len("10.5240/"):]
	}
	v = strings.ToUpper(v)
	if !eidrSuffix.MatchString(v) {
		return "", false
	}
	return eidrPrefix + v, true
}
