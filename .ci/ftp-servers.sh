#!/usr/bin/env bash
# .ci/ftp-servers.sh — throwaway real FTP servers (vsftpd + pyftpdlib) for
# ftpgate's integration tests.  Linux, run as root (CI runs on a possibly
# fresh Debian/Ubuntu machine; whatever is missing gets installed).
#
# Two ways to use it:
#
#   1. Sourced (what .ci/run does).  Sourcing only defines functions; it does
#      not change the caller's shell options and starts nothing by itself.
#
#          source .ci/ftp-servers.sh
#          trap 'ftp_servers_stop "$?"' EXIT   # kill servers, remove temp dirs
#          ftp_servers_start                   # exports FTPGATE_TEST_SERVERS
#          cargo test
#
#      ftp_servers_stop STATUS  prints the tail of each server's log first
#      when STATUS is non-zero (handy when the tests failed).
#
#   2. Executed, ssh-agent style:
#
#          eval "$(bash .ci/ftp-servers.sh start)"   # prints `export ...` lines
#          cargo test
#          bash .ci/ftp-servers.sh stop               # uses $FTPGATE_CI_STATE
#
#      Subcommands:
#        install          install vsftpd, curl, openssl, unzip, python3/pip,
#                         pyftpdlib, pyopenssl if missing
#        start            install, start the four servers, print export lines on stdout
#        stop [STATE]     stop the servers of STATE (default $FTPGATE_CI_STATE),
#                         remove their temp dirs, lock the vsftpd test user
#        check            curl smoke test of every server in $FTPGATE_TEST_SERVERS
#                         (list, upload, download, unicode + spaces, MKD, RMD,
#                         DELE, EPSV and PASV)
#        selftest         start + check + stop
#   All diagnostics go to stderr; only `start` writes to stdout.
#
# What `start` exports:
#
#   FTPGATE_TEST_SERVERS  parsed by the Rust test harness: entries separated
#                         by ';', each NAME=ftp://USER:PASS@127.0.0.1:PORT, e.g.
#     vsftpd=ftp://ftpgate-ci:Ab3...@127.0.0.1:2121;pyftpdlib=ftp://ftpgate:x9Q...@127.0.0.1:2122
#                         Passwords are random per run, [A-Za-z0-9] only (no
#                         URL escaping needed).  Each user logs in to its own
#                         empty, writable temp directory, which is its root.
#                         plus vsftpd-tls=ftps://... and pyftpdlib-tls=ftps://...:
#                         the FTPS instances (explicit AUTH TLS, required)
#   FTPGATE_TEST_TLS_CERT the FTPS instances' self-signed certificate (PEM,
#                         one for both), which the tests pin
#   FTPGATE_CI_STATE      temp dir with the configs, pid files and logs
#                         (vsftpd.log = full protocol log, vsftpd-xfer.log,
#                         vsftpd.out, pyftpdlib.log = debug protocol log)
#   FTPGATE_CI_VSFTPD_ROOT, FTPGATE_CI_PYFTPDLIB_ROOT
#                         the servers' root directories on the local disk
#
# The servers:
#   vsftpd     real local system user "ftpgate-ci" (PAM login; shell /bin/bash
#              for pam_shells; home = its temp root, chrooted there with
#              allow_writeable_chroot so PWD is "/" as on pyftpdlib), own config
#              file (not /etc/vsftpd.conf), 127.0.0.1 only, port 2121 or another
#              free one, passive ports 30000-30099, seccomp sandbox off (breaks
#              in containers), utf8_filesystem if the build knows it.  The
#              account stays in /etc/passwd between runs, its password locked
#              by `stop`.
#   vsftpd-tls a second vsftpd, same user, own root, port 2123 or another free
#              one, passive ports 30200-30299: ssl_enable, require_ssl_reuse
#              (data connections must resume the control connection's TLS
#              session), force_local_logins_ssl, force_local_data_ssl, an
#              ECDSA P-256 certificate for 127.0.0.1 made with openssl.
#   pyftpdlib  virtual user "ftpgate", small script on pyftpdlib's API (not the
#              CLI, whose -u/-P/-r flags older releases lack, and which would
#              show the password in ps), port 2122 or another free one, passive
#              ports 30100-30199, full permissions.
#   pyftpdlib-tls  the same script with TLS_FTPHandler (pyOpenSSL from PyPI),
#              TLS required on control and data, vsftpd-tls's certificate, own
#              root, port 2124 or another free one, passive ports 30300-30399.
#              Unlike vsftpd it does not require TLS session reuse.
#   vsftpd-active  vsftpd with passive mode switched off (pasv_enable=NO,
#              port_enable=YES): only active mode works, as on some embedded
#              servers. Same user, own root, port 2125 or another free one.
#   pyftpdlib-v6   the plain pyftpdlib script on ::1 (IPv6 only), port 2126
#              or another free one, passive ports 30400-30499.
#   These two are not in the suite's main server list: the tests that need
#   them ask for them by name (tests/common, extra_target).
#
# Knobs (environment): FTPGATE_CI_PYTHON (python3), FTPGATE_CI_TMPDIR (/tmp),
# FTPGATE_CI_WAIT (seconds to wait for a server to answer, 10),
# FTPGATE_CI_VSFTPD_PORT (2121), FTPGATE_CI_PYFTPDLIB_PORT (2122),
# FTPGATE_CI_VSFTPD_PASV (30000-30099), FTPGATE_CI_PYFTPDLIB_PASV (30100-30199),
# FTPGATE_CI_VSFTPD_TLS_PORT (2123), FTPGATE_CI_VSFTPD_TLS_PASV (30200-30299),
# FTPGATE_CI_VSFTPD_USER (ftpgate-ci), FTPGATE_CI_PYFTPDLIB_USER (ftpgate),
# FTPGATE_CI_PYFTPDLIB_TLS_PORT (2124), FTPGATE_CI_PYFTPDLIB_TLS_PASV (30300-30399),
# FTPGATE_CI_VSFTPD_ACTIVE_PORT (2125), FTPGATE_CI_PYFTPDLIB_V6_PORT (2126),
# FTPGATE_CI_PYFTPDLIB_V6_PASV (30400-30499),
# FTPGATE_CI_PYFTPDLIB_SPEC (pip requirement, "pyftpdlib"),
# FTPGATE_CI_PYOPENSSL_SPEC (pip requirement, "pyopenssl"),
# FTPGATE_CI_KEEP=1 (stop keeps the state dir and server roots, for debugging).
#
# One set of servers per machine at a time (the vsftpd user is shared).

