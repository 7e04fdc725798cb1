package catalog

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/lineup/lineup/internal/store"
)

// CreatePerson validates p and stores them with their localized names, then
// returns them with their new ID. p.ID and p.Credits are ignored. Invalid
// input returns a *FieldError and stores nothing.
func (s *Service) CreatePerson(ctx context.Context, p Person) (Person, error) {
	n, err := normalizePerson("", p)
	if err != nil {
		return Person{}, fmt.Errorf("catalog: create person: %w", err)
	}
	var out Person
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		id, err := insertPerson(ctx, tx, n, s.now().UnixMilli())
		if err != nil {
			return err
		}
		out, err = getPerson(ctx, tx, id)
		return err
	})
	if err != nil {
		return Person{}, fmt.Errorf("catalog: create person: %w", err)
	}
	return out, nil
}

// GetPerson returns the person with their localized names and their
// credits: every title they worked on, newest year first (unknown years
// last), each title read light. A missing person is an error wrapping
// store.ErrNotFound.
func (s *Service) GetPerson(ctx context.Context, id int64) (Person, error) {
	p, err := getPerson(ctx, s.db, id)
	if err == nil {
		p.Credits, err = filmography(ctx, s.db, id)
	}
	if err != nil {
		return Person{}, fmt.Errorf("catalog: get person %d: %w", id, err)
	}
	return p, nil
}

// FindPersonByName returns the person whose original or localized name is
// exactly name (after trimming spaces; case and script count), with their
// localized names but not their credits. When several people share the name
// the earliest created is returned. No match is an error wrapping
// store.ErrNotFound; an empty name is a *FieldError.
func (s *Service) FindPersonByName(ctx context.Context, name string) (Person, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Person{}, fmt.Errorf("catalog: find person: %w", fieldErr("name", name, "is required"))
	}
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM people WHERE name = $1
UNION SELECT person_id FROM person_names WHERE name = $1
ORDER BY 1 LIMIT 1`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err == nil {
		var p Person
		if p, err = getPerson(ctx, s.db, id); err == nil {
			return p, nil
		}
	}
	return Person{}, fmt.Errorf("catalog: find person %q: %w", name, err)
}

// AddCredit validates c and adds it to the title, creating c.Person first
// when c names no existing PersonID, all in one transaction; it returns the
// credit as GetTitle would show it. A missing title is an error wrapping
// store.ErrNotFound; invalid input, including a PersonID that names no one,
// is a *FieldError. Either way nothing is stored.
func (s *Service) AddCredit(ctx context.Context, titleID int64, c Credit) (Credit, error) {
	n, err := normalizeCredit("", c)
	if err != nil {
		return Credit{}, fmt.Errorf("catalog: add credit: %w", err)
	}
	var out Credit
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM titles WHERE id = $1`, titleID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("title %d: %w", titleID, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("find title: %w", err)
		}
		if n.PersonID, err = resolvePerson(ctx, tx, "person_id", n, map[string]int64{}, s.now().UnixMilli()); err != nil {
			return err
		}
		id, err := insertCredit(ctx, tx, titleID, n)
		if err != nil {
			return err
		}
		if err := noteChange(ctx, tx, titleID); err != nil {
			return err
		}
		cs, err := readCredits(ctx, tx, `WHERE c.id = $1`, id)
		if err == nil {
			err = fillCreditNames(ctx, tx, cs)
		}
		if err != nil {
			return err
		}
		out = cs[0]
		return nil
	})
	if err != nil {
		return Credit{}, fmt.Errorf("catalog: add credit: %w", err)
	}
	return out, nil
}

// getPerson reads one person with their localized names, not their credits.
func getPerson(ctx context.Context, q store.Querier, id int64) (Person, error) {
	p := Person{ID: id}
	err := q.QueryRowContext(ctx, `SELECT name, gender FROM people WHERE id = $1`, id).Scan(&p.Name, &p.Gender)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, store.ErrNotFound
	}
	if err != nil {
		return Person{}, err
	}
	names, err := loadNames(ctx, q, `SELECT person_id, language, name FROM person_names WHERE person_id IN (%s)`, []int64{id})
	if err != nil {
		return Person{}, fmt.Errorf("person names: %w", err)
	}
	p.Names = cloneNames(names[id])
	return p, nil
}

// filmography reads the credits of a person, each with its title read light.
func filmography(ctx context.Context, q store.Querier, personID int64) ([]PersonCredit, error) {
	credits, err := readCredits(ctx, q, `WHERE c.person_id = $1`, personID)
	if err != nil {
		return nil, err
	}
	if err := fillCreditNames(ctx, q, credits); err != nil {
		return nil, err
	}
	titleIDs := make([]int64, len(credits))
	for i, c := range credits {
		titleIDs[i] = c.TitleID
	}
	var titles []Title
	err = inBatches(uniqueIDs(titleIDs), func(list string, args []any) error {
		batch, err := readTitles(ctx, q, `SELECT `+titleColumns+` FROM titles WHERE id IN (`+list+`)`, args...)
		titles = append(titles, batch...)
		return err
	})
	if err == nil {
		err = fillTitles(ctx, q, titles, false)
	}
	if err != nil {
		return nil, fmt.Errorf("filmography titles: %w", err)
	}
	byID := make(map[int64]Title, len(titles))
	for _, t := range titles {
		byID[t.ID] = t
	}
	out := make([]PersonCredit, len(credits))
	for i, c := range credits {
		c.Person = Person{} // the person is the one asked for
		out[i] = PersonCredit{Credit: c, Title: byID[c.TitleID]}
	}
	// Newest first; an unknown year (0) sorts as the oldest.
	year := func(y int) int {
		if y == 0 {
			return math.MinInt
		}
		return y
	}
	slices.SortFunc(out, func(a, b PersonCredit) int {
		return cmp.Or(cmp.Compare(year(b.Title.Year), year(a.Title.Year)), cmp.Compare(a.Title.ID, b.Title.ID),
			cmp.Compare(a.Credit.BillingOrder, b.Credit.BillingOrder), cmp.Compare(a.Credit.ID, b.Credit.ID))
	})
	return out, nil
}
