#!/usr/bin/env bash
# bench/listing.sh — large folders (issue 10): peak memory, bytes on the wire
# and time to first byte of ftpgate listing 1,000 / 20,000 / 100,000 empty
# files on vsftpd, against curl listing the same folder in the same run.
# Results go to stdout as Markdown for BENCHMARKS.md.
#
#   bash bench/listing.sh                       # the static musl release binary
#   BASELINE=/tmp/ftpgate-old bash bench/listing.sh   # also measure another binary
#
# Memory: VmHWM of the ftpgate process, reset before each request with
# `echo 5 > /proc/PID/clear_refs`, minus VmRSS when idle (after login and a
# first listing). Needs root (vsftpd test user), curl, the musl target
# (`rustup target add x86_64-unknown-linux-musl`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROUNDS=${ROUNDS:-7}
SIZES=${SIZES:-"1000 20000 100000"}
TARGET=x86_64-unknown-linux-musl
# The servers' files live in memory, so the disk's mood doesn't enter the figures.
export FTPGATE_CI_TMPDIR=${FTPGATE_CI_TMPDIR:-/dev/shm}
# Its own vsftpd account: the CI one (ftpgate-ci) may be serving a test run
# on this machine, and starting the servers resets that account's password.
export FTPGATE_CI_VSFTPD_USER=${FTPGATE_CI_VSFTPD_USER:-ftpgate-bench}

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

echo "building the static release binary ($TARGET)..." >&2
cargo build --release --quiet --target "$TARGET"
binary=target/$TARGET/release/ftpgate

echo "creating the folders..." >&2
for n in $SIZES; do
	mkdir -p "$root/big$n"
	# Camera-style names, empty files: the listing's size is all in the names.
	(cd "$root/big$n" && seq -f 'IMG_%06g.JPG' 1 "$n" | xargs touch)
done
chown -R "$owner" "$root"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk -v t="$1" 'BEGIN {printf "%.1f", t * 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# start_gate BINARY: runs it on a free port, logs in; sets gate_pid, base, jar.
start_gate() {
	local port csrf
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	FTPGATE_LOG=warn "$1" --listen "127.0.0.1:$port" &
	gate_pid=$!
	base="http://127.0.0.1:$port"
	for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
	jar=$work/cookies
	local hostport=${vs_url##*@} cred=${vs_url#ftp://}
	cred=${cred%@*}
	csrf=$(curl -sf -c "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
	curl -sf -b "$jar" -c "$jar" -o /dev/null \
		--data-urlencode "csrf=$csrf" --data-urlencode "host=${hostport%:*}" \
		--data-urlencode "port=${hostport#*:}" --data-urlencode "user=${cred%%:*}" \
		--data-urlencode "password=${cred#*:}" "$base/login"
	curl -sf -b "$jar" -o /dev/null "$base/browse/big1000/" || true
}
stop_gate() {
	kill "$gate_pid"
	wait "$gate_pid" 2>/dev/null || true
	gate_pid=
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$gate_pid/status"; }
peak_kib() { awk '/VmHWM/ {print $2}' "/proc/$gate_pid/status"; }

# peak_over_idle URL: KiB the request raised the peak above idle (killed: "—").
peak_over_idle() {
	local idle
	idle=$(rss_kib)
	echo 5 >"/proc/$gate_pid/clear_refs"
	curl -s -b "$jar" -o /dev/null "$1" || true
	if [ -e "/proc/$gate_pid/status" ]; then echo $(($(peak_kib) - idle)); else echo "—"; fi
}

# memory_table BINARY LABEL
memory_table() {
	start_gate "$1"
	echo "### Peak resident memory above idle ($2; idle $(mib "$(rss_kib)") MiB)"
	echo
	echo "| entries | HTML | HTML, size desc | HTML, filtered | JSON | JSON, size desc, filtered |"
	echo "|---|---|---|---|---|---|"
	for n in $SIZES; do
		local u="$base/browse/big$n/" row="| $n"
		for q in "" "?sort=size&order=desc" "?q=7" "?format=json" "?format=json&sort=size&order=desc&q=7"; do
			local k
			k=$(peak_over_idle "$u$q")
			[ "$k" = "—" ] && row="$row | killed" || row="$row | $(mib "$k") MiB"
		done
		echo "$row |"
	done
	echo
	stop_gate
}

memory_table "$binary" "this build, static musl"
if [ -n "${BASELINE:-}" ]; then memory_table "$BASELINE" "baseline $BASELINE"; fi

start_gate "$binary"
echo "### Bytes on the wire (first page)"
echo
echo "| entries | HTML, gzip (\`--compressed\`) | HTML, identity | JSON of every entry, gzip | curl's LIST (FTP) |"
echo "|---|---|---|---|---|"
for n in $SIZES; do
	gz=$(curl -s -b "$jar" --compressed -o /dev/null -w '%{size_download}' "$base/browse/big$n/")
	plain=$(curl -s -b "$jar" -o /dev/null -w '%{size_download}' "$base/browse/big$n/")
	json=$(curl -s -b "$jar" --compressed -o /dev/null -w '%{size_download}' "$base/browse/big$n/?format=json")
	ftp=$(curl -s -o /dev/null -w '%{size_download}' "$vs_url/big$n/")
	echo "| $n | $gz B | $plain B | $json B | $ftp B |"
done
echo

echo "### Time to first byte, median of $ROUNDS (ftpgate logged in; curl logs in each time)"
echo
echo "| entries | ftpgate HTML | ftpgate HTML, size desc | curl ftp:// | ftpgate / curl | ftpgate whole page | curl whole listing |"
echo "|---|---|---|---|---|---|---|"
for n in $SIZES; do
	g=() s=() c=() gt=() ct=()
	for _ in $(seq "$ROUNDS"); do
		read -r a b < <(curl -s -b "$jar" --compressed -o /dev/null -w '%{time_starttransfer} %{time_total}\n' "$base/browse/big$n/")
		g+=("$a") gt+=("$b")
		s+=("$(curl -s -b "$jar" --compressed -o /dev/null -w '%{time_starttransfer}\n' "$base/browse/big$n/?sort=size&order=desc")")
		read -r a b < <(curl -s -o /dev/null -w '%{time_starttransfer} %{time_total}\n' "$vs_url/big$n/")
		c+=("$a") ct+=("$b")
	done
	gm=$(printf '%s\n' "${g[@]}" | median)
	sm=$(printf '%s\n' "${s[@]}" | median)
	cm=$(printf '%s\n' "${c[@]}" | median)
	# curl reports 0 when it never timed a first byte; say so instead of dividing.
	cr=$(awk -v c="$cm" 'BEGIN {exit !(c > 0)}' && ratio "$gm" "$cm" || echo "—")
	echo "| $n | $(ms "$gm") ms | $(ms "$sm") ms | $(ms "$cm") ms | $cr | $(ms "$(printf '%s\n' "${gt[@]}" | median)") ms | $(ms "$(printf '%s\n' "${ct[@]}" | median)") ms |"
done
echo
stop_gate
