#!/usr/bin/env bash
# bench/run.sh — ftpgate's performance figures, each compared with curl
# against the same vsftpd in the same run (ratios, not absolute times: the
# machines are shared and noisy). Results go to stdout as Markdown for
# BENCHMARKS.md.
#
#   bash bench/run.sh            # 1 GiB transfers
#   bash bench/run.sh 256        # 256 MiB transfers (quicker)
#
# Needs: root (vsftpd test user), curl; .ci/ftp-servers.sh installs the rest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MIB=${1:-1024}
ROUNDS=${ROUNDS:-5}
# The servers' files live in memory, so the disk's mood doesn't enter the figures.
export FTPGATE_CI_TMPDIR=${FTPGATE_CI_TMPDIR:-/dev/shm}

# shellcheck source=.ci/ftp-servers.sh
source .ci/ftp-servers.sh
work=$(mktemp -d "$FTPGATE_CI_TMPDIR/ftpgate-bench.XXXXXX")
gate_pid=
cleanup() {
	[ -n "$gate_pid" ] && kill "$gate_pid" 2>/dev/null
	rm -rf "$work"
	ftp_servers_stop "$1"
}
trap 'cleanup "$?"' EXIT
ftp_servers_start >/dev/null

vs_url=${FTPGATE_TEST_SERVERS%%;*}
vs_url=${vs_url#vsftpd=}
root=$FTPGATE_CI_VSFTPD_ROOT
owner=$(stat -c %U "$root")

echo "building release binaries..." >&2
cargo build --release --quiet
cargo bench --bench ftp_client --no-run --quiet 2>/dev/null

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
rate() { awk -v s="$1" -v m="$MIB" 'BEGIN {printf "%.0f", m / s}'; }

echo "## FTP client vs curl (RETR into a sink, STOR from memory), ${MIB} MiB"
echo
echo '```'
FTPGATE_BENCH_SERVER=$vs_url FTPGATE_BENCH_MIB=$MIB cargo bench --bench ftp_client --quiet
echo '```'
echo

# --- the appliance ----------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
FTPGATE_LOG=warn ./target/release/ftpgate --listen "127.0.0.1:$port" &
gate_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

jar=$work/cookies
vs_hostport=${vs_url##*@}
vs_cred=${vs_url#ftp://}
vs_cred=${vs_cred%@*}
login_csrf=$(curl -sf -c "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
curl -sf -b "$jar" -c "$jar" -o /dev/null \
	--data-urlencode "csrf=$login_csrf" --data-urlencode "host=${vs_hostport%:*}" \
	--data-urlencode "port=${vs_hostport#*:}" --data-urlencode "user=${vs_cred%%:*}" \
	--data-urlencode "password=${vs_cred#*:}" "$base/login"
csrf=$(curl -sf -b "$jar" "$base/browse/?format=json" | grep -o '"csrf":"[^"]*"' | cut -d'"' -f4)
[ -n "$csrf" ] || { echo "login to ftpgate failed" >&2; exit 1; }

head -c "$((MIB << 20))" /dev/urandom >"$work/big.bin"
cp "$work/big.bin" "$root/big.bin"
chown "$owner" "$root/big.bin"

reset_peak() { echo 5 >"/proc/$gate_pid/clear_refs"; }
peak_kib() { awk '/VmHWM/ {print $2}' "/proc/$gate_pid/status"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$gate_pid/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$gate_pid/stat"; }
timed() { curl -sS --fail -o /dev/null -w '%{time_total}\n' "$@"; }

idle=$(rss_kib)
down_gate=() down_curl=() up_gate=() up_curl=()
reset_peak
t0=$(cpu_ticks)
for _ in $(seq "$ROUNDS"); do
	down_gate+=("$(timed -b "$jar" "$base/download/big.bin")")
	down_curl+=("$(timed "$vs_url/big.bin")")
done
down_ticks=$(($(cpu_ticks) - t0))
peak_down=$(peak_kib)
reset_peak
t0=$(cpu_ticks)
for i in $(seq "$ROUNDS"); do
	# New names each round: the server's work is the same for both.
	up_gate+=("$(timed -b "$jar" -H "X-CSRF-Token: $csrf" -F "file=@$work/big.bin;filename=up-gate-$i.bin" "$base/upload/")")
	up_curl+=("$(timed -T "$work/big.bin" "$vs_url/up-curl-$i.bin")")
	cmp -s "$work/big.bin" "$root/up-gate-$i.bin" || { echo "uploaded file differs" >&2; exit 1; }
	rm -f "$root/up-gate-$i.bin" "$root/up-curl-$i.bin"
done
up_ticks=$(($(cpu_ticks) - t0))
peak_up=$(peak_kib)

mkdir -p "$root/list1000"
for i in $(seq -w 1 1000); do : >"$root/list1000/file-$i.txt"; done
chown -R "$owner" "$root/list1000"
list_gate=() list_curl=()
for _ in $(seq 30); do
	list_gate+=("$(timed -b "$jar" "$base/browse/list1000/")")
	list_curl+=("$(timed "$vs_url/list1000/")")
done

dg=$(printf '%s\n' "${down_gate[@]}" | median)
dc=$(printf '%s\n' "${down_curl[@]}" | median)
ug=$(printf '%s\n' "${up_gate[@]}" | median)
uc=$(printf '%s\n' "${up_curl[@]}" | median)
lg=$(printf '%s\n' "${list_gate[@]}" | median)
lc=$(printf '%s\n' "${list_curl[@]}" | median)

echo "## The appliance vs curl talking FTP directly, ${MIB} MiB, median of ${ROUNDS}"
echo
echo "| what | ftpgate (HTTP) | curl (FTP) | ftpgate / curl |"
echo "|---|---|---|---|"
echo "| download throughput | $(rate "$dg") MiB/s | $(rate "$dc") MiB/s | $(ratio "$dc" "$dg") |"
echo "| upload throughput (multipart) | $(rate "$ug") MiB/s | $(rate "$uc") MiB/s | $(ratio "$uc" "$ug") |"
echo "| listing of 1,000 entries, median of 30 (logged in vs new login) | $(awk -v t="$lg" 'BEGIN{printf "%.1f ms", t*1000}') | $(awk -v t="$lc" 'BEGIN{printf "%.1f ms", t*1000}') | $(ratio "$lg" "$lc") |"
echo
echo "Resident memory of ftpgate: ${idle} KiB after login; peak ${peak_down} KiB during downloads; peak ${peak_up} KiB during uploads."
per_gib() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v r="$ROUNDS" -v m="$MIB" 'BEGIN {printf "%.2f", t / hz / r / (m / 1024)}'; }
echo "CPU time of ftpgate: $(per_gib "$down_ticks") s per GiB downloaded, $(per_gib "$up_ticks") s per GiB uploaded (user + system)."
