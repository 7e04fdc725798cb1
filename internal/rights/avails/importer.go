package avails

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// Titles finds the titles avails rows name and creates those it does not
// have; *catalog.Service satisfies it.
type Titles interface {
	FindTitles(ctx context.Context, lookups []catalog.TitleLookup) ([]catalog.Match, error)
	CreatePendingTitles(ctx context.Context, ts []catalog.PendingTitle) ([]int64, error)
	AddIdentifiers(ctx context.Context, titleID int64, ids []catalog.Identifier) error
}

// Licenses stores and changes licenses; *rights.Service satisfies it.
type Licenses interface {
	AddAll(ctx context.Context, ls []rights.License, force bool) ([]rights.License, error)
	Get(ctx context.Context, id int64) (rights.License, error)
	Lifecycle
}

// Importer imports avails sheets: it finds or creates their titles, creates
// the licenses of new avails, amends those whose avails changed, withdraws
// those withdrawn, leaves the rest alone, and remembers every row by its
// Key so that the next sheet can be compared with it. It is safe for
// concurrent use; two imports of one licensor's sheets at once are
// serialized only as far as the database serializes their writes.
type Importer struct {
	db       *store.DB
	titles   Titles
	licenses Licenses
	now      func() time.Time
}

// NewImporter returns an Importer over db (migrated), asking titles for
// titles and storing licenses through licenses. now nil means time.Now.
func NewImporter(db *store.DB, titles Titles, licenses Licenses, now func() time.Time) *Importer {
	if now == nil {
		now = time.Now
	}
	return &Importer{db: db, titles: titles, licenses: licenses, now: now}
}

// ImportOptions are Options plus what an import does with the sheet.
type ImportOptions struct {
	Options
	// Force stores licenses despite conflicts (recorded, see rights.Add).
	Force bool
	// DryRun reads the sheet and reports what importing it would do, and
	// stores nothing: no title, no license, no row.
	DryRun bool
	// Actor names who imports, for the licenses' history ("cli:alice",
	// an admin's email); "" means "avails".
	Actor string
}

// LicenseChange is one license an import created, amended or withdrew
// (LicenseID 0 in a dry run for a license not stored yet).
type LicenseChange struct {
	LicenseID   int64              `json:"license_id"`
	TitleID     int64              `json:"title_id"`
	Title       string             `json:"title"`
	Type        rights.LicenseType `json:"license_type"`
	Territories []string           `json:"territories"`
	Excluded    []string           `json:"excluded_territories,omitempty"`
	Window      string             `json:"window"`
	// Rows are the sheet's row numbers behind the change ("Sheet!12" on a
	// workbook with several avails sheets), AvailIDs their AvailIDs.
	Rows     []string `json:"rows"`
	AvailIDs []string `json:"avail_ids,omitempty"`
	// Why says what changed, for an amendment or withdrawal.
	Why string `json:"why,omitempty"`
}

// TitleCreated is a title an import created from its rows, marked metadata
// pending (ID 0 in a dry run).
type TitleCreated struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Year        int      `json:"year,omitempty"`
	Identifiers []string `json:"identifiers,omitempty"`
	Rows        []string `json:"rows"`
}

// RowNote is a row an import took without making or changing a license:
// to be announced, or a withdrawal of nothing stored.
type RowNote struct {
	Row       string `json:"row"`
	AvailID   string `json:"avail_id,omitempty"`
	Title     string `json:"title"`
	Territory string `json:"territory"`
	Reason    string `json:"reason"`
}

// Report says what an import did (or, in a dry run, would do), in terms a
// rights manager can act on.
type Report struct {
	File   string `json:"file"`
	DryRun bool   `json:"dry_run"`
	// Rows is the number of avails rows read (set aside ones included).
	Rows          int             `json:"rows"`
	Created       []LicenseChange `json:"created"`
	Amended       []LicenseChange `json:"amended"`
	Withdrawn     []LicenseChange `json:"withdrawn"`
	Unchanged     int             `json:"unchanged"`
	ToBeAnnounced []RowNote       `json:"to_be_announced"`
	Notes         []RowNote       `json:"notes"`
	SetAside      []SetAside      `json:"set_aside"`
	TitlesCreated []TitleCreated  `json:"titles_created"`
}

