// Package editorial keeps the stories told around titles: interviews and
// articles, attached to titles and people, written in Markdown with a small
// convention (docs/editorial.md, Parse) and kept both as written and parsed
// into blocks: paragraphs, headings, questions, answers and images with
// caption and credit.
//
// Every answer belongs to a person credited on one of the story's titles;
// an import whose answer names anyone else is refused, and nothing is
// stored. HTML renders a story safely: all text is escaped and only the
// convention's formatting becomes markup.
//
// A Service is safe for concurrent use.
package editorial

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/store"
)

// Story kinds.
const (
	KindInterview = "interview"
	KindStory     = "story"
)

// BlockKind names what a Block is.
type BlockKind string

// The kinds of block a story's body is made of.
const (
	BlockParagraph BlockKind = "paragraph"
	BlockHeading   BlockKind = "heading"
	BlockQuestion  BlockKind = "question"
	BlockAnswer    BlockKind = "answer"
	BlockImage     BlockKind = "image"
)

// Story is an interview or article. Date is the publication day,
// YYYY-MM-DD. TitleIDs are the titles it is attached to, in the order the
// front matter gives them; PersonIDs the people it is about: those the
// front matter names, then everyone who answers, without repeats. Slug is
// its stable key: importing a story with the same slug replaces it, keeping
// its ID. Markdown is the text as imported.
type Story struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	Kind        string    `json:"kind"`
	Headline    string    `json:"headline"`
	Standfirst  string    `json:"standfirst,omitempty"`
	Publication string    `json:"publication,omitempty"`
	Author      string    `json:"author,omitempty"`
	Date        string    `json:"date"`
	Language    string    `json:"language,omitempty"`
	TitleIDs    []int64   `json:"title_ids"`
	PersonIDs   []int64   `json:"person_ids"`
	Blocks      []Block   `json:"blocks"`
	Markdown    string    `json:"markdown,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Block is one piece of a story's body. Text is in the convention's inline
// syntax (*emphasis*, **strong**); an answer's paragraphs are separated by
// a blank line ("\n\n"). An answer has the Speaker label as written and the
// credited PersonID it resolved to; an image block has Image and no Text.
type Block struct {
	Kind     BlockKind `json:"kind"`
	Text     string    `json:"text,omitempty"`
	Speaker  string    `json:"speaker,omitempty"`
	PersonID int64     `json:"person_id,omitempty"`
	Image    *Image    `json:"image,omitempty"`
}

// Image is a still or photograph in a story: Key is a blob key of the media
// store ("stills/us-and-them-1.png") or an http(s) URL.
type Image struct {
	Key     string `json:"key"`
	Caption string `json:"caption"`
	Credit  string `json:"credit,omitempty"`
}

// Images returns the story's images in order.
func (s Story) Images() []Image {
	var out []Image
	for _, b := range s.Blocks {
		if b.Image != nil {
			out = append(out, *b.Image)
		}
	}
	return out
}

// ErrNotCredited is matched (errors.Is) by an *ImportError one of whose
// answers names a person who is not credited on the story's titles.
var ErrNotCredited = errors.New("answer by a person not credited on the title")

// Problem is one thing wrong with a story: the line (1-based; 0 for the
// whole text), the front matter key or block kind, the value as written and
// the reason.
type Problem struct {
	Line   int    `json:"line"`
	Field  string `json:"field,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`

	notCredited bool
}

// ImportError reports every problem of a refused story. Nothing was
// stored.
type ImportError struct {
	Problems []Problem
}

// Error lists the problems, one per line after the first.
func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "editorial: story refused, nothing stored: %d problem(s)", len(e.Problems))
	for _, p := range e.Problems {
		if p.Line > 0 {
			fmt.Fprintf(&b, "\n  line %d", p.Line)
		} else {
			b.WriteString("\n  story")
		}
		if p.Field != "" {
			fmt.Fprintf(&b, ", %s", p.Field)
		}
		if p.Value != "" {
			fmt.Fprintf(&b, " (%q)", p.Value)
		}
		fmt.Fprintf(&b, ": %s", p.Reason)
	}
	return b.String()
}

