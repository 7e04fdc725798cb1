package app

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/store"
)

// Config is Lineup's whole configuration. Each field comes from a flag, else
// its LINEUP_* environment variable, else (for secrets) the file named by
// LINEUP_*_FILE, else its default.
type Config struct {
	Addr             string
	DataDir          string
	DatabaseURL      string
	ServiceName      string
	Licensee         string
	LicenseTypes     []rights.LicenseType
	AdminToken       string
	DefaultTerritory string
	ComingSoonDays   int
	LeavingSoonDays  int
	MaxBodyBytes     int64
	LogLevel         string
	LogFormat        string
	ShutdownTimeout  time.Duration
	StorageURL       string
	SecretKey        string
	PlaybackKeys     string
	SignUp           bool
	GeoIPDB          string
	TrustedProxies   string
	CountryHeader    string
	PublicURL        string
	MaxUploadBytes   int64
	FFmpeg           string
	FFprobe          string
	SearchDir        string
	// Delivery (issue 9): content protection, playlist tokens, streams.
	KEKFile             string
	KeyRotationSegments int
	PlaylistTTL         time.Duration
	MaxStreams          int
	MediaURL            string

	// Accounts (issue 10).
	SMTPURL           string
	MailFrom          string
	EmailVerification string
	MaxConnsPerAddr   int
	// Admin2FA is LINEUP_ADMIN_2FA: required or offered.
	Admin2FA string
	// Operating a node: health, disks and retries.
	MinFreeBytes int64
	MetricsAddr  string

	// The license webhook (issue 12): where to POST, the signing secret,
	// and N of "opening / leaving in N days".
	WebhookURL        string
	WebhookSecret     string
	WebhookNoticeDays int
	// LoudnessLUFS is the loudness every audio rendition is normalised to.
	LoudnessLUFS float64

	// NPMRegistry is where a build without hls.js embedded (go install)
	// fetches the pinned tarball; "off" never fetches.
	NPMRegistry string
}

// setting describes one configuration value once: its flag, its
// environment variable, its default, whether it is a secret, and where it
// goes in Config.
type setting struct {
	flag, env, def, help string
	secret               bool
	set                  func(c *Config, v string) error
	get                  func(c *Config) string
}