# ---------------------------------------------------------------------------
# Sourced-mode API: thin wrappers that run this file as a separate bash
# process, so `set -euo pipefail` applies inside it whatever the caller uses.

_FTPGATE_CI_SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")

ftp_servers_start() {
	local exports
	if [[ -n ${FTPGATE_CI_STATE:-} ]]; then
		ftp_servers_stop 0 || return 1
	fi
	exports=$(bash "$_FTPGATE_CI_SCRIPT" start) || {
		echo "ftp-servers: starting the FTP test servers failed" >&2
		return 1
	}
	eval "$exports"
}

ftp_servers_stop() {
	local status=${1:-0}
	[[ -n ${FTPGATE_CI_STATE:-} ]] || return 0
	FTPGATE_CI_DUMP_LOGS=$status bash "$_FTPGATE_CI_SCRIPT" stop "$FTPGATE_CI_STATE" || return 1
	unset FTPGATE_CI_STATE FTPGATE_TEST_SERVERS FTPGATE_CI_VSFTPD_ROOT FTPGATE_CI_PYFTPDLIB_ROOT \
		FTPGATE_TEST_TLS_CERT
}

ftp_servers_check() {
	bash "$_FTPGATE_CI_SCRIPT" check
}

# When sourced, stop here: only the functions above are defined.
if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
	return 0
fi

# ---------------------------------------------------------------------------
# Executed mode.

set -euo pipefail
shopt -s nullglob

PYTHON=${FTPGATE_CI_PYTHON:-python3}
TMPBASE=${FTPGATE_CI_TMPDIR:-/tmp}
WAIT_SECS=${FTPGATE_CI_WAIT:-10}
VSFTPD_USER=${FTPGATE_CI_VSFTPD_USER:-ftpgate-ci}
PYFTPDLIB_USER=${FTPGATE_CI_PYFTPDLIB_USER:-ftpgate}
VSFTPD_PORT=${FTPGATE_CI_VSFTPD_PORT:-2121}
PYFTPDLIB_PORT=${FTPGATE_CI_PYFTPDLIB_PORT:-2122}
VSFTPD_PASV=${FTPGATE_CI_VSFTPD_PASV:-30000-30099}
PYFTPDLIB_PASV=${FTPGATE_CI_PYFTPDLIB_PASV:-30100-30199}
VSFTPD_TLS_PORT=${FTPGATE_CI_VSFTPD_TLS_PORT:-2123}
VSFTPD_TLS_PASV=${FTPGATE_CI_VSFTPD_TLS_PASV:-30200-30299}
PYFTPDLIB_TLS_PORT=${FTPGATE_CI_PYFTPDLIB_TLS_PORT:-2124}
PYFTPDLIB_TLS_PASV=${FTPGATE_CI_PYFTPDLIB_TLS_PASV:-30300-30399}
VSFTPD_ACTIVE_PORT=${FTPGATE_CI_VSFTPD_ACTIVE_PORT:-2125}
PYFTPDLIB_V6_PORT=${FTPGATE_CI_PYFTPDLIB_V6_PORT:-2126}
PYFTPDLIB_V6_PASV=${FTPGATE_CI_PYFTPDLIB_V6_PASV:-30400-30499}
PYFTPDLIB_SPEC=${FTPGATE_CI_PYFTPDLIB_SPEC:-pyftpdlib}
PYOPENSSL_SPEC=${FTPGATE_CI_PYOPENSSL_SPEC:-pyopenssl}
HOST=127.0.0.1
ALL_SERVERS="vsftpd vsftpd-tls vsftpd-active pyftpdlib pyftpdlib-tls pyftpdlib-v6"

