package locale

import (
	"regexp"
	"strconv"
	"strings"
)

// A pattern recognises a format's text once its values are filled in, and
// gives the values back, so that a message another package wrote in English
// ("must be at least 10 characters", "is built on the common word
// \"dragon\"; …") can be written again in the viewer's language.
type pattern struct {
	key string
	re  *regexp.Regexp
	// kinds[i] is the verb ('s', 'd' or 'q') of argument i.
	kinds []byte
	// slots[j] is the argument the j-th group of re fills.
	slots []int
}

var patternVerb = regexp.MustCompile(`%(?:\[(\d)\])?([sdq])`)

// compilePattern makes the pattern of a format; ok is false when the format
// has no verb (it is matched exactly, as any key is).
func compilePattern(key string) (pattern, bool) {
	locs := patternVerb.FindAllStringSubmatchIndex(key, -1)
	if len(locs) == 0 {
		return pattern{}, false
	}
	p := pattern{key: key}
	var re strings.Builder
	re.WriteString("^")
	last, next := 0, 0
	for _, loc := range locs {
		re.WriteString(regexp.QuoteMeta(key[last:loc[0]]))
		arg := next
		if loc[2] >= 0 {
			n, _ := strconv.Atoi(key[loc[2]:loc[3]])
			arg = n - 1
		}
		next = arg + 1
		kind := key[loc[4]]
		switch kind {
		case 'd':
			re.WriteString(`(-?\d+)`)
		case 'q':
			re.WriteString(`("(?:[^"\\]|\\.)*")`)
		default:
			re.WriteString(`(.+?)`)
		}
		for len(p.kinds) <= arg {
			p.kinds = append(p.kinds, 0)
		}
		p.kinds[arg] = kind
		p.slots = append(p.slots, arg)
		last = loc[1]
	}
	re.WriteString(regexp.QuoteMeta(key[last:]))
	re.WriteString("$")
	p.re = regexp.MustCompile(re.String())
	return p, true
}

// match returns the values of s when s is the pattern's format filled in.
func (p pattern) match(s string) ([]any, bool) {
	m := p.re.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	args := make([]any, len(p.kinds))
	for j, arg := range p.slots {
		v := m[j+1]
		switch p.kinds[arg] {
		case 'd':
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, false
			}
			args[arg] = n
		case 'q':
			u, err := strconv.Unquote(v)
			if err != nil {
				return nil, false
			}
			args[arg] = u
		default:
			args[arg] = v
		}
	}
	return args, true
}
