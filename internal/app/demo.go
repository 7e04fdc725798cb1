package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/lineup/lineup/internal/demo"
	"github.com/lineup/lineup/internal/rights"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	_, parse := e.flags("demo")
	if err := parse(args); err != nil {
		return err
	}
	if e.cfg.AdminToken == "" {
		b := make([]byte, 16)
		rand.Read(b)
		e.cfg.AdminToken = hex.EncodeToString(b)
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	now := time.Now()
	sum, err := demo.Load(ctx, svc.catalog, svc.rights, e.cfg.Licensee, e.cfg.DefaultTerritory, now)
	if err != nil {
		return err
	}
	if sum.Loaded {
		fmt.Fprintf(e.stdout, "Loaded the demo catalogue: %d titles, %d licenses (windows of the other films placed around %s).\n",
			len(sum.Titles), sum.Licenses, rights.LocalDate(now, e.cfg.DefaultTerritory))
	} else {
		fmt.Fprintf(e.stdout, "The demo catalogue is already in %s.\n", svc.db.Location)
	}
	return e.serve(ctx, svc, func(addr string) {
		base := "http://" + addr
		us := sum.Titles["us-and-them"]
		fmt.Fprintf(e.stdout, "\nLineup is serving the demo at %s\n", base)
		fmt.Fprintf(e.stdout, "  lineup of %s:          %s/api/v1/lineup?territory=%s\n", e.cfg.DefaultTerritory, base, e.cfg.DefaultTerritory)
		fmt.Fprintf(e.stdout, "  Us and Them:            %s/api/v1/titles/%d\n", base, us)
		fmt.Fprintf(e.stdout, "  opens in Manila at:     %s/api/v1/availability?title=%d&territory=PH&at=2018-06-21T16:00:00Z\n", base, us)
		fmt.Fprintf(e.stdout, "  not in mainland China:  %s/api/v1/availability?title=%d&territory=CN\n", base, us)
		fmt.Fprintf(e.stdout, "  API description:        %s/api/v1/openapi.json\n", base)
		fmt.Fprintf(e.stdout, "  admin token:            %s  (Authorization: Bearer …; set LINEUP_ADMIN_TOKEN to choose it)\n", e.cfg.AdminToken)
		fmt.Fprintln(e.stdout, "Press Ctrl-C to stop.")
	})
}