// Changed reports whether the import changed (or would change) anything.
func (r *Report) Changed() bool {
	return len(r.Created)+len(r.Amended)+len(r.Withdrawn)+len(r.TitlesCreated) > 0
}

// Summary is the report on one line: "2 licenses created, 1 amended…".
func (r *Report) Summary() string {
	parts := []string{
		fmt.Sprintf("%d license(s) created", len(r.Created)),
		fmt.Sprintf("%d amended", len(r.Amended)),
		fmt.Sprintf("%d withdrawn", len(r.Withdrawn)),
		fmt.Sprintf("%d row(s) unchanged", r.Unchanged),
		fmt.Sprintf("%d to be announced", len(r.ToBeAnnounced)),
		fmt.Sprintf("%d set aside", len(r.SetAside)),
		fmt.Sprintf("%d title(s) created", len(r.TitlesCreated)),
	}
	s := strings.Join(parts, ", ")
	if r.DryRun {
		s = "dry run, nothing stored: would have " + s
	}
	return s
}

// Import reads the sheet and applies it (see Importer). A sheet with wrong
// rows is refused whole (*SheetError) and changes nothing; a license that
// conflicts is refused (*rights.BatchError wrapping a *ConflictError)
// unless o.Force, and then no license changes, though the titles created
// for it stay (an import of the sheet again finds them).
func (im *Importer) Import(ctx context.Context, r io.Reader, filename string, o ImportOptions) (*Report, error) {
	if o.Now == nil {
		o.Now = im.now
	}
	sh, err := Read(ctx, r, filename, o.Options)
	if err != nil {
		return nil, err
	}
	if !o.DryRun {
		// One import at a time, from reading what is stored to recording
		// the rows: two uploads of one sheet must not both create it.
		unlock, err := im.lock(ctx)
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	rep := &Report{File: filepath.Base(filename), DryRun: o.DryRun, Rows: len(sh.Rows) + len(sh.SetAside),
		Created: []LicenseChange{}, Amended: []LicenseChange{}, Withdrawn: []LicenseChange{},
		ToBeAnnounced: []RowNote{}, Notes: []RowNote{}, SetAside: sh.SetAside, TitlesCreated: []TitleCreated{}}
	titleOf, names, err := im.resolveTitles(ctx, sh.Rows, o.DryRun, rep)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(sh.Rows))
	for i, row := range sh.Rows {
		keys[i] = row.Key()
	}
	stored, err := im.storedRows(ctx, `row_key`, keys)
	if err != nil {
		return nil, err
	}
	p, err := im.plan(ctx, sh.Rows, titleOf, stored, o.Now().UTC())
	if err != nil {
		return nil, err
	}
	p.report(rep, names)
	if o.DryRun {
		return rep, nil
	}
	if err := im.apply(ctx, p, rep, o, filename); err != nil {
		return nil, err
	}
	return rep, nil
}

// rowLabel is how a report names a row.
func rowLabel(r Row) string {
	if r.Sheet != "" {
		return r.Sheet + "!" + strconv.Itoa(r.Num)
	}
	return strconv.Itoa(r.Num)
}

// identifiers returns the catalogue identifiers a row gives its title.
func identifiers(ref TitleRef) []catalog.Identifier {
	var ids []catalog.Identifier
	if ref.EIDR != "" {
		ids = append(ids, catalog.Identifier{Scheme: catalog.SchemeEIDR, Value: ref.EIDR})
	}
	if ref.ContentID != "" {
		if _, isEIDR := NormalizeEIDR(ref.ContentID); !isEIDR {
			ids = append(ids, catalog.Identifier{Scheme: catalog.SchemeContentID, Issuer: ref.Licensor, Value: ref.ContentID})
		}
	}
	if ref.AltID != "" {
		ids = append(ids, catalog.Identifier{Scheme: catalog.SchemeAltID, Issuer: ref.Licensor, Value: ref.AltID})
	}
	return ids
}

func identifierKey(id catalog.Identifier) string {
	return id.Scheme + "\x1f" + strings.ToLower(strings.TrimSpace(id.Issuer)) + "\x1f" + strings.TrimSpace(id.Value)
}

