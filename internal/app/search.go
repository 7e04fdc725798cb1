package app

import (
	"context"
	"time"

	"github.com/lineup/lineup/internal/search"
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
