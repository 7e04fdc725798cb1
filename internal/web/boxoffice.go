package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// boxofficeImport stores a CSV of daily grosses (all rows or none).
func (s *Server) boxofficeImport(w http.ResponseWriter, r *http.Request) error {
	res, err := s.BoxOffice.Import(r.Context(), r.Body, "api")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, res)
}

// titleRun is one territory's box-office run with its milestones.
type titleRun struct {
	charts.Run
	Milestones []charts.Milestone `json:"milestones"`
}

// titleRuns returns a title's runs, each with round-number milestones.
func (s *Server) titleRuns(r *http.Request, id int64) ([]titleRun, error) {
	runs, err := s.BoxOffice.Runs(r.Context(), id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	out := make([]titleRun, 0, len(runs))
	for _, run := range runs {
		out = append(out, titleRun{Run: run, Milestones: run.Milestones(charts.RoundThresholds(run.Total, run.Currency, 6)...)})
	}
	return out, nil
}

func (s *Server) titleBoxoffice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Catalog.GetTitle(r.Context(), id); err != nil {
		return err
	}
	runs, err := s.titleRuns(r, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"title": id, "runs": runs})
}

// titleBoxofficeSVG draws the cumulative gross of one territory's run.
func (s *Server) titleBoxofficeSVG(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Catalog.GetTitle(r.Context(), id)
	if err != nil {
		return err
	}
	territory := r.URL.Query().Get("territory")
	if territory == "" {
		ts, err := s.BoxOffice.Territories(r.Context(), id)
		if err != nil {
			return err
		}
		if len(ts) == 0 {
			return errNotFound("this title has no box-office figures")
		}
		territory = ts[0]
	}
	run, err := s.BoxOffice.Run(r.Context(), id, territory)
	if err != nil {
		return err
	}
	local, _ := t.Localized(langOf(r))
	name := local
	if local != t.OriginalTitle {
		name += " (" + t.OriginalTitle + ")"
	}
	svg := charts.CumulativeSVG(run, run.Milestones(charts.RoundThresholds(run.Total, run.Currency, 6)...), charts.ChartOptions{Name: name})
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(svg)
	return err
}

var dayPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// recordsGet answers who held a record as of a date, the ranking behind
// them, and the record's whole timeline.
func (s *Server) recordsGet(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := charts.RecordFilter{Territory: q.Get("territory"), DirectorGender: q.Get("director_gender"), OriginalLanguage: q.Get("language")}
	if f.Territory == "" {
		return errBadRequest("territory", "", "records are kept per territory: send territory=CN, for example")
	}
	if codes, err := rights.ParseTerritory(f.Territory); err != nil || len(codes) != 1 || codes[0] != f.Territory {
		return errBadRequest("territory", f.Territory, "territory must be one country code in capitals, such as CN or US")
	}
	inUSD, err := queryBool(r, "usd")
	if err != nil {
		return err
	}
	f.InUSD = inUSD
	asOf := q.Get("as_of")
	if asOf == "" {
		asOf = s.Now().UTC().Format("2006-01-02")
	}
	if !dayPattern.MatchString(asOf) {
		return errBadRequest("as_of", asOf, "as_of must be a date written YYYY-MM-DD")
	}
	ranking, err := s.BoxOffice.Ranking(r.Context(), f, asOf, 10)
	if errors.Is(err, charts.ErrNoRate) {
		missing := "some of these figures"
		var nr *charts.NoRateError
		if errors.As(err, &nr) {
			missing = fmt.Sprintf("%s figures on %s", nr.Currency, nr.Day)
		}
		return &httpError{status: http.StatusUnprocessableEntity, field: "usd", value: "true",
			detail: "no exchange rate to US dollars is known for " + missing + ": load rates with `lineup boxoffice rates FILE.csv`, or ask without usd=true"}
	}
	if err != nil {
		return err
	}
	timeline, err := s.BoxOffice.RecordTimeline(r.Context(), f)
	if err != nil {
		return err
	}
	out := map[string]any{"filter": f, "as_of": asOf, "ranking": nonNil(ranking), "timeline": nonNil(timeline), "holder": nil}
	reign, standing, err := s.BoxOffice.Record(r.Context(), f, asOf)
	switch {
	case err == nil:
		out["holder"] = map[string]any{"reign": reign, "standing": standing}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
