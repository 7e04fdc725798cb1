package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/catalog"
)

// picture is an image with its renditions, for <img src srcset>.
type picture struct {
	Src, Srcset string
	Width       int // of Src
}

// pictureOf lists an artwork's renditions for srcset, and picks as src the
// one at or just above width.
func (s *Server) pictureOf(a catalog.Artwork, width int) picture {
	var p picture
	var set []string
	for _, w := range a.Widths {
		u := s.imageURL(a.Key(w))
		set = append(set, u+" "+strconv.Itoa(w)+"w")
		if p.Src == "" || p.Width < width {
			p.Src, p.Width = u, w
		}
	}
	p.Srcset = strings.Join(set, ", ")
	return p
}

// illustrate gives each card its title's poster, when it has one, with one
// query for every card of the page.
func (s *Server) illustrate(ctx context.Context, rows ...[]card) error {
	var ids []int64
	for _, cards := range rows {
		for _, c := range cards {
			ids = append(ids, c.TitleID)
		}
	}
	art, err := s.Catalog.ArtworkFor(ctx, ids)
	if err != nil {
		return err
	}
	for _, cards := range rows {
		for i := range cards {
			if a, ok := art[cards[i].TitleID][catalog.Poster]; ok {
				cards[i].Poster = s.pictureOf(a, 320)
			}
		}
	}
	return nil
}

// illustrateRows is illustrate for the rows of a page.
func (s *Server) illustrateRows(ctx context.Context, rows []homeRow) error {
	cards := make([][]card, len(rows))
	for i := range rows {
		cards[i] = rows[i].Cards
	}
	return s.illustrate(ctx, cards...)
}
