#!/usr/bin/env bash
# bench/tls.sh — what encryption costs (issue 11), ratios in the same run:
#   FTPS: ftpgate downloading/uploading from vsftpd-tls (require_ssl_reuse,
#         PROT P) against `curl --ssl-reqd` to the same server;
#   HTTPS: ftpgate over HTTPS against ftpgate over plain HTTP, same FTP file;
#   handshakes: new HTTPS connections per second (Python ssl client, 300).
#
#   bash bench/tls.sh [MIB]        (default 256 MiB, ROUNDS=3 medians)
#
# Uses its own vsftpd user and ports, so it can run beside a CI run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MIB=${1:-256}
ROUNDS=${ROUNDS:-3}
export FTPGATE_CI_TMPDIR=${FTPGATE_CI_TMPDIR:-/dev/shm}
export FTPGATE_CI_VSFTPD_USER=${FTPGATE_CI_VSFTPD_USER:-ftpgate-bench}
export FTPGATE_CI_VSFTPD_PORT=${FTPGATE_CI_VSFTPD_PORT:-2161}
export FTPGATE_CI_PYFTPDLIB_PORT=${FTPGATE_CI_PYFTPDLIB_PORT:-2162}
export FTPGATE_CI_VSFTPD_TLS_PORT=${FTPGATE_CI_VSFTPD_TLS_PORT:-2163}
export FTPGATE_CI_VSFTPD_PASV=${FTPGATE_CI_VSFTPD_PASV:-32000-32099}
export FTPGATE_CI_PYFTPDLIB_PASV=${FTPGATE_CI_PYFTPDLIB_PASV:-32100-32199}
export FTPGATE_CI_VSFTPD_TLS_PASV=${FTPGATE_CI_VSFTPD_TLS_PASV:-32200-32299}
# shellcheck source=.ci/ftp-servers.sh
source .ci/ftp-servers.sh
work=$(mktemp -d "$FTPGATE_CI_TMPDIR/ftpgate-tls-bench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
	ftp_servers_stop "$1"
}
trap 'cleanup "$?"' EXIT
ftp_servers_start >/dev/null
cargo build --release --quiet

entry() { tr ';' '\n' <<<"$FTPGATE_TEST_SERVERS" | grep "^$1=" | cut -d= -f2-; }
tls_url=$(entry vsftpd-tls)
plain_url=$(entry vsftpd)
cred=${tls_url#ftps://}
cred=${cred%@*}
user=${cred%%:*}
pass=${cred#*:}
tls_hostport=${tls_url##*@}
plain_hostport=${plain_url##*@}
ca=$FTPGATE_TEST_TLS_CERT
fp=$(openssl x509 -in "$ca" -noout -fingerprint -sha256 | cut -d= -f2)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() { # start NAME ARGS... → sets port_NAME
	local name=$1 port
	shift
	port=$(free_port)
	FTPGATE_LOG=warn ./target/release/ftpgate --listen "127.0.0.1:$port" "$@" &
	pids+=($!)
	printf -v "port_$name" '%s' "$port"
	for _ in $(seq 50); do curl -skf "http://127.0.0.1:$port/healthz" >/dev/null && return; curl -skf "https://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
}
start plain --ftp-pin "${tls_hostport}=$fp"
start https --ftp-pin "${tls_hostport}=$fp" --tls-self-signed --state-dir "$work/state"

login() { # login BASE JAR HOSTPORT TLS
	local base=$1 jar=$2 hp=$3 tls=$4 csrf
	csrf=$(curl -sk -c "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
	curl -sk -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
		--data-urlencode "host=${hp%:*}" --data-urlencode "port=${hp#*:}" \
		--data-urlencode "user=$user" --data-urlencode "password=$pass" --data-urlencode "tls=$tls" "$base/login"
	curl -sk -b "$jar" "$base/browse/?format=json" | grep -o '"csrf":"[^"]*"' | cut -d'"' -f4
}
ftps_csrf=$(login "http://127.0.0.1:$port_plain" "$work/j1" "$tls_hostport" require)
https_csrf=$(login "https://127.0.0.1:$port_https" "$work/j2" "$plain_hostport" off)
plainhttp_csrf=$(login "http://127.0.0.1:$port_plain" "$work/j3" "$plain_hostport" off)
[ -n "$ftps_csrf" ] && [ -n "$https_csrf" ] && [ -n "$plainhttp_csrf" ] || { echo "a login failed" >&2; exit 1; }

head -c "$((MIB << 20))" /dev/urandom >"$work/big.bin"
curl -s --ssl-reqd --cacert "$ca" -T "$work/big.bin" "ftp://$user:$pass@$tls_hostport/big.bin"
curl -s -T "$work/big.bin" "ftp://$user:$pass@$plain_hostport/big.bin"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
rate() { awk -v s="$1" -v m="$MIB" 'BEGIN {printf "%.0f", m / s}'; }
timed() { curl -skS --fail -o /dev/null -w '%{time_total}\n' "$@"; }
a=() b=() c=() d=() e=() f=()
for i in $(seq "$ROUNDS"); do
	a+=("$(timed -b "$work/j1" "http://127.0.0.1:$port_plain/download/big.bin")")
	b+=("$(timed --ssl-reqd --cacert "$ca" "ftp://$user:$pass@$tls_hostport/big.bin")")
	c+=("$(timed -b "$work/j1" -H "X-CSRF-Token: $ftps_csrf" -T "$work/big.bin" "http://127.0.0.1:$port_plain/upload/up-$i.bin")")
	d+=("$(timed --ssl-reqd --cacert "$ca" -T "$work/big.bin" "ftp://$user:$pass@$tls_hostport/upc-$i.bin")")
	e+=("$(timed -b "$work/j2" "https://127.0.0.1:$port_https/download/big.bin")")
	f+=("$(timed -b "$work/j3" "http://127.0.0.1:$port_plain/download/big.bin")")
done
m() { printf '%s\n' "$@" | median; }
fa=$(m "${a[@]}") fb=$(m "${b[@]}") fc=$(m "${c[@]}") fd=$(m "${d[@]}") fe=$(m "${e[@]}") ff=$(m "${f[@]}")
hs=$(python3 - "$port_https" <<'PY'
import socket, ssl, sys, time
port = int(sys.argv[1]); ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
n = 300; t = time.monotonic()
for _ in range(n):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with ctx.wrap_socket(s, server_hostname="localhost") as tls:
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); tls.recv(4096)
print(f"{n / (time.monotonic() - t):.0f}")
PY
)
echo "## Encryption, ${MIB} MiB, median of ${ROUNDS} ($(date -u +%Y-%m-%d))"
echo
echo "| what | ftpgate | baseline | ratio |"
echo "|---|---|---|---|"
echo "| FTPS download (PROT P, vsftpd require_ssl_reuse) vs curl --ssl-reqd | $(rate "$fa") MiB/s | $(rate "$fb") MiB/s | $(ratio "$fb" "$fa") |"
echo "| FTPS raw upload (PUT) vs curl --ssl-reqd -T | $(rate "$fc") MiB/s | $(rate "$fd") MiB/s | $(ratio "$fd" "$fc") |"
echo "| HTTPS download vs ftpgate's plain HTTP (plain FTP behind both) | $(rate "$fe") MiB/s | $(rate "$ff") MiB/s | $(ratio "$ff" "$fe") |"
echo
echo "New HTTPS connections (handshake + /healthz), Python ssl client, one at a time: $hs per second."
