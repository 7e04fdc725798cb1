package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/lineup/lineup/internal/locale"
	"github.com/lineup/lineup/internal/rights"
)

type adminRevision struct {
	Version                                        int64
	Action, At, Actor, Reason, Territories, Window string
}

type adminLicensePage struct {
	Error, Notice              string
	License                    rights.License
	Title                      string
	Territories, Window, Terms string
	Form                       map[string]string
	Checked                    bool
	Refused                    []string
	History                    []adminRevision
}

// licenseTerritories lists a license's territories and those it leaves
// out: "ZZ except CN".
func licenseTerritories(loc *locale.Locale, l rights.License) string {
	t := strings.Join(l.Territories, ", ")
	if len(l.Excluded) > 0 {
		return loc.T("%[1]s except %[2]s", t, strings.Join(l.Excluded, ", "))
	}
	return t
}

// licenseWindow writes a license's window, "open" when it has no end.
func licenseWindow(loc *locale.Locale, l rights.License) string {
	end := l.End.String()
	if end == "" {
		end = loc.T("open")
	}
	return l.Start.String() + " – " + end
}

// licenseTerms lists a license's terms in words.
func licenseTerms(loc *locale.Locale, l rights.License) string {
	var terms []string
	if l.Exclusive {
		terms = append(terms, loc.T("exclusive"))
	}
	if l.OriginalBranding {
		terms = append(terms, loc.T("original branding"))
	}
	return strings.Join(terms, loc.T(", "))
}

// conflictLines say each clash a license would make, one line each.
func conflictLines(loc *locale.Locale, cs []rights.Conflict) []string {
	var lines []string
	for _, c := range groupConflicts(loc, cs) {
		lines = append(lines, loc.T("%[1]s with license %[2]d in %[3]s, %[4]s", loc.T(c.Kind), c.Other, c.Territories, c.Overlap))
	}
	return lines
}

// adminLicense shows one license: its terms, the forms that amend,
// terminate and withdraw it, and its history.
func (s *Server) adminLicense(w http.ResponseWriter, r *http.Request) error {
	return s.renderLicense(w, r, http.StatusOK, adminLicensePage{})
}

func (s *Server) renderLicense(w http.ResponseWriter, r *http.Request, status int, p adminLicensePage) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.Rights.Get(ctx, id)
	if err != nil {
		return err
	}
	h, err := s.Rights.History(ctx, id)
	if err != nil {
		return err
	}
	title, err := s.Catalog.GetTitle(ctx, l.TitleID)
	if err != nil {
		return err
	}
	loc := s.localeOf(r)
	p.License, p.Title = l, title.OriginalTitle
	p.Territories, p.Window = licenseTerritories(loc, l), licenseWindow(loc, l)
	p.Terms = licenseTerms(loc, l)
	if l.Forced {
		if p.Terms != "" {
			p.Terms += loc.T(", ")
		}
		p.Terms += loc.T("forced over a conflict")
	}
	if p.Form == nil {
		p.Form = map[string]string{"territories": strings.Join(l.Territories, ", "), "excluded": strings.Join(l.Excluded, ", "),
			"start": l.Start.String(), "end": l.End.String(), "zone": l.Zone}
		if l.Exclusive {
			p.Form["exclusive"] = "1"
		}
		if l.OriginalBranding {
			p.Form["original_branding"] = "1"
		}
	}
	for i := len(h) - 1; i >= 0; i-- { // newest first
		rv := h[i]
		p.History = append(p.History, adminRevision{Version: rv.Version, Action: loc.T(string(rv.Action)), At: fmtInstant(rv.At),
			Actor: rv.Actor, Reason: rv.Reason, Territories: licenseTerritories(loc, rv.After), Window: licenseWindow(loc, rv.After)})
	}
	return s.render(w, status, "admin_license", s.page(r, loc.T("License %d", l.ID), "admin", p))
}

