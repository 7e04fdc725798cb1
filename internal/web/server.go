// Package web is Lineup's HTTP surface: the JSON API under /api/v1 with its
// OpenAPI document, health and readiness probes, and Prometheus metrics. One
// route table, read top to bottom, lists every route.
package web

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/charts"
	"github.com/lineup/lineup/internal/editorial"
	"github.com/lineup/lineup/internal/geo"
	"github.com/lineup/lineup/internal/locale"
	"github.com/lineup/lineup/internal/mail"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/search"
	"github.com/lineup/lineup/internal/store"
)

// Deps is what the web layer needs; app builds it. Every field but Now and
// Registry is required.
type Deps struct {
	Log     *slog.Logger
	DB      *store.DB
	Catalog *catalog.Service
	Rights  *rights.Service
	// BoxOffice keeps grosses, milestones and records.
	BoxOffice *charts.BoxOffice
	// Editorial keeps interviews and stories.
	Editorial *editorial.Service
	// AdminToken, when not empty, is accepted as a bearer token with the
	// admin role (LINEUP_ADMIN_TOKEN). When empty, writes are refused.
	AdminToken string
	// ServiceName is the name shown to people ("Lineup").
	ServiceName string
	// MaxBodyBytes bounds every request body; larger ones get 413.
	MaxBodyBytes int64
	// DefaultTerritory is used when a request names none.
	DefaultTerritory string
	// AvailsLicensor is the licensor recorded for imported avails rows that
	// name none (no DisplayName).
	AvailsLicensor string
	// Licensee is the service's own licensee, recorded for imported avails
	// rows without a Licensee column.
	Licensee string
	// Accounts keeps users, sessions, profiles, My List and progress.
	Accounts *accounts.Service
	// Geo finds the viewer's territory; nil means DefaultTerritory.
	Geo *geo.Locator
	// PlayerLibrary is hls.js for a build that does not embed it (see
	// PlayerLibrary); nil otherwise.
	PlayerLibrary []byte
	// Playback checks entitlement and signs stream tokens.
	Playback *playback.Service
	// Media ingests and encodes films; Blob is where their files live.
	Media *media.Service
	Blob  blob.Store
	// CSRFKey signs the forms' CSRF tokens; every web node shares it.
	CSRFKey []byte
	// SecureCookies marks session cookies Secure even when TLS ends at a
	// proxy in front (LINEUP_PUBLIC_URL is https).
	SecureCookies bool
	// MaxUploadBytes bounds a film upload; UploadDir is where uploads are
	// spooled ("" for the system's temporary folder).
	MaxUploadBytes int64
	UploadDir      string
	// Search finds titles in every language.
	Search *search.Index
	// Plays records play starts and heartbeats and ranks the Top 10; nil
	// records nothing and shows no Top 10.
	Plays *charts.Plays
	// Accounts hardening (issue 10).
	//
	// TrustedOrigins are other origins (scheme://host[:port]) whose
	// browsers may post forms here, such as LINEUP_PUBLIC_URL when a proxy
	// rewrites the Host header; same-origin requests always pass.
	TrustedOrigins []string
	// BodyTimeout bounds how long a request body (other than a film
	// upload) may take to arrive; zero means 30 seconds.
	BodyTimeout time.Duration
	// AdminTokenLimit wrong admin tokens from one address within
	// AdminTokenWindow make every further try from it wait for the window's
	// end; zero means 10 in 10 minutes.
	AdminTokenLimit  int
	AdminTokenWindow time.Duration
	// SignUpLimit sign-ups (and requests for emailed links) from one
	// address per hour are accepted; zero means 5.
	SignUpLimit int
	// Mail sends reset, sign-in and verification links; nil means the
	// service cannot send mail and those pages say so.
	Mail mail.Sender
	// BaseURL is how emailed links begin (LINEUP_PUBLIC_URL, else the
	// listening address); never the request's Host, which anyone can set.
	BaseURL string
	// VerifyEmail says new accounts confirm their email before signing in
	// (accounts.Config.VerifyEmail must match).
	VerifyEmail bool
	// Admin2FA is LINEUP_ADMIN_2FA: "required" keeps an administrator
	// without two-factor sign-in on the enrolment page until enrolled;
	// "offered" (or "") only offers it.
	Admin2FA string
	// SetupToken is the secret of the one-time first-run link (/setup)
	// that `lineup serve` prints when no administrator exists; "" means
	// no setup link works.
	SetupToken string

	// Disks are the folders this node writes to; /readyz checks their
	// free space against MinFreeBytes (0 means 256 MiB) and a full-disk
	// error is answered naming the one that is full.
	Disks        []Disk
	MinFreeBytes int64

	// MediaURL is the origin (a CDN hostname, "https://media.example")
	// the shared segment paths are served from, LINEUP_MEDIA_URL; "" means
	// this server. The page's CSP allows it.
	MediaURL string
	// Registry receives the HTTP metrics; nil means a new registry.
	Registry *prometheus.Registry
	// Now returns the current instant; nil means time.Now.
	Now func() time.Time
}

