package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/geo"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/web"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("serve")
	role := fs.String("role", "all", "all (web and workers), web (no workers) or worker (encodes only, no HTTP)")
	if err := parse(args); err != nil {
		return err
	}
	switch *role {
	case "all", "web", "worker":
	default:
		return fmt.Errorf("%w: --role must be all, web or worker, not %q", ErrUsage, *role)
	}
	rt, err := e.openRuntime(ctx, *role != "web")
	if err != nil {
		return err
	}
	defer rt.close(context.WithoutCancel(ctx))
	// Fresh planner statistics keep the rights queries on their indexes
	// (see rights.Service.Optimize); cheap, so done at every start.
	if err := rt.rights.Optimize(ctx); err != nil {
		e.log.Warn("could not refresh planner statistics", "err", err)
	}
	if *role != "web" {
		if err := rt.queue.Start(ctx); err != nil {
			return err
		}
		if rt.webhook != nil {
			if err := rt.webhook.StartScan(ctx); err != nil {
				return err
			}
		}
		e.log.Info("workers started", "role", *role)
		go rt.media.RunCollector(ctx, time.Hour, media.DefaultCollectGrace)
	}
	if *role == "worker" {
		ops := web.NewOps(web.Deps{Log: e.log, DB: rt.db, Blob: rt.blob, Disks: e.disks(rt), MinFreeBytes: e.cfg.MinFreeBytes, Registry: rt.registry})
		if err := e.serveOps(ctx, ops); err != nil {
			return err
		}
		<-ctx.Done()
		e.log.Info("worker stopping; a job cut short is retried by another worker")
		return nil
	}
	return e.serve(ctx, rt, nil)
}

// serve listens on the configured address and serves until ctx is done,
// then stops taking connections and lets requests in flight finish (up to
// the shutdown timeout). ready, when not nil, is called with the address
// once the listener is open.
func (e *env) serve(ctx context.Context, rt *runtime, ready func(addr string)) error {
	if err := checkAdminToken(e.cfg.AdminToken); err != nil {
		return err
	}
	svc := rt.services
	idx, err := e.openSearch(ctx, rt)
	if err != nil {
		return err
	}
	defer idx.Close()
	// A profile counts toward the Top 10 after two minutes of a title a day
	// (issue 10 row 9).
	plays := charts.NewPlays(svc.db, charts.PlaysConfig{Log: e.log, MinWatched: 2 * time.Minute})
	reg := rt.registry
	player, err := web.PlayerLibrary(ctx, e.cfg.NPMRegistry, filepath.Join(e.cfg.DataDir, "vendor"))
	if err != nil {
		e.log.Warn("no player library for browsers without native HLS", "err", err)
	} else if player != nil {
		e.log.Info("player library fetched from the npm registry and checked against package-lock.json", "hls.js", web.PlayerLibraryVersion)
	}
	handler, err := web.New(web.Deps{
		PlayerLibrary:    player,
		Log:              e.log,
		DB:               svc.db,
		Catalog:          svc.catalog,
		Rights:           svc.rights,
		BoxOffice:        svc.boxoffice,
		Editorial:        svc.editorial,
		AdminToken:       e.cfg.AdminToken,
		ServiceName:      e.cfg.ServiceName,
		MaxBodyBytes:     e.cfg.MaxBodyBytes,
		DefaultTerritory: e.cfg.DefaultTerritory,
		AvailsLicensor:   "Unknown licensor",
		Licensee:         e.cfg.Licensee,
		Accounts:         rt.accounts,
		Geo:              rt.geo,
		Playback:         rt.playback,
		Media:            rt.media,
		Blob:             rt.blob,
		CSRFKey:          rt.csrfKey,
		SecureCookies:    strings.HasPrefix(e.cfg.PublicURL, "https://"),
		MaxUploadBytes:   e.cfg.MaxUploadBytes,
		Search:           idx,
		Plays:            plays,
		Registry:         reg,
		MediaURL:         e.cfg.MediaURL,
		Disks:            e.disks(rt),
		MinFreeBytes:     e.cfg.MinFreeBytes,
		// Accounts (issue 10).
		BaseURL:        e.cfg.baseURL(e.cfg.Addr),
		VerifyEmail:    e.cfg.verifyEmail(),
		TrustedOrigins: trustedOrigins(e.cfg.PublicURL),
		Admin2FA:       e.cfg.Admin2FA,
	})
	if err != nil {
		return err
	}
	if err := e.serveOps(ctx, handler.Ops()); err != nil {
		return err
	}
	if rt.mail != nil {
		handler.Mail = rt.mail
	}
	defer handler.WaitForMail()
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w (set LINEUP_ADDR or --addr to another address)", e.cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		// The stream path corks the connection while it sends a segment.
		ConnContext: web.ConnContext,
	}
	addr := ln.Addr().String()
	handler.BaseURL = e.cfg.baseURL(addr)
	proxies, _ := geo.ParseProxies(e.cfg.TrustedProxies) // checked by openRuntime
	ln = web.LimitListener(ln, e.cfg.MaxConnsPerAddr, func(a netip.Addr) bool {
		for _, p := range proxies {
			if p.Contains(a) {
				return true
			}
		}
		return false
	})
	if err := e.offerSetup(ctx, rt, handler); err != nil {
		return err
	}
	e.log.Info("serving", "addr", "http://"+addr, "database", svc.db.Location, "dialect", svc.db.Dialect.String())
	if ready != nil {
		ready(addr)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	e.log.Info("shutting down; finishing requests in flight", "timeout", e.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), e.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	e.log.Info("stopped")
	return nil
}

