package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// nginxConf is the baseline server: Debian's nginx as one would set it up
// to serve a folder of HLS files fast (sendfile, no access log, long
// keep-alive), on a loopback port. /bench-page/ holds the plain hls.js
// player the browser baseline loads.
const nginxConf = `worker_processes 2;
pid {{DIR}}/nginx.pid;
error_log {{DIR}}/nginx-error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 65;
	keepalive_requests 100000;
	client_body_temp_path {{DIR}}/tmp/body;
	proxy_temp_path {{DIR}}/tmp/proxy;
	fastcgi_temp_path {{DIR}}/tmp/fastcgi;
	uwsgi_temp_path {{DIR}}/tmp/uwsgi;
	scgi_temp_path {{DIR}}/tmp/scgi;
	types {
		application/vnd.apple.mpegurl m3u8;
		video/iso.segment m4s;
		video/mp4 mp4;
		text/vtt vtt;
		image/jpeg jpg;
		text/html html;
		text/javascript js;
	}
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:{{PORT}};
		root {{ROOT}};
		location /bench-page/ { alias {{DIR}}/page/; }
		location /media/ { alias {{MEDIA}}/; }
	}
}
`

// nginxServer is a running nginx.
type nginxServer struct {
	base string
	cmd  *exec.Cmd
	dir  string
}

// findNginx returns Debian's nginx, which lives in /usr/sbin (often not on
// a user's PATH).
func findNginx() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx", nil
	}
	return "", fmt.Errorf("missing: nginx (run scripts/bench serve, which installs it, or apt-get install -y nginx)")
}

// startNginx writes a config into dir and starts nginx serving root, and
// mediaDir under /media/, with
// the baseline player page (page, a map of file names to contents) under
// /bench-page/. The tree under dir is made world-readable, since nginx
// started as root reads files as an unprivileged worker user.
func startNginx(ctx context.Context, dir, root, mediaDir string, page map[string][]byte) (*nginxServer, error) {
	bin, err := findNginx()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	ndir := filepath.Join(dir, "nginx")
	for _, d := range []string{ndir, filepath.Join(ndir, "tmp"), filepath.Join(ndir, "page")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	for name, b := range page {
		if err := os.WriteFile(filepath.Join(ndir, "page", name), b, 0o644); err != nil {
			return nil, err
		}
	}
	conf := strings.NewReplacer("{{DIR}}", ndir, "{{PORT}}", strconv.Itoa(port), "{{ROOT}}", root, "{{MEDIA}}", mediaDir).Replace(nginxConf)
	confPath := filepath.Join(ndir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	if err := readableByAll(dir); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-p", ndir, "-c", confPath, "-e", filepath.Join(ndir, "nginx-error.log"), "-g", "daemon off;")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("nginx: %w", err)
	}
	n := &nginxServer{base: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, dir: ndir}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	if err := waitHTTP(ctx, n.base+"/bench-page/title.html", exited); err != nil {
		n.stop()
		log, _ := os.ReadFile(filepath.Join(ndir, "nginx-error.log"))
		return nil, fmt.Errorf("nginx: %w\n%s%s", err, stderr.Bytes(), log)
	}
	say("nginx serving the same files at %s (%s)", n.base, bin)
	return n, nil
}

// stop asks nginx to finish (SIGQUIT, its graceful stop) and waits up to
// five seconds before killing it.
func (n *nginxServer) stop() {
	if n.cmd.Process == nil || n.cmd.ProcessState != nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGQUIT)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(filepath.Join(n.dir, "nginx.pid")); os.IsNotExist(err) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.cmd.Process.Kill()
}

// readableByAll makes every folder under dir 0755 and every file 0644.
func readableByAll(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(p, mode)
	})
}

// The baseline player: the same hls.js as Lineup's page, playing the same
// encrypted stream (the viewer's playlists and key as Lineup answered
// them, served by nginx as files), on a plain
// <video> with the same attributes, started the way Lineup's player
// starts it (play once the manifest is parsed), behind a title page whose
// Play link opens it, as Lineup's does.
const baselineTitleHTML = `<!doctype html><meta charset="utf-8"><title>Us and Them</title>
<h1>Us and Them</h1><p><a id="play" href="watch.html">▶ Play</a></p>
`

const baselineWatchHTML = `<!doctype html><meta charset="utf-8"><title>Us and Them</title>
<video id="video" playsinline preload="metadata" style="width:100%"></video>
<script src="hls.min.js"></script>
<script>
var video = document.getElementById("video");
var hls = new Hls({ capLevelToPlayerSize: false });
hls.on(Hls.Events.MANIFEST_PARSED, function () { video.play().catch(function () {}); });
hls.loadSource("{{MASTER}}");
hls.attachMedia(video);
</script>
`
