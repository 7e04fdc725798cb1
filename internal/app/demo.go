package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/demo"
	"github.com/lineup/lineup/internal/editorial"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// The demo's sign-ins. The demo listens on 127.0.0.1 unless told
// otherwise; these are printed every time it starts.
const (
	demoViewer, demoViewerPassword = "viewer@lineup.demo", "watch-the-lineup"
	demoAdmin, demoAdminPassword   = "admin@lineup.demo", "run-the-lineup"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	_, parse := e.flags("demo")
	if err := parse(args); err != nil {
		return err
	}
	rt, err := e.openRuntime(ctx, true)
	if err != nil {
		return err
	}
	defer rt.close(context.WithoutCancel(ctx))
	if err := rt.queue.Start(ctx); err != nil {
		return err
	}
	now := time.Now()
	sum, err := demo.Load(ctx, rt.catalog, rt.rights, e.cfg.Licensee, e.cfg.DefaultTerritory, now)
	if err != nil {
		return err
	}
	if sum.Loaded {
		fmt.Fprintf(e.stdout, "Loaded the demo catalogue: %d titles, %d licenses (windows of the other films placed around %s).\n",
			len(sum.Titles), sum.Licenses, rights.LocalDate(now, e.cfg.DefaultTerritory))
		if _, err := rt.boxoffice.Add(ctx, charts.DemoGrosses(sum.Titles), charts.DemoOrigin); err != nil {
			return fmt.Errorf("demo: box office: %w", err)
		}
		if err := rt.boxoffice.AddRates(ctx, charts.DemoRates()); err != nil {
			return fmt.Errorf("demo: exchange rates: %w", err)
		}
		for _, st := range editorial.DemoStills() {
			png, err := editorial.DemoStillPNG(st.Key)
			if err != nil {
				return err
			}
			if err := rt.blob.Put(ctx, st.Key, bytes.NewReader(png), int64(len(png)), "image/png"); err != nil {
				return fmt.Errorf("demo: still %s: %w", st.Key, err)
			}
		}
		if _, err := rt.editorial.Import(ctx, editorial.DemoStory()); err != nil {
			return fmt.Errorf("demo: interview: %w", err)
		}
	} else {
		fmt.Fprintf(e.stdout, "The demo catalogue is already in %s.\n", rt.db.Location)
	}
	if err := e.demoUsers(ctx, rt); err != nil {
		return err
	}
	if err := e.demoMedia(ctx, rt, sum.Titles); err != nil {
		return err
	}
	return e.serve(ctx, rt, func(addr string) {
		base := "http://" + addr
		us := sum.Titles["us-and-them"]
		fmt.Fprintf(e.stdout, "\nLineup is serving the demo at %s\n", base)
		fmt.Fprintf(e.stdout, "  sign in as a viewer:    %s / %s\n", demoViewer, demoViewerPassword)
		fmt.Fprintf(e.stdout, "  sign in as the admin:   %s / %s\n", demoAdmin, demoAdminPassword)
		fmt.Fprintf(e.stdout, "  Us and Them:            %s/titles/%d\n", base, us)
		fmt.Fprintf(e.stdout, "  lineup of %s (API):     %s/api/v1/lineup?territory=%s\n", e.cfg.DefaultTerritory, base, e.cfg.DefaultTerritory)
		fmt.Fprintf(e.stdout, "  opens in Manila at:     %s/api/v1/availability?title=%d&territory=PH&at=2018-06-21T16:00:00Z\n", base, us)
		fmt.Fprintf(e.stdout, "  API description:        %s/api/v1/openapi.json\n", base)
		if e.cfg.AdminToken != "" {
			fmt.Fprintln(e.stdout, "  admin API token:        LINEUP_ADMIN_TOKEN as set")
		}
		fmt.Fprintln(e.stdout, "Press Ctrl-C to stop.")
	})
}