func settings() []setting {
	str := func(p func(*Config) *string) (func(*Config, string) error, func(*Config) string) {
		return func(c *Config, v string) error { *p(c) = v; return nil }, func(c *Config) string { return *p(c) }
	}
	num := func(name string, p func(*Config) *int) (func(*Config, string) error, func(*Config) string) {
		return func(c *Config, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					return fmt.Errorf("%s must be a whole number of days, not %q", name, v)
				}
				*p(c) = n
				return nil
			}, func(c *Config) string {
				return strconv.Itoa(*p(c))
			}
	}
	var out []setting
	add := func(s setting, set func(*Config, string) error, get func(*Config) string) {
		s.set, s.get = set, get
		out = append(out, s)
	}
	set, get := str(func(c *Config) *string { return &c.Addr })
	add(setting{flag: "addr", env: "LINEUP_ADDR", def: "127.0.0.1:8080", help: "address to listen on"}, set, get)
	set, get = str(func(c *Config) *string { return &c.DataDir })
	add(setting{flag: "data-dir", env: "LINEUP_DATA_DIR", def: "./lineup-data", help: "folder for the SQLite file and local media"}, set, get)
	set, get = str(func(c *Config) *string { return &c.DatabaseURL })
	add(setting{flag: "database-url", env: "LINEUP_DATABASE_URL", def: "", secret: true,
		help: "postgres:// URL for PostgreSQL, or a SQLite file path (default: DATA_DIR/lineup.db)"}, set, get)
	set, get = str(func(c *Config) *string { return &c.ServiceName })
	add(setting{flag: "service-name", env: "LINEUP_SERVICE_NAME", def: "Lineup", help: "the service's name, shown to viewers"}, set, get)
	set, get = str(func(c *Config) *string { return &c.Licensee })
	add(setting{flag: "licensee", env: "LINEUP_LICENSEE", def: "", help: "the licensee whose licenses this service streams (default: the service name)"}, set, get)
	add(setting{flag: "license-types", env: "LINEUP_LICENSE_TYPES", def: "SVOD", help: "license types the service offers, comma-separated"},
		func(c *Config, v string) error {
			c.LicenseTypes = nil
			for _, part := range strings.Split(v, ",") {
				t, err := rights.ParseLicenseType(strings.TrimSpace(part))
				if err != nil {
					return fmt.Errorf("LINEUP_LICENSE_TYPES: %w", err)
				}
				c.LicenseTypes = append(c.LicenseTypes, t)
			}
			return nil
		},
		func(c *Config) string {
			var s []string
			for _, t := range c.LicenseTypes {
				s = append(s, string(t))
			}
			return strings.Join(s, ",")
		})
	set, get = str(func(c *Config) *string { return &c.AdminToken })
	add(setting{flag: "admin-token", env: "LINEUP_ADMIN_TOKEN", def: "", secret: true, help: "bearer token accepted as admin, for automation"}, set, get)
	add(setting{flag: "default-territory", env: "LINEUP_DEFAULT_TERRITORY", def: "US", help: "territory used when a request names none"},
		func(c *Config, v string) error {
			codes, err := rights.ParseTerritory(v)
			if err != nil || len(codes) != 1 {
				return fmt.Errorf("LINEUP_DEFAULT_TERRITORY must be one country code such as US, not %q", v)
			}
			c.DefaultTerritory = codes[0]
			return nil
		},
		func(c *Config) string { return c.DefaultTerritory })
	set, get = num("LINEUP_COMING_SOON_DAYS", func(c *Config) *int { return &c.ComingSoonDays })
	add(setting{flag: "coming-soon-days", env: "LINEUP_COMING_SOON_DAYS", def: "60", help: "how far ahead the Coming Soon row looks"}, set, get)
	set, get = num("LINEUP_LEAVING_SOON_DAYS", func(c *Config) *int { return &c.LeavingSoonDays })
	add(setting{flag: "leaving-soon-days", env: "LINEUP_LEAVING_SOON_DAYS", def: "30", help: "last days to watch within which a title is Leaving Soon"}, set, get)
	add(setting{flag: "max-body-bytes", env: "LINEUP_MAX_BODY_BYTES", def: "10485760", help: "largest request body accepted (413 beyond)"},
		func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("LINEUP_MAX_BODY_BYTES must be a positive number of bytes, not %q", v)
			}
			c.MaxBodyBytes = n
			return nil
		},
		func(c *Config) string { return strconv.FormatInt(c.MaxBodyBytes, 10) })
	set, get = str(func(c *Config) *string { return &c.LogLevel })
	add(setting{flag: "log-level", env: "LINEUP_LOG_LEVEL", def: "info", help: "debug, info, warn or error"}, set, get)
	set, get = str(func(c *Config) *string { return &c.LogFormat })
	add(setting{flag: "log-format", env: "LINEUP_LOG_FORMAT", def: "text", help: "text or json"}, set, get)
	add(setting{flag: "shutdown-timeout", env: "LINEUP_SHUTDOWN_TIMEOUT", def: "20s", help: "how long a stopping server waits for requests in flight"},
		func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return fmt.Errorf("LINEUP_SHUTDOWN_TIMEOUT must be a duration such as 20s, not %q", v)
			}
			c.ShutdownTimeout = d
			return nil
		},
		func(c *Config) string { return c.ShutdownTimeout.String() })
	set, get = str(func(c *Config) *string { return &c.StorageURL })
	add(setting{flag: "storage-url", env: "LINEUP_STORAGE_URL", def: "", secret: true,
		help: "where media lives: file:///path (default: DATA_DIR/media) or s3://bucket?endpoint=host:port (credentials from LINEUP_S3_ACCESS_KEY/LINEUP_S3_SECRET_KEY)"}, set, get)
	set, get = str(func(c *Config) *string { return &c.SecretKey })
	add(setting{flag: "secret-key", env: "LINEUP_SECRET_KEY", def: "", secret: true,
		help: "key every web node shares for CSRF tokens and (unless LINEUP_PLAYBACK_KEYS) playback tokens; default: generated once into DATA_DIR/secret.key"}, set, get)
	set, get = str(func(c *Config) *string { return &c.PlaybackKeys })
	add(setting{flag: "playback-keys", env: "LINEUP_PLAYBACK_KEYS", def: "", secret: true,
		help: "playback token keys, kid:base64 comma-separated, the first signs (for rotation); default: derived from the secret key"}, set, get)
	add(setting{flag: "signup", env: "LINEUP_SIGNUP", def: "true", help: "whether viewers may create accounts themselves"},
		func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("LINEUP_SIGNUP must be true or false, not %q", v)
			}
			c.SignUp = b
			return nil
		},
		func(c *Config) string { return strconv.FormatBool(c.SignUp) })
	set, get = str(func(c *Config) *string { return &c.GeoIPDB })
	add(setting{flag: "geoip-db", env: "LINEUP_GEOIP_DB", def: "", help: "a MaxMind-format country database (.mmdb) to find viewers' territories"}, set, get)
	set, get = str(func(c *Config) *string { return &c.TrustedProxies })
	add(setting{flag: "trusted-proxies", env: "LINEUP_TRUSTED_PROXIES", def: "", help: "addresses or CIDR ranges of proxies whose X-Forwarded-For and country header are believed"}, set, get)
	set, get = str(func(c *Config) *string { return &c.CountryHeader })
	add(setting{flag: "country-header", env: "LINEUP_COUNTRY_HEADER", def: "", help: "header a trusted proxy sets to the viewer's country (e.g. CF-IPCountry)"}, set, get)
	set, get = str(func(c *Config) *string { return &c.PublicURL })
	add(setting{flag: "public-url", env: "LINEUP_PUBLIC_URL", def: "", help: "the address viewers use; https:// makes session cookies Secure behind a TLS proxy"}, set, get)
	add(setting{flag: "max-upload-bytes", env: "LINEUP_MAX_UPLOAD_BYTES", def: "21474836480", help: "largest film upload (source and extra tracks together)"},
		func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("LINEUP_MAX_UPLOAD_BYTES must be a positive number of bytes, not %q", v)
			}
			c.MaxUploadBytes = n
			return nil
		},
		func(c *Config) string { return strconv.FormatInt(c.MaxUploadBytes, 10) })
	set, get = str(func(c *Config) *string { return &c.FFmpeg })
	add(setting{flag: "ffmpeg", env: "LINEUP_FFMPEG", def: "ffmpeg", help: "the ffmpeg program"}, set, get)
	set, get = str(func(c *Config) *string { return &c.FFprobe })
	add(setting{flag: "ffprobe", env: "LINEUP_FFPROBE", def: "ffprobe", help: "the ffprobe program"}, set, get)
	set, get = str(func(c *Config) *string { return &c.SearchDir })
	add(setting{flag: "search-dir", env: "LINEUP_SEARCH_DIR", def: "", help: "folder of the search index (default: DATA_DIR/search); rebuilt from the catalogue when missing"}, set, get)
	addDeliverySettings(add)

	// Operating a node.
	add(setting{flag: "min-free-bytes", env: "LINEUP_MIN_FREE_BYTES", def: "268435456", help: "free space below which a disk Lineup writes to makes /readyz not ready"},
		func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("LINEUP_MIN_FREE_BYTES must be a number of bytes, not %q", v)
			}
			c.MinFreeBytes = n
			return nil
		},
		func(c *Config) string { return strconv.FormatInt(c.MinFreeBytes, 10) })
	set, get = str(func(c *Config) *string { return &c.MetricsAddr })
	add(setting{flag: "metrics-addr", env: "LINEUP_METRICS_ADDR", def: "127.0.0.1:9090", help: "the operator's address: /healthz, /readyz and /metrics, on web and worker nodes (off: none)"}, set, get)

	set, get = str(func(c *Config) *string { return &c.NPMRegistry })
	add(setting{flag: "npm-registry", env: "LINEUP_NPM_REGISTRY", def: "https://registry.npmjs.org",
		help: "where a build without hls.js embedded (go install) fetches the pinned, checked hls.js once into DATA_DIR/vendor (off: never)"}, set, get)

	set, get = str(func(c *Config) *string { return &c.WebhookURL })
	add(setting{flag: "webhook-url", env: "LINEUP_WEBHOOK_URL", def: "", help: "URL told of licenses created, amended, terminated, withdrawn, opening and leaving (signed, retried)"}, set, get)
	set, get = str(func(c *Config) *string { return &c.WebhookSecret })
	add(setting{flag: "webhook-secret", env: "LINEUP_WEBHOOK_SECRET", def: "", secret: true, help: "HMAC-SHA256 key signing each webhook delivery (required with the URL)"}, set, get)
	set, get = num("LINEUP_WEBHOOK_NOTICE_DAYS", func(c *Config) *int { return &c.WebhookNoticeDays })
	add(setting{flag: "webhook-notice-days", env: "LINEUP_WEBHOOK_NOTICE_DAYS", def: "7", help: "days ahead of an opening or a last day that the webhook announces it"}, set, get)
	add(setting{flag: "loudness-lufs", env: "LINEUP_LOUDNESS_LUFS", def: "-16", help: "integrated loudness (EBU R128, LUFS) every audio rendition is normalised to"},
		func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < -70 || f > -5 {
				return fmt.Errorf("LINEUP_LOUDNESS_LUFS must be a loudness between -70 and -5 LUFS, such as -16 or -23, not %q", v)
			}
			c.LoudnessLUFS = f
			return nil
		},
		func(c *Config) string { return strconv.FormatFloat(c.LoudnessLUFS, 'f', -1, 64) })
	out = append(out, accountSettings()...)
	return out
}

