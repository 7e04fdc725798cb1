package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// Config is what a Service needs to know about the service it answers for.
type Config struct {
	// Licensee is this service's name as it appears on licenses: only
	// licenses whose licensee is this name make titles available, compared
	// case-insensitively after trimming (see FoldName).
	Licensee string
	// Offered lists the license types the service exploits; nil means SVOD.
	Offered []LicenseType
	// ComingSoonHorizon is how far ahead the coming-soon row looks; zero
	// means 60 days.
	ComingSoonHorizon time.Duration
	// LeavingSoonWithin is how many days ahead (from today's local date)
	// the leaving-soon row looks for last days; zero means 30.
	LeavingSoonWithin int
	// Now returns the current instant; nil means time.Now.
	Now func() time.Time
	// Notify, when not nil, is told of every license added (Add, AddAll;
	// not the trusted bulk Import), amended, terminated and withdrawn,
	// after the change is committed (see Event). It must not block for
	// long; a change is not undone when telling fails.
	Notify func(ctx context.Context, e Event)
}

// Service stores licenses and answers questions about them. It is safe for
// concurrent use.
type Service struct {
	db       *store.DB
	cfg      Config
	offered  map[LicenseType]bool
	licensee string // cfg.Licensee folded, as license_windows keeps it
	typeArgs []any  // offered types as query arguments, sorted

	sqlAvailability string
	sqlAvailableNow string
	sqlComingSoon   string
	sqlLeavingSoon  string

	sqlAvailabilityAsOf string
	sqlAvailableNowAsOf string
	sqlComingSoonAsOf   string
	sqlLeavingSoonAsOf  string

	// written counts the windows this Service has stored; when it passes
	// nextOptimize, the planner statistics are refreshed (see Optimize).
	mu           sync.Mutex
	written      int64
	nextOptimize int64
}

// firstOptimize is how many windows a Service writes before it first
// refreshes the planner statistics; the threshold doubles after each run.
const firstOptimize = 2000

// New returns a Service over db, which must be migrated. Zero fields of cfg
// take their defaults (see Config).
func New(db *store.DB, cfg Config) *Service {
	if len(cfg.Offered) == 0 {
		cfg.Offered = []LicenseType{SVOD}
	}
	if cfg.ComingSoonHorizon <= 0 {
		cfg.ComingSoonHorizon = 60 * 24 * time.Hour
	}
	if cfg.LeavingSoonWithin <= 0 {
		cfg.LeavingSoonWithin = 30
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{db: db, cfg: cfg, offered: map[LicenseType]bool{}, licensee: FoldName(cfg.Licensee), nextOptimize: firstOptimize}
	var types []string
	for _, t := range cfg.Offered {
		if ct, err := ParseLicenseType(string(t)); err == nil && !s.offered[ct] {
			s.offered[ct] = true
			types = append(types, string(ct))
		}
	}
	sort.Strings(types)
	for _, t := range types {
		s.typeArgs = append(s.typeArgs, t)
	}
	s.buildQueries()
	return s
}

// Offers reports whether the service exploits licenses of type t.
func (s *Service) Offers(t LicenseType) bool { return s.offered[t] }

func (s *Service) now() time.Time { return s.cfg.Now() }

// Check validates l and returns the conflicts it would have with the
// licenses stored now, without storing anything. An invalid license or an
// unknown title is a *FieldError.
func (s *Service) Check(ctx context.Context, l License) ([]Conflict, error) {
	r, err := resolve(l)
	if err != nil {
		return nil, err
	}
	if err := titleExists(ctx, s.db, r.l.TitleID, false, s.db.Dialect); err != nil {
		return nil, err
	}
	cs, err := s.conflicts(ctx, s.db, r, 0)
	if err != nil {
		return nil, fmt.Errorf("rights: check license: %w", err)
	}
	return cs, nil
}

// Add validates l, finds its conflicts with the stored licenses and stores
// it. When it conflicts and force is false, Add stores nothing and returns
// the conflicts in a *ConflictError; when force is true, it stores the
// license with Forced set, records every conflict (see RecordedConflicts)
// and returns them. The returned License is as stored: ID and CreatedAt
// set, names trimmed, instants in UTC at millisecond precision. An invalid
// license or an unknown title is a *FieldError.
//
// Adds for the same title are serialized (on PostgreSQL by a row lock on the
// title), so two conflicting licenses cannot both slip in unforced.
func (s *Service) Add(ctx context.Context, l License, force bool) (License, []Conflict, error) {
	r, err := resolve(l)
	if err != nil {
		return License{}, nil, err
	}
	var out License
	var cs []Conflict
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, cs, err = s.add(ctx, tx, r, force, nil)
		return err
	})
	if err != nil {
		return License{}, cs, err
	}
	s.grew(ctx, len(r.windows))
	s.notify(ctx, EventCreated, out, Change{})
	return out, cs, nil
}