// demoUsers makes the demo's viewer (with an adult and a kids profile) and
// admin, once.
func (e *env) demoUsers(ctx context.Context, rt *runtime) error {
	for _, u := range []struct {
		email, password string
		role            accounts.Role
	}{{demoViewer, demoViewerPassword, accounts.RoleViewer}, {demoAdmin, demoAdminPassword, accounts.RoleAdmin}} {
		if _, err := rt.accounts.UserByEmail(ctx, u.email); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		user, err := rt.accounts.AddUser(ctx, accounts.NewUser{Email: u.email, Password: u.password, Role: u.role, HomeTerritory: e.cfg.DefaultTerritory})
		if err != nil {
			return fmt.Errorf("demo: user %s: %w", u.email, err)
		}
		if _, err := rt.accounts.AddProfile(ctx, user.ID, accounts.ProfileInput{Name: "Alex", Language: "en", MaxAge: accounts.MaxMaturity}); err != nil {
			return err
		}
		if u.role == accounts.RoleViewer {
			if _, err := rt.accounts.AddProfile(ctx, user.ID, accounts.ProfileInput{Name: "小明", Language: "zh", MaxAge: accounts.MaxMaturity}); err != nil {
				return err
			}
			if _, err := rt.accounts.AddProfile(ctx, user.ID, accounts.ProfileInput{Name: "Kids", Language: "en", MaxAge: accounts.KidsMaxMaturity, Kids: true}); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoLongFilm is the demo title whose sample film is long enough for
// resume and Continue Watching to show: a viewer who stops part way has
// something to come back to (a 10-second film always counts as finished).
const demoLongFilm = "us-and-them"

// demoSample is the sample film of a demo title: three minutes for
// demoLongFilm, small (640×360, 15 frames a second: a ladder of low rungs)
// so that the demo still starts within a few minutes; ten seconds at 480p
// for the others.
func demoSample(key, label string) media.SampleOptions {
	if key == demoLongFilm {
		return media.SampleOptions{Seconds: 180, Width: 640, Height: 360, FrameRate: 15, Label: label}
	}
	return media.SampleOptions{Seconds: 10, Width: 854, Height: 480, Label: label}
}

// demoMedia generates a short sample video for every demo title that has
// nothing to play (two audio languages, English and Chinese subtitles),
// ingests it and waits until every one is ready, showing progress.
func (e *env) demoMedia(ctx context.Context, rt *runtime, titles map[string]int64) error {
	keys := make([]string, 0, len(titles))
	for k := range titles {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dir, err := os.MkdirTemp("", "lineup-demo-media-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var waiting []int64
	for _, key := range keys {
		id := titles[key]
		if _, err := rt.media.PlayableAsset(ctx, id); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if as, err := rt.media.Assets(ctx, id); err == nil && len(as) > 0 && as[0].State != media.StateFailed && as[0].State != media.StateCancelled {
			waiting = append(waiting, as[0].ID) // an earlier run queued it
			continue
		}
		t, err := rt.catalog.GetTitle(ctx, id)
		if err != nil {
			return err
		}
		label, _ := t.Localized("en")
		sub := filepath.Join(dir, key)
		if err := os.MkdirAll(sub, 0o750); err != nil {
			return err
		}
		files, err := media.GenerateSample(ctx, e.cfg.FFmpeg, sub, demoSample(key, label))
		if err != nil {
			return fmt.Errorf("demo: sample video for %s: %w", key, err)
		}
		a, err := ingestFiles(ctx, rt, id, files)
		if err != nil {
			return fmt.Errorf("demo: ingest %s: %w", key, err)
		}
		waiting = append(waiting, a.ID)
	}
	if len(waiting) == 0 {
		return nil
	}
	fmt.Fprintf(e.stdout, "Encoding %d demo video(s)…\n", len(waiting))
	for i, id := range waiting {
		bar := newProgressBar(e.stderr)
		a, err := rt.media.WaitForAsset(ctx, id, func(a media.Asset) {
			bar.draw(fmt.Sprintf("%d/%d %s", i+1, len(waiting), a.State), a.Progress, a.Speed)
		})
		bar.done()
		if err != nil {
			return err
		}
		if a.State != media.StateReady {
			return fmt.Errorf("demo: asset %d %s: %s", a.ID, a.State, a.Error)
		}
	}
	return nil
}

func ingestFiles(ctx context.Context, rt *runtime, titleID int64, files media.SampleFiles) (media.Asset, error) {
	var open []*os.File
	defer func() {
		for _, f := range open {
			f.Close()
		}
	}()
	get := func(path string) (*os.File, error) {
		f, err := os.Open(path)
		if err == nil {
			open = append(open, f)
		}
		return f, err
	}
	src, err := get(files.Video)
	if err != nil {
		return media.Asset{}, err
	}
	req := media.IngestRequest{TitleID: titleID, Source: src, Filename: "sample.mp4"}
	for _, lang := range []string{"en", "zh"} {
		if path, ok := files.Audio[lang]; ok {
			f, err := get(path)
			if err != nil {
				return media.Asset{}, err
			}
			req.Audio = append(req.Audio, media.Track{Language: lang, Filename: lang + ".m4a", Reader: f})
		}
		if path, ok := files.Subtitles[lang]; ok {
			f, err := get(path)
			if err != nil {
				return media.Asset{}, err
			}
			req.Subtitles = append(req.Subtitles, media.Track{Language: lang, Filename: lang + ".vtt", Reader: f})
		}
	}
	return rt.media.Ingest(ctx, req)
}