// accountSettings are the settings of accounts and mail (issue 10).
func accountSettings() []setting {
	var out []setting
	str := func(s setting, p func(*Config) *string) {
		s.set = func(c *Config, v string) error { *p(c) = v; return nil }
		s.get = func(c *Config) string { return *p(c) }
		out = append(out, s)
	}
	str(setting{flag: "smtp-url", env: "LINEUP_SMTP_URL", def: "", secret: true,
		help: "SMTP server for reset, sign-in and verification mails: smtp://user:pass@host:587 (STARTTLS when offered)"},
		func(c *Config) *string { return &c.SMTPURL })
	str(setting{flag: "mail-from", env: "LINEUP_MAIL_FROM", def: "", help: "sender of Lineup's mails (default: no-reply@ the public URL's host)"},
		func(c *Config) *string { return &c.MailFrom })
	out = append(out, setting{flag: "email-verification", env: "LINEUP_EMAIL_VERIFICATION", def: "auto",
		help: "whether new accounts confirm their email before signing in: true, false, or auto (true when LINEUP_SMTP_URL is set)",
		set: func(c *Config, v string) error {
			switch v {
			case "auto", "true", "false":
				c.EmailVerification = v
				return nil
			}
			return fmt.Errorf("LINEUP_EMAIL_VERIFICATION must be true, false or auto, not %q", v)
		},
		get: func(c *Config) string { return c.EmailVerification }})
	out = append(out, setting{flag: "max-conns-per-addr", env: "LINEUP_MAX_CONNS_PER_ADDR", def: "64",
		help: "connections one client address may hold open at once (trusted proxies are not capped); 0 for no cap",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("LINEUP_MAX_CONNS_PER_ADDR must be a whole number, not %q", v)
			}
			c.MaxConnsPerAddr = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.MaxConnsPerAddr) }})
	out = append(out, setting{flag: "admin-2fa", env: "LINEUP_ADMIN_2FA", def: "offered",
		help: "two-factor sign-in for administrators: required (an admin without it reaches only the enrolment page) or offered",
		set: func(c *Config, v string) error {
			switch v {
			case "required", "offered":
				c.Admin2FA = v
				return nil
			}
			return fmt.Errorf("LINEUP_ADMIN_2FA must be required or offered, not %q", v)
		},
		get: func(c *Config) string { return c.Admin2FA }})
	return out
}

