package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/search"
	"github.com/lineup/lineup/internal/store"
)

// searchRebuildEvery is how often a serving node rebuilds its search index
// from the catalogue, which picks up titles added through the CLI or on
// other nodes (each node keeps its own index).
const searchRebuildEvery = 10 * time.Minute

// openSearch opens the node's search index and keeps it fresh: a rebuild
// in the background at start, then every searchRebuildEvery, until ctx
// ends. Searches answer from the previous index while a rebuild runs. The
// caller closes the index.
func (e *env) openSearch(ctx context.Context, rt *runtime) (*search.Index, error) {
	idx, err := search.Open(search.Config{Dir: e.cfg.SearchDir, Rights: rt.rights})
	if err != nil {
		return nil, err
	}
	rebuild := func() {
		start := time.Now()
		n, err := idx.Rebuild(ctx, search.AllTitles(ctx, rt.catalog))
		if err != nil {
			if ctx.Err() == nil {
				e.log.Warn("search: rebuild failed; the previous index stays", "err", err)
			}
			return
		}
		e.log.Info("search index rebuilt", "titles", n, "took", time.Since(start).Round(time.Millisecond).String())
	}
	follow := newSearchFollower(idx, rt.catalog, e.log)
	go follow.run(ctx, searchFollowEvery)
	go func() {
		rebuild()
		t := time.NewTicker(searchRebuildEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				rebuild()
			}
		}
	}()
	return idx, nil
}

// searchFollowEvery is how often a serving node asks the catalogue what
// changed, so that a title added on another node (or by the CLI) is found
// here within seconds, not at the next rebuild.
const searchFollowEvery = 2 * time.Second

// searchFollowOverlap is how far before its previous poll a follower asks
// again: a change becomes visible when its transaction commits, a moment
// after the time it carries, and nodes' clocks differ a little.
const searchFollowOverlap = 30 * time.Second

// searchFollower brings one node's search index up to date with the
// catalogue's recorded changes (catalog.Service.Changes). It is used by one
// goroutine.
type searchFollower struct {
	idx     *search.Index
	catalog *catalog.Service
	log     *slog.Logger
	seen    map[int64]time.Time // change ID → its time, while within the overlap
	last    time.Time           // when the previous poll began
	pruned  time.Time
}

func newSearchFollower(idx *search.Index, c *catalog.Service, log *slog.Logger) *searchFollower {
	// Changes from just before the start are covered too: the start-up
	// rebuild may have read the catalogue before they committed.
	return &searchFollower{idx: idx, catalog: c, log: log, seen: map[int64]time.Time{}, last: time.Now()}
}

// run polls every interval until ctx ends. A failed poll is logged and
// tried again at the next tick, from the same point.
func (f *searchFollower) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := f.poll(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			f.log.Warn("search: cannot follow the catalogue's changes; retrying", "err", err)
			failing = true
		case err == nil && failing:
			f.log.Info("search: following the catalogue's changes again")
			failing = false
		}
	}
}

// poll indexes the titles changed since shortly before the previous poll
// that it has not indexed yet.
func (f *searchFollower) poll(ctx context.Context) error {
	start := time.Now()
	since := f.last.Add(-searchFollowOverlap)
	changes, err := f.catalog.Changes(ctx, since)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if _, done := f.seen[c.ID]; done {
			continue
		}
		t, err := f.catalog.GetTitle(ctx, c.TitleID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			err = f.idx.Remove(ctx, c.TitleID)
		case err == nil:
			err = f.idx.IndexTitle(ctx, t)
		}
		if err != nil {
			return fmt.Errorf("search: follow change %d of title %d: %w", c.ID, c.TitleID, err)
		}
		f.seen[c.ID] = c.At
	}
	for id, at := range f.seen {
		if at.Before(since.Add(-searchFollowOverlap)) {
			delete(f.seen, id)
		}
	}
	f.last = start
	if start.Sub(f.pruned) > time.Hour {
		// Any node may prune; a node away longer than a day rebuilds at start.
		if err := f.catalog.PruneChanges(ctx, start.Add(-24*time.Hour)); err == nil {
			f.pruned = start
		}
	}
	return nil
}
