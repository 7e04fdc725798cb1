package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/editorial"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

type creditLine struct {
	Job, Name, OriginalName, Character string
	PersonID                           int64
}

type titlePage struct {
	ID                                    int64
	Name, OriginalTitle, OriginalLanguage string
	Year                                  int
	Runtime                               string
	MinAge                                int
	Genres                                []string
	Synopsis, SourceWork                  string
	Hue                                   int64
	Still, StillCaption                   string
	Original                              bool
	Available                             bool
	AvailabilityLine                      string
	PlayURL, ResumeAt                     string
	CanList, InList                       bool
	CSRF                                  string
	Credits                               []creditLine
	Sections                              []template.HTML
}

func (s *Server) titlePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerFrom(ctx)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Catalog.GetTitle(ctx, id)
	if err != nil {
		return err
	}
	lang, territory, now := v.Lang(), v.where.Territory, s.Now()
	if !v.profile.Allows(t.MinAge) {
		// A kids profile does not see adult titles anywhere, not even
		// their page.
		return errNotFound("no such title")
	}
	name, synopsis := t.Localized(lang)
	p := titlePage{ID: id, Name: name, OriginalTitle: t.OriginalTitle, OriginalLanguage: t.OriginalLanguage, Year: t.Year,
		MinAge: t.MinAge, Genres: t.Genres, Synopsis: synopsis, SourceWork: t.SourceWork, Hue: hue(id),
		CanList: true, CSRF: s.page(r, "", "", nil).CSRF}
	if t.RuntimeMinutes > 0 {
		p.Runtime = fmt.Sprintf("%d min", t.RuntimeMinutes)
	}
	for _, c := range t.Credits {
		line := creditLine{Job: titleCase(c.Job), Name: c.Person.LocalizedName(lang), Character: c.LocalizedCharacter(lang), PersonID: c.PersonID}
		if orig := c.Person.Name; orig != line.Name {
			line.OriginalName = orig
		}
		p.Credits = append(p.Credits, line)
	}
	a, err := s.Rights.Available(ctx, rights.AvailabilityQuery{TitleID: id, Territory: territory, At: now, ViewerZone: v.where.Zone})
	if err != nil {
		return err
	}
	p.Available = a.Available
	switch {
	case a.Available:
		p.AvailabilityLine = "Available now in " + rights.CountryName(territory)
		if a.LastDay != "" {
			p.AvailabilityLine += " · Last day to watch " + humanDate(a.LastDay, now)
		}
		if l, err := s.Rights.Get(ctx, a.LicenseID); err == nil {
			p.Original = l.OriginalBranding
		}
		if s.Media != nil {
			if _, err := s.Media.PlayableAsset(ctx, id); err == nil {
				p.PlayURL = "/watch/" + strconv.FormatInt(id, 10)
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			} else {
				p.AvailabilityLine += " · the video is still being prepared"
			}
		}
	case a.StartsAt != nil:
		p.AvailabilityLine = "Available from " + humanDate(rights.LocalDate(*a.StartsAt, territory), now) + " in " + rights.CountryName(territory)
	default:
		p.AvailabilityLine = "Not available in your country (" + rights.CountryName(territory) + ")"
	}
	if p.PlayURL != "" {
		if pr, err := s.Accounts.Progress(ctx, v.profile.ID, id); err == nil && !pr.Finished && pr.Position > 0 {
			p.ResumeAt = clock(pr.Resume())
		}
	}
	if in, err := s.Accounts.InList(ctx, v.profile.ID, id); err == nil {
		p.InList = in
	}
	stories := []editorial.Story{}
	if s.Editorial != nil {
		if stories, err = s.Editorial.ForTitle(ctx, id); err != nil {
			return err
		}
	}
	for _, st := range stories {
		for _, img := range st.Images() {
			if p.Still == "" {
				p.Still, p.StillCaption = s.imageURL(img.Key), img.Caption
			}
		}
	}
	if sec, err := s.boxofficeSection(ctx, id, name, t.OriginalTitle); err != nil {
		return err
	} else if sec != "" {
		p.Sections = append(p.Sections, sec)
	}
	for _, st := range stories {
		p.Sections = append(p.Sections, s.storyHTML(st))
	}
	return s.render(w, http.StatusOK, "title", s.page(r, name, "", p))
}

// boxofficeSection is the film's box-office run: the chart of each
// territory's cumulative gross with its milestones, opening and total.
func (s *Server) boxofficeSection(ctx context.Context, id int64, name, original string) (template.HTML, error) {
	if s.BoxOffice == nil {
		return "", nil
	}
	runs, err := s.BoxOffice.Runs(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if len(runs) == 0 {
		return "", nil
	}
	var b bytes.Buffer
	b.WriteString(`<section class="chart" aria-labelledby="boxoffice"><h2 id="boxoffice">Box office</h2>`)
	label := name
	if original != name {
		label += " (" + original + ")"
	}
	for _, run := range runs {
		ms := run.Milestones(charts.RoundThresholds(run.Total, run.Currency, 6)...)
		total := charts.Money{Amount: run.Total, Currency: run.Currency}
		est := ""
		if run.TotalEstimate {
			est = " (estimate)"
		}
		fmt.Fprintf(&b, `<p>%s: opened %s with %s; %s%s after %d days.</p>`,
			template.HTMLEscapeString(rights.CountryName(run.Territory)), template.HTMLEscapeString(run.OpeningDay),
			template.HTMLEscapeString(charts.Money{Amount: run.OpeningGross, Currency: run.Currency}.String()),
			template.HTMLEscapeString(total.String()), est, run.DaysInRelease)
		b.Write(charts.CumulativeSVG(run, ms, charts.ChartOptions{Name: label}))
	}
	b.WriteString(`<p class="muted">Dashed stretches are estimates between reported figures.</p></section>`)
	return template.HTML(b.String()), nil
}

// clock writes a position as h:mm:ss or m:ss.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, sec := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}

// imageURL is where a page loads a stored image from.
func (s *Server) imageURL(key string) string { return "/images/" + key }

// storyHTML renders an interview or story with its images and links to the
// people who speak in it.
func (s *Server) storyHTML(st editorial.Story) template.HTML {
	return editorial.HTML(st, editorial.RenderOptions{
		ImageURL:  s.imageURL,
		PersonURL: func(id int64) string { return "/people/" + strconv.FormatInt(id, 10) },
	})
}