log() { printf 'ftp-servers: %s\n' "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

# ---------------------------------------------------------------------------
# Installation (idempotent, quiet; output shown only on failure).

APT_UPDATED=0
apt_install() {
	local out rc=0 policy=/usr/sbin/policy-rc.d made_policy=0
	out=$(mktemp)
	export DEBIAN_FRONTEND=noninteractive
	local -a apt=(apt-get -y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
	if ((!APT_UPDATED)); then
		log "apt-get update"
		if ! "${apt[@]}" update >"$out" 2>&1 </dev/null; then
			cat "$out" >&2
			rm -f "$out"
			die "apt-get update failed"
		fi
		APT_UPDATED=1
	fi
	# Keep the packages' init scripts from starting system-wide daemons (a
	# vsftpd from /etc/vsftpd.conf on port 21); we run our own instances.
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		made_policy=1
	fi
	log "apt-get install $*"
	"${apt[@]}" install --no-install-recommends "$@" >"$out" 2>&1 </dev/null || rc=$?
	if ((made_policy)); then rm -f "$policy"; fi
	if ((rc != 0)); then
		cat "$out" >&2
		rm -f "$out"
		die "apt-get install $* failed"
	fi
	rm -f "$out"
}

have_vsftpd() { [[ -x /usr/sbin/vsftpd ]] || command -v vsftpd >/dev/null 2>&1; }
vsftpd_bin() { if [[ -x /usr/sbin/vsftpd ]]; then echo /usr/sbin/vsftpd; else command -v vsftpd; fi; }

do_install() {
	[[ $(id -u) == 0 ]] || die "must run as root (creates a system user, runs vsftpd)"
	local -a pkgs=()
	have_vsftpd || pkgs+=(vsftpd)
	command -v curl >/dev/null 2>&1 || pkgs+=(curl ca-certificates)
	command -v "$PYTHON" >/dev/null 2>&1 || pkgs+=(python3)
	command -v useradd >/dev/null 2>&1 || pkgs+=(passwd)
	command -v setsid >/dev/null 2>&1 || pkgs+=(util-linux)
	command -v openssl >/dev/null 2>&1 || pkgs+=(openssl)
	# The ZIP tests check archives with Info-ZIP's `unzip -t` too.
	command -v unzip >/dev/null 2>&1 || pkgs+=(unzip)
	if ((${#pkgs[@]})); then apt_install "${pkgs[@]}"; fi
	command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (set FTPGATE_CI_PYTHON)"

	pip_need pyftpdlib "$PYFTPDLIB_SPEC"
	# pyftpdlib's TLS_FTPHandler is built on pyOpenSSL.
	pip_need OpenSSL "$PYOPENSSL_SPEC"
}

# pip_need MODULE SPEC: pip install SPEC unless $PYTHON can import MODULE.
pip_need() {
	local module=$1 spec=$2 out
	"$PYTHON" -c "import $module" >/dev/null 2>&1 && return 0
	if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
		# Debian's system python has ensurepip disabled; pip comes from apt.
		if [[ $("$PYTHON" -c 'import sys; print(sys.prefix)') == /usr ]]; then
			apt_install python3-pip
		else
			"$PYTHON" -m ensurepip --upgrade >/dev/null 2>&1 || apt_install python3-pip
		fi
	fi
	log "pip install $spec"
	out=$(mktemp)
	# PEP 668: Debian 12's python refuses system-wide pip installs without this.
	if ! PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore \
		"$PYTHON" -m pip install -q --disable-pip-version-check "$spec" \
		>"$out" 2>&1 </dev/null; then
		cat "$out" >&2
		rm -f "$out"
		die "pip install $spec failed"
	fi
	rm -f "$out"
	"$PYTHON" -c "import $module" || die "$module still not importable by $PYTHON"
}

# ---------------------------------------------------------------------------
# Helpers.

random_password() {
	local p=''
	while ((${#p} < 24)); do
		p+=$(LC_ALL=C tr -dc 'A-Za-z0-9' < <(head -c 256 /dev/urandom))
	done
	printf '%s' "${p:0:24}"
}

# port_free PORT: nothing listens on (and nothing holds) 127.0.0.1:PORT.
port_free() {
	"$PYTHON" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

# candidate_ports PREFERRED: the preferred port, then a few kernel-chosen free ones.
candidate_ports() {
	echo "$1"
	"$PYTHON" - <<'EOF'
import socket
for _ in range(4):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()
EOF
}

# spawn PIDFILE LOGFILE CMD...: run CMD in the background in its own session
# (so stop can kill the server with every child it forked by process group);
# PIDFILE gets the server's pid, which is also its process-group id.
# stdin/stdout/stderr all go to LOGFILE, so $(...) callers do not wait on the
# server; stdin too, because vsftpd writes its "500 OOPS: ..." start-up errors
# to fd 0 (in inetd mode that is the client's socket).
spawn() {
	local pidfile=$1 logfile=$2
	shift 2
	rm -f "$pidfile"
	# shellcheck disable=SC2016 # $$, $0, $@ are for the inner shell
	setsid bash -c 'echo "$$" >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" \
		0>>"$logfile" >>"$logfile" 2>&1 &
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -s $pidfile ]] && return 0
		sleep 0.1
	done
	die "could not start $1"
}

alive() { [[ -s $1 ]] && kill -0 "$(<"$1")" 2>/dev/null; }

# wait_ready NAME URL PIDFILE LOGFILE [CURLARGS...]: poll with a curl login + LIST until the
# server answers.  Returns 2 if the server died of a port clash (caller tries
# another port); dies loudly on any other failure.
wait_ready() {
	local name=$1 url=$2 pidfile=$3 logfile=$4 deadline err
	local -a extra=("${@:5}")
	deadline=$((SECONDS + WAIT_SECS))
	while :; do
		if ! alive "$pidfile"; then
			if grep -qiE 'address already in use|could not bind|errno 98' "$logfile" 2>/dev/null; then
				return 2
			fi
			log "$name exited during startup; last lines of $logfile:"
			tail -n 30 "$logfile" >&2 || true
			die "$name did not start"
		fi
		if err=$(curl "${extra[@]}" -sS --max-time 3 -o /dev/null "$url/" 2>&1); then
			return 0
		fi
		if ((SECONDS >= deadline)); then
			log "$name does not answer after ${WAIT_SECS}s (last curl error: $err); last lines of $logfile:"
			tail -n 30 "$logfile" >&2 || true
			die "$name not ready"
		fi
		sleep 0.2
	done
}

# ---------------------------------------------------------------------------
# vsftpd.

setup_vsftpd_user() {
	local root=$1 pass=$2 group
	if ! id -u "$VSFTPD_USER" >/dev/null 2>&1; then
		log "creating system user $VSFTPD_USER"
		useradd --home-dir "$root" --no-create-home --shell /bin/bash --user-group \
			--comment 'ftpgate CI FTP test user' "$VSFTPD_USER"
	else
		usermod --home "$root" --shell /bin/bash "$VSFTPD_USER"
	fi
	if [[ -f /etc/ftpusers ]] && grep -qxF "$VSFTPD_USER" /etc/ftpusers; then
		log "removing $VSFTPD_USER from /etc/ftpusers"
		sed -i "/^${VSFTPD_USER}\$/d" /etc/ftpusers
	fi
	printf '%s:%s\n' "$VSFTPD_USER" "$pass" | chpasswd
	# No password ageing surprises on old images.
	chage --mindays 0 --maxdays -1 --inactive -1 --expiredate -1 "$VSFTPD_USER"
	group=$(id -gn "$VSFTPD_USER")
	chown "$VSFTPD_USER:$group" "$root"
	chmod 0755 "$root"
}

write_vsftpd_conf() {
	local conf=$1 port=$2 root=$3 state=$4 bin
	bin=$(vsftpd_bin)
	cat >"$conf" <<EOF
# ftpgate CI vsftpd config (generated by .ci/ftp-servers.sh)
listen=YES
listen_ipv6=NO
listen_address=$HOST
listen_port=$port
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
local_root=$root
chroot_local_user=YES
allow_writeable_chroot=YES
chroot_list_enable=NO
passwd_chroot_enable=NO
userlist_enable=NO
pam_service_name=vsftpd
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=$state/vsftpd-empty
pasv_enable=YES
pasv_min_port=${VSFTPD_PASV%-*}
pasv_max_port=${VSFTPD_PASV#*-}
port_enable=YES
connect_from_port_20=NO
ssl_enable=NO
dirmessage_enable=NO
use_localtime=NO
# Show dot files in LIST, so tests can see that no temporary upload file is left.
force_dot_files=YES
ftpd_banner=ftpgate CI vsftpd
idle_session_timeout=600
data_connection_timeout=300
max_clients=0
max_per_ip=0
xferlog_enable=YES
xferlog_std_format=NO
log_ftp_protocol=YES
dual_log_enable=YES
vsftpd_log_file=$state/vsftpd.log
xferlog_file=$state/vsftpd-xfer.log
EOF
	# utf8_filesystem exists in Debian/Ubuntu builds and upstream >= 3.0.3;
	# unknown options make vsftpd refuse to start, so probe the binary.
	if grep -qa utf8_filesystem "$bin"; then
		echo "utf8_filesystem=YES" >>"$conf"
	else
		log "this vsftpd does not know utf8_filesystem; not setting it"
	fi
}

start_vsftpd() {
	local state=$1 root pass port url rc bin
	bin=$(vsftpd_bin)
	root=$(mktemp -d "$TMPBASE/ftpgate-ci-vsftpd.XXXXXX")
	echo "$root" >"$state/vsftpd.root"
	pass=$(random_password)
	setup_vsftpd_user "$root" "$pass"
	mkdir -p "$state/vsftpd-empty"
	chmod 0555 "$state/vsftpd-empty"
	while read -r port; do
		port_free "$port" || {
			log "vsftpd: port $port busy"
			continue
		}
		write_vsftpd_conf "$state/vsftpd.conf" "$port" "$root" "$state"
		: >"$state/vsftpd.out"
		spawn "$state/vsftpd.pid" "$state/vsftpd.out" "$bin" "$state/vsftpd.conf"
		url="ftp://$VSFTPD_USER:$pass@$HOST:$port"
		rc=0
		wait_ready vsftpd "$url" "$state/vsftpd.pid" "$state/vsftpd.out" || rc=$?
		if ((rc == 0)); then
			log "vsftpd $("$bin" -v 0>&1 2>&1 | head -n1 | sed "s/^vsftpd: //") on $HOST:$port, root $root"
			printf '%s' "$url" >"$state/vsftpd.url"
			return 0
		fi
		log "vsftpd: port $port taken meanwhile, trying another"
	done < <(candidate_ports "$VSFTPD_PORT")
	die "vsftpd: found no free port"
}

# ---------------------------------------------------------------------------
# vsftpd-tls: the same vsftpd with FTPS required.

make_tls_cert() {
	local state=$1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$state/vsftpd-tls-key.pem" -out "$state/vsftpd-tls-cert.pem" \
		-days 30 -subj "/CN=$HOST/O=ftpgate CI" -addext "subjectAltName=IP:$HOST" \
		>"$state/openssl.out" 2>&1 || {
		cat "$state/openssl.out" >&2
		die "openssl could not make the vsftpd-tls certificate"
	}
	chmod 0600 "$state/vsftpd-tls-key.pem"
}

# write_vsftpd_tls_conf CONF PORT ROOT STATE: the plain config, FTPS on top.
write_vsftpd_tls_conf() {
	local conf=$1 state=$4
	VSFTPD_PASV=$VSFTPD_TLS_PASV write_vsftpd_conf "$@"
	sed -i -e '/^ssl_enable=/d' -e '/^ftpd_banner=/d' \
		-e "s|^vsftpd_log_file=.*|vsftpd_log_file=$state/vsftpd-tls.log|" \
		-e "s|^xferlog_file=.*|xferlog_file=$state/vsftpd-tls-xfer.log|" "$conf"
	cat >>"$conf" <<EOF
ftpd_banner=ftpgate CI vsftpd (FTPS)
ssl_enable=YES
rsa_cert_file=$state/vsftpd-tls-cert.pem
rsa_private_key_file=$state/vsftpd-tls-key.pem
allow_anon_ssl=NO
force_local_logins_ssl=YES
force_local_data_ssl=YES
require_ssl_reuse=YES
# vsftpd's built-in default is DES-CBC3-SHA alone, which no modern client offers.
ssl_ciphers=HIGH
EOF
}

# start_vsftpd_instance STATE NAME FIRST_PORT WRITE_CONF SCHEME [CURLARGS...]:
# another vsftpd for the plain instance's account (its password is in
# vsftpd.url), in its own root, its config written by WRITE_CONF CONF PORT
# ROOT STATE, ready once curl with CURLARGS lists it; NAME.url gets SCHEME://.
start_vsftpd_instance() {
	local state=$1 name=$2 first=$3 write_conf=$4 scheme=$5 root pass port url rc bin group
	shift 5
	bin=$(vsftpd_bin)
	root=$(mktemp -d "$TMPBASE/ftpgate-ci-$name.XXXXXX")
	echo "$root" >"$state/$name.root"
	group=$(id -gn "$VSFTPD_USER")
	chown "$VSFTPD_USER:$group" "$root"
	chmod 0755 "$root"
	pass=$(<"$state/vsftpd.url")
	pass=${pass#ftp://*:}
	pass=${pass%%@*}
	while read -r port; do
		port_free "$port" || {
			log "$name: port $port busy"
			continue
		}
		"$write_conf" "$state/$name.conf" "$port" "$root" "$state"
		: >"$state/$name.out"
		spawn "$state/$name.pid" "$state/$name.out" "$bin" "$state/$name.conf"
		url="ftp://$VSFTPD_USER:$pass@$HOST:$port"
		rc=0
		wait_ready "$name" "$url" "$state/$name.pid" "$state/$name.out" "$@" || rc=$?
		if ((rc == 0)); then
			log "$name on $HOST:$port, root $root"
			printf '%s' "$scheme://${url#ftp://}" >"$state/$name.url"
			return 0
		fi
		log "$name: port $port taken meanwhile, trying another"
	done < <(candidate_ports "$first")
	die "$name: found no free port"
}

start_vsftpd_tls() {
	make_tls_cert "$1"
	start_vsftpd_instance "$1" vsftpd-tls "$VSFTPD_TLS_PORT" write_vsftpd_tls_conf ftps \
		--ssl-reqd --cacert "$1/vsftpd-tls-cert.pem"
}

# ---------------------------------------------------------------------------
# vsftpd-active: the plain vsftpd with passive mode off.

# write_vsftpd_active_conf CONF PORT ROOT STATE: the plain config, passive mode off.
write_vsftpd_active_conf() {
	local conf=$1 state=$4
	write_vsftpd_conf "$@"
	sed -i -e 's/^pasv_enable=.*/pasv_enable=NO/' -e '/^ftpd_banner=/d' \
		-e "s|^vsftpd_log_file=.*|vsftpd_log_file=$state/vsftpd-active.log|" \
		-e "s|^xferlog_file=.*|xferlog_file=$state/vsftpd-active-xfer.log|" "$conf"
	echo "ftpd_banner=ftpgate CI vsftpd (active mode only)" >>"$conf"
}

# curl's -P - : active mode on the control connection's address.
start_vsftpd_active() {
	start_vsftpd_instance "$1" vsftpd-active "$VSFTPD_ACTIVE_PORT" write_vsftpd_active_conf ftp -P -
}

# ---------------------------------------------------------------------------
# pyftpdlib.

write_pyftpdlib_server() {
	cat >"$1" <<'EOF'
# ftpgate CI pyftpdlib server (generated by .ci/ftp-servers.sh).
# argv: HOST PORT ROOT PASV_LO PASV_HI [CERT KEY]; user/password from the
# environment.  With CERT and KEY: explicit FTPS (AUTH TLS), required on the
# control and the data connections.
import logging
import os
import sys

import pyftpdlib
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

host, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pasv_lo, pasv_hi = int(sys.argv[4]), int(sys.argv[5])
tls = sys.argv[6:8]
user = os.environ.pop("FTPGATE_CI_PY_USER")
password = os.environ.pop("FTPGATE_CI_PY_PASS")

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                    format="%(asctime)s %(levelname)s %(message)s")

authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm="elradfmwMT")


if tls:
    # Needs pyOpenSSL; imported only here so the plain server works without it.
    from pyftpdlib.handlers import TLS_FTPHandler

    class Handler(TLS_FTPHandler):
        certfile, keyfile = tls
        tls_control_required = True
        tls_data_required = True
else:
    class Handler(FTPHandler):
        pass


Handler.authorizer = authorizer
Handler.passive_ports = list(range(pasv_lo, pasv_hi + 1))
Handler.banner = "ftpgate CI pyftpdlib %s%s ready." % (
    pyftpdlib.__ver__, " (FTPS)" if tls else "")
Handler.timeout = 600

server = FTPServer((host, port), Handler)
logging.info("pyftpdlib %s%s serving %s on %s:%d", pyftpdlib.__ver__,
             " (FTPS)" if tls else "", root, host, port)
server.serve_forever()
EOF
}

# start_pyftpdlib STATE [tls|v6]: the plain instance, or with "tls" the FTPS one
# (pyftpdlib-tls, vsftpd-tls's certificate, so the tests pin one file), or
# with "v6" a plain one on ::1 (pyftpdlib-v6).
start_pyftpdlib() {
	local state=$1 name=pyftpdlib first=$PYFTPDLIB_PORT pasv=$PYFTPDLIB_PASV
	local root pass port url rc scheme=ftp host=$HOST url_host=$HOST
	local -a tls=() ready=()
	if [[ ${2:-} == tls ]]; then
		name=pyftpdlib-tls first=$PYFTPDLIB_TLS_PORT pasv=$PYFTPDLIB_TLS_PASV scheme=ftps
		tls=("$state/vsftpd-tls-cert.pem" "$state/vsftpd-tls-key.pem")
		ready=(--ssl-reqd --cacert "$state/vsftpd-tls-cert.pem")
	elif [[ ${2:-} == v6 ]]; then
		name=pyftpdlib-v6 first=$PYFTPDLIB_V6_PORT pasv=$PYFTPDLIB_V6_PASV
		host=::1 url_host=[::1]
		# -g: curl must not read the brackets as a glob.
		ready=(-g)
	fi
	root=$(mktemp -d "$TMPBASE/ftpgate-ci-$name.XXXXXX")
	echo "$root" >"$state/$name.root"
	chmod 0755 "$root"
	pass=$(random_password)
	write_pyftpdlib_server "$state/pyftpdlib-server.py"
	while read -r port; do
		port_free "$port" || {
			log "$name: port $port busy"
			continue
		}
		: >"$state/$name.log"
		FTPGATE_CI_PY_USER=$PYFTPDLIB_USER FTPGATE_CI_PY_PASS=$pass \
			spawn "$state/$name.pid" "$state/$name.log" \
			"$PYTHON" -u "$state/pyftpdlib-server.py" "$host" "$port" "$root" \
			"${pasv%-*}" "${pasv#*-}" "${tls[@]}"
		url="ftp://$PYFTPDLIB_USER:$pass@$url_host:$port"
		rc=0
		wait_ready "$name" "$url" "$state/$name.pid" "$state/$name.log" "${ready[@]}" || rc=$?
		if ((rc == 0)); then
			log "$name $("$PYTHON" -c 'import pyftpdlib; print(pyftpdlib.__ver__)') on $url_host:$port, root $root"
			printf '%s' "$scheme://${url#ftp://}" >"$state/$name.url"
			return 0
		fi
		log "$name: port $port taken meanwhile, trying another"
	done < <(candidate_ports "$first")
	die "$name: found no free port"
}

# ---------------------------------------------------------------------------
# Subcommands.

# state_pids STATE: pids of the processes whose command line mentions STATE/.
state_pids() {
	local d arg
	local -a argv
	for d in /proc/[0-9]*; do
		[[ ${d#/proc/} == "$$" || ${d#/proc/} == "$BASHPID" ]] && continue
		mapfile -d '' -t argv 2>/dev/null <"$d/cmdline" || continue
		for arg in "${argv[@]}"; do
			if [[ $arg == "$1"/* ]]; then
				echo "${d#/proc/}"
				break
			fi
		done
	done
}

do_stop() {
	local state=${1:-${FTPGATE_CI_STATE:-}} name i dump=${FTPGATE_CI_DUMP_LOGS:-0} f
	[[ -n $state ]] || {
		log "stop: no state dir given and FTPGATE_CI_STATE unset; nothing to do"
		return 0
	}
	[[ -d $state ]] || {
		log "stop: $state does not exist; nothing to do"
		return 0
	}
	state=${state%/}
	[[ $state == "$TMPBASE"/ftpgate-ci-state.* || -f $state/.ftpgate-ci-state ]] ||
		die "stop: $state is not a state dir of this script"
	if [[ $dump != 0 ]]; then
		for f in "$state"/vsftpd.log "$state"/vsftpd.out "$state"/vsftpd-tls.log \
			"$state"/vsftpd-tls.out "$state"/pyftpdlib.log "$state"/pyftpdlib-tls.log \
			"$state"/vsftpd-active.log "$state"/vsftpd-active.out "$state"/pyftpdlib-v6.log; do
			[[ -s $f ]] || continue
			log "---- last 60 lines of $f ----"
			tail -n 60 "$f" >&2 || true
		done
	fi
	# Every process we started has "$state/" in its command line (vsftpd's
	# config file, pyftpdlib's script), including vsftpd's per-connection
	# session processes, which call setsid() and so leave the listener's
	# process group.  Kill exactly those, by pid.
	local -a pids running=()
	for name in $ALL_SERVERS; do
		if alive "$state/$name.pid"; then running+=("$name (pid $(<"$state/$name.pid"))"); fi
	done
	mapfile -t pids < <(state_pids "$state")
	if ((${#pids[@]})); then
		kill -TERM -- "${pids[@]}" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			mapfile -t pids < <(state_pids "$state")
			((${#pids[@]})) || break
			sleep 0.1
		done
		if ((${#pids[@]})); then
			log "still running after SIGTERM, sending SIGKILL: ${pids[*]}"
			kill -KILL -- "${pids[@]}" 2>/dev/null || true
		fi
	fi
	if ((${#running[@]})); then log "stopped ${running[*]}"; fi
	rm -f "$state"/*.pid
	# Nobody should be able to log in as the test user between runs.
	if id -u "$VSFTPD_USER" >/dev/null 2>&1; then
		usermod --lock "$VSFTPD_USER" 2>/dev/null || true
	fi
	if [[ ${FTPGATE_CI_KEEP:-0} == 1 ]]; then
		log "FTPGATE_CI_KEEP=1: keeping $state and the server roots"
		return 0
	fi
	for name in $ALL_SERVERS; do
		if [[ -s $state/$name.root ]]; then
			f=$(<"$state/$name.root")
			[[ $f == "$TMPBASE"/ftpgate-ci-"$name".* ]] && rm -rf -- "$f"
		fi
	done
	rm -rf -- "$state"
}

do_start() {
	do_install
	local state
	state=$(mktemp -d "$TMPBASE/ftpgate-ci-state.XXXXXX")
	touch "$state/.ftpgate-ci-state"
	# On any failure, take down whatever was started already.
	trap 'rc=$?; if ((rc != 0)); then FTPGATE_CI_DUMP_LOGS=0 do_stop "$state"; fi' EXIT
	start_vsftpd "$state"
	start_vsftpd_tls "$state"
	start_pyftpdlib "$state"
	start_pyftpdlib "$state" tls
	start_vsftpd_active "$state"
	start_pyftpdlib "$state" v6
	local servers
	servers="vsftpd=$(<"$state/vsftpd.url");pyftpdlib=$(<"$state/pyftpdlib.url")"
	servers+=";vsftpd-tls=$(<"$state/vsftpd-tls.url");pyftpdlib-tls=$(<"$state/pyftpdlib-tls.url")"
	servers+=";vsftpd-active=$(<"$state/vsftpd-active.url");pyftpdlib-v6=$(<"$state/pyftpdlib-v6.url")"
	{
		printf 'export FTPGATE_TEST_SERVERS=%q\n' "$servers"
		printf 'export FTPGATE_TEST_TLS_CERT=%q\n' "$state/vsftpd-tls-cert.pem"
		printf 'export FTPGATE_CI_STATE=%q\n' "$state"
		printf 'export FTPGATE_CI_VSFTPD_ROOT=%q\n' "$(<"$state/vsftpd.root")"
		printf 'export FTPGATE_CI_PYFTPDLIB_ROOT=%q\n' "$(<"$state/pyftpdlib.root")"
	} >"$state/env"
	log "FTPGATE_TEST_SERVERS=$servers"
	cat "$state/env"
}

# check_step WHAT CMD...: run CMD, report ok/FAIL, count failures (in do_check's scope).
check_step() {
	local what=$1
	shift
	if "$@"; then
		log "   ok    $what"
	else
		log "   FAIL  $what"
		failures=$((failures + 1))
	fi
}

# list_has URL NAME CURLARGS...: the NLST of URL contains exactly the line NAME.
list_has() {
	local url=$1 name=$2
	shift 2
	curl "$@" -l "$url" | grep -qxF -- "$name"
}

list_empty() {
	local url=$1 out
	shift
	out=$(curl "$@" -l "$url") && [[ -z $out ]]
}

# check: curl smoke test of each NAME=URL in $FTPGATE_TEST_SERVERS.
do_check() {
	local servers=${FTPGATE_TEST_SERVERS:?FTPGATE_TEST_SERVERS is not set; run start first}
	local entry name url work userinfo hostport failures=0
	local -a entries
	local -a c=(-sS --max-time 20)
	local uni='na%C3%AFve%20file.txt'
	work=$(mktemp -d)
	# shellcheck disable=SC2064 # expand $work now
	trap "rm -rf -- '$work'" EXIT
	printf 'hello from ftpgate CI\n' >"$work/up.txt"
	head -c 300000 /dev/urandom >"$work/big.bin"
	IFS=';' read -ra entries <<<"$servers"
	for entry in "${entries[@]}"; do
		name=${entry%%=*}
		url=${entry#*=}
		c=(-sS --max-time 20)
		if [[ $url == ftps://* ]]; then
			# Explicit FTPS (curl's ftps:// would be implicit, port 990 style).
			url="ftp://${url#ftps://}"
			c+=(--ssl-reqd --cacert "${FTPGATE_TEST_TLS_CERT:?}")
		fi
		userinfo=${url#ftp://}
		userinfo=${userinfo%%@*}
		hostport=${url##*@}
		case $name in
		vsftpd-active | pyftpdlib-v6)
			# No PASV there (passive off; IPv6): one active-mode or EPSV round trip.
			log "== checking $name ($hostport): LIST only"
			check_step "LIST" curl "${c[@]}" -g -P - -o "$work/list" "$url/"
			continue
			;;
		esac
		log "== checking $name ($hostport)"
		check_step "LIST (EPSV)" curl "${c[@]}" -o "$work/list" "$url/"
		check_step "LIST (PASV)" curl "${c[@]}" --disable-epsv -o "$work/list" "$url/"
		check_step "root starts empty" list_empty "$url/" "${c[@]}"
		check_step "upload (EPSV)" curl "${c[@]}" -T "$work/up.txt" "$url/up.txt"
		check_step "download (EPSV)" curl "${c[@]}" -o "$work/down.txt" "$url/up.txt"
		check_step "round trip identical" cmp -s "$work/up.txt" "$work/down.txt"
		check_step "upload 300 kB (PASV)" curl "${c[@]}" --disable-epsv -T "$work/big.bin" "$url/big.bin"
		check_step "download 300 kB (PASV)" curl "${c[@]}" --disable-epsv -o "$work/big.down" "$url/big.bin"
		check_step "300 kB identical" cmp -s "$work/big.bin" "$work/big.down"
		check_step "upload 'naïve file.txt'" curl "${c[@]}" -T "$work/up.txt" "$url/$uni"
		check_step "NLST shows 'naïve file.txt'" list_has "$url/" "naïve file.txt" "${c[@]}"
		check_step "download 'naïve file.txt'" curl "${c[@]}" -o "$work/uni.txt" "$url/$uni"
		check_step "unicode round trip identical" cmp -s "$work/up.txt" "$work/uni.txt"
		check_step "MKD 'new dir'" curl "${c[@]}" -o /dev/null -Q 'MKD new dir' "$url/"
		check_step "upload into 'new dir'" curl "${c[@]}" -T "$work/up.txt" "$url/new%20dir/inner.txt"
		check_step "NLST 'new dir'" list_has "$url/new%20dir/" inner.txt "${c[@]}"
		check_step "DELE 'new dir/inner.txt'" curl "${c[@]}" -o /dev/null -Q 'DELE new dir/inner.txt' "$url/"
		check_step "RMD 'new dir'" curl "${c[@]}" -o /dev/null -Q 'RMD new dir' "$url/"
		check_step "RNFR/RNTO" curl "${c[@]}" -o /dev/null -Q 'RNFR up.txt' -Q 'RNTO renamed.txt' "$url/"
		check_step "DELE the rest" curl "${c[@]}" -o /dev/null \
			-Q 'DELE renamed.txt' -Q 'DELE big.bin' -Q 'DELE naïve file.txt' "$url/"
		check_step "root empty again" list_empty "$url/" "${c[@]}"
		check_step "wrong password refused" \
			bash -c '! curl "$@" 2>/dev/null' _ "${c[@]}" -o /dev/null "ftp://${userinfo%%:*}:wrong@$hostport/"
	done
	if ((failures)); then
		die "$failures check(s) failed"
	fi
	log "all checks passed"
}

main() {
	local cmd=${1:-}
	shift || true
	case $cmd in
	install) do_install ;;
	start) do_start ;;
	stop) do_stop "$@" ;;
	check) do_check ;;
	selftest)
		local exports
		exports=$(do_start)
		eval "$exports"
		local rc=0
		(do_check) || rc=$?
		FTPGATE_CI_DUMP_LOGS=$rc do_stop "$FTPGATE_CI_STATE"
		return "$rc"
		;;
	*)
		sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
}

main "$@"
