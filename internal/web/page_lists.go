package web

import (
	"net/http"
	"strconv"
)

// myListToggle adds a title to the profile's list, or removes it.
func (s *Server) myListToggle(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := viewerFrom(r.Context())
	if r.PostFormValue("remove") == "1" {
		err = s.Accounts.RemoveFromList(r.Context(), v.profile.ID, id)
	} else {
		// A title above the profile's limit does not exist for it.
		t, err := s.Catalog.GetTitle(r.Context(), id)
		if err != nil {
			return err
		}
		if !v.profile.Allows(t.MinAge) {
			return errNotFound("no such title")
		}
		err = s.Accounts.AddToList(r.Context(), v.profile.ID, id)
		if err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/titles/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// myList shows the profile's list as a row of cards.
func (s *Server) myList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerFrom(ctx)
	list, err := s.Accounts.List(ctx, v.profile.ID, 200)
	if err != nil {
		return err
	}
	var ids []int64
	for _, l := range list {
		ids = append(ids, l.TitleID)
	}
	titles, err := s.Catalog.GetTitles(ctx, ids)
	if err != nil {
		return err
	}
	var cards []card
	for _, id := range ids {
		t, ok := titles[id]
		if !ok || !v.profile.Allows(t.MinAge) {
			continue
		}
		name, _ := t.Localized(v.Lang())
		cards = append(cards, card{TitleID: id, Name: name, Hue: hue(id)})
	}
	loc := s.localeOf(r)
	if err := s.illustrate(ctx, cards); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "home", s.page(r, loc.T("My List"), "mylist", homePage{Rows: []homeRow{
		{Key: "mylist", Heading: loc.T("My List"), Cards: cards, Empty: loc.T("Titles you add to My List appear here.")}}}))
}

// person shows a person's names and the titles they worked on.
func (s *Server) person(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerFrom(ctx)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.Catalog.GetPerson(ctx, id)
	if err != nil {
		return err
	}
	loc := s.localeOf(r)
	var cards []card
	for _, c := range p.Credits {
		if !v.profile.Allows(c.Title.MinAge) {
			continue
		}
		name, _ := c.Title.Localized(v.Lang())
		role := loc.T(titleCase(c.Credit.Job))
		if ch := c.Credit.LocalizedCharacter(v.Lang()); ch != "" {
			role = loc.T("%[1]s · %[2]s", role, ch)
		}
		cards = append(cards, card{TitleID: c.Title.ID, Name: name, Hue: hue(c.Title.ID), When: role})
	}
	name := p.LocalizedName(v.Lang())
	heading := name
	if p.Name != name {
		heading += " (" + p.Name + ")"
	}
	if err := s.illustrate(ctx, cards); err != nil {
		return err
	}
	page := homePage{Rows: []homeRow{{Key: "credits", Heading: heading, Cards: cards, Empty: loc.T("No titles on this profile.")}}}
	if s.Editorial != nil {
		stories, err := s.Editorial.ForPerson(ctx, id)
		if err != nil {
			return err
		}
		for _, st := range stories {
			page.Sections = append(page.Sections, s.storyHTML(st, loc))
		}
	}
	return s.render(w, http.StatusOK, "home", s.page(r, name, "", page))
}