// resolveTitles finds or creates the title of every row: rows that share
// an identifier (or, without identifiers, a licensor and a name) name one
// title. It returns each row's title ID (negative for a title a dry run
// would create, 0 for a withdrawal of an unknown title) and the names to
// report them by.
func (im *Importer) resolveTitles(ctx context.Context, rows []Row, dryRun bool, rep *Report) ([]int64, map[int64]string, error) {
	// Union-find over rows by shared identifiers.
	parent := make([]int, len(rows))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, r := range rows {
		keys := []string{}
		for _, id := range identifiers(r.Title) {
			keys = append(keys, identifierKey(id))
		}
		if len(keys) == 0 {
			keys = append(keys, "name\x1f"+strings.ToLower(r.Licensor)+"\x1f"+r.Title.Alias+"\x1f"+r.Title.Display)
		}
		for _, k := range keys {
			if j, ok := owner[k]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[k] = i
			}
		}
	}
	type group struct {
		rows   []int
		lookup catalog.TitleLookup
		ref    TitleRef
	}
	var groups []*group
	byRoot := map[int]*group{}
	for i, r := range rows {
		root := find(i)
		g, ok := byRoot[root]
		if !ok {
			g = &group{}
			byRoot[root] = g
			groups = append(groups, g)
		}
		g.rows = append(g.rows, i)
		for _, id := range identifiers(r.Title) {
			if !slices.Contains(g.lookup.Identifiers, id) {
				g.lookup.Identifiers = append(g.lookup.Identifiers, id)
			}
		}
		if g.ref.Display == "" {
			g.ref.Display = r.Title.Display
		}
		if g.ref.Alias == "" {
			g.ref.Alias = r.Title.Alias
		}
		if g.ref.Year == 0 {
			g.ref.Year = r.Title.Year
		}
		if g.ref.Kind == "" {
			g.ref.Kind = r.Title.Kind
		}
		if g.ref.EIDR == "" {
			g.ref.EIDR = r.Title.EIDR
		}
		if g.ref.ContentID == "" {
			g.ref.ContentID = r.Title.ContentID
		}
		if g.ref.AltID == "" {
			g.ref.AltID = r.Title.AltID
		}
	}
	lookups := make([]catalog.TitleLookup, len(groups))
	for i, g := range groups {
		g.lookup.Name = g.ref.Alias
		if g.lookup.Name == "" {
			g.lookup.Name = g.ref.Display
		}
		g.lookup.Year = g.ref.Year
		lookups[i] = g.lookup
	}
	matches, err := im.titles.FindTitles(ctx, lookups)
	if err != nil {
		return nil, nil, fmt.Errorf("avails: find titles: %w", err)
	}
	ids := make([]int64, len(rows))
	names := map[int64]string{}
	var problems []Problem
	var create []catalog.PendingTitle
	var createdFor []*group
	for i, g := range groups {
		m := matches[i]
		name := g.ref.Name()
		switch {
		case m.ID > 0:
			for _, ri := range g.rows {
				ids[ri] = m.ID
			}
			names[m.ID] = name
			if m.ByName && len(g.lookup.Identifiers) > 0 && !dryRun {
				// Found by its name: give it the row's identifiers, so that
				// the next sheet finds it by them.
				if err := im.titles.AddIdentifiers(ctx, m.ID, g.lookup.Identifiers); err != nil {
					var inv interface {
						InvalidField() (string, string, string)
					}
					if !errors.As(err, &inv) {
						return nil, nil, fmt.Errorf("avails: keep identifiers of title %d: %w", m.ID, err)
					}
				}
			}
		case m.Why != "":
			r := rows[g.rows[0]]
			problems = append(problems, Problem{Sheet: r.Sheet, Row: r.Num, Column: refColumn(r.Title), Value: refValue(r.Title), Reason: "cannot tell the title: " + m.Why})
		default:
			onlyWithdrawals := true
			for _, ri := range g.rows {
				onlyWithdrawals = onlyWithdrawals && rows[ri].Withdraw
			}
			if onlyWithdrawals {
				continue // nothing to withdraw; the plan says so
			}
			kind := catalog.KindMovie
			if g.ref.Kind == "Short" {
				kind = catalog.KindShort
			}
			display := g.ref.Display
			if display == "" {
				display = name
			}
			create = append(create, catalog.PendingTitle{Name: display, Year: g.ref.Year, Kind: kind, Alias: g.ref.Alias, Identifiers: g.lookup.Identifiers})
			createdFor = append(createdFor, g)
		}
	}
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, nil, &SheetError{Problems: problems}
	}
	var created []int64
	if dryRun {
		for i := range create {
			created = append(created, -int64(i+1))
		}
	} else if len(create) > 0 {
		if created, err = im.titles.CreatePendingTitles(ctx, create); err != nil {
			return nil, nil, fmt.Errorf("avails: create titles: %w", err)
		}
	}
	for i, g := range createdFor {
		tc := TitleCreated{ID: max(created[i], 0), Name: create[i].Name, Year: create[i].Year}
		for _, id := range create[i].Identifiers {
			tc.Identifiers = append(tc.Identifiers, id.Value)
		}
		for _, ri := range g.rows {
			ids[ri] = created[i]
			tc.Rows = append(tc.Rows, rowLabel(rows[ri]))
		}
		names[created[i]] = create[i].Name
		rep.TitlesCreated = append(rep.TitlesCreated, tc)
	}
	return ids, names, nil
}

