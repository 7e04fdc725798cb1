package app

import (
	"context"
	"fmt"
	"strconv"
)

// titlesComplete marks the metadata of a title created from avails as
// complete: it no longer shows as metadata pending.
func titlesComplete(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("titles complete")
	if err := parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: lineup titles complete ID", ErrUsage)
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: title ID must be a number, not %q", ErrUsage, fs.Arg(0))
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if err := svc.catalog.CompleteMetadata(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "title %d: metadata complete\n", id)
	return nil
}
