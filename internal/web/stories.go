package web

import (
	"io"
	"net/http"
	"strconv"
)

// storiesImport stores an interview or story written in Lineup's Markdown
// convention (docs/editorial.md).
func (s *Server) storiesImport(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	story, err := s.Editorial.Import(r.Context(), body)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/stories/"+strconv.FormatInt(story.ID, 10))
	return writeJSON(w, http.StatusCreated, story)
}

func (s *Server) storiesGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	story, err := s.Editorial.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, story)
}

func (s *Server) titleStories(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	stories, err := s.Editorial.ForTitle(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"stories": nonNil(stories)})
}
