package rights

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/store"
)

const us = "Lineup" // the service's licensee in tests

// newTitle inserts a title and returns its id.
func newTitle(t testing.TB, db *store.DB, name string) int64 {
	t.Helper()
	var id int64
	err := db.QueryRowContext(context.Background(),
		`INSERT INTO titles (original_title, original_language, created_at) VALUES ($1, $2, $3) RETURNING id`,
		name, "zh", int64(1)).Scan(&id)
	if err != nil {
		t.Fatalf("insert title: %v", err)
	}
	return id
}

func newService(db *store.DB) *Service {
	return New(db, Config{Licensee: us, Titles: catalog.New(db), Now: func() time.Time { return mustTime("2018-06-01T00:00:00Z") }})
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustMoment(s string) Moment {
	m, err := ParseMoment(s)
	if err != nil {
		panic(err)
	}
	return m
}

// svod returns a worldwide SVOD license of the service from start to end
// ("" for open), non-exclusive; tests adjust the rest.
func svod(title int64, start, end string) License {
	return License{
		TitleID: title, Licensor: "Studio", Licensee: us, Type: SVOD,
		Territories: []string{"ZZ"}, Start: mustMoment(start), End: mustMoment(end),
	}
}

func with(l License, f func(*License)) License {
	f(&l)
	return l
}

// mustAdd adds a license unforced and fails the test on any error.
func mustAdd(t testing.TB, s *Service, l License) License {
	t.Helper()
	got, cs, err := s.Add(context.Background(), l, false)
	if err != nil {
		t.Fatalf("add license %+v: %v (conflicts %+v)", l, err, cs)
	}
	return got
}

// fieldOf returns the field of a *FieldError, failing when err is not one.
func fieldOf(t testing.TB, err error) *FieldError {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("want a *FieldError, got %T: %v", err, err)
	}
	return fe
}

func countRows(t testing.TB, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
