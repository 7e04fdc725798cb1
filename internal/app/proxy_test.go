package app

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The reverse-proxy tests run the configurations operators copy from
// deploy/ (deploy/nginx/lineup-tls.conf and deploy/caddy/Caddyfile) in front
// of a running Lineup, edited only where an operator's machine and this
// test's differ: the ports they listen on, where Lineup is, where nginx's
// certificate is. The viewer is a real HTTPS client for the configs' own
// host name, watch.example.com, dialled to the proxy's port from
// 127.0.0.2, an address Lineup does not trust, as a viewer on the internet.

const proxyHost = "watch.example.com"

// caddyBinary finds Debian's caddy, or skips (fails under
// LINEUP_TEST_REQUIRE_CADDY=1, as scripts/test sets).
func caddyBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("caddy"); err == nil {
		return p
	}
	if os.Getenv("LINEUP_TEST_REQUIRE_CADDY") == "1" {
		t.Fatal("LINEUP_TEST_REQUIRE_CADDY=1 but caddy is not installed (apt-get install caddy)")
	}
	t.Skip("caddy is not installed; run scripts/test, which installs it")
	return ""
}

// freePort returns a loopback TCP port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// templated replaces in a deploy/ file what differs on the test machine,
// failing when a value the test (and the operator) edits is gone.
func templated(t *testing.T, file string, edits [][2]string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../..", file))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, e := range edits {
		if !strings.Contains(s, e[0]) {
			t.Fatalf("%s no longer holds %q, which the operator edits (and this test replaces)", file, e[0])
		}
		s = strings.ReplaceAll(s, e[0], e[1])
	}
	return s
}

// runProxy starts a proxy in its own process group and stops the whole
// group (master and workers) when the test ends.
func runProxy(t *testing.T, name string, cmd *exec.Cmd) *bytes.Buffer {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	return &out
}

// selfSigned writes a certificate and key for proxyHost into dir, as
// fullchain.pem and privkey.pem, and returns a pool that trusts it.
func selfSigned(t *testing.T, dir string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: proxyHost},
		DNSNames: []string{proxyHost}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "fullchain.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(filepath.Join(dir, "privkey.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

// tlsProxy is a proxy in front of Lineup: its HTTPS port and the roots
// that verify its certificate.
type tlsProxy struct {
	name  string
	port  int
	roots *x509.CertPool
	log   func() string
}

// startNginxTLS runs deploy/nginx/lineup-tls.conf in front of origin
// (host:port) with a certificate made for the test.
func startNginxTLS(t *testing.T, origin string) tlsProxy {
	t.Helper()
	bin := nginxBinary(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	roots := selfSigned(t, dir)
	httpPort, httpsPort := freePort(t), freePort(t)
	conf := templated(t, "deploy/nginx/lineup-tls.conf", [][2]string{
		{"server 127.0.0.1:8080;", "server " + origin + ";"},
		{"listen 80;", "listen 127.0.0.1:" + strconv.Itoa(httpPort) + ";"},
		{"listen 443 ssl http2;", "listen 127.0.0.1:" + strconv.Itoa(httpsPort) + " ssl http2;"},
		{"/etc/ssl/lineup/", dir + "/"},
	})
	os.WriteFile(filepath.Join(dir, "lineup-tls.conf"), []byte(conf), 0o644)
	user := ""
	if os.Getuid() == 0 {
		user = "user root;\n" // the workers write their temporary files in the test's folder
	}
	main := fmt.Sprintf(`%sworker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 256; }
http {
	access_log %[2]s/access.log;
	client_body_temp_path %[2]s/tmp/body;
	proxy_temp_path %[2]s/tmp/proxy;
	fastcgi_temp_path %[2]s/tmp/fastcgi;
	uwsgi_temp_path %[2]s/tmp/uwsgi;
	scgi_temp_path %[2]s/tmp/scgi;
	include %[2]s/lineup-tls.conf;
}
`, user, dir)
	os.MkdirAll(filepath.Join(dir, "tmp"), 0o755)
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644)
	args := []string{"-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log")}
	if out, err := exec.Command(bin, append(args, "-t")...).CombinedOutput(); err != nil {
		t.Fatalf("deploy/nginx/lineup-tls.conf must be a valid configuration for Debian's nginx: %v\n%s", err, out)
	}
	out := runProxy(t, "nginx", exec.Command(bin, append(args, "-g", "daemon off;")...))
	p := tlsProxy{name: "nginx", port: httpsPort, roots: roots, log: func() string {
		b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return out.String() + string(b)
	}}
	waitProxy(t, p)
	return p
}