// Is reports whether target is ErrNotCredited and an answer was refused
// for naming someone not credited.
func (e *ImportError) Is(target error) bool {
	if target != ErrNotCredited {
		return false
	}
	return slices.ContainsFunc(e.Problems, func(p Problem) bool { return p.notCredited })
}

func (e *ImportError) add(line int, field, value, reason string) {
	if utf8.RuneCountInString(value) > 80 {
		value = string([]rune(value)[:80]) + "…"
	}
	e.Problems = append(e.Problems, Problem{Line: line, Field: field, Value: value, Reason: reason})
}

// Service imports and reads stories in a store.DB, resolving titles and
// people through the catalogue.
type Service struct {
	db  *store.DB
	cat *catalog.Service
	now func() time.Time
}

// New returns a Service over db and the catalogue cat. The caller keeps
// ownership of both.
func New(db *store.DB, cat *catalog.Service) *Service {
	return &Service{db: db, cat: cat, now: time.Now}
}

// Import parses a story written in the convention (see Parse), resolves its
// titles (a Lineup title ID, "lineup:title:ID", or a name one title has),
// its people (by a name of theirs) and each answer's speaker (a name, in
// any language the catalogue has, of a person credited on one of the
// story's titles; case does not count), and stores it in one transaction:
// a new story, or the replacement of the story with the same slug. Any
// problem refuses the whole story with an *ImportError that lists them all;
// one whose answer names someone not credited also matches ErrNotCredited.
func (s *Service) Import(ctx context.Context, markdown []byte) (Story, error) {
	d, err := Parse(markdown)
	if err != nil {
		return Story{}, err
	}
	st := d.Story
	ie := &ImportError{}
	type credited struct {
		id    int64
		names []string
	}
	var people []credited
	var titleNames []string
	for _, ref := range d.TitleRefs {
		id, err := s.resolveTitle(ctx, ref.Value)
		if err != nil {
			if ctx.Err() != nil {
				return Story{}, ctx.Err()
			}
			ie.add(ref.Line, "title", ref.Value, "unknown title: "+err.Error())
			continue
		}
		t, err := s.cat.GetTitle(ctx, id)
		if err != nil {
			return Story{}, fmt.Errorf("editorial: import: %w", err)
		}
		if !slices.Contains(st.TitleIDs, id) {
			st.TitleIDs = append(st.TitleIDs, id)
		}
		titleNames = append(titleNames, fmt.Sprintf("%s (title %d)", t.OriginalTitle, t.ID))
		for _, c := range t.Credits {
			if slices.ContainsFunc(people, func(p credited) bool { return p.id == c.PersonID }) {
				continue
			}
			names := []string{c.Person.Name}
			for _, n := range c.Person.Names {
				names = append(names, n.Name)
			}
			people = append(people, credited{id: c.PersonID, names: names})
		}
	}
	for _, ref := range d.PersonRefs {
		p, err := s.cat.FindPersonByName(ctx, ref.Value)
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				return Story{}, fmt.Errorf("editorial: import: %w", err)
			}
			ie.add(ref.Line, "person", ref.Value, "no person in the catalogue has this name")
			continue
		}
		if !slices.Contains(st.PersonIDs, p.ID) {
			st.PersonIDs = append(st.PersonIDs, p.ID)
		}
	}
	if len(ie.Problems) == 0 { // speakers only make sense once every title resolved
		for i := range st.Blocks {
			b := &st.Blocks[i]
			if b.Kind != BlockAnswer {
				continue
			}
			var match []int64
			for _, p := range people {
				if slices.ContainsFunc(p.names, func(n string) bool { return strings.EqualFold(strings.TrimSpace(n), b.Speaker) }) {
					match = append(match, p.id)
				}
			}
			switch len(match) {
			case 1:
				b.PersonID = match[0]
				if !slices.Contains(st.PersonIDs, match[0]) {
					st.PersonIDs = append(st.PersonIDs, match[0])
				}
			case 0:
				var who []string
				for _, p := range people {
					who = append(who, strings.Join(uniq(p.names), " / "))
				}
				ie.Problems = append(ie.Problems, Problem{Line: d.BlockLines[i], Field: "answer", Value: b.Speaker,
					Reason: fmt.Sprintf("%s is not credited on %s; an answer must come from a credited person: %s",
						b.Speaker, strings.Join(titleNames, ", "), strings.Join(who, "; ")), notCredited: true})
			default:
				ie.add(d.BlockLines[i], "answer", b.Speaker, fmt.Sprintf("several credited people are called %s (person IDs %v); label the answer with a name only one of them has", b.Speaker, match))
			}
		}
	}
	if len(ie.Problems) > 0 {
		return Story{}, ie
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM stories WHERE slug = $1`, st.Slug).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.QueryRowContext(ctx, `INSERT INTO stories (slug, kind, headline, standfirst, publication, author, published_on, language, markdown, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
				st.Slug, st.Kind, st.Headline, st.Standfirst, st.Publication, st.Author, st.Date, st.Language, st.Markdown, now.UnixMilli()).Scan(&id)
			if err != nil {
				return fmt.Errorf("insert story: %w", err)
			}
		case err != nil:
			return fmt.Errorf("find story: %w", err)
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE stories SET kind = $1, headline = $2, standfirst = $3, publication = $4, author = $5,
published_on = $6, language = $7, markdown = $8, updated_at = $9 WHERE id = $10`,
				st.Kind, st.Headline, st.Standfirst, st.Publication, st.Author, st.Date, st.Language, st.Markdown, now.UnixMilli(), id); err != nil {
				return fmt.Errorf("update story: %w", err)
			}
			for _, table := range []string{"story_titles", "story_people", "story_blocks"} {
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE story_id = $1`, id); err != nil {
					return fmt.Errorf("replace story: %w", err)
				}
			}
		}
		for i, t := range st.TitleIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO story_titles (story_id, title_id, position) VALUES ($1, $2, $3)`, id, t, i); err != nil {
				return fmt.Errorf("attach title: %w", err)
			}
		}
		for i, p := range st.PersonIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO story_people (story_id, person_id, position) VALUES ($1, $2, $3)`, id, p, i); err != nil {
				return fmt.Errorf("attach person: %w", err)
			}
		}
		for i, b := range st.Blocks {
			var person sql.NullInt64
			if b.PersonID != 0 {
				person = sql.NullInt64{Int64: b.PersonID, Valid: true}
			}
			var img Image
			if b.Image != nil {
				img = *b.Image
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO story_blocks (story_id, position, kind, body, speaker, person_id, image_key, caption, credit)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, i, string(b.Kind), b.Text, b.Speaker, person, img.Key, img.Caption, img.Credit); err != nil {
				return fmt.Errorf("store block %d: %w", i, err)
			}
		}
		st.ID = id
		return nil
	})
	if err != nil {
		return Story{}, fmt.Errorf("editorial: import: %w", err)
	}
	return s.Get(ctx, st.ID)
}

