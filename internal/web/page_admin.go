package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/locale"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/rights/avails"
)

type adminTitle struct {
	ID                       int64
	Original, Name, Language string
	Year, MinAge             int
	// Pending marks a title created from avails whose metadata someone
	// still has to complete.
	Pending bool
}

type adminLicense struct {
	ID                                               int64
	Title, Type, Parties, Territories, Window, Terms string
	Forced                                           bool
}

type adminConflict struct {
	Kind                 string
	License, Other       int64
	Territories, Overlap string
}

type adminAsset struct {
	ID           int64
	Title, State string
	Progress     int
	Speed, Error string
}

type adminPage struct {
	Tab, Error, Notice string
	Titles             []adminTitle
	Licenses           []adminLicense
	Conflicts          []adminConflict
	Assets             []adminAsset
	Types              []rights.LicenseType
	Form               map[string]string
	Refused            []string
	// Next is the cursor of the next page of licenses, if one follows.
	Next string
	// The artwork tab: the title's poster and backdrop, and the candidate
	// frames of its video.
	Poster, Backdrop picture
	Candidates       []candidate
	// Avails is the report of the avails sheet just uploaded.
	Avails *avails.Report
	// AvailsProblems lists what is wrong with a refused avails sheet.
	AvailsProblems []string
	// AvailsSummary is the report's counts in a sentence.
	AvailsSummary string
	// StateNames names the states an encode goes through in the page's
	// language (JSON, for the jobs page's script).
	StateNames string
}

// With hands a sub-template the page (for its language) and the rows
// it lists: {{template "avails-changes" ($.With .Created)}}.
func (d pageData) With(rows any) pageData {
	d.Content = rows
	return d
}

func (s *Server) adminTitles(r *http.Request) ([]adminTitle, map[int64]catalog.Title, error) {
	ts, err := s.Catalog.ListTitles(r.Context(), catalog.ListQuery{Limit: 200})
	if err != nil {
		return nil, nil, err
	}
	out := make([]adminTitle, 0, len(ts))
	byID := map[int64]catalog.Title{}
	for _, t := range ts {
		name, _ := t.Localized(viewerFrom(r.Context()).Lang())
		out = append(out, adminTitle{ID: t.ID, Original: t.OriginalTitle, Name: name, Language: t.OriginalLanguage, Year: t.Year, MinAge: t.MinAge, Pending: t.MetadataPending})
		byID[t.ID] = t
	}
	return out, byID, nil
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	titles, _, err := s.adminTitles(r)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "admin", s.page(r, s.localeOf(r).T("Admin"), "admin", adminPage{Tab: "titles", Titles: titles}))
}

func (s *Server) adminLicenses(w http.ResponseWriter, r *http.Request) error {
	return s.renderLicenses(w, r, http.StatusOK, adminPage{Form: map[string]string{"licensee": s.Licensee, "license_type": "SVOD"}})
}

func (s *Server) renderLicenses(w http.ResponseWriter, r *http.Request, status int, p adminPage) error {
	ctx := r.Context()
	after, err := queryCursor(r)
	if err != nil {
		return err
	}
	ls, more, err := s.Rights.ListPage(ctx, 0, after, 100)
	if err != nil {
		return err
	}
	if more {
		p.Next = strconv.FormatInt(ls[len(ls)-1].ID, 10)
	}
	var ids []int64
	for _, l := range ls {
		ids = append(ids, l.TitleID)
	}
	titles, err := s.Catalog.GetTitles(ctx, ids)
	if err != nil {
		return err
	}
	if p.Titles, _, err = s.adminTitles(r); err != nil { // the form suggests them by name
		return err
	}
	loc := s.localeOf(r)
	for _, l := range ls {
		terms := licenseTerms(loc, l)
		if l.Status != rights.StatusActive {
			if terms != "" {
				terms += loc.T(", ")
			}
			terms += loc.T(string(l.Status))
		}
		name := titles[l.TitleID].OriginalTitle
		p.Licenses = append(p.Licenses, adminLicense{ID: l.ID, Title: name, Type: string(l.Type), Parties: l.Licensor + " → " + l.Licensee,
			Territories: licenseTerritories(loc, l), Window: licenseWindow(loc, l), Terms: terms, Forced: l.Forced})
	}
	cs, err := s.Rights.RecordedConflicts(ctx, 0)
	if err != nil {
		return err
	}
	p.Conflicts = groupConflicts(loc, cs)
	p.Tab, p.Types = "licenses", rights.LicenseTypes
	return s.render(w, status, "admin", s.page(r, loc.T("Licenses"), "admin", p))
}

// groupConflicts folds a conflict's territories into one line per pair of
// licenses and overlap (a worldwide clash is otherwise 249 lines).
func groupConflicts(loc *locale.Locale, cs []rights.Conflict) []adminConflict {
	var out []adminConflict
	index := map[string]int{}
	for _, c := range cs {
		end := loc.T("open")
		if c.OverlapEnd != nil {
			end = fmtInstant(*c.OverlapEnd)
		}
		overlap := fmtInstant(c.OverlapStart) + " – " + end
		key := fmt.Sprint(c.Kind, c.LicenseID, c.OtherID)
		if i, ok := index[key]; ok {
			out[i].Territories += ", " + c.Territory
			continue
		}
		index[key] = len(out)
		out = append(out, adminConflict{Kind: string(c.Kind), License: c.LicenseID, Other: c.OtherID, Territories: c.Territory, Overlap: overlap})
	}
	return out
}