// startCaddy runs deploy/caddy/Caddyfile in front of origin (host:port).
// Its site block is the operator's, unchanged but for Lineup's address;
// the global options put it on free ports with its own internal
// certificate authority (as `tls internal` does), its state in the test's
// folder, and keep it from touching the machine's trust store.
func startCaddy(t *testing.T, origin string) tlsProxy {
	t.Helper()
	bin := caddyBinary(t)
	dir := t.TempDir()
	httpPort, httpsPort := freePort(t), freePort(t)
	site := templated(t, "deploy/caddy/Caddyfile", [][2]string{{"reverse_proxy 127.0.0.1:8080", "reverse_proxy " + origin}})
	global := fmt.Sprintf("{\n\thttp_port %d\n\thttps_port %d\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\tstorage file_system %s\n}\n\n",
		httpPort, httpsPort, filepath.Join(dir, "data"))
	conf := filepath.Join(dir, "Caddyfile")
	os.WriteFile(conf, []byte(global+site), 0o644)
	env := append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "xdg-data"), "XDG_CONFIG_HOME="+filepath.Join(dir, "xdg-config"))
	validate := exec.Command(bin, "validate", "--config", conf, "--adapter", "caddyfile")
	validate.Env = env
	if out, err := validate.CombinedOutput(); err != nil {
		t.Fatalf("deploy/caddy/Caddyfile must be a valid configuration for Debian's caddy: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "run", "--config", conf, "--adapter", "caddyfile")
	cmd.Env = env
	out := runProxy(t, "caddy", cmd)
	// Caddy makes its root certificate when it starts.
	root := filepath.Join(dir, "data", "pki", "authorities", "local", "root.crt")
	var pemBytes []byte
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if b, err := os.ReadFile(root); err == nil && len(b) > 0 {
			pemBytes = b
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("caddy made no internal certificate authority in %s:\n%s", root, out)
		}
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("caddy's root certificate is not PEM: %s", pemBytes)
	}
	p := tlsProxy{name: "caddy", port: httpsPort, roots: roots, log: out.String}
	waitProxy(t, p)
	return p
}

// waitProxy waits until the proxy answers over TLS with a certificate the
// client trusts.
func waitProxy(t *testing.T, p tlsProxy) {
	t.Helper()
	c := p.client(nil)
	var last error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := c.Get("https://" + proxyHost + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		last = err
	}
	t.Fatalf("%s did not answer over HTTPS: %v\n%s", p.name, last, p.log())
}

