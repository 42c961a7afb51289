#!/usr/bin/env bash
# bench/run.sh — ftpgate's performance figures, each compared with curl
# against the same vsftpd in the same run (ratios, not absolute times: the
# machines are shared and noisy). Results go to stdout as Markdown for
# BENCHMARKS.md.
#
#   bash bench/run.sh            # 1 GiB transfers, 5 rounds
#   bash bench/run.sh 256        # 256 MiB transfers (quicker)
#   ROUNDS=3 BASELINE_REV=e14c1e3 bash bench/run.sh   # also the commit before a change
#
# Sections: the FTP client against curl; the relays (bench/relay.py:
# download, raw PUT upload, multipart upload, PAR parallel downloads and raw
# uploads, CPU-s per GiB) with the release build; peak RSS with PAR
# transfers running, static musl builds; CPU-s per GiB of the aarch64 musl
# build under qemu-aarch64-static (QEMU=0 skips it; QEMU_MIB sizes it);
# the listing. With BASELINE_REV each relay section measures that commit's
# builds too (built in a git worktree under $FTPGATE_CI_TMPDIR), in the
# same rounds.
#
# Needs: root (vsftpd test user), curl, python3; .ci/ftp-servers.sh installs
# the rest; the musl and aarch64 sections need the rustup targets and, for
# aarch64, Debian's gcc-aarch64-linux-gnu and qemu-user-static (see .ci/cross.sh).
# Uses its own vsftpd user and ports, so it can run beside a CI run or bench/tls.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MIB=${1:-1024}
ROUNDS=${ROUNDS:-5}
PAR=${PAR:-8}
PAR_MIB=${PAR_MIB:-256}
QEMU=${QEMU:-1}
QEMU_MIB=${QEMU_MIB:-256}
# The servers' files live in memory, so the disk's mood doesn't enter the figures.
export FTPGATE_CI_TMPDIR=${FTPGATE_CI_TMPDIR:-/dev/shm}
export FTPGATE_CI_VSFTPD_USER=${FTPGATE_CI_VSFTPD_USER:-ftpgate-run}
export FTPGATE_CI_PYFTPDLIB_USER=${FTPGATE_CI_PYFTPDLIB_USER:-ftpgate-run}
export FTPGATE_CI_VSFTPD_PORT=${FTPGATE_CI_VSFTPD_PORT:-2151}
export FTPGATE_CI_PYFTPDLIB_PORT=${FTPGATE_CI_PYFTPDLIB_PORT:-2152}
export FTPGATE_CI_VSFTPD_TLS_PORT=${FTPGATE_CI_VSFTPD_TLS_PORT:-2153}
export FTPGATE_CI_PYFTPDLIB_TLS_PORT=${FTPGATE_CI_PYFTPDLIB_TLS_PORT:-2154}
export FTPGATE_CI_VSFTPD_PASV=${FTPGATE_CI_VSFTPD_PASV:-31000-31099}
export FTPGATE_CI_PYFTPDLIB_PASV=${FTPGATE_CI_PYFTPDLIB_PASV:-31100-31199}
export FTPGATE_CI_VSFTPD_TLS_PASV=${FTPGATE_CI_VSFTPD_TLS_PASV:-31200-31299}
export FTPGATE_CI_PYFTPDLIB_TLS_PASV=${FTPGATE_CI_PYFTPDLIB_TLS_PASV:-31300-31399}

# shellcheck source=.ci/ftp-servers.sh
source .ci/ftp-servers.sh
work=$(mktemp -d "$FTPGATE_CI_TMPDIR/ftpgate-bench.XXXXXX")
gate_pid=
cleanup() {
	[ -n "$gate_pid" ] && kill "$gate_pid" 2>/dev/null
	if [ -n "${BASELINE_REV:-}" ] && [ -d "$work/baseline" ]; then
		git worktree remove --force "$work/baseline" >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
	ftp_servers_stop "$1"
}
trap 'cleanup "$?"' EXIT
ftp_servers_start >/dev/null