// adminLicenseAdd stores a license from the form; a conflict is shown with
// each clash and the choice to force it.
func (s *Server) adminLicenseAdd(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"title_id", "licensor", "licensee", "license_type", "territories", "excluded", "start", "end", "exclusive", "original_branding"} {
		form[k] = r.PostFormValue(k)
	}
	loc := s.localeOf(r)
	fail := func(msg string) error {
		return s.renderLicenses(w, r, http.StatusBadRequest, adminPage{Form: form, Error: msg})
	}
	l := rights.License{Licensor: form["licensor"], Licensee: form["licensee"], Exclusive: form["exclusive"] == "1", OriginalBranding: form["original_branding"] == "1"}
	var err error
	if l.TitleID, err = strconv.ParseInt(form["title_id"], 10, 64); err != nil {
		return fail(loc.T("Title ID must be a number."))
	}
	if l.Type, err = rights.ParseLicenseType(form["license_type"]); err != nil {
		return fail(loc.Text(err.Error()))
	}
	l.Territories, l.Excluded = splitCodes(form["territories"]), splitCodes(form["excluded"])
	if l.Start, err = rights.ParseMoment(form["start"]); err != nil {
		return fail(loc.T("Start: %s", loc.Text(err.Error())))
	}
	if l.End, err = rights.ParseMoment(form["end"]); err != nil {
		return fail(loc.T("End: %s", loc.Text(err.Error())))
	}
	stored, _, err := s.Rights.AddAs(r.Context(), l, r.PostFormValue("force") == "1", rights.Change{Actor: actor(r)})
	var ce *rights.ConflictError
	var inv invalidField
	switch {
	case errors.As(err, &ce):
		return s.renderLicenses(w, r, http.StatusConflict, adminPage{Form: form, Refused: conflictLines(loc, ce.Conflicts)})
	case errors.As(err, &inv):
		_, _, reason := inv.InvalidField()
		return fail(loc.Text(reason))
	case err != nil:
		return err
	}
	return s.renderLicenses(w, r, http.StatusCreated, adminPage{Notice: loc.T("Added license %d.", stored.ID),
		Form: map[string]string{"licensee": s.Licensee, "license_type": "SVOD"}})
}

func splitCodes(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, p)
	}
	return out
}

func (s *Server) adminIngestForm(w http.ResponseWriter, r *http.Request) error {
	titles, _, err := s.adminTitles(r)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "admin", s.page(r, s.localeOf(r).T("Ingest"), "admin", adminPage{Tab: "ingest", Titles: titles}))
}

// adminIngest takes the plain form (without JavaScript) and shows the jobs.
func (s *Server) adminIngest(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if _, err := s.ingest(w, r, 0); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/jobs", http.StatusSeeOther)
	return nil
}

func (s *Server) adminJobs(w http.ResponseWriter, r *http.Request) error {
	as, err := s.Media.RecentAssets(r.Context(), 200)
	if err != nil {
		return err
	}
	var ids []int64
	for _, a := range as {
		ids = append(ids, a.TitleID)
	}
	titles, err := s.Catalog.GetTitles(r.Context(), ids)
	if err != nil {
		return err
	}
	rows := make([]adminAsset, 0, len(as))
	for _, a := range as {
		row := adminAsset{ID: a.ID, Title: titles[a.TitleID].OriginalTitle, State: string(a.State), Progress: int(a.Progress), Error: a.Error}
		if a.Speed > 0 {
			row.Speed = strconv.FormatFloat(a.Speed, 'f', 1, 64) + "×"
		}
		rows = append(rows, row)
	}
	loc := s.localeOf(r)
	names := map[string]string{}
	for _, st := range encodeStates {
		names[string(st)] = loc.T(string(st))
	}
	stateNames, _ := json.Marshal(names)
	return s.render(w, http.StatusOK, "admin", s.page(r, loc.T("Jobs"), "admin", adminPage{Tab: "jobs", Assets: rows, StateNames: string(stateNames)}))
}

// encodeStates are the states an encode goes through, each a catalogue key.
var encodeStates = []media.State{media.StateQueued, media.StateProbing, media.StateEncoding, media.StatePublishing,
	media.StateReady, media.StateFailed, media.StateCancelled}

// licenseWords are the words of rights shown on the admin pages, each a
// catalogue key: conflict kinds, statuses and the changes of a history.
var licenseWords = []string{string(rights.Exclusivity), string(rights.HoldbackConflict),
	string(rights.StatusActive), string(rights.StatusTerminated), string(rights.StatusWithdrawn),
	string(rights.ActionCreated), string(rights.ActionAmended), string(rights.ActionTerminated), string(rights.ActionWithdrawn)}