// client is a viewer's HTTPS client for proxyHost through this proxy:
// certificate checked, cookies kept as a browser keeps them, redirects
// not followed, connecting from 127.0.0.2. With t, every exchange with
// the API is also held against openapi.json (the proxy's own answers, such
// as nginx's 413 page, are the proxy's, and not checked then).
func (p tlsProxy) client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 5 * time.Second}
	var tr http.RoundTripper = &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: p.roots, ServerName: proxyHost},
		ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(p.port))
		},
	}
	if t != nil {
		tr = checkedTransport(t, tr)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// proxyViewer is a viewer talking to Lineup through one proxy.
type proxyViewer struct {
	t      *testing.T
	proxy  string
	c      *http.Client
	csrf   string
	header http.Header // sent with every request
}

func (v *proxyViewer) do(method, path, contentType string, body io.Reader, extra http.Header) (*http.Response, []byte) {
	v.t.Helper()
	req, err := http.NewRequest(method, "https://"+proxyHost+path, body)
	if err != nil {
		v.t.Fatal(err)
	}
	for k, vs := range v.header {
		req.Header[k] = vs
	}
	for k, vs := range extra {
		req.Header[k] = vs
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if v.csrf != "" && method != "GET" {
		req.Header.Set("X-CSRF-Token", v.csrf)
	}
	resp, err := v.c.Do(req)
	if err != nil {
		v.t.Fatalf("through %s: %s %s: %v", v.proxy, method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

var (
	csrfInput     = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	profileSelect = regexp.MustCompile(`action="(/profiles/\d+/select)"`)
)

// hsts checks the one Strict-Transport-Security a browser reads.
func hsts(t *testing.T, proxy, what string, h http.Header) {
	t.Helper()
	v := h.Values("Strict-Transport-Security")
	if len(v) != 1 || v[0] != "max-age=31536000; includeSubDomains" {
		t.Errorf("through %s, %s must carry one Strict-Transport-Security, the proxy's \"max-age=31536000; includeSubDomains\" (browsers read only the first); got %q", proxy, what, v)
	}
}

// signInAndPlay is the journey through one proxy: sign in with the form,
// pick a profile, start playback from the country the proxy forwards, and
// fetch what a player fetches.
func signInAndPlay(t *testing.T, svc browserService, p tlsProxy) {
	v := proxySignIn(t, p, "us@viewer.test")
	playThroughProxy(t, svc, p, v)
}

// proxySignIn signs email in with the form through the proxy and picks
// its profile, checking the session cookie and HSTS on the way.
func proxySignIn(t *testing.T, p tlsProxy, email string) *proxyViewer {
	t.Helper()
	v := &proxyViewer{t: t, proxy: p.name, c: p.client(t), header: http.Header{"X-Country-Code": {"US"}}}
	resp, _ := v.do("GET", "/signin", "", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("through %s, the sign-in page must load: %d", p.name, resp.StatusCode)
	}
	if resp.ProtoMajor != 2 {
		t.Errorf("through %s, the viewer must be served over HTTP/2, got %s", p.name, resp.Proto)
	}
	hsts(t, p.name, "the sign-in page", resp.Header)
	form := url.Values{"email": {email}, "password": {"correct horse battery"}}
	resp, body := v.do("POST", "/signin", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("through %s, signing in must redirect to the profiles: %d %s", p.name, resp.StatusCode, body)
	}
	hsts(t, p.name, "the sign-in answer", resp.Header)
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, "lineup_session") {
			session = c
		}
	}
	if session == nil || session.Name != "__Host-lineup_session" || !session.Secure || !session.HttpOnly || session.Path != "/" || session.Domain != "" {
		t.Fatalf("through %s over TLS, the session cookie must be __Host-lineup_session, Secure, HttpOnly, Path=/ and without Domain (Lineup must know the viewer came over HTTPS); Set-Cookie: %q",
			p.name, resp.Header.Values("Set-Cookie"))
	}
	resp, body = v.do("GET", "/profiles", "", nil, nil)
	csrf, sel := csrfInput.FindSubmatch(body), profileSelect.FindSubmatch(body)
	if resp.StatusCode != 200 || csrf == nil || sel == nil {
		t.Fatalf("through %s, the signed-in viewer must see the profile picker (the Secure cookie must come back): %d\n%s", p.name, resp.StatusCode, tail(string(body), 500))
	}
	v.csrf = string(csrf[1])
	resp, body = v.do("POST", string(sel[1]), "application/x-www-form-urlencoded", strings.NewReader(url.Values{"next": {"/"}}.Encode()), nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("through %s, picking a profile must redirect home: %d %s", p.name, resp.StatusCode, body)
	}
	return v
}

// playThroughProxy starts playback and fetches what a player fetches.
func playThroughProxy(t *testing.T, svc browserService, p tlsProxy, v *proxyViewer) {

	// The country header, as the proxy forwards it, decides: the title is
	// licensed in the US now and in France only from next month.
	start := fmt.Sprintf(`{"title": %d}`, svc.titleID)
	resp, body := v.do("POST", "/api/v1/playback", "application/json", strings.NewReader(start), http.Header{"X-Country-Code": {"FR"}})
	if resp.StatusCode != http.StatusForbidden || !bytes.Contains(body, []byte(`"not_available"`)) {
		t.Errorf("through %s, a viewer placed in France by X-Country-Code must be refused: the title is not available there yet: %d %s", p.name, resp.StatusCode, body)
	}
	resp, body = v.do("POST", "/api/v1/playback", "application/json", strings.NewReader(start), nil)
	var g grant
	if resp.StatusCode != 200 || json.Unmarshal(body, &g) != nil || g.StreamURL == "" {
		t.Fatalf("through %s, a viewer placed in the US must start playback: %d %s", p.name, resp.StatusCode, body)
	}
	get := func(what, path string) []byte {
		t.Helper()
		resp, b := v.do("GET", path, "", nil, nil)
		if resp.StatusCode != 200 || len(b) == 0 {
			t.Fatalf("through %s, the %s (%s) must load: %d %s", p.name, what, path, resp.StatusCode, tail(string(b), 300))
		}
		return b
	}
	master := get("master playlist", g.StreamURL)
	var variant string
	for _, l := range strings.Split(string(master), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			variant = l
			break
		}
	}
	if variant == "" {
		t.Fatalf("through %s, the master playlist names no variant:\n%s", p.name, master)
	}
	pl := string(get("media playlist", strings.TrimSuffix(g.StreamURL, "master.m3u8")+variant))
	key := keyLine.FindStringSubmatch(pl)
	if key == nil {
		t.Fatalf("through %s, the media playlist must name its AES-128 key:\n%s", p.name, pl)
	}
	if k := get("content key", key[1]); len(k) != 16 {
		t.Errorf("through %s, the content key must be 16 bytes, got %d", p.name, len(k))
	}
	segs := segmentURIs(pl)
	if len(segs) < 2 {
		t.Fatalf("through %s, the media playlist must list segments:\n%s", p.name, pl)
	}
	get("init segment", segs[len(segs)-1])
	get("first media segment", segs[0])
}

// proxyHeaders checks what Lineup logs of a request through the proxy:
// the viewer's address (not the proxy's, not one the viewer wrote into
// X-Forwarded-For) and the proxy's X-Request-ID (not one the viewer sent),
// the same ID the viewer got back.
func proxyHeaders(t *testing.T, svc browserService, p tlsProxy, idFormat *regexp.Regexp) {
	v := &proxyViewer{t: t, proxy: p.name, c: p.client(t)}
	path := "/api/v1/territories?probe=" + p.name
	resp, _ := v.do("GET", path, "", nil, http.Header{"X-Request-ID": {"chosen-by-the-client"}, "X-Forwarded-For": {"198.51.100.7"}})
	id := resp.Header.Get("X-Request-ID")
	if resp.StatusCode != 200 || !idFormat.MatchString(id) {
		t.Errorf("through %s, the answer must carry the proxy's X-Request-ID (%s), not the client's; got %d %q", p.name, idFormat, resp.StatusCode, id)
	}
	line := ""
	for deadline := time.Now().Add(5 * time.Second); line == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, l := range strings.Split(svc.log.String(), "\n") {
			if strings.Contains(l, "msg=request") && strings.Contains(l, "path=/api/v1/territories") && strings.Contains(l, "request_id="+id) {
				line = l
			}
		}
	}
	if line == "" {
		t.Fatalf("through %s, Lineup's access log must hold the request with request_id=%s:\n%s", p.name, id, tail(svc.log.String(), 1500))
	}
	if !strings.Contains(line, "client=127.0.0.2 ") {
		t.Errorf("through %s, Lineup must log the viewer's address 127.0.0.2, as the trusted-proxy rules resolve X-Forwarded-For (not the proxy's 127.0.0.1, not the forged 198.51.100.7): %s", p.name, line)
	}
}

// bodyLimits checks the body limits behind a proxy: an 11 MB request to an
// ordinary route is refused with 413 (by nginx's client_max_body_size, or
// by Lineup's own 10 MB limit behind Caddy), never a 502; a film upload of
// the same size passes through and Lineup reads all of it (here a form
// with no video part, which it refuses with 400 once read).
func bodyLimits(t *testing.T, svc browserService, p tlsProxy) {
	v := &proxyViewer{t: t, proxy: p.name, c: p.client(nil), header: http.Header{"Authorization": {"Bearer " + proxyAdminToken}}}
	big := strings.Repeat("x", 11<<20)
	resp, body := v.do("POST", "/api/v1/titles", "application/json", strings.NewReader(`{"original_title": "`+big+`"}`), nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("through %s, an 11 MB body to /api/v1/titles must be refused with 413 (a 10 MB limit): %d %s", p.name, resp.StatusCode, tail(string(body), 300))
	}
	// An artwork image up to 20 MiB, from an admin's session: read by
	// Lineup (and refused there as no image), not cut off on the way.
	admin := proxySignIn(t, p, "admin@viewer.test")
	unchecked := p.client(nil) // nginx's own 413 page is not Lineup's to document
	unchecked.Jar = admin.c.Jar
	admin.c = unchecked
	var art bytes.Buffer
	mw := multipart.NewWriter(&art)
	mw.WriteField("kind", "poster")
	fw, _ := mw.CreateFormFile("image", "poster.png")
	fw.Write(bytes.Repeat([]byte{0x89}, 12<<20))
	mw.Close()
	resp, body = admin.do("POST", fmt.Sprintf("/admin/titles/%d/artwork?csrf=%s", svc.titleID, url.QueryEscape(admin.csrf)), mw.FormDataContentType(), &art, nil)
	if resp.StatusCode == http.StatusRequestEntityTooLarge || resp.StatusCode/100 != 4 || !strings.Contains(string(body), "JPEG, PNG or WebP") {
		t.Errorf("through %s, a 12 MiB artwork upload (Lineup takes 20 MiB) must reach Lineup and be refused as no image, got %d %s %s", p.name, resp.StatusCode, resp.Header.Get("Location"), tail(string(body), 300))
	}
	path := fmt.Sprintf("/api/v1/titles/%d/assets", svc.titleID)
	form := "--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n" + big + "\r\n--b--\r\n"
	resp, body = v.do("POST", path, "multipart/form-data; boundary=b", strings.NewReader(form), nil)
	if resp.StatusCode != http.StatusBadRequest || !bytes.Contains(body, []byte("video")) {
		t.Errorf("through %s, an 11 MB film upload to %s must pass the proxy and be read whole by Lineup (which wants a video part), got %d %s %s",
			p.name, path, resp.StatusCode, resp.Header.Get("Content-Type"), tail(string(body), 300))
	}
}

const proxyAdminToken = "proxy-test-admin-token-of-32-bytes-or-more"

// TestReverseProxies runs a sign-in and a playback through each proxy
// configuration in deploy/, over TLS, and checks the headers the proxies
// pass to Lineup and the limits they keep.
func TestReverseProxies(t *testing.T) {
	nginxBinary(t)
	caddyBinary(t)
	svc := startBrowserService(t, map[string]string{
		"LINEUP_LOG_LEVEL": "info", "LINEUP_PUBLIC_URL": "https://" + proxyHost,
		// As the configs' comments tell the operator to set.
		"LINEUP_TRUSTED_PROXIES": "127.0.0.1/32", "LINEUP_COUNTRY_HEADER": "X-Country-Code",
		"LINEUP_ADMIN_TOKEN": proxyAdminToken,
	})
	origin := strings.TrimPrefix(svc.url, "http://")
	for _, c := range []struct {
		name     string
		start    func(*testing.T, string) tlsProxy
		idFormat *regexp.Regexp
	}{
		{"nginx", startNginxTLS, regexp.MustCompile(`^[0-9a-f]{32}$`)},
		{"caddy", startCaddy, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.start(t, origin)
			t.Run("sign in and play", func(t *testing.T) { signInAndPlay(t, svc, p) })
			t.Run("client address and request ID", func(t *testing.T) { proxyHeaders(t, svc, p, c.idFormat) })
			t.Run("body limits", func(t *testing.T) { bodyLimits(t, svc, p) })
		})
	}
}