// storedRow is a row of avail_rows.
type storedRow struct {
	id        int64
	key       string
	availID   string
	titleID   int64
	territory string
	excluded  []string
	typ       rights.LicenseType
	licenseID int64
	terms     string
	status    string
}

const (
	statusActive    = "active"
	statusPending   = "pending"
	statusWithdrawn = "withdrawn"
)

// storedRows loads the rows whose column (row_key or license_id) is among
// values.
func (im *Importer) storedRows(ctx context.Context, column string, values []string) (map[string]*storedRow, error) {
	out := map[string]*storedRow{}
	const batch = 500
	for start := 0; start < len(values); start += batch {
		chunk := values[start:min(start+batch, len(values))]
		args := make([]any, len(chunk))
		ph := make([]string, len(chunk))
		for i, v := range chunk {
			args[i] = v
			if column == "license_id" {
				n, _ := strconv.ParseInt(v, 10, 64)
				args[i] = n
			}
			ph[i] = "$" + strconv.Itoa(i+1)
		}
		rows, err := im.db.QueryContext(ctx, `SELECT id, row_key, avail_id, title_id, territory, excluded, license_type, license_id, terms, status
FROM avail_rows WHERE `+column+` IN (`+strings.Join(ph, ",")+`) ORDER BY id`, args...)
		if err != nil {
			return nil, fmt.Errorf("avails: load rows: %w", err)
		}
		for rows.Next() {
			var s storedRow
			var ex, typ string
			var lic sql.NullInt64
			if err := rows.Scan(&s.id, &s.key, &s.availID, &s.titleID, &s.territory, &ex, &typ, &lic, &s.terms, &s.status); err != nil {
				rows.Close()
				return nil, fmt.Errorf("avails: load rows: %w", err)
			}
			s.typ, s.licenseID = rights.LicenseType(typ), lic.Int64
			if ex != "" {
				s.excluded = strings.Split(ex, ",")
			}
			out[s.key] = &s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("avails: load rows: %w", err)
		}
	}
	return out, nil
}

// amendment is a change to a stored license.
type amendment struct {
	id   int64
	was  rights.License
	to   rights.License
	rows []Row // the rows now behind it (for an amendment to a grant)
	gone []Row // the rows that left it
	why  string
}

// plan is what an import does.
type plan struct {
	rows      []Row
	titleOf   []int64
	creates   []Grant
	amends    []amendment
	withdraws []amendment
	unchanged []Row
	pending   []Row
	// gone are rows withdrawn by the sheet, recorded as withdrawn.
	gone  []Row
	notes []RowNote
	// licenseOf is the license a created or amended row now belongs to,
	// filled in as the plan is applied (creates) or known (amends).
	stored map[string]*storedRow
}