// addDeliverySettings adds the settings of encrypted delivery (issue 9).
func addDeliverySettings(add func(setting, func(*Config, string) error, func(*Config) string)) {
	whole := func(env string, p func(*Config) *int, least int) (func(*Config, string) error, func(*Config) string) {
		return func(c *Config, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < least {
					return fmt.Errorf("%s must be a whole number of at least %d, not %q", env, least, v)
				}
				*p(c) = n
				return nil
			}, func(c *Config) string {
				return strconv.Itoa(*p(c))
			}
	}
	add(setting{flag: "kek-file", env: "LINEUP_KEK_FILE", def: "", help: "file holding the key-encryption key that wraps content keys (64 hex digits, `lineup keys new-kek`); default: derived from the secret key"},
		func(c *Config, v string) error { c.KEKFile = v; return nil }, func(c *Config) string { return c.KEKFile })
	set, get := whole("LINEUP_KEY_ROTATION_SEGMENTS", func(c *Config) *int { return &c.KeyRotationSegments }, 0)
	add(setting{flag: "key-rotation-segments", env: "LINEUP_KEY_ROTATION_SEGMENTS", def: "0", help: "start a new content key every so many segments (0: one key per rendition set)"}, set, get)
	add(setting{flag: "playlist-ttl", env: "LINEUP_PLAYLIST_TTL", def: "10m", help: "how long a playlist token lives; the player refreshes it while it plays"},
		func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 10*time.Second {
				return fmt.Errorf("LINEUP_PLAYLIST_TTL must be a duration of at least 10s such as 10m, not %q", v)
			}
			c.PlaylistTTL = d
			return nil
		},
		func(c *Config) string { return c.PlaylistTTL.String() })
	set, get = whole("LINEUP_MAX_STREAMS", func(c *Config) *int { return &c.MaxStreams }, 1)
	add(setting{flag: "max-streams", env: "LINEUP_MAX_STREAMS", def: "4", help: "streams an account may play at once"}, set, get)
	add(setting{flag: "media-url", env: "LINEUP_MEDIA_URL", def: "", help: "origin the shared segment paths are served from, such as a CDN's https://media.example (default: this server)"},
		func(c *Config, v string) error {
			v = strings.TrimRight(v, "/")
			if v != "" {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
					return fmt.Errorf("LINEUP_MEDIA_URL must be an origin such as https://media.example, not %q", v)
				}
			}
			c.MediaURL = v
			return nil
		},
		func(c *Config) string { return c.MediaURL })
}

