package catalog

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// batchSize bounds the ids in one IN list: far below the parameter limits
// of both engines (32766 on SQLite, 65535 on PostgreSQL).
const batchSize = 500

// inBatches calls fn for each batch of at most batchSize ids with the SQL
// list of placeholders for them ("$1,$2,$3") and the matching arguments.
// Only placeholders go into the SQL text, never values.
func inBatches(ids []int64, fn func(list string, args []any) error) error {
	for len(ids) > 0 {
		n := min(len(ids), batchSize)
		args := make([]any, n)
		for i := range n {
			args[i] = ids[i]
		}
		if err := fn(store.Placeholders(1, n), args); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// uniqueIDs returns the positive ids of ids, without repeats, in first-seen
// order.
func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

const titleColumns = `id, original_title, original_language, year, runtime_minutes, kind, min_age, source_work, created_at, metadata_pending`

// readTitles runs a query selecting titleColumns and returns the titles with
// their own columns only.
func readTitles(ctx context.Context, q store.Querier, query string, args ...any) ([]Title, error) {
	var out []Title
	err := store.EachRow(ctx, q, query, args, func(rows *sql.Rows) error {
		var t Title
		var year, runtime sql.NullInt64
		var created int64
		if err := rows.Scan(&t.ID, &t.OriginalTitle, &t.OriginalLanguage, &year, &runtime, &t.Kind, &t.MinAge, &t.SourceWork, &created, &t.MetadataPending); err != nil {
			return err
		}
		t.Year, t.RuntimeMinutes = int(year.Int64), int(runtime.Int64)
		t.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, t)
		return nil
	})
	return out, err
}

// fillTitles loads the genres, alternate titles and localizations of titles,
// and their credits when withCredits is set: one query per table for the
// whole batch.
func fillTitles(ctx context.Context, q store.Querier, titles []Title, withCredits bool) error {
	if len(titles) == 0 {
		return nil
	}
	at := make(map[int64]*Title, len(titles))
	ids := make([]int64, len(titles))
	for i := range titles {
		t := &titles[i]
		t.Genres, t.AlternateTitles, t.Localizations = []string{}, []AlternateTitle{}, []Localization{}
		if withCredits {
			t.Credits = []Credit{}
		}
		at[t.ID] = t
		ids[i] = t.ID
	}
	var credits []Credit
	err := inBatches(ids, func(list string, args []any) error {
		err := store.EachRow(ctx, q, `SELECT title_id, genre FROM title_genres WHERE title_id IN (`+list+`)`, args, func(rows *sql.Rows) error {
			var id int64
			var g string
			if err := rows.Scan(&id, &g); err != nil {
				return err
			}
			at[id].Genres = append(at[id].Genres, g)
			return nil
		})
		if err != nil {
			return fmt.Errorf("genres: %w", err)
		}
		err = store.EachRow(ctx, q, `SELECT title_id, title, language FROM title_alternate_titles WHERE title_id IN (`+list+`)`, args, func(rows *sql.Rows) error {
			var id int64
			var a AlternateTitle
			if err := rows.Scan(&id, &a.Title, &a.Language); err != nil {
				return err
			}
			at[id].AlternateTitles = append(at[id].AlternateTitles, a)
			return nil
		})
		if err != nil {
			return fmt.Errorf("alternate titles: %w", err)
		}
		err = store.EachRow(ctx, q, `SELECT title_id, language, title, synopsis FROM title_localizations WHERE title_id IN (`+list+`)`, args, func(rows *sql.Rows) error {
			var id int64
			var l Localization
			if err := rows.Scan(&id, &l.Language, &l.Title, &l.Synopsis); err != nil {
				return err
			}
			at[id].Localizations = append(at[id].Localizations, l)
			return nil
		})
		if err != nil {
			return fmt.Errorf("localizations: %w", err)
		}
		if withCredits {
			cs, err := readCredits(ctx, q, `WHERE c.title_id IN (`+list+`)`, args...)
			if err != nil {
				return err
			}
			credits = append(credits, cs...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if withCredits {
		if err := fillCreditNames(ctx, q, credits); err != nil {
			return err
		}
		for _, c := range credits {
			at[c.TitleID].Credits = append(at[c.TitleID].Credits, c)
		}
	}
	// Both engines sort text their own way (collations differ); sort here,
	// by bytes, so that the two give the same answer.
	for _, t := range at {
		slices.Sort(t.Genres)
		slices.SortFunc(t.AlternateTitles, func(a, b AlternateTitle) int {
			return cmp.Or(cmp.Compare(a.Language, b.Language), cmp.Compare(a.Title, b.Title))
		})
		slices.SortFunc(t.Localizations, func(a, b Localization) int { return cmp.Compare(a.Language, b.Language) })
		slices.SortStableFunc(t.Credits, func(a, b Credit) int {
			return cmp.Or(cmp.Compare(a.BillingOrder, b.BillingOrder), cmp.Compare(a.ID, b.ID))
		})
	}
	return nil
}

const creditSelect = `SELECT c.id, c.title_id, c.person_id, c.job, c.billing_order, c.character_name, p.name, p.gender
FROM credits c JOIN people p ON p.id = c.person_id `

// readCredits returns the credits that where (a WHERE clause on credits c)
// selects, each with its person's own columns; fillCreditNames adds the
// localized names.
func readCredits(ctx context.Context, q store.Querier, where string, args ...any) ([]Credit, error) {
	var out []Credit
	err := store.EachRow(ctx, q, creditSelect+where, args, func(rows *sql.Rows) error {
		var c Credit
		if err := rows.Scan(&c.ID, &c.TitleID, &c.PersonID, &c.Job, &c.BillingOrder, &c.Character, &c.Person.Name, &c.Person.Gender); err != nil {
			return err
		}
		c.Person.ID = c.PersonID
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("credits: %w", err)
	}
	return out, nil
}

// fillCreditNames loads the localized names of the credits' people and
// characters, one query per table for the batch.
func fillCreditNames(ctx context.Context, q store.Querier, credits []Credit) error {
	if len(credits) == 0 {
		return nil
	}
	personIDs := make([]int64, len(credits))
	creditIDs := make([]int64, len(credits))
	for i, c := range credits {
		personIDs[i], creditIDs[i] = c.PersonID, c.ID
	}
	people, err := loadNames(ctx, q, `SELECT person_id, language, name FROM person_names WHERE person_id IN (%s)`, personIDs)
	if err != nil {
		return fmt.Errorf("person names: %w", err)
	}
	characters, err := loadNames(ctx, q, `SELECT credit_id, language, name FROM credit_character_names WHERE credit_id IN (%s)`, creditIDs)
	if err != nil {
		return fmt.Errorf("character names: %w", err)
	}
	for i := range credits {
		c := &credits[i]
		c.Person.Names = cloneNames(people[c.PersonID])
		c.CharacterNames = cloneNames(characters[c.ID])
	}
	return nil
}

// loadNames runs query, whose %s is replaced by a list of placeholders, over
// ids and returns the names by owner, each list sorted by language.
func loadNames(ctx context.Context, q store.Querier, query string, ids []int64) (map[int64][]LocalizedName, error) {
	out := map[int64][]LocalizedName{}
	err := inBatches(uniqueIDs(ids), func(list string, args []any) error {
		return store.EachRow(ctx, q, fmt.Sprintf(query, list), args, func(rows *sql.Rows) error {
			var id int64
			var n LocalizedName
			if err := rows.Scan(&id, &n.Language, &n.Name); err != nil {
				return err
			}
			out[id] = append(out[id], n)
			return nil
		})
	})
	for _, names := range out {
		slices.SortFunc(names, func(a, b LocalizedName) int { return cmp.Compare(a.Language, b.Language) })
	}
	return out, err
}

// cloneNames returns a copy of names that is never nil, so that credits
// sharing a person do not share a slice and JSON shows [] rather than null.
func cloneNames(names []LocalizedName) []LocalizedName {
	return append([]LocalizedName{}, names...)
}

// insertPerson stores a validated new person with their names and returns
// the new ID.
func insertPerson(ctx context.Context, tx *sql.Tx, p Person, now int64) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO people (name, gender, created_at) VALUES ($1, $2, $3) RETURNING id`,
		p.Name, p.Gender, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert person: %w", err)
	}
	for _, n := range p.Names {
		if _, err := tx.ExecContext(ctx, `INSERT INTO person_names (person_id, language, name) VALUES ($1, $2, $3)`,
			id, n.Language, n.Name); err != nil {
			return 0, fmt.Errorf("insert person name: %w", err)
		}
	}
	return id, nil
}

// insertCredit stores a validated credit whose person exists and returns
// the new ID.
func insertCredit(ctx context.Context, tx *sql.Tx, titleID int64, c Credit) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO credits (title_id, person_id, job, billing_order, character_name) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		titleID, c.PersonID, c.Job, c.BillingOrder, c.Character).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert credit: %w", err)
	}
	for _, n := range c.CharacterNames {
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_character_names (credit_id, language, name) VALUES ($1, $2, $3)`,
			id, n.Language, n.Name); err != nil {
			return 0, fmt.Errorf("insert character name: %w", err)
		}
	}
	return id, nil
}

// resolvePerson makes sure the credit's person exists: it checks an
// existing PersonID (a FieldError on field when there is no such person) or
// creates the new Person. created remembers the people this transaction
// created, so that one new person credited twice is created once.
func resolvePerson(ctx context.Context, tx *sql.Tx, field string, c Credit, created map[string]int64, now int64) (int64, error) {
	if c.PersonID != 0 {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM people WHERE id = $1`, c.PersonID).Scan(&one)
		if err == sql.ErrNoRows {
			return 0, fieldErr(field, strconv.FormatInt(c.PersonID, 10), "no person has this ID")
		}
		if err != nil {
			return 0, fmt.Errorf("find person: %w", err)
		}
		return c.PersonID, nil
	}
	key := personKey(c.Person)
	if id, ok := created[key]; ok {
		return id, nil
	}
	id, err := insertPerson(ctx, tx, c.Person, now)
	if err != nil {
		return 0, err
	}
	created[key] = id
	return id, nil
}

// personKey identifies a new person by everything given about them.
func personKey(p Person) string {
	var b strings.Builder
	b.WriteString(p.Name)
	b.WriteByte(0)
	b.WriteString(p.Gender)
	for _, n := range p.Names {
		b.WriteByte(0)
		b.WriteString(n.Language)
		b.WriteByte(0)
		b.WriteString(n.Name)
	}
	return b.String()
}
