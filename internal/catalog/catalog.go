// Package catalog keeps Lineup's catalogue: titles with their localized
// titles and synopses, alternate titles, genres and maturity, the people who
// made them with their names in other languages, and the credits that join
// the two (job, billing order, character).
//
// Every write is validated first (see FieldError) and stored in one
// transaction, so that a rejected title leaves nothing behind. Reads load a
// batch of titles with one query per table, never one query per row.
//
// A Service is safe for concurrent use.
package catalog

import (
	"time"

	"github.com/lineup/lineup/internal/store"
)

// Title kinds accepted by CreateTitle.
const (
	KindMovie       = "movie"
	KindSeries      = "series"
	KindEpisode     = "episode"
	KindShort       = "short"
	KindDocumentary = "documentary"
)

// Genders accepted for a Person; the empty string means not stated.
const (
	GenderFemale    = "female"
	GenderMale      = "male"
	GenderNonbinary = "nonbinary"
)

// Title is a film, series, episode, short or documentary.
//
// Year and RuntimeMinutes are 0 when unknown. MinAge is the maturity rating
// as a minimum viewer age, 0 meaning all ages. Genres are lowercase and
// sorted. Credits are ordered by billing order and filled only by reads that
// say so (GetTitle, CreateTitle); the light reads (ListTitles, GetTitles)
// leave them nil.
type Title struct {
	ID               int64            `json:"id"`
	OriginalTitle    string           `json:"original_title"`
	OriginalLanguage string           `json:"original_language"`
	Year             int              `json:"year"`
	RuntimeMinutes   int              `json:"runtime_minutes"`
	Kind             string           `json:"kind"`
	MinAge           int              `json:"min_age"`
	SourceWork       string           `json:"source_work"`
	Genres           []string         `json:"genres"`
	AlternateTitles  []AlternateTitle `json:"alternate_titles"`
	Localizations    []Localization   `json:"localizations"`
	Credits          []Credit         `json:"credits,omitempty"`
	CreatedAt        time.Time        `json:"created_at"`
	// MetadataPending is true for a title created from an avails row, which
	// knows little more than a name, a year and identifiers, until someone
	// completes it (CompleteMetadata).
	MetadataPending bool `json:"metadata_pending"`
}

// AlternateTitle is another name a title is known by (a festival title, a
// working title, a transliteration). Language is a BCP-47 tag, or empty when
// the name belongs to no one language.
type AlternateTitle struct {
	Title    string `json:"title"`
	Language string `json:"language"`
}

// Localization is a title and synopsis in one language, a BCP-47 tag. Either
// Title or Synopsis may be empty, not both.
type Localization struct {
	Language string `json:"language"`
	Title    string `json:"title"`
	Synopsis string `json:"synopsis"`
}

// Person is someone credited on a title. Name is the name as credited in
// the original work; Names holds the same person's name in other languages.
// Credits, the titles they worked on, is filled only by GetPerson.
type Person struct {
	ID      int64           `json:"id"`
	Name    string          `json:"name"`
	Gender  string          `json:"gender"`
	Names   []LocalizedName `json:"names"`
	Credits []PersonCredit  `json:"credits,omitempty"`
}

// LocalizedName is a name in one language, a BCP-47 tag.
type LocalizedName struct {
	Language string `json:"language"`
	Name     string `json:"name"`
}

// Credit is one person's part in one title: a job (director, actor,
// producer, writer, cinematographer, composer, editor and so on, stored
// lowercase), where they are billed (lower first), and for a performer the
// character, as named in the original and in other languages.
//
// On input a credit names an existing person by PersonID, or carries a new
// Person (ID 0) to be created with it. On read PersonID and Person are both
// filled, except inside a PersonCredit where the person is already known.
type Credit struct {
	ID             int64           `json:"id"`
	TitleID        int64           `json:"title_id"`
	PersonID       int64           `json:"person_id"`
	Person         Person          `json:"person,omitzero"`
	Job            string          `json:"job"`
	BillingOrder   int             `json:"billing_order"`
	Character      string          `json:"character"`
	CharacterNames []LocalizedName `json:"character_names"`
}

// PersonCredit is one entry of a person's filmography: the credit and the
// title it belongs to, read light (no credits of its own).
type PersonCredit struct {
	Credit Credit `json:"credit"`
	Title  Title  `json:"title"`
}

// ListQuery selects a page of titles for ListTitles, in ID order.
type ListQuery struct {
	// Limit is the page size: 0 means 50, and anything above 200 is 200.
	Limit int
	// After is the last ID of the previous page (keyset pagination);
	// 0 starts at the beginning.
	After int64
	// Genre, when set, keeps only titles of that genre (matched as
	// CreateTitle stores it: trimmed and lowercase).
	Genre string
}

// Service reads and writes the catalogue in a store.DB.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Service over db. The caller keeps ownership of db and closes
// it after the Service is no longer used.
func New(db *store.DB) *Service {
	return &Service{db: db, now: time.Now}
}
