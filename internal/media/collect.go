package media

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/blob"
)

// DefaultCollectGrace is how long Collect leaves objects alone: a
// superseded asset keeps playing for viewers who started it before the
// switch, and an attempt that has just begun writes before its row says so.
const DefaultCollectGrace = 24 * time.Hour

// Collect deletes, from the media store, what no asset needs any more:
// the staging folders of attempts that failed, were cancelled or were
// superseded by a newer attempt (a Discard that failed because the store was
// down leaves them), and the published files of a ready asset that another
// asset of its title replaced more than grace ago (its row then says so and
// has no published prefix). Objects written less than grace ago are kept.
// It returns how many folders it removed. It is safe to run on any number of
// workers at once; each pass lists the store once per asset.
func (s *Service) Collect(ctx context.Context, grace time.Duration) (int, error) {
	type row struct {
		id, title       int64
		state           State
		staging, public string
		current         int64
		switched        int64
	}
	rs, err := s.db.QueryContext(ctx, `SELECT a.id, a.title_id, a.state, a.staging_prefix, a.published_prefix,
		COALESCE(m.asset_id, 0), COALESCE(m.switched_at, 0)
		FROM assets a LEFT JOIN title_media m ON m.title_id = a.title_id ORDER BY a.id`)
	if err != nil {
		return 0, fmt.Errorf("media: collect: %w", err)
	}
	var rows []row
	for rs.Next() {
		var r row
		var state string
		if err := rs.Scan(&r.id, &r.title, &state, &r.staging, &r.public, &r.current, &r.switched); err != nil {
			rs.Close()
			return 0, fmt.Errorf("media: collect: %w", err)
		}
		r.state = State(state)
		rows = append(rows, r)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return 0, fmt.Errorf("media: collect: %w", err)
	}
	horizon := time.Now().Add(-grace)
	removed := 0
	for _, r := range rows {
		keep := map[string]bool{}
		if !r.state.Final() && r.staging != "" {
			keep[r.staging] = true
		}
		superseded := r.state == StateReady && r.public != "" && r.current != 0 && r.current != r.id &&
			time.UnixMilli(r.switched).Before(horizon)
		if r.public != "" && !superseded {
			keep[r.public] = true
		}
		root := fmt.Sprintf("assets/%d/%d/", r.title, r.id)
		objs, err := s.blobs.List(ctx, root)
		if err != nil {
			return removed, fmt.Errorf("media: collect: list %s: %w", root, err)
		}
		newest := map[string]time.Time{}
		for _, o := range objs {
			dir, _, ok := strings.Cut(strings.TrimPrefix(o.Key, root), "/")
			if !ok {
				continue
			}
			prefix := root + dir + "/"
			if o.ModTime.After(newest[prefix]) {
				newest[prefix] = o.ModTime
			}
		}
		for prefix, at := range newest {
			if keep[prefix] || at.After(horizon) {
				continue
			}
			if prefix == r.public {
				// Say so first: a row must never point at files that are
				// going.
				if _, err := s.db.ExecContext(ctx, `UPDATE assets SET published_prefix = '', error = $1, updated_at = $2
					WHERE id = $3 AND published_prefix = $4`,
					fmt.Sprintf("superseded by asset %d; its files were collected", r.current), time.Now().UnixMilli(), r.id, prefix); err != nil {
					return removed, fmt.Errorf("media: collect: %w", err)
				}
			}
			if err := blob.Discard(ctx, s.blobs, prefix); err != nil {
				return removed, fmt.Errorf("media: collect: %w", err)
			}
			removed++
		}
	}
	return removed, nil
}

// RunCollector runs Collect every interval until ctx ends, logging what it
// removed and, once per failing streak, why it could not.
func (s *Service) RunCollector(ctx context.Context, every, grace time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.Collect(ctx, grace)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			s.cfg.Logger.Warn("media: collecting unused files failed; trying again later", "err", err)
			failing = true
		case err == nil:
			failing = false
			if n > 0 {
				s.cfg.Logger.Info("media: collected unused files", "folders", n)
			}
		}
	}
}