// AddAll adds a batch of licenses in one transaction, all or nothing. Each
// license is checked, in order, against the stored licenses and the ones
// before it in the batch. When one is invalid, or conflicts while force is
// false, nothing is stored and the error is a *BatchError naming the entry
// and wrapping its *FieldError or *ConflictError; a conflict with an earlier
// entry of the batch has OtherID 0 and OtherEntry set. With force, every
// conflicting license is stored with Forced set and its conflicts recorded.
func (s *Service) AddAll(ctx context.Context, ls []License, force bool) ([]License, error) {
	rs := make([]*resolved, len(ls))
	for i, l := range ls {
		r, err := resolve(l)
		if err != nil {
			return nil, &BatchError{Entry: i + 1, Err: err}
		}
		rs[i] = r
	}
	out := make([]License, len(ls))
	windows := 0
	for _, r := range rs {
		windows += len(r.windows)
	}
	var entryOf map[int64]int // id within the transaction → 1-based entry
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		entryOf = map[int64]int{} // InTx may run this again
		for i, r := range rs {
			l, _, err := s.add(ctx, tx, r, force, entryOf)
			if err != nil {
				return &BatchError{Entry: i + 1, Err: err}
			}
			out[i] = l
			entryOf[l.ID] = i + 1
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.grew(ctx, windows)
	for _, l := range out {
		s.notify(ctx, EventCreated, l, Change{})
	}
	return out, nil
}

// add stores one resolved license inside tx after checking its conflicts.
// entryOf, when not nil, maps ids stored earlier in the same batch to their
// entries, for the report of a refused batch.
func (s *Service) add(ctx context.Context, tx *sql.Tx, r *resolved, force bool, entryOf map[int64]int) (License, []Conflict, error) {
	if err := titleExists(ctx, tx, r.l.TitleID, true, s.db.Dialect); err != nil {
		return License{}, nil, err
	}
	cs, err := s.conflicts(ctx, tx, r, 0)
	if err != nil {
		return License{}, nil, fmt.Errorf("rights: add license: %w", err)
	}
	if len(cs) > 0 && !force {
		for i := range cs {
			if e, ok := entryOf[cs[i].OtherID]; ok {
				cs[i].OtherID, cs[i].OtherEntry = 0, e
			}
		}
		return License{}, cs, &ConflictError{Conflicts: cs}
	}
	r.l.Forced = len(cs) > 0
	r.l.CreatedAt = time.UnixMilli(s.now().UnixMilli()).UTC()
	if err := insertLicenses(ctx, tx, s.db.Dialect, []*resolved{r}); err != nil {
		return License{}, nil, fmt.Errorf("rights: add license: %w", err)
	}
	for i := range cs {
		cs[i].LicenseID = r.l.ID
	}
	if err := insertConflicts(ctx, tx, s.db.Dialect, r.l.TitleID, cs, r.l.CreatedAt); err != nil {
		return License{}, nil, fmt.Errorf("rights: record conflicts: %w", err)
	}
	return r.l, cs, nil
}

// Import stores a batch of licenses in one transaction WITHOUT looking for
// conflicts: it is for trusted bulk loads (a migration from another system,
// a benchmark's fixture), where the caller vouches that the rights agree.
// Every license is still validated, and an invalid one (or one whose title
// does not exist) fails the whole batch with a *BatchError. Licenses are
// written with multi-row statements, so a batch of a few thousand licenses
// per call loads fastest.
func (s *Service) Import(ctx context.Context, ls []License) error {
	rs := make([]*resolved, len(ls))
	now := time.UnixMilli(s.now().UnixMilli()).UTC()
	windows := 0
	for i, l := range ls {
		r, err := resolve(l)
		if err != nil {
			return &BatchError{Entry: i + 1, Err: err}
		}
		r.l.CreatedAt = now
		rs[i] = r
		windows += len(r.windows)
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		return insertLicenses(ctx, tx, s.db.Dialect, rs)
	})
	if err != nil {
		if isForeignKeyViolation(err) {
			return &FieldError{Field: "title_id", Reason: "a license of the batch names a title that does not exist"}
		}
		return fmt.Errorf("rights: import licenses: %w", err)
	}
	s.grew(ctx, windows)
	return nil
}

