// Command lineup runs the Lineup streaming service and its operator tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/lineup/lineup/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, app.ErrUsage):
		fmt.Fprintln(os.Stderr, "lineup:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "lineup:", err)
		os.Exit(1)
	}
}