// plan compares the sheet's rows with the stored ones.
func (im *Importer) plan(ctx context.Context, rows []Row, titleOf []int64, stored map[string]*storedRow, now time.Time) (*plan, error) {
	p := &plan{rows: rows, titleOf: titleOf, stored: stored}
	title := map[string]int64{}
	for i, r := range rows {
		title[r.Key()] = titleOf[i]
	}
	removed := map[int64][]Row{} // license → its rows that leave it
	var changed []Row
	for i := range rows {
		r := rows[i]
		st := stored[r.Key()]
		active := st != nil && st.status == statusActive && st.licenseID != 0
		switch {
		case r.Withdraw:
			switch {
			case active:
				removed[st.licenseID] = append(removed[st.licenseID], r)
				p.gone = append(p.gone, r)
			case st != nil && st.status == statusPending:
				p.gone = append(p.gone, r)
			default:
				p.notes = append(p.notes, RowNote{Row: rowLabel(r), AvailID: r.AvailID, Title: r.Title.Name(), Territory: r.Territory,
					Reason: "nothing to withdraw: no avail with this AvailID (or title), territory and license type was imported"})
				p.unchanged = append(p.unchanged, r)
			}
		case r.Pending != "":
			if st != nil && st.status == statusPending && st.terms == r.Terms() {
				p.unchanged = append(p.unchanged, r)
				continue
			}
			if active {
				removed[st.licenseID] = append(removed[st.licenseID], r)
			}
			p.pending = append(p.pending, r)
		default:
			if active {
				keepImmediate(&r, st.terms, now)
				rows[i] = r
			}
			if active && st.terms == r.Terms() && st.titleID == titleOf[i] {
				p.unchanged = append(p.unchanged, r)
				continue
			}
			if active {
				removed[st.licenseID] = append(removed[st.licenseID], r)
			}
			changed = append(changed, r)
		}
	}

	// What stays of each license some rows leave: its other active rows.
	var affected []string
	for id := range removed {
		affected = append(affected, strconv.FormatInt(id, 10))
	}
	slices.Sort(affected)
	others, err := im.storedRows(ctx, "license_id", affected)
	if err != nil {
		return nil, err
	}
	leaving := map[string]bool{}
	for _, rs := range removed {
		for _, r := range rs {
			leaving[r.Key()] = true
		}
	}
	remaining := map[int64][]*storedRow{}
	for _, s := range others {
		if s.status == statusActive && !leaving[s.key] {
			remaining[s.licenseID] = append(remaining[s.licenseID], s)
		}
	}
	licenses := map[int64]rights.License{}
	ids := make([]int64, 0, len(removed))
	for id := range removed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	live := ids[:0]
	for _, id := range ids {
		l, err := im.licenses.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("avails: load license %d: %w", id, err)
		}
		if l.Status == rights.StatusWithdrawn {
			// Withdrawn in Lineup itself: its rows go to new licenses, and
			// it stays withdrawn.
			continue
		}
		licenses[id] = l
		live = append(live, id)
	}
	ids = live

	claimed := map[int64]bool{}
	for _, g := range Group(changed, func(r Row) int64 { return title[r.Key()] }) {
		target := int64(0)
		for _, r := range g.Rows {
			if st := stored[r.Key()]; st != nil && st.status == statusActive && st.licenseID != 0 {
				id := st.licenseID
				if l, ok := licenses[id]; ok && !claimed[id] && len(remaining[id]) == 0 && l.TitleID == g.License.TitleID {
					target = id
					break
				}
			}
		}
		if target == 0 {
			p.creates = append(p.creates, g)
			continue
		}
		claimed[target] = true
		was := licenses[target]
		to := g.License
		to.ID = target
		if was.ExternalID != "" {
			to.ExternalID = was.ExternalID
		}
		p.amends = append(p.amends, amendment{id: target, was: was, to: to, rows: g.Rows, gone: removed[target],
			why: "the avails changed: " + describeChange(was, to)})
	}
	for _, id := range ids {
		if claimed[id] {
			continue
		}
		l := licenses[id]
		if len(remaining[id]) == 0 {
			p.withdraws = append(p.withdraws, amendment{id: id, was: l, gone: removed[id], why: "every avail of the license was withdrawn or changed"})
			continue
		}
		keep := map[string]bool{}
		for _, s := range remaining[id] {
			keep[s.territory] = true
		}
		leave := map[string]bool{}
		for _, r := range removed[id] {
			if !keep[r.Territory] {
				leave[r.Territory] = true
			}
		}
		to := l
		to.Territories = slices.DeleteFunc(slices.Clone(l.Territories), func(t string) bool { return leave[t] })
		var ex []string
		for _, t := range to.Territories {
			ex = append(ex, ExclusionsWithin(t, l.Excluded)...)
		}
		to.Excluded = ex
		if slices.Equal(to.Territories, l.Territories) {
			continue // the rows that left were not its only ones there
		}
		var left []string
		for t := range leave {
			left = append(left, t)
		}
		slices.Sort(left)
		p.amends = append(p.amends, amendment{id: id, was: l, to: to, gone: removed[id],
			why: "avails withdrawn or changed in " + strings.Join(left, ", ")})
	}
	return p, nil
}