// Server serves Lineup's HTTP surface. It keeps no state of its own between
// requests, so any number of them can run behind a load balancer.
type Server struct {
	Deps
	assets    *assets
	pages     map[string]*template.Template
	locales   *locale.Catalog
	prefixes  assetPrefixes
	playlists playlistCache
	mux       *http.ServeMux
	metrics   *httpMetrics
	handler   http.Handler
	// adminFails throttles wrong admin tokens per client address.
	adminFails *throttle

	// protectedPrefixes remembers which published prefixes are encrypted.
	protectedPrefixes prefixFlags
	// signups throttles sign-ups and emailed-link requests per address.
	signups *throttle
	// mailWG counts mails still being sent; Wait lets tests and shutdown
	// wait for them.
	mailWG  sync.WaitGroup
	outages *outages
}

// WaitForMail waits until every mail the server started sending has been
// sent or has failed.
func (s *Server) WaitForMail() { s.mailWG.Wait() }

// New builds the server and its route table. It fails when an embedded
// template or asset is broken, so that a bad build fails at start, not on a
// request.
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = 10 << 20
	}
	s := &Server{Deps: d, mux: http.NewServeMux()}
	s.outages = newOutages(d.Log, d.DB)
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	if d.PlayerLibrary != nil && s.assets.url(hlsVendor) == "" {
		s.assets.add(hlsVendor, d.PlayerLibrary)
	}
	if s.locales, err = locale.New(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if s.pages, err = s.parsePages(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if d.MaxUploadBytes <= 0 {
		s.MaxUploadBytes = 20 << 30
	}
	s.metrics = newHTTPMetrics(d.Registry)
	if s.AdminTokenLimit <= 0 {
		s.AdminTokenLimit, s.AdminTokenWindow = 10, 10*time.Minute
	}
	if s.BodyTimeout <= 0 {
		s.BodyTimeout = 30 * time.Second
	}
	s.adminFails = newThrottle(s.AdminTokenLimit, s.AdminTokenWindow, s.Now)
	if s.SignUpLimit <= 0 {
		s.SignUpLimit = 5
	}
	s.signups = newThrottle(s.SignUpLimit, time.Hour, s.Now)
	for _, rt := range s.routes() {
		h := rt.handle
		if rt.admin {
			h = s.requireAdmin(h)
		}
		if rt.upload {
			h = s.unlimitedBody(h)
		}
		s.mux.Handle(rt.method+" "+rt.pattern, s.adapt(h))
	}
	s.mux.Handle("/", s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		return errNotFound("no such page: " + r.URL.Path)
	}))
	s.handler = s.requestID(s.logRequests(s.countRequests(s.securityHeaders(s.crossOrigin(s.withViewer(s.limitBody(s.mux)))))))
	return s, nil
}

// ServeHTTP serves one request. It is safe for concurrent use.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// handlerFunc is a handler that returns its error to one adapter, which maps
// it to a status and a problem+json body.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one line of the route table.
type route struct {
	method  string
	pattern string
	admin   bool // needs the admin role
	handle  handlerFunc
	// page marks routes that are not part of the JSON API (pages, static
	// files); the OpenAPI document lists every other route.
	page bool
	// upload routes take bodies up to MaxUploadBytes instead of
	// MaxBodyBytes.
	upload bool
}

