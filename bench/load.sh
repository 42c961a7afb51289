#!/usr/bin/env bash
# bench/load.sh — requests/s and latency (bench/load.py) of a release ftpgate
# against vsftpd, and the latency a user sees while slow clients attack.
#
#   bash bench/load.sh [BINARY] [SECONDS]     (default target/release/ftpgate, 5)
#
# Needs root (vsftpd test user); .ci/ftp-servers.sh installs the servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${1:-target/release/ftpgate}
SECS=${2:-5}
# shellcheck source=.ci/ftp-servers.sh
source .ci/ftp-servers.sh
gate_pid=
cleanup() {
	[ -n "$gate_pid" ] && kill "$gate_pid" 2>/dev/null
	ftp_servers_stop "$1"
}
trap 'cleanup "$?"' EXIT
ftp_servers_start >/dev/null
[ -x "$BIN" ] || cargo build --release --quiet
vs_url=${FTPGATE_TEST_SERVERS%%;*}
vs_url=${vs_url#vsftpd=}
hostport=${vs_url##*@}
cred=${vs_url#ftp://}
cred=${cred%@*}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Enough sessions for 16 load clients + 20 uploaders; the descriptor limit
# must hold 200 attacking connections.
ulimit -n 4096
extra=()
"$BIN" --help | grep -q -- --max-sessions-per-ip && extra+=(--max-sessions-per-ip 64)
FTPGATE_LOG=error "$BIN" --listen "127.0.0.1:$port" --max-sessions 128 "${extra[@]}" &
gate_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
echo "## Load: $BIN, $(date -u +%Y-%m-%d)"
echo
python3 bench/load.py "http://127.0.0.1:$port" "${hostport%:*}" "${hostport#*:}" "${cred%%:*}" "${cred#*:}" "$SECS"
