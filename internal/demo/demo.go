// Package demo builds Lineup's demo catalogue: the films of the shared facts
// with their credits in English and Chinese, and licenses arranged so that
// the demo, loaded on any day, shows every lineup row.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

//go:embed catalog.json
var catalogJSON []byte

type demoTitle struct {
	Key string `json:"key"`
	catalog.Title
}

// Licensor is the licensor named on the demo's licenses: the facts do not
// say who granted the rights, so the demo says plainly that it is a stand-in.
const Licensor = "Demo rights holder"

// Summary says what Load did.
type Summary struct {
	// Loaded is false when the demo catalogue was already there.
	Loaded bool
	// Titles maps the demo's keys ("us-and-them") to title IDs.
	Titles map[string]int64
	// Licenses counts the licenses stored.
	Licenses int
}

// Load stores the demo catalogue and its licenses unless *Us and Them*
// (后来的我们) is already in the catalogue, in which case it only finds the
// demo's titles. licensee is the service's own licensee; territory and today
// place the relative windows: titles that are available now, coming soon and
// leaving soon in that territory on that day.
func Load(ctx context.Context, cat *catalog.Service, rts *rights.Service, licensee, territory string, today time.Time) (Summary, error) {
	var doc struct {
		Titles []demoTitle `json:"titles"`
	}
	if err := json.Unmarshal(catalogJSON, &doc); err != nil {
		return Summary{}, fmt.Errorf("demo: catalog.json: %w", err)
	}
	sum := Summary{Titles: map[string]int64{}}
	existing, err := cat.ResolveTitleRef(ctx, "", "", "后来的我们")
	if err == nil && existing > 0 {
		for _, t := range doc.Titles {
			if id, err := cat.ResolveTitleRef(ctx, "", "", t.OriginalTitle); err == nil {
				sum.Titles[t.Key] = id
			}
		}
		return sum, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return sum, fmt.Errorf("demo: %w", err)
	}
	for _, dt := range doc.Titles {
		t := dt.Title
		// People who work on several demo films are stored once.
		for i, c := range t.Credits {
			if c.PersonID != 0 {
				continue
			}
			p, err := cat.FindPersonByName(ctx, c.Person.Name)
			if errors.Is(err, store.ErrNotFound) {
				p, err = cat.CreatePerson(ctx, c.Person)
			}
			if err != nil {
				return sum, fmt.Errorf("demo: person %s: %w", c.Person.Name, err)
			}
			t.Credits[i].PersonID = p.ID
			t.Credits[i].Person = catalog.Person{}
		}
		created, err := cat.CreateTitle(ctx, t)
		if err != nil {
			return sum, fmt.Errorf("demo: add %s: %w", dt.Key, err)
		}
		sum.Titles[dt.Key] = created.ID
	}
	ls := Licenses(sum.Titles, licensee, territory, today)
	stored, err := rts.AddAll(ctx, ls, false)
	if err != nil {
		return sum, fmt.Errorf("demo: licenses: %w", err)
	}
	sum.Loaded = true
	sum.Licenses = len(stored)
	return sum, nil
}

// Licenses returns the demo's licenses. *Us and Them* has its real story: a
// theatrical release in mainland China from 2018-04-28 and an exclusive
// worldwide SVOD license to the service, mainland China excluded, from
// 2018-06-22, with original branding. The other films' windows are placed
// relative to today (the territory-local date) so that every lineup row has
// something in it: they are made up for the demo, not facts.
func Licenses(titles map[string]int64, licensee, territory string, today time.Time) []rights.License {
	day := func(offset int) rights.Moment {
		d := today.In(rights.Zone(territory)).AddDate(0, 0, offset)
		return rights.DateMoment(d.Year(), d.Month(), d.Day())
	}
	svod := func(key string, from, until rights.Moment, terr ...string) rights.License {
		return rights.License{TitleID: titles[key], Licensor: Licensor, Licensee: licensee, Type: rights.SVOD,
			Territories: terr, Excluded: []string{"CN"}, Start: from, End: until}
	}
	var ls []rights.License
	ls = append(ls,
		rights.License{TitleID: titles["us-and-them"], Licensor: Licensor, Licensee: "Tianjin Maoyan", Type: rights.Theatrical,
			Territories: []string{"CN"}, Start: rights.DateMoment(2018, time.April, 28)},
		rights.License{TitleID: titles["us-and-them"], Licensor: Licensor, Licensee: licensee, Type: rights.SVOD,
			Territories: []string{"ZZ"}, Excluded: []string{"CN"}, Start: rights.DateMoment(2018, time.June, 22),
			Exclusive: true, OriginalBranding: true},
		// Available now, open-ended.
		svod("hi-mom", day(-200), rights.Moment{}, "ZZ"),
		svod("go-lala-go", day(-400), rights.Moment{}, "ZZ"),
		// Available now and leaving soon.
		svod("so-young", day(-90), day(12), "ZZ"),
		svod("yolo", day(-30), day(25), "ZZ"),
		// Coming soon.
		svod("book-of-love", day(20), rights.Moment{}, "ZZ"),
		svod("sister", day(45), day(45+365), "ZZ"),
		// Streaming in mainland China only: never in the default lineup.
		rights.License{TitleID: titles["wolf-warrior-2"], Licensor: Licensor, Licensee: licensee, Type: rights.SVOD,
			Territories: []string{"CN"}, Start: day(-100)},
	)
	return ls
}