func uniq(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// resolveTitle finds a title by "42", "lineup:title:42" or a name.
func (s *Service) resolveTitle(ctx context.Context, ref string) (int64, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		ref = catalog.TitleRefPrefix + strconv.FormatInt(id, 10)
	}
	return s.cat.ResolveTitleRef(ctx, ref, "", ref)
}

// Get returns the story with its titles, people and blocks. A missing story
// is an error wrapping store.ErrNotFound.
func (s *Service) Get(ctx context.Context, id int64) (Story, error) {
	stories, err := s.load(ctx, `WHERE id = $1`, id)
	if err != nil {
		return Story{}, fmt.Errorf("editorial: get story %d: %w", id, err)
	}
	if len(stories) == 0 {
		return Story{}, fmt.Errorf("editorial: get story %d: %w", id, store.ErrNotFound)
	}
	return stories[0], nil
}

// GetBySlug returns the story with the given slug, as Get does.
func (s *Service) GetBySlug(ctx context.Context, slug string) (Story, error) {
	stories, err := s.load(ctx, `WHERE slug = $1`, slug)
	if err != nil {
		return Story{}, fmt.Errorf("editorial: get story %q: %w", slug, err)
	}
	if len(stories) == 0 {
		return Story{}, fmt.Errorf("editorial: get story %q: %w", slug, store.ErrNotFound)
	}
	return stories[0], nil
}

