#!/usr/bin/env bash
# bench/zip.sh — "download as ZIP" (issue 13), against vsftpd, same run:
#   throughput: a folder of 8 files of MIB MiB as one ZIP against the same
#               files downloaded one by one through ftpgate (same session);
#   ZIP64:      a sparse 5 GiB file zipped, the archive checked by
#               `unzip -t` and Python's zipfile (every CRC), with the peak
#               resident memory (VmHWM) of the static musl ftpgate.
#
#   bash bench/zip.sh [MIB]        (default 128; ROUNDS=3 medians)
#
# Own vsftpd user and ports, so it can run beside a CI run. Needs about
# 6 GiB free in /dev/shm: the 5 GiB archive is written there, then read
# back whole by unzip and zipfile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MIB=${1:-128}
ROUNDS=${ROUNDS:-3}
export FTPGATE_CI_TMPDIR=${FTPGATE_CI_TMPDIR:-/dev/shm}
export FTPGATE_CI_VSFTPD_USER=${FTPGATE_CI_VSFTPD_USER:-ftpgate-zip}
export FTPGATE_CI_VSFTPD_PORT=${FTPGATE_CI_VSFTPD_PORT:-2171}
export FTPGATE_CI_PYFTPDLIB_PORT=${FTPGATE_CI_PYFTPDLIB_PORT:-2172}
export FTPGATE_CI_VSFTPD_TLS_PORT=${FTPGATE_CI_VSFTPD_TLS_PORT:-2173}
export FTPGATE_CI_PYFTPDLIB_TLS_PORT=${FTPGATE_CI_PYFTPDLIB_TLS_PORT:-2174}
export FTPGATE_CI_VSFTPD_PASV=${FTPGATE_CI_VSFTPD_PASV:-33000-33099}
export FTPGATE_CI_PYFTPDLIB_PASV=${FTPGATE_CI_PYFTPDLIB_PASV:-33100-33199}
export FTPGATE_CI_VSFTPD_TLS_PASV=${FTPGATE_CI_VSFTPD_TLS_PASV:-33200-33299}
export FTPGATE_CI_PYFTPDLIB_TLS_PASV=${FTPGATE_CI_PYFTPDLIB_TLS_PASV:-33300-33399}
# shellcheck source=.ci/ftp-servers.sh
source .ci/ftp-servers.sh
work=$(mktemp -d "$FTPGATE_CI_TMPDIR/ftpgate-zip-bench.XXXXXX")
gate_pid=
cleanup() {
	[ -n "$gate_pid" ] && kill "$gate_pid" 2>/dev/null
	rm -rf "$work"
	ftp_servers_stop "$1"
}
trap 'cleanup "$?"' EXIT
ftp_servers_start >/dev/null
target=x86_64-unknown-linux-musl
rustup target add "$target" >/dev/null 2>&1 || true
echo "building the static musl binary..." >&2
cargo build --release --quiet --target "$target"
bin=target/$target/release/ftpgate

vs_url=$(tr ';' '\n' <<<"$FTPGATE_TEST_SERVERS" | grep '^vsftpd=' | cut -d= -f2-)
root=$FTPGATE_CI_VSFTPD_ROOT
owner=$(stat -c %U "$root")
cred=${vs_url#ftp://}
cred=${cred%@*}
hostport=${vs_url##*@}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
FTPGATE_LOG=warn "$bin" --listen "127.0.0.1:$port" &
gate_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
jar=$work/jar
csrf=$(curl -sf -c "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
	--data-urlencode "host=${hostport%:*}" --data-urlencode "port=${hostport#*:}" \
	--data-urlencode "user=${cred%%:*}" --data-urlencode "password=${cred#*:}" "$base/login"

mkdir -p "$root/eight" "$root/big"
for i in 1 2 3 4 5 6 7 8; do head -c "$((MIB << 20))" /dev/urandom >"$root/eight/f$i.bin"; done
truncate -s 5G "$root/big/sparse.iso"
echo "small" >"$root/big/after.txt"
chown -R "$owner" "$root/eight" "$root/big"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { curl -sS --fail -o "${OUT:-/dev/null}" -w '%{time_total}\n' "$@"; }
# ftpgate's CPU ticks (user + system, all threads).
ticks() { awk '{print $14 + $15}' "/proc/$gate_pid/stat"; }
hz=$(getconf CLK_TCK)
zip_t=() one_t=() zip_c=() one_c=()
for _ in $(seq "$ROUNDS"); do
	c0=$(ticks)
	zip_t+=("$(timed -b "$jar" "$base/zip/eight/")")
	c1=$(ticks)
	t0=$(date +%s.%N)
	for i in 1 2 3 4 5 6 7 8; do timed -b "$jar" "$base/download/eight/f$i.bin" >/dev/null; done
	one_t+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')")
	c2=$(ticks)
	zip_c+=("$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v m="$((8 * MIB))" 'BEGIN {print (b - a) / hz * 1024 / m}')")
	one_c+=("$(awk -v a="$c1" -v b="$c2" -v hz="$hz" -v m="$((8 * MIB))" 'BEGIN {print (b - a) / hz * 1024 / m}')")
done
zt=$(printf '%s\n' "${zip_t[@]}" | median)
ot=$(printf '%s\n' "${one_t[@]}" | median)
zc=$(printf '%s\n' "${zip_c[@]}" | median)
oc=$(printf '%s\n' "${one_c[@]}" | median)
total=$((8 * MIB))

echo 5 >"/proc/$gate_pid/clear_refs"
t0=$(date +%s.%N)
OUT=$work/big.zip timed -b "$jar" "$base/zip/big/" >/dev/null
t1=$(date +%s.%N)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$gate_pid/status")
unzip_ok=$(unzip -t "$work/big.zip" | tail -1)
py_ok=$(python3 - "$work/big.zip" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
big = z.getinfo("big/sparse.iso")
print("zipfile: CRCs ok, %d entries, sparse.iso %d bytes" % (len(z.infolist()), big.file_size) if bad is None else "zipfile: bad CRC in " + bad)
PY
)

echo "## Download as ZIP, median of ${ROUNDS} ($(date -u +%Y-%m-%d))"
echo
echo "| what | ZIP | one by one | ZIP / one by one (throughput) |"
echo "|---|---|---|---|"
awk -v z="$zt" -v o="$ot" -v m="$total" 'BEGIN {printf "| 8 files of '"$MIB"' MiB from vsftpd | %.0f MiB/s | %.0f MiB/s | %.2f |\n", m / z, m / o, o / z}'
awk -v z="$zc" -v o="$oc" 'BEGIN {printf "| ftpgate CPU-s per GiB (user + system) | %.2f | %.2f | |\n", z, o}'
echo
awk -v s="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" 'BEGIN {printf "A sparse 5 GiB file (ZIP64): %.1f s, %.0f MiB/s; ", s, 5120 / s}'
echo "peak resident memory of the static musl ftpgate while zipping it: ${peak} KiB."
echo "unzip -t: ${unzip_ok}"
echo "${py_ok}"
