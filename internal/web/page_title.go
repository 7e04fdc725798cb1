package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/editorial"
	"github.com/lineup/lineup/internal/locale"
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
	Backdrop                              picture
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
	loc := s.localeOf(r)
	if !v.profile.Allows(t.MinAge) {
		// A kids profile does not see adult titles anywhere, not even
		// their name: the error page says why without naming it.
		return errAboveMaturity
	}
	name, synopsis := t.Localized(lang)
	p := titlePage{ID: id, Name: name, OriginalTitle: t.OriginalTitle, OriginalLanguage: t.OriginalLanguage, Year: t.Year,
		MinAge: t.MinAge, Genres: translated(loc, t.Genres), Synopsis: synopsis, SourceWork: t.SourceWork, Hue: hue(id),
		CanList: true, CSRF: s.page(r, "", "", nil).CSRF}
	if t.RuntimeMinutes > 0 {
		p.Runtime = loc.T("%d min", t.RuntimeMinutes)
	}
	for _, c := range t.Credits {
		line := creditLine{Job: loc.T(titleCase(c.Job)), Name: c.Person.LocalizedName(lang), Character: c.LocalizedCharacter(lang), PersonID: c.PersonID}
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
		p.AvailabilityLine = loc.T("Available now in %s", loc.Country(territory))
		if a.LastDay != "" {
			p.AvailabilityLine = loc.T("Available now in %[1]s · Last day to watch %[2]s", loc.Country(territory), loc.Day(a.LastDay, now))
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
				p.AvailabilityLine = loc.T("Available now in %s · the video is still being prepared", loc.Country(territory))
			}
		}
	case a.StartsAt != nil:
		p.AvailabilityLine = loc.T("Available from %[1]s in %[2]s", loc.Day(rights.LocalDate(*a.StartsAt, territory), now), loc.Country(territory))
	default:
		p.AvailabilityLine = loc.T("Not available in your country (%s)", loc.Country(territory))
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
	if art, err := s.Catalog.ArtworkFor(ctx, []int64{id}); err != nil {
		return err
	} else if a, ok := art[id][catalog.Backdrop]; ok {
		p.Backdrop = s.pictureOf(a, 1280)
	}
	if sec, err := s.boxofficeSection(ctx, loc, id, name, t.OriginalTitle); err != nil {
		return err
	} else if sec != "" {
		p.Sections = append(p.Sections, sec)
	}
	for _, st := range stories {
		p.Sections = append(p.Sections, s.storyHTML(st, loc))
	}
	return s.render(w, http.StatusOK, "title", s.page(r, name, "", p))
}

// boxofficeSection is the film's box-office run: the chart of each
// territory's cumulative gross with its milestones, opening and total.
func (s *Server) boxofficeSection(ctx context.Context, loc *locale.Locale, id int64, name, original string) (template.HTML, error) {
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
	fmt.Fprintf(&b, `<section class="chart" aria-labelledby="boxoffice"><h2 id="boxoffice">%s</h2>`, template.HTMLEscapeString(loc.T("Box office")))
	label := name
	if original != name {
		label += " (" + original + ")"
	}
	for _, run := range runs {
		ms := run.Milestones(charts.RoundThresholds(run.Total, run.Currency, 6)...)
		total := charts.Money{Amount: run.Total, Currency: run.Currency}
		unit := math.Pow10(charts.MinorDigits(run.Currency))
		opening := loc.Money(float64(run.OpeningGross)/unit, run.Currency)
		sum := loc.Money(float64(total.Amount)/unit, run.Currency)
		country, day := loc.Country(run.Territory), loc.Day(run.OpeningDay, time.Time{})
		line := loc.T("%[1]s: opened %[2]s with %[3]s; %[4]s after %[5]d days.", country, day, opening, sum, run.DaysInRelease)
		if run.TotalEstimate {
			line = loc.T("%[1]s: opened %[2]s with %[3]s; an estimated %[4]s after %[5]d days.", country, day, opening, sum, run.DaysInRelease)
		}
		fmt.Fprintf(&b, `<p>%s</p>`, template.HTMLEscapeString(line))
		// tabindex: on a phone the chart scrolls in its box, and keyboard
		// users must be able to scroll it too.
		fmt.Fprintf(&b, `<div class="plot" tabindex="0" role="region" aria-label="%s">`, template.HTMLEscapeString(loc.T("Box office in %s", loc.Country(run.Territory))))
		b.Write(charts.CumulativeSVG(run, ms, charts.ChartOptions{Name: label, T: loc.T, Country: loc.Country}))
		b.WriteString(`</div>`)
		// The same run in US dollars, when the stored rates cover it: the
		// reports of a Chinese run are often in dollars ("close to US$200M
		// in its first 10 days"), so the page shows that figure too.
		if run.Currency != charts.USD {
			if usd, err := s.BoxOffice.RunInUSD(ctx, id, run.Territory); err == nil && len(usd.Days) >= 10 {
				ten := usd.Days[9]
				fmt.Fprintf(&b, `<p>%s</p>`, template.HTMLEscapeString(loc.T("At the stored exchange rates, about %[1]s after 10 days and about %[2]s in all (estimates).",
					loc.Money(float64(ten.Cumulative)/100, charts.USD), loc.Money(float64(usd.Total)/100, charts.USD))))
				marks := []int64{10_000_000_000, ten.Cumulative / 100_000_000 * 100_000_000} // US$100M, and the ten-day figure to the million
				fmt.Fprintf(&b, `<div class="plot" tabindex="0" role="region" aria-label="%s">`, template.HTMLEscapeString(loc.T("Box office in %s, in US dollars", loc.Country(run.Territory))))
				b.Write(charts.CumulativeSVG(usd, usd.Milestones(marks...), charts.ChartOptions{Name: label, IDPrefix: fmt.Sprintf("boxoffice-%d-%s-usd", id, run.Territory), T: loc.T, Country: loc.Country}))
				b.WriteString(`</div>`)
			} else if err != nil && !errors.Is(err, charts.ErrNoRate) {
				return "", err
			}
		}
	}
	fmt.Fprintf(&b, `<p class="muted">%s</p></section>`, template.HTMLEscapeString(loc.T("Dashed stretches are estimates between reported figures.")))
	return template.HTML(b.String()), nil
}

// translated translates words that come from the catalogue's data, such as
// genres and jobs ("Drama", "Director"); a word without a translation stays
// as it is.
func translated(loc *locale.Locale, words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = loc.Text(w)
	}
	return out
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
// people who speak in it; the interviewer's label is in the reader's
// language (the story keeps its own).
func (s *Server) storyHTML(st editorial.Story, loc *locale.Locale) template.HTML {
	return editorial.HTML(st, editorial.RenderOptions{
		ImageURL: s.imageURL,
		// The page's one <h1> is the title's or the person's name.
		HeadingLevel:  2,
		PersonURL:     func(id int64) string { return "/people/" + strconv.FormatInt(id, 10) },
		QuestionLabel: loc.T("Q:"),
		QuestionLang:  loc.Tag(),
	})
}