// Optimize refreshes the database's planner statistics for the rights
// tables (ANALYZE; on SQLite with a sampling limit, so it takes
// milliseconds even on millions of rows).
//
// The lineup and availability queries need them on SQLite: without
// statistics its planner cannot tell that (title, territory) is far more
// selective than (territory, licensee) and picks plans that scan a whole
// territory per title. A Service runs Optimize by itself each time the
// windows it has written since it started double (from 2,000), which covers
// bulk loads; an application should also call it at start-up and, say,
// daily. It is safe to call concurrently with everything else.
func (s *Service) Optimize(ctx context.Context) error {
	q := `ANALYZE license_windows; ANALYZE licenses; ANALYZE holdbacks`
	if s.db.Dialect == store.SQLite {
		q = `PRAGMA analysis_limit = 1000; ` + q
	}
	for _, stmt := range strings.Split(q, "; ") {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("rights: optimize: %w", err)
		}
	}
	return nil
}

// grew counts windows written and runs Optimize when they pass the next
// threshold. A failure is not the writer's: the statistics stay as they
// were and the next threshold tries again.
func (s *Service) grew(ctx context.Context, windows int) {
	s.mu.Lock()
	s.written += int64(windows)
	due := s.written >= s.nextOptimize
	if due {
		s.nextOptimize = 2 * s.written
	}
	s.mu.Unlock()
	if due {
		_ = s.Optimize(ctx) // best effort, see above
	}
}

func isForeignKeyViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}

// titleExists returns a *FieldError when the title does not exist. With
// lock, on PostgreSQL, it also locks the title's row until the transaction
// ends, which serializes license changes of one title. (SQLite transactions
// here begin IMMEDIATE and so are serialized already.)
func titleExists(ctx context.Context, q store.Querier, id int64, lock bool, d store.Dialect) error {
	query := `SELECT id FROM titles WHERE id = $1`
	if lock && d == store.Postgres {
		query += ` FOR NO KEY UPDATE`
	}
	var got int64
	err := q.QueryRowContext(ctx, query, id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return &FieldError{Field: "title_id", Value: strconv.FormatInt(id, 10), Reason: fmt.Sprintf("there is no title %d: create the title first", id)}
	}
	if err != nil {
		return fmt.Errorf("rights: look up title %d: %w", id, err)
	}
	return nil
}

// Get returns the license with that id, or an error wrapping
// store.ErrNotFound.
func (s *Service) Get(ctx context.Context, id int64) (License, error) {
	ls, err := s.list(ctx, `WHERE id = $1`, `WHERE license_id = $1`, 0, id)
	if err != nil {
		return License{}, fmt.Errorf("rights: get license %d: %w", id, err)
	}
	if len(ls) == 0 {
		return License{}, fmt.Errorf("rights: license %d: %w", id, store.ErrNotFound)
	}
	return ls[0], nil
}

// List returns the licenses of a title, or of every title when titleID is
// 0, ordered by id. An unknown title has no licenses: the result is empty,
// not an error.
func (s *Service) List(ctx context.Context, titleID int64) ([]License, error) {
	var ls []License
	var err error
	if titleID == 0 {
		ls, err = s.list(ctx, ``, ``, 0)
	} else {
		ls, err = s.list(ctx, `WHERE title_id = $1`, `WHERE title_id = $1`, 0, titleID)
	}
	if err != nil {
		return nil, fmt.Errorf("rights: list licenses: %w", err)
	}
	return ls, nil
}

// MaxPage is the most licenses ListPage returns at once.
const MaxPage = 1000

// ListPage returns one page of licenses ordered by id: those with an id
// above after, of one title or of every title when titleID is 0, at most
// limit of them (100 when limit is 0 or less, MaxPage at most). more
// reports whether another page follows; ask for it with after set to the
// last id of this one.
func (s *Service) ListPage(ctx context.Context, titleID, after int64, limit int) (ls []License, more bool, err error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, MaxPage)
	where, args := `WHERE id > $1`, []any{after}
	if titleID != 0 {
		where += ` AND title_id = $2`
		args = append(args, titleID)
	}
	// One more than asked tells whether another page follows.
	page := where + ` ORDER BY id LIMIT ` + strconv.Itoa(limit+1)
	ls, err = s.list(ctx, where, `WHERE license_id IN (SELECT id FROM licenses `+page+`)`, limit+1, args...)
	if err != nil {
		return nil, false, fmt.Errorf("rights: list licenses: %w", err)
	}
	if len(ls) > limit {
		return ls[:limit], true, nil
	}
	return ls, false, nil
}

