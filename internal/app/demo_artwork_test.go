package app

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/media"
)

// TestDemoMakesItsOwnArtwork: a demo title gets a poster and a backdrop
// taken from a frame of its own film, stored in the media store.
func TestDemoMakesItsOwnArtwork(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	c := newCLI(t, filepath.Join(dir, "lineup.db"))
	c.env["LINEUP_DATA_DIR"] = dir
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return c.env[k] }}
	if _, parse := e.flags("demo"); parse(nil) != nil {
		t.Fatal("flags")
	}
	rt, err := e.openRuntime(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.close(context.Background())
	title, err := rt.catalog.CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := media.GenerateSample(ctx, e.cfg.FFmpeg, t.TempDir(), media.SampleOptions{Seconds: 4, Width: 640, Height: 360, Label: "Us and Them"})
	if err != nil {
		t.Fatalf("generate sample video: %v", err)
	}
	if err := e.demoArtwork(ctx, rt, title.ID, files.Video, t.TempDir(), 640); err != nil {
		t.Fatalf("the demo must make artwork from its film: %v", err)
	}
	art, err := rt.catalog.ArtworkFor(ctx, []int64{title.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{catalog.Poster, catalog.Backdrop} {
		a, ok := art[title.ID][kind]
		if !ok || len(a.Widths) == 0 {
			t.Errorf("the demo title must have a %s: %+v", kind, art)
			continue
		}
		if _, err := rt.blob.Stat(ctx, a.Key(a.Widths[0])); err != nil {
			t.Errorf("the %s's rendition must be in the media store: %v", kind, err)
		}
	}
}