vs_url=${FTPGATE_TEST_SERVERS%%;*}
vs_url=${vs_url#vsftpd=}
root=$FTPGATE_CI_VSFTPD_ROOT
owner=$(stat -c %U "$root")

MUSL=x86_64-unknown-linux-musl
ARM=aarch64-unknown-linux-musl
have_target() { rustup target list --installed 2>/dev/null | grep -qxF "$1"; }
if ((QEMU)) && ! { have_target "$ARM" && command -v qemu-aarch64-static >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; }; then
	echo "no aarch64 musl target, cross gcc or qemu-aarch64-static: skipping the qemu section" >&2
	QEMU=0
fi
musl=0
have_target "$MUSL" && musl=1

# build DIR TARGET_DIR: the release binaries of the tree in DIR.
build() {
	local dir=$1 target=$2
	(cd "$dir" && CARGO_TARGET_DIR=$target cargo build --release --quiet)
	if ((musl)); then (cd "$dir" && CARGO_TARGET_DIR=$target cargo build --release --quiet --target "$MUSL"); fi
	if ((QEMU)); then (cd "$dir" && CARGO_TARGET_DIR=$target cargo build --release --quiet --target "$ARM"); fi
}
echo "building release binaries..." >&2
build . "$PWD/target"
cargo bench --bench ftp_client --no-run --quiet 2>/dev/null
gates=(--gate "after=$PWD/target/release/ftpgate")
musl_gates=(--gate "after=$PWD/target/$MUSL/release/ftpgate")
qemu_gates=(--gate "after=qemu-aarch64-static $PWD/target/$ARM/release/ftpgate")
if [ -n "${BASELINE_REV:-}" ]; then
	echo "building $BASELINE_REV in a worktree..." >&2
	git worktree add --detach "$work/baseline" "$BASELINE_REV" >/dev/null 2>&1
	# Its own target directory, kept between runs (the builds take minutes).
	base_target=$PWD/target/baseline
	build "$work/baseline" "$base_target"
	gates=(--gate "before=$base_target/release/ftpgate" "${gates[@]}")
	musl_gates=(--gate "before=$base_target/$MUSL/release/ftpgate" "${musl_gates[@]}")
	qemu_gates=(--gate "before=qemu-aarch64-static $base_target/$ARM/release/ftpgate" "${qemu_gates[@]}")
fi

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "## FTP client vs curl (RETR into a sink, STOR from memory), ${MIB} MiB"
echo
echo '```'
FTPGATE_BENCH_SERVER=$vs_url FTPGATE_BENCH_MIB=$MIB cargo bench --bench ftp_client --quiet
echo '```'
echo

# --- the relays ---------------------------------------------------------------
relay() { python3 bench/relay.py --ftp "$vs_url" --root "$root" --work "$work" --rounds "$ROUNDS" \
	--parallel "$PAR" --par-mib "$PAR_MIB" "$@"; }
echo "## Transfers through ftpgate vs curl talking FTP directly ($(date -u +%Y-%m-%d), release build)"
echo
relay --mib "$MIB" "${gates[@]}"
echo
if ((musl)); then
	echo "## The same with the static musl builds: peak memory with $PAR transfers"
	echo
	relay --mib "$MIB" --kinds par "${musl_gates[@]}"
	echo
fi
if ((QEMU)); then
	echo "## The aarch64 musl build under qemu-aarch64-static (CPU figures only relative)"
	echo
	relay --mib "$QEMU_MIB" --kinds down,put,mp "${qemu_gates[@]}"
	echo
fi

# --- the listing ----------------------------------------------------------------
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
	--data-urlencode "password=${vs_cred#*:}" --data-urlencode "tls=off" "$base/login"
timed() { curl -sS --fail -o /dev/null -w '%{time_total}\n' "$@"; }
mkdir -p "$root/list1000"
for i in $(seq -w 1 1000); do : >"$root/list1000/file-$i.txt"; done
chown -R "$owner" "$root/list1000"
list_gate=() list_curl=()
for _ in $(seq 30); do
	list_gate+=("$(timed -b "$jar" "$base/browse/list1000/")")
	list_curl+=("$(timed "$vs_url/list1000/")")
done
lg=$(printf '%s\n' "${list_gate[@]}" | median)
lc=$(printf '%s\n' "${list_curl[@]}" | median)
echo "## Listing of 1,000 entries, median of 30 (logged in vs curl's new login each time)"
echo
echo "| ftpgate (HTTP) | curl (FTP) | ftpgate / curl |"
echo "|---|---|---|"
echo "| $(awk -v t="$lg" 'BEGIN{printf "%.1f ms", t*1000}') | $(awk -v t="$lc" 'BEGIN{printf "%.1f ms", t*1000}') | $(ratio "$lg" "$lc") |"