const licenseColumns = `id, title_id, licensor, licensee, license_type, territories, excluded_territories,
	start_date, start_at, end_date, end_at, exclusive, original_branding, forced, external_id, created_at,
	status, version, updated_at, zone`

// list reads the licenses where picks, ordered by id and at most limit of
// them when limit > 0, with the holdbacks holdbackWhere picks (both take
// args).
func (s *Service) list(ctx context.Context, where, holdbackWhere string, limit int, args ...any) ([]License, error) {
	return listIn(ctx, s.db, where, holdbackWhere, limit, args...)
}

// listIn is list on q, which may be a transaction.
func listIn(ctx context.Context, q store.Querier, where, holdbackWhere string, limit int, args ...any) ([]License, error) {
	query := `SELECT ` + licenseColumns + ` FROM licenses ` + where + ` ORDER BY id`
	if limit > 0 {
		query += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ls := []License{}
	byID := map[int64]int{}
	for rows.Next() {
		var l License
		var typ, terr, excl string
		var startDate, endDate sql.NullString
		var startAt, endAt sql.NullInt64
		var created, updated int64
		var status string
		if err := rows.Scan(&l.ID, &l.TitleID, &l.Licensor, &l.Licensee, &typ, &terr, &excl,
			&startDate, &startAt, &endDate, &endAt, &l.Exclusive, &l.OriginalBranding, &l.Forced, &l.ExternalID, &created,
			&status, &l.Version, &updated, &l.Zone); err != nil {
			return nil, err
		}
		l.Status = Status(status)
		l.UpdatedAt = time.UnixMilli(updated).UTC()
		l.Type = LicenseType(typ)
		l.Territories = splitList(terr)
		l.Excluded = splitList(excl)
		l.Start = momentOf(startDate, startAt)
		l.End = momentOf(endDate, endAt)
		l.CreatedAt = time.UnixMilli(created).UTC()
		l.Holdbacks = []Holdback{}
		byID[l.ID] = len(ls)
		ls = append(ls, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(ls) == 0 {
		return ls, nil
	}
	hrows, err := q.QueryContext(ctx, `SELECT license_id, license_types, territories, until_date, until_at
		FROM holdbacks `+holdbackWhere+` ORDER BY license_id, id`, args...)
	if err != nil {
		return nil, err
	}
	defer hrows.Close()
	for hrows.Next() {
		var id int64
		var types, terr string
		var untilDate sql.NullString
		var untilAt sql.NullInt64
		if err := hrows.Scan(&id, &types, &terr, &untilDate, &untilAt); err != nil {
			return nil, err
		}
		i, ok := byID[id]
		if !ok {
			continue
		}
		h := Holdback{Territories: splitList(terr), Until: momentOf(untilDate, untilAt)}
		for _, t := range splitList(types) {
			h.LicenseTypes = append(h.LicenseTypes, LicenseType(t))
		}
		ls[i].Holdbacks = append(ls[i].Holdbacks, h)
	}
	return ls, hrows.Err()
}

// RecordedConflicts returns the conflicts recorded when licenses were
// forced, for one title or for all when titleID is 0, in the order they
// were recorded. LicenseID is the forced license.
func (s *Service) RecordedConflicts(ctx context.Context, titleID int64) ([]Conflict, error) {
	q := `SELECT license_id, other_license_id, kind, territory, overlap_start, overlap_end FROM license_conflicts`
	var args []any
	if titleID != 0 {
		q += ` WHERE title_id = $1`
		args = append(args, titleID)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("rights: recorded conflicts: %w", err)
	}
	defer rows.Close()
	cs := []Conflict{}
	for rows.Next() {
		var c Conflict
		var kind string
		var start int64
		var end sql.NullInt64
		if err := rows.Scan(&c.LicenseID, &c.OtherID, &kind, &c.Territory, &start, &end); err != nil {
			return nil, fmt.Errorf("rights: recorded conflicts: %w", err)
		}
		c.Kind = ConflictKind(kind)
		c.OverlapStart = timeIn(start, c.Territory)
		if end.Valid {
			c.OverlapEnd = endIn(end.Int64, c.Territory)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rights: recorded conflicts: %w", err)
	}
	return cs, nil
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func momentOf(date sql.NullString, at sql.NullInt64) Moment {
	switch {
	case date.Valid:
		return Moment{Date: date.String}
	case at.Valid:
		return Moment{At: time.UnixMilli(at.Int64).UTC()}
	}
	return Moment{}
}

// momentArgs returns a Moment as its (date, instant) column pair.
func momentArgs(m Moment) (any, any) {
	switch {
	case m.Date != "":
		return m.Date, nil
	case m.At.IsZero():
		return nil, nil
	}
	return nil, m.At.UnixMilli()
}

// insertLicenses stores resolved licenses with their holdbacks and windows,
// setting each one's ID. Their windows are recorded as believed from each
// license's UpdatedAt.
func insertLicenses(ctx context.Context, tx *sql.Tx, d store.Dialect, rs []*resolved) error {
	rows := make([][]any, len(rs))
	for i, r := range rs {
		l := &r.l
		if l.Status == "" {
			l.Status = StatusActive
		}
		if l.Version == 0 {
			l.Version = 1
		}
		if l.UpdatedAt.IsZero() {
			l.UpdatedAt = l.CreatedAt
		}
		sd, sa := momentArgs(l.Start)
		ed, ea := momentArgs(l.End)
		rows[i] = []any{l.TitleID, l.Licensor, l.Licensee, string(l.Type),
			strings.Join(l.Territories, ","), strings.Join(l.Excluded, ","),
			sd, sa, ed, ea, l.Exclusive, l.OriginalBranding, l.Forced, l.ExternalID, l.CreatedAt.UnixMilli(),
			string(l.Status), l.Version, l.UpdatedAt.UnixMilli(), l.Zone}
	}
	// Ids are handed out in VALUES order on both engines (SQLite: max+1,
	// PostgreSQL: one nextval per row in order), whatever order RETURNING
	// yields them in; sorting them restores the pairing.
	ids := make([]int64, 0, len(rs))
	err := d.InsertRows(ctx, tx, `INSERT INTO licenses (title_id, licensor, licensee, license_type, territories, excluded_territories,
		start_date, start_at, end_date, end_at, exclusive, original_branding, forced, external_id, created_at,
		status, version, updated_at, zone)`,
		`RETURNING id`, 19, rows, func(id int64) { ids = append(ids, id) })
	if err != nil {
		return err
	}
	if len(ids) != len(rs) {
		return fmt.Errorf("inserted %d licenses, got %d ids", len(rs), len(ids))
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i, r := range rs {
		r.l.ID = ids[i]
	}
	return insertTerms(ctx, tx, d, rs)
}

// insertTerms stores the holdbacks and the windows of stored licenses.
func insertTerms(ctx context.Context, tx *sql.Tx, d store.Dialect, rs []*resolved) error {
	var hrows, wrows [][]any
	for _, r := range rs {
		for _, h := range r.l.Holdbacks {
			ud, ua := momentArgs(h.Until)
			types := make([]string, len(h.LicenseTypes))
			for j, t := range h.LicenseTypes {
				types[j] = string(t)
			}
			hrows = append(hrows, []any{r.l.ID, r.l.TitleID, strings.Join(types, ","), strings.Join(h.Territories, ","), ud, ua})
		}
		if r.l.Status == StatusWithdrawn {
			continue
		}
		licensee, from := FoldName(r.l.Licensee), r.l.UpdatedAt.UnixMilli()
		for _, w := range r.windows {
			wrows = append(wrows, []any{r.l.TitleID, w.territory, r.l.ID, licensee, string(r.l.Type), r.l.Exclusive, w.start, w.end,
				from, w.startDated, w.endDated})
		}
	}
	if len(hrows) > 0 {
		if err := d.InsertRows(ctx, tx, `INSERT INTO holdbacks (license_id, title_id, license_types, territories, until_date, until_at)`,
			``, 6, hrows, nil); err != nil {
			return err
		}
	}
	return d.InsertRows(ctx, tx, `INSERT INTO license_windows (title_id, territory, license_id, licensee, license_type, exclusive, starts_at, ends_at,
		recorded_from, start_dated, end_dated)`, ``, 11, wrows, nil)
}

func insertConflicts(ctx context.Context, tx *sql.Tx, d store.Dialect, titleID int64, cs []Conflict, at time.Time) error {
	if len(cs) == 0 {
		return nil
	}
	rows := make([][]any, len(cs))
	for i, c := range cs {
		var end any
		if c.OverlapEnd != nil {
			end = c.OverlapEnd.UnixMilli()
		}
		rows[i] = []any{titleID, c.LicenseID, c.OtherID, string(c.Kind), c.Territory, c.OverlapStart.UnixMilli(), end, at.UnixMilli()}
	}
	return d.InsertRows(ctx, tx, `INSERT INTO license_conflicts (title_id, license_id, other_license_id, kind, territory, overlap_start, overlap_end, created_at)`,
		``, 8, rows, nil)
}