// configFlags registers every setting on fs and returns a function that,
// after fs.Parse, resolves the Config: flag, then environment, then *_FILE
// for secrets, then default.
func configFlags(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	vals := map[string]*string{}
	for _, s := range settings() {
		help := s.help + " (" + s.env + ")"
		vals[s.flag] = fs.String(s.flag, "", help)
	}
	return func() (Config, error) {
		explicit := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
		var c Config
		for _, s := range settings() {
			v, ok := *vals[s.flag], explicit[s.flag]
			if !ok {
				v, ok = getenv(s.env), getenv(s.env) != ""
			}
			if !ok && s.secret {
				if path := getenv(s.env + "_FILE"); path != "" {
					b, err := os.ReadFile(path)
					if err != nil {
						return c, fmt.Errorf("%s_FILE: %w", s.env, err)
					}
					v, ok = strings.TrimSpace(string(b)), true
				}
			}
			if !ok {
				v = s.def
			}
			if err := s.set(&c, v); err != nil {
				return c, err
			}
		}
		if c.DatabaseURL == "" {
			c.DatabaseURL = filepath.Join(c.DataDir, "lineup.db")
		}
		if c.Licensee == "" {
			c.Licensee = c.ServiceName
		}
		if c.StorageURL == "" {
			abs, err := filepath.Abs(filepath.Join(c.DataDir, "media"))
			if err != nil {
				return c, err
			}
			c.StorageURL = "file://" + abs
		}
		if c.SearchDir == "" {
			c.SearchDir = filepath.Join(c.DataDir, "search")
		}
		return c, nil
	}
}

// Print writes the effective configuration, one setting a line, with
// secrets masked.
func (c Config) Print(w io.Writer) {
	rows := [][2]string{}
	for _, s := range settings() {
		v := s.get(&c)
		if s.secret && v != "" {
			v = mask(s.env, v)
		}
		rows = append(rows, [2]string{s.env, v})
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%-26s %s\n", r[0], r[1])
	}
}

// Map returns the effective configuration as environment names and values,
// with secrets masked.
func (c Config) Map() map[string]string {
	m := map[string]string{}
	for _, s := range settings() {
		v := s.get(&c)
		if s.secret && v != "" {
			v = mask(s.env, v)
		}
		m[s.env] = v
	}
	return m
}

func mask(env, v string) string {
	if env == "LINEUP_DATABASE_URL" && !strings.Contains(v, "://") {
		return v // a SQLite path holds no secret
	}
	if strings.Contains(v, "://") {
		return store.MaskURL(v)
	}
	return "********"
}
