package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/lineup/lineup/internal/media"
)

// runMedia is `lineup media`: protect --all encrypts every title's clear
// playable asset (one published before encryption existed) without a
// re-encode, a job per asset, each title switching to its encrypted asset
// in one step.
func runMedia(ctx context.Context, e *env, args []string) error {
	return subcommand(ctx, e, "media", args, []sub{
		{"protect", runMediaProtect},
	})
}

func runMediaProtect(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("media protect")
	all := fs.Bool("all", false, "encrypt every title's clear playable asset")
	wait := fs.Bool("wait", true, "run the jobs here and wait, drawing each one's progress (false: queue them for the workers)")
	if err := parse(args); err != nil {
		return err
	}
	if !*all || fs.NArg() > 0 {
		return fmt.Errorf("%w: lineup media protect --all [--wait=false]: encrypts every clear asset that plays (say --all; there is no per-asset form)", ErrUsage)
	}
	rt, err := e.openRuntime(ctx, *wait)
	if err != nil {
		return err
	}
	defer rt.close(context.WithoutCancel(ctx))
	list, err := rt.media.ProtectAll(ctx)
	if err != nil {
		return err
	}
	for _, p := range list {
		if p.Queued {
			fmt.Fprintf(e.stderr, "title %d: asset %d is clear; encrypting it as asset %d (job %d)\n", p.TitleID, p.Clear, p.Asset, p.JobID)
		} else {
			fmt.Fprintf(e.stderr, "title %d: asset %d is clear; %s\n", p.TitleID, p.Clear, p.Note)
		}
	}
	if len(list) == 0 {
		if e.json {
			return writeJSON(e.stdout, []media.Asset{})
		}
		fmt.Fprintln(e.stdout, "nothing to do: every playable asset is encrypted")
		return nil
	}
	if !*wait {
		if e.json {
			return writeJSON(e.stdout, list)
		}
		fmt.Fprintf(e.stdout, "%d asset(s) being encrypted by the workers; follow them on the admin Jobs page or with GET /api/v1/assets/ID\n", len(list))
		return nil
	}
	if err := rt.queue.Start(ctx); err != nil {
		return err
	}
	var done []media.Asset
	var failed []string
	for _, p := range list {
		fmt.Fprintf(e.stderr, "asset %d (title %d):\n", p.Asset, p.TitleID)
		bar := newProgressBar(e.stderr)
		a, err := rt.media.WaitForAsset(ctx, p.Asset, func(a media.Asset) { bar.draw(string(a.State), a.Progress, a.Speed) })
		bar.done()
		if err != nil {
			return err
		}
		done = append(done, a)
		if a.State != media.StateReady {
			failed = append(failed, fmt.Sprintf("asset %d %s: %s", a.ID, a.State, a.Error))
			continue
		}
		if !e.json {
			fmt.Fprintf(e.stdout, "title %d now plays asset %d, encrypted (asset %d stays for viewers already playing it, until the collector's grace period ends)\n",
				a.TitleID, a.ID, a.Protects)
		}
	}
	if e.json {
		if err := writeJSON(e.stdout, done); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d not encrypted: %s", len(failed), len(list), strings.Join(failed, "; "))
	}
	return nil
}