// keepImmediate keeps the stored instant of a Start or End written
// "Immediate": the avail started (or ended) when it was first imported, not
// at every import of the same sheet.
func keepImmediate(r *Row, storedTerms string, now time.Time) {
	parts := strings.Split(storedTerms, "|")
	if len(parts) < 2 {
		return
	}
	keep := func(s string, m *rights.Moment) {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err == nil && !t.After(now) {
			*m = rights.InstantMoment(t)
		}
	}
	if r.StartImmediate {
		keep(parts[0], &r.Start)
	}
	if r.EndImmediate {
		keep(parts[1], &r.End)
	}
}

// describeChange says how a license's terms differ.
func describeChange(was, to rights.License) string {
	var ds []string
	if momentKey(was.Start) != momentKey(to.Start) {
		ds = append(ds, fmt.Sprintf("start %s → %s", was.Start, to.Start))
	}
	if momentKey(was.End) != momentKey(to.End) {
		ds = append(ds, fmt.Sprintf("end %s → %s", endText(was.End), endText(to.End)))
	}
	if !slices.Equal(was.Territories, to.Territories) || !slices.Equal(was.Excluded, to.Excluded) {
		ds = append(ds, fmt.Sprintf("territories %s → %s", territoriesText(was), territoriesText(to)))
	}
	if was.Exclusive != to.Exclusive {
		ds = append(ds, fmt.Sprintf("exclusive %s → %s", yesNoText(was.Exclusive), yesNoText(to.Exclusive)))
	}
	if was.OriginalBranding != to.OriginalBranding {
		ds = append(ds, fmt.Sprintf("branding %s → %s", yesNoText(was.OriginalBranding), yesNoText(to.OriginalBranding)))
	}
	if len(ds) == 0 {
		return "the same terms from other rows"
	}
	return strings.Join(ds, "; ")
}

func endText(m rights.Moment) string {
	if m.IsZero() {
		return "open"
	}
	return m.String()
}

func territoriesText(l rights.License) string {
	s := strings.Join(l.Territories, ",")
	if len(l.Excluded) > 0 {
		s += " except " + strings.Join(l.Excluded, ",")
	}
	return s
}

// change describes a license for the report.
func change(l rights.License, rows []Row, names map[int64]string, why string) LicenseChange {
	c := LicenseChange{LicenseID: l.ID, TitleID: max(l.TitleID, 0), Title: names[l.TitleID], Type: l.Type,
		Territories: l.Territories, Excluded: l.Excluded, Window: l.Start.String() + " – " + endText(l.End), Why: why, Rows: []string{}}
	for _, r := range rows {
		c.Rows = append(c.Rows, rowLabel(r))
		if r.AvailID != "" && !slices.Contains(c.AvailIDs, r.AvailID) {
			c.AvailIDs = append(c.AvailIDs, r.AvailID)
		}
	}
	return c
}