// routes is the whole HTTP surface, read top to bottom; the OpenAPI
// document must list exactly its API routes (a test keeps them in step).
func (s *Server) routes() []route {
	api := func(method, pattern string, h handlerFunc) route {
		return route{method: method, pattern: pattern, handle: h}
	}
	admin := func(method, pattern string, h handlerFunc) route {
		return route{method: method, pattern: pattern, handle: h, admin: true}
	}
	page := func(method, pattern string, h handlerFunc) route {
		return route{method: method, pattern: pattern, handle: h, page: true}
	}
	upload := func(r route) route { r.upload = true; return r }
	return []route{
		api("GET", "/healthz", s.healthz),
		api("GET", "/readyz", s.readyz),
		api("GET", "/api/v1/openapi.json", s.openAPI),

		api("GET", "/api/v1/territories", s.territoriesList),

		api("GET", "/api/v1/titles", s.titlesList),
		admin("POST", "/api/v1/titles", s.titlesCreate),
		api("GET", "/api/v1/titles/{id}", s.titlesGet),

		admin("GET", "/api/v1/licenses", s.licensesList),
		admin("POST", "/api/v1/licenses", s.licensesCreate),
		admin("POST", "/api/v1/licenses/check", s.licensesCheck),
		admin("GET", "/api/v1/licenses/{id}", s.licensesGet),
		admin("GET", "/api/v1/conflicts", s.conflictsList),

		// Licenses change (issue 12): amend, terminate, withdraw, history.
		admin("PATCH", "/api/v1/licenses/{id}", s.licensesAmend),
		admin("POST", "/api/v1/licenses/{id}/check", s.licensesCheckAmend),
		admin("POST", "/api/v1/licenses/{id}/terminate", s.licensesTerminate),
		admin("DELETE", "/api/v1/licenses/{id}", s.licensesWithdraw),
		admin("GET", "/api/v1/licenses/{id}/history", s.licensesHistory),
		admin("GET", "/api/v1/reports/expiring", s.reportsExpiring),
		admin("GET", "/api/v1/reports/windows", s.reportsWindows),

		admin("POST", "/api/v1/avails", s.availsImport),
		admin("GET", "/api/v1/avails", s.availsExport),

		api("GET", "/api/v1/availability", s.availabilityGet),
		api("GET", "/api/v1/lineup", s.lineupGet),

		admin("POST", "/api/v1/boxoffice", s.boxofficeImport),
		api("GET", "/api/v1/titles/{id}/boxoffice", s.titleBoxoffice),
		api("GET", "/api/v1/titles/{id}/boxoffice.svg", s.titleBoxofficeSVG),
		api("GET", "/api/v1/records", s.recordsGet),

		admin("POST", "/api/v1/stories", s.storiesImport),
		api("GET", "/api/v1/stories/{id}", s.storiesGet),
		api("GET", "/api/v1/titles/{id}/stories", s.titleStories),

		api("GET", "/api/v1/search", s.searchAPI),
		api("GET", "/api/v1/top10", s.topTenAPI),

		admin("GET", "/api/v1/titles/{id}/assets", s.titleAssets),
		upload(admin("POST", "/api/v1/titles/{id}/assets", s.assetsIngest)),
		admin("GET", "/api/v1/assets/{id}", s.assetsGet),

		api("POST", "/api/v1/progress", s.viewerAPI(s.progressSave)),

		// Delivery: a lean start, per-viewer playlists and keys checked at
		// each use, shared token-free segments any cache may keep.
		api("POST", "/api/v1/playback", s.viewerAPI(s.playbackStart)),
		api("POST", "/api/v1/playback/heartbeat", s.viewerAPI(s.playbackHeartbeat)),
		api("POST", "/api/v1/playback/stop", s.viewerAPI(s.playbackStop)),
		api("GET", "/stream/{token}/{asset}/{path...}", s.stream),
		api("GET", "/keys/{token}/{asset}/{n}", s.keysGet),
		api("GET", "/media/{title}/{asset}/{version}/{path...}", s.mediaGet),

		page("GET", "/static/{hash}/{name...}", s.staticFile),
		page("GET", "/favicon.ico", s.favicon),
		page("GET", "/images/{key...}", s.image),
		page("GET", "/signin", s.signinForm),
		page("POST", "/signin", s.signin),
		page("GET", "/signup", s.signupForm),
		page("POST", "/signup", s.signup),
		page("POST", "/signout", s.signedIn(s.signout)),
		page("GET", "/profiles", s.signedIn(s.profilesPicker)),
		page("POST", "/profiles", s.signedIn(s.profilesCreate)),
		page("POST", "/profiles/{id}/select", s.signedIn(s.profilesSelect)),
		page("POST", "/profiles/{id}/captions", s.signedIn(s.profilesCaptions)),
		page("GET", "/{$}", s.withProfile(s.home)),
		page("GET", "/titles/{id}", s.withProfile(s.titlePage)),
		page("GET", "/people/{id}", s.withProfile(s.person)),
		page("GET", "/watch/{id}", s.withProfile(s.watch)),
		page("GET", "/my-list", s.withProfile(s.myList)),
		page("GET", "/search", s.withProfile(s.searchPageHandler)),
		page("GET", "/top10", s.withProfile(s.topTenPage)),
		page("POST", "/my-list/{id}", s.withProfile(s.myListToggle)),
		page("GET", "/admin", s.adminPage(s.adminHome)),
		page("GET", "/admin/licenses", s.adminPage(s.adminLicenses)),
		page("POST", "/admin/licenses", s.adminPage(s.adminLicenseAdd)),
		page("GET", "/admin/licenses/{id}", s.adminPage(s.adminLicense)),
		page("POST", "/admin/licenses/{id}", s.adminPage(s.adminLicenseChange)),
		page("GET", "/admin/ingest", s.adminPage(s.adminIngestForm)),
		upload(page("POST", "/admin/ingest", s.adminPage(s.adminIngest))),
		page("GET", "/admin/jobs", s.adminPage(s.adminJobs)),

		page("GET", "/admin/avails", s.adminPage(s.adminAvailsForm)),
		page("POST", "/admin/avails", s.adminPage(s.adminAvailsUpload)),
		page("POST", "/admin/titles/{id}/complete", s.adminPage(s.adminTitleComplete)),
		// Operating Lineup (issue 11).
		admin("POST", "/api/v1/assets/{id}/retry", s.assetsRetry),
		page("POST", "/admin/assets/{id}/retry", s.adminPage(s.adminAssetRetry)),
		upload(page("POST", "/admin/titles/{id}/artwork", s.adminPage(s.adminArtworkUpload))),
		page("GET", "/admin/titles/{id}/artwork", s.adminPage(s.adminArtworkPage)),
		page("POST", "/admin/titles/{id}/artwork/pick", s.adminPage(s.adminArtworkPick)),
		// Accounts (issue 10).
		page("POST", "/profiles/{id}", s.signedIn(s.profilesEdit)),
		page("GET", "/forgot", s.forgotForm),
		page("POST", "/forgot", s.forgot),
		page("GET", "/reset", s.resetForm),
		page("POST", "/reset", s.reset),
		page("GET", "/signin/link", s.linkForm),
		page("POST", "/signin/link", s.linkSignIn),
		page("GET", "/verify", s.linkForm),
		page("POST", "/verify", s.linkSignIn),
		page("GET", "/account", s.signedIn(s.account)),
		page("POST", "/account/password", s.signedIn(s.accountPassword)),
		page("POST", "/account/signout-everywhere", s.signedIn(s.accountSignOutEverywhere)),
		// Two-factor sign-in, first run and the parental PIN (issue 10).
		page("POST", "/signin/code", s.signinCode),
		page("GET", "/account/2fa", s.signedIn(s.twoFactorPage)),
		page("POST", "/account/2fa", s.signedIn(s.twoFactorConfirm)),
		page("GET", "/account/2fa/qr.png", s.signedIn(s.twoFactorQR)),
		page("POST", "/account/parental-pin", s.signedIn(s.accountParentalPIN)),
		page("GET", "/setup", s.setupForm),
		page("POST", "/setup", s.setup),
	}
}