// adminLicenseChange takes the license page's forms: action check shows the
// conflicts an amendment would make; save amends (showing the conflicts
// and saving nothing unless forced); terminate and withdraw do so.
func (s *Server) adminLicenseChange(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	action, loc := r.PostFormValue("action"), s.localeOf(r)
	ch := rights.Change{Actor: actor(r), Reason: r.PostFormValue("reason")}
	var inv invalidField
	fail := func(err error, form map[string]string) error {
		if errors.As(err, &inv) {
			field, _, reason := inv.InvalidField()
			return s.renderLicense(w, r, http.StatusBadRequest, adminLicensePage{Form: form, Error: loc.T("%[1]s: %[2]s", field, loc.Text(reason))})
		}
		return err
	}
	switch action {
	case "terminate":
		end, err := rights.ParseMoment(r.PostFormValue("end"))
		if err != nil {
			return s.renderLicense(w, r, http.StatusBadRequest, adminLicensePage{Error: loc.T("New end: %s", loc.Text(err.Error()))})
		}
		l, err := s.Rights.Terminate(ctx, id, end, ch)
		if err != nil {
			return fail(err, nil)
		}
		return s.renderLicense(w, r, http.StatusOK, adminLicensePage{Notice: loc.T("Terminated: license %[1]d now ends %[2]s.", l.ID, l.End.String())})
	case "withdraw":
		if _, err := s.Rights.Withdraw(ctx, id, ch); err != nil {
			return fail(err, nil)
		}
		return s.renderLicense(w, r, http.StatusOK, adminLicensePage{Notice: loc.T("Withdrew license %d: kept for the record, never counted again.", id)})
	case "check", "save":
	default:
		return errBadRequest("action", action, "action must be check, save, terminate or withdraw")
	}
	form := map[string]string{}
	for _, k := range []string{"territories", "excluded", "start", "end", "zone", "exclusive", "original_branding", "reason"} {
		form[k] = r.PostFormValue(k)
	}
	cur, err := s.Rights.Get(ctx, id)
	if err != nil {
		return err
	}
	l := cur
	l.Territories, l.Excluded = splitCodes(form["territories"]), splitCodes(form["excluded"])
	l.Exclusive, l.OriginalBranding, l.Zone = form["exclusive"] == "1", form["original_branding"] == "1", form["zone"]
	if l.Start, err = rights.ParseMoment(form["start"]); err != nil {
		return s.renderLicense(w, r, http.StatusBadRequest, adminLicensePage{Form: form, Error: loc.T("Start: %s", loc.Text(err.Error()))})
	}
	if l.End, err = rights.ParseMoment(form["end"]); err != nil {
		return s.renderLicense(w, r, http.StatusBadRequest, adminLicensePage{Form: form, Error: loc.T("End: %s", loc.Text(err.Error()))})
	}
	refused := func(cs []rights.Conflict) []string { return conflictLines(loc, cs) }
	if action == "check" {
		cs, err := s.Rights.CheckAmend(ctx, id, l)
		if err != nil {
			return fail(err, form)
		}
		return s.renderLicense(w, r, http.StatusOK, adminLicensePage{Form: form, Checked: true, Refused: refused(cs)})
	}
	stored, _, err := s.Rights.Amend(ctx, id, l, ch, r.PostFormValue("force") == "1")
	var ce *rights.ConflictError
	if errors.As(err, &ce) {
		return s.renderLicense(w, r, http.StatusConflict, adminLicensePage{Form: form, Checked: true, Refused: refused(ce.Conflicts)})
	}
	if err != nil {
		return fail(err, form)
	}
	notice := loc.T("Saved: license %[1]d is now version %[2]d.", stored.ID, stored.Version)
	if stored.Version == cur.Version {
		notice = loc.T("Nothing changed: the license already has these terms.")
	}
	return s.renderLicense(w, r, http.StatusOK, adminLicensePage{Notice: notice})
}
