# Shared by scripts/demo and scripts/test: install what is missing, or say
# exactly what to install.

need_root_for() {
	if [ "$(id -u)" != 0 ]; then
		echo "missing: $1. Install it (as root: apt-get install -y $2) and run this again." >&2
		exit 1
	fi
}

apt_updated=""
apt_install() {
	need_root_for "$*" "$*"
	if [ -z "$apt_updated" ]; then
		echo "==> apt-get update" >&2
		apt-get update -qq >&2
		apt_updated=1
	fi
	echo "==> apt-get install $*" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

ensure_go() {
	if ! command -v go >/dev/null 2>&1; then
		if [ -x /usr/local/go/bin/go ]; then
			export PATH="/usr/local/go/bin:$PATH"
		else
			echo "missing: Go 1.26 or newer. Install it from the Go downloads page into /usr/local/go and run this again." >&2
			exit 1
		fi
	fi
	export PATH="$(go env GOPATH)/bin:$PATH"
}

ensure_ffmpeg() {
	command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || apt_install ffmpeg
}

pg_bindir() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_postgres() {
	if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then
		apt_install postgresql
	fi
	id postgres >/dev/null 2>&1 || { echo "missing: the postgres system user (apt-get install -y postgresql creates it)" >&2; exit 1; }
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$(( 20000 + RANDOM % 40000 ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# start_postgres DIR starts a throwaway PostgreSQL in DIR on a free loopback
# port and sets LINEUP_TEST_POSTGRES_URL; stop_postgres DIR ends it.
start_postgres() {
	local dir=$1 bin port attempt opts
	bin=$(pg_bindir)
	mkdir -p "$dir"
	chown postgres "$dir"
	runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
	opts="-c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	for attempt in 1 2 3; do
		port=$(free_port)
		if runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
			-o "-p $port -k $dir $opts" start >/dev/null; then
			export LINEUP_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
			echo "==> PostgreSQL on 127.0.0.1:$port (data in $dir)" >&2
			return 0
		fi
		# Say why, from the server's own log, then try again on another port
		# (another process may have taken this one meanwhile) and without
		# what a container may lack: a writable /dev/shm and huge pages.
		echo "==> PostgreSQL did not start on port $port (attempt $attempt); its log says:" >&2
		tail -n 20 "$dir/log" >&2 || true
		runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
		opts="-c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c dynamic_shared_memory_type=mmap -c huge_pages=off"
	done
	echo "PostgreSQL could not be started in $dir (log above); the PostgreSQL tests need it" >&2
	return 1
}

stop_postgres() {
	local dir=$1
	[ -d "$dir/data" ] && runuser -u postgres -- "$(pg_bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# ensure_versitygw installs the S3-compatible server the blob tests run
# against (pinned), from the Go module proxy.
ensure_versitygw() {
	command -v versitygw >/dev/null 2>&1 && return 0
	echo "==> go install github.com/versity/versitygw/cmd/versitygw@v1.8.0 (a few minutes, once)" >&2
	go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
}

# ensure_mailpit installs the SMTP server the account tests send mail
# through (pinned), from the Go module proxy.
ensure_mailpit() {
	command -v mailpit >/dev/null 2>&1 && return 0
	echo "==> go install github.com/axllent/mailpit@v1.33.1 (a minute or two, once)" >&2
	go install github.com/axllent/mailpit@v1.33.1
}

ensure_chromium() {
	command -v chromium >/dev/null 2>&1 || apt_install chromium
}

# ensure_nginx installs Debian's nginx (in /usr/sbin, often off a user's
# PATH), which the delivery tests run deploy/nginx/ with in front of Lineup.
ensure_nginx() {
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_install nginx
}

# ensure_caddy installs Debian's caddy, which the reverse-proxy tests run
# deploy/caddy/Caddyfile with in front of Lineup (the package's own service
# is not needed: the tests start caddy themselves).
ensure_caddy() {
	command -v caddy >/dev/null 2>&1 || apt_install caddy
}

ensure_npm() {
	command -v npm >/dev/null 2>&1 || apt_install nodejs npm
}

# ensure_bench_tools installs what bench/serve measures against and with:
# Debian's nginx (in /usr/sbin, often off a user's PATH), wrk and Chromium.
ensure_bench_tools() {
	local missing=()
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
	command -v wrk >/dev/null 2>&1 || missing+=(wrk)
	command -v chromium >/dev/null 2>&1 || missing+=(chromium)
	[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}