// disks lists the folders this node writes to, for /readyz's free-space
// check and for naming the disk in a full-disk answer.
func (e *env) disks(rt *runtime) []web.Disk {
	var out []web.Disk
	if rt.db.Dialect == store.SQLite {
		out = append(out, web.Disk{Name: "database", Path: filepath.Dir(rt.db.Location)})
	}
	if f, ok := rt.blob.(*blob.Folder); ok {
		out = append(out, web.Disk{Name: "media store", Path: f.Dir()})
	}
	out = append(out, web.Disk{Name: "search index", Path: e.cfg.SearchDir}, web.Disk{Name: "upload spool", Path: os.TempDir()})
	return out
}

// serveOps serves the operator's handler (/healthz, /readyz, /metrics) on
// LINEUP_METRICS_ADDR until ctx ends; "off" serves nothing.
func (e *env) serveOps(ctx context.Context, h http.Handler) error {
	if e.cfg.MetricsAddr == "" || e.cfg.MetricsAddr == "off" {
		return nil
	}
	ln, err := net.Listen("tcp", e.cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s for metrics: %w (set LINEUP_METRICS_ADDR or --metrics-addr to another address, or off)", e.cfg.MetricsAddr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	context.AfterFunc(ctx, func() { srv.Close() })
	e.log.Info("serving probes and metrics", "addr", "http://"+ln.Addr().String())
	return nil
}

// minAdminTokenBytes is the shortest admin token serve accepts: 32 bytes,
// 256 bits when random, beyond any guessing over the network.
const minAdminTokenBytes = 32

// checkAdminToken refuses an admin token that could be guessed; none at
// all is fine (writes then need an admin's session).
func checkAdminToken(token string) error {
	if token != "" && len(token) < minAdminTokenBytes {
		return fmt.Errorf("%w: LINEUP_ADMIN_TOKEN is %d bytes; it must be at least %d random bytes, for example: head -c 32 /dev/urandom | base64",
			ErrUsage, len(token), minAdminTokenBytes)
	}
	return nil
}

// trustedOrigins lets forms post from the public URL's origin when a proxy
// in front rewrites the Host header.
func trustedOrigins(publicURL string) []string {
	u, err := url.Parse(publicURL)
	if publicURL == "" || err != nil || u.Host == "" {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}

// offerSetup makes the one-time first-run link when no administrator
// exists (issue 10 item 4) and prints it once: its page creates the first
// administrator, after which it stops working. Sign-up stays closed until
// then.
func (e *env) offerSetup(ctx context.Context, rt *runtime, handler *web.Server) error {
	ok, err := rt.accounts.HasAdmin(ctx)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	handler.SetupToken = rand.Text()
	link := strings.TrimRight(handler.BaseURL, "/") + "/setup?token=" + handler.SetupToken
	e.log.Warn("no administrator yet: open setup_url to create one (it works until an administrator exists; sign-up stays closed until then; or run lineup user add --admin)", "setup_url", link)
	return nil
}