// report writes the plan into the report (license IDs of creations are
// filled in when they are stored).
func (p *plan) report(rep *Report, names map[int64]string) {
	for _, g := range p.creates {
		rep.Created = append(rep.Created, change(g.License, g.Rows, names, ""))
	}
	for _, a := range p.amends {
		rows := a.rows
		if rows == nil {
			rows = a.gone
		}
		rep.Amended = append(rep.Amended, change(a.to, rows, names, a.why))
	}
	for _, w := range p.withdraws {
		rep.Withdrawn = append(rep.Withdrawn, change(w.was, w.gone, names, w.why))
	}
	rep.Unchanged = len(p.unchanged)
	for _, r := range p.pending {
		rep.ToBeAnnounced = append(rep.ToBeAnnounced, RowNote{Row: rowLabel(r), AvailID: r.AvailID, Title: r.Title.Name(), Territory: r.Territory, Reason: r.Pending})
	}
	rep.Notes = append(rep.Notes, p.notes...)
}

// apply stores the plan: licenses withdrawn, amended and created, then the
// rows as they now stand.
func (im *Importer) apply(ctx context.Context, p *plan, rep *Report, o ImportOptions, filename string) error {
	if len(p.amends) > 0 || len(p.withdraws) > 0 {
		if err := im.changeLicenses(ctx, p, o, filename); err != nil {
			return err
		}
	}
	licenseOf := map[string]int64{}
	for _, a := range p.amends {
		for _, r := range a.rows {
			licenseOf[r.Key()] = a.id
		}
	}
	if len(p.creates) > 0 {
		ls := make([]rights.License, len(p.creates))
		for i, g := range p.creates {
			ls[i] = g.License
		}
		stored, err := im.licenses.AddAll(ctx, ls, o.Force)
		if err != nil {
			return err
		}
		for i, g := range p.creates {
			rep.Created[i].LicenseID = stored[i].ID
			for _, r := range g.Rows {
				licenseOf[r.Key()] = stored[i].ID
			}
		}
	}
	if err := im.record(ctx, p, licenseOf, filename); err != nil {
		return err
	}
	return nil
}