// ForTitle returns the stories attached to a title, newest publication day
// first (then newest ID); none is an empty slice.
func (s *Service) ForTitle(ctx context.Context, titleID int64) ([]Story, error) {
	out, err := s.load(ctx, `WHERE id IN (SELECT story_id FROM story_titles WHERE title_id = $1)`, titleID)
	if err != nil {
		return nil, fmt.Errorf("editorial: stories of title %d: %w", titleID, err)
	}
	return out, nil
}

// ForPerson returns the stories about a person (named in the front matter
// or answering in them), newest first; none is an empty slice.
func (s *Service) ForPerson(ctx context.Context, personID int64) ([]Story, error) {
	out, err := s.load(ctx, `WHERE id IN (SELECT story_id FROM story_people WHERE person_id = $1)`, personID)
	if err != nil {
		return nil, fmt.Errorf("editorial: stories of person %d: %w", personID, err)
	}
	return out, nil
}

// Delete removes a story. A missing story is an error wrapping
// store.ErrNotFound.
func (s *Service) Delete(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM stories WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("editorial: delete story %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("editorial: delete story %d: %w", id, store.ErrNotFound)
	}
	return nil
}

// load reads the stories a WHERE clause selects, with one query per table.
func (s *Service) load(ctx context.Context, where string, args ...any) ([]Story, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, slug, kind, headline, standfirst, publication, author, published_on, language, markdown, created_at, updated_at
FROM stories `+where+` ORDER BY published_on DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	out := []Story{}
	index := map[int64]int{}
	for rows.Next() {
		var st Story
		var created, updated int64
		if err := rows.Scan(&st.ID, &st.Slug, &st.Kind, &st.Headline, &st.Standfirst, &st.Publication, &st.Author, &st.Date,
			&st.Language, &st.Markdown, &created, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		st.CreatedAt, st.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
		st.TitleIDs, st.PersonIDs, st.Blocks = []int64{}, []int64{}, []Block{}
		index[st.ID] = len(out)
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	inList, inArgs := idList(out)
	scan := func(query string, fn func(*sql.Rows) error) error {
		return store.EachRow(ctx, s.db, query, inArgs, fn)
	}
	err = scan(`SELECT story_id, title_id FROM story_titles WHERE story_id IN (`+inList+`) ORDER BY story_id, position`, func(r *sql.Rows) error {
		var sid, tid int64
		if err := r.Scan(&sid, &tid); err != nil {
			return err
		}
		out[index[sid]].TitleIDs = append(out[index[sid]].TitleIDs, tid)
		return nil
	})
	if err == nil {
		err = scan(`SELECT story_id, person_id FROM story_people WHERE story_id IN (`+inList+`) ORDER BY story_id, position`, func(r *sql.Rows) error {
			var sid, pid int64
			if err := r.Scan(&sid, &pid); err != nil {
				return err
			}
			out[index[sid]].PersonIDs = append(out[index[sid]].PersonIDs, pid)
			return nil
		})
	}
	if err == nil {
		err = scan(`SELECT story_id, kind, body, speaker, person_id, image_key, caption, credit FROM story_blocks WHERE story_id IN (`+inList+`) ORDER BY story_id, position`, func(r *sql.Rows) error {
			var sid int64
			var b Block
			var kind string
			var person sql.NullInt64
			var img Image
			if err := r.Scan(&sid, &kind, &b.Text, &b.Speaker, &person, &img.Key, &img.Caption, &img.Credit); err != nil {
				return err
			}
			b.Kind, b.PersonID = BlockKind(kind), person.Int64
			if b.Kind == BlockImage {
				b.Image = &img
			}
			out[index[sid]].Blocks = append(out[index[sid]].Blocks, b)
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// idList returns "$1, $2, …" and the stories' IDs as arguments.
func idList(stories []Story) (string, []any) {
	args := make([]any, len(stories))
	for i, st := range stories {
		args[i] = st.ID
	}
	return store.Placeholders(1, len(stories)), args
}

// ProblemRows returns the problems for an API answer that lists them.
func (e *ImportError) ProblemRows() any { return e.Problems }

// InvalidField summarizes the first problem (field, value, reason), for
// callers that show one line.
func (e *ImportError) InvalidField() (field, value, reason string) {
	if len(e.Problems) == 0 {
		return "story", "", "the story was refused"
	}
	p := e.Problems[0]
	return p.Field, p.Value, fmt.Sprintf("line %d: %s", p.Line, p.Reason)
}