// record writes the rows of the sheet that changed into avail_rows, in one
// transaction.
func (im *Importer) record(ctx context.Context, p *plan, licenseOf map[string]int64, filename string) error {
	now := im.now().UnixMilli()
	titleOf := map[string]int64{}
	for i, r := range p.rows {
		titleOf[r.Key()] = p.titleOf[i]
	}
	type write struct {
		r      Row
		status string
		lic    int64
	}
	var ws []write
	for _, r := range p.rows {
		k := r.Key()
		switch {
		case licenseOf[k] != 0:
			ws = append(ws, write{r, statusActive, licenseOf[k]})
		}
	}
	for _, r := range p.pending {
		ws = append(ws, write{r, statusPending, 0})
	}
	for _, r := range p.gone {
		lic := int64(0)
		if st := p.stored[r.Key()]; st != nil {
			lic = st.licenseID
		}
		ws = append(ws, write{r, statusWithdrawn, lic})
	}
	if len(ws) == 0 {
		return nil
	}
	seen := map[string]bool{}
	ws = slices.DeleteFunc(ws, func(w write) bool {
		k := w.r.Key()
		dup := seen[k]
		seen[k] = true
		return dup
	})
	source := filepath.Base(filename)
	return im.db.InTx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO avail_rows (row_key, avail_id, licensor, licensee, title_id, territory, excluded, license_type,
	license_id, terms, status, pending, cells, source, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)`)
		if err != nil {
			return fmt.Errorf("avails: record rows: %w", err)
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, `UPDATE avail_rows SET avail_id = $2, title_id = $3, excluded = $4, license_id = $5, terms = $6,
	status = $7, pending = $8, cells = $9, source = $10, updated_at = $11 WHERE id = $1`)
		if err != nil {
			return fmt.Errorf("avails: record rows: %w", err)
		}
		defer upd.Close()
		for _, w := range ws {
			r := w.r
			cells, _ := json.Marshal(r.Cells)
			var lic any
			if w.lic != 0 {
				lic = w.lic
			}
			src := source + " row " + rowLabel(r)
			title := titleOf[r.Key()]
			if st := p.stored[r.Key()]; st != nil {
				if title <= 0 {
					title = st.titleID
				}
				_, err = upd.ExecContext(ctx, st.id, r.AvailID, title, strings.Join(r.Excluded, ","), lic, r.Terms(), w.status, r.Pending, string(cells), src, now)
			} else {
				if title <= 0 {
					continue // a withdrawal of an avail never imported
				}
				_, err = ins.ExecContext(ctx, r.Key(), r.AvailID, r.Licensor, r.Licensee, title, r.Territory, strings.Join(r.Excluded, ","),
					string(r.Type), lic, r.Terms(), w.status, r.Pending, string(cells), src, now)
			}
			if err != nil {
				return fmt.Errorf("avails: record row %s: %w", rowLabel(r), err)
			}
		}
		return nil
	})
}

// ExportRows returns the rows to export licenses as: for each license, one
// row per avail imported into it (each with its own AvailID, in import
// order), then one per territory of the license no avail covers (see
// DefaultRows). Licenses without imported avails get DefaultRows.
func (im *Importer) ExportRows(ctx context.Context, ls []rights.License) (func(rights.License) []ExportRow, error) {
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = strconv.FormatInt(l.ID, 10)
	}
	stored, err := im.storedRows(ctx, "license_id", ids)
	if err != nil {
		return nil, err
	}
	byLicense := map[int64][]*storedRow{}
	for _, s := range stored {
		if s.status == statusActive {
			byLicense[s.licenseID] = append(byLicense[s.licenseID], s)
		}
	}
	for _, ss := range byLicense {
		slices.SortFunc(ss, func(a, b *storedRow) int { return int(a.id - b.id) })
	}
	return func(l rights.License) []ExportRow {
		ss := byLicense[l.ID]
		if len(ss) == 0 {
			return DefaultRows(l)
		}
		var out []ExportRow
		covered := map[string]bool{}
		for _, s := range ss {
			if !slices.Contains(l.Territories, s.territory) {
				continue // the license was amended since
			}
			covered[s.territory] = true
			out = append(out, ExportRow{Territory: s.territory, Excluded: ExclusionsWithin(s.territory, l.Excluded), AvailID: s.availID})
		}
		for _, t := range l.Territories {
			if !covered[t] {
				out = append(out, ExportRow{Territory: t, Excluded: ExclusionsWithin(t, l.Excluded)})
			}
		}
		return out
	}, nil
}

// TitleReader reads titles and their identifiers; *catalog.Service
// satisfies it.
type TitleReader interface {
	GetTitles(ctx context.Context, ids []int64) (map[int64]catalog.Title, error)
	Identifiers(ctx context.Context, ids []int64) (map[int64][]catalog.Identifier, error)
}

// TitleRefs returns how an exported sheet names each title of ids: its
// EIDR as ContentID (else the licensor's ContentID it was imported with,
// else Lineup's own "lineup:title:ID"), its AltID, its first alternate
// title as TitleInternalAlias (else its original title), its original title
// as TitleDisplayUnlimited, and its year.
func TitleRefs(ctx context.Context, titles TitleReader, ids []int64) (func(id int64) TitleRef, error) {
	ts, err := titles.GetTitles(ctx, ids)
	if err != nil {
		return nil, err
	}
	idents, err := titles.Identifiers(ctx, ids)
	if err != nil {
		return nil, err
	}
	refs := map[int64]TitleRef{}
	for id, t := range ts {
		ref := TitleRef{ContentID: t.ContentID(), Alias: t.OriginalTitle, Display: t.OriginalTitle, Year: t.Year}
		if len(t.AlternateTitles) > 0 {
			ref.Alias = t.AlternateTitles[0].Title
		}
		if t.Kind == catalog.KindShort {
			ref.Kind = "Short"
		}
		var eidr, cid string
		for _, i := range idents[id] {
			switch i.Scheme {
			case catalog.SchemeEIDR:
				if eidr == "" {
					eidr = i.Value
				}
			case catalog.SchemeContentID:
				if cid == "" {
					cid = i.Value
				}
			case catalog.SchemeAltID:
				if ref.AltID == "" {
					ref.AltID = i.Value
				}
			}
		}
		switch {
		case eidr != "":
			ref.ContentID = eidr
		case cid != "":
			ref.ContentID = cid
		}
		refs[id] = ref
	}
	return func(id int64) TitleRef { return refs[id] }, nil
}
