#!/usr/bin/env bash
# .ci/cross.sh — build ftpgate for ARM and run the ARM binaries (qemu-user).
#
#   bash .ci/cross.sh        (as root; .ci/run calls it after starting the
#                             FTP servers; run alone, it starts them itself)
#
# 1. Installs what is missing: Debian's gcc-aarch64-linux-gnu,
#    gcc-arm-linux-gnueabihf and qemu-user-static (apt), the rustup targets.
# 2. Builds the release binaries for aarch64-unknown-linux-musl (static) and
#    armv7-unknown-linux-gnueabihf (dynamic, Raspberry Pi OS 32-bit) with the
#    plain `cargo build --release --target ...` that README documents; the
#    linkers and C compiler come from .cargo/config.toml.
# 3. Runs each under qemu-aarch64-static / qemu-arm-static: starts it on a
#    free loopback port, logs in to the vsftpd of $FTPGATE_TEST_SERVERS,
#    lists a folder, uploads a 3 MiB random file (multipart), downloads it,
#    compares the bytes, logs out (.ci/smoke.sh). Any mismatch fails the script.
#
# With CI=true (what .ci/run sets) a tool that is missing and cannot be
# installed is a failure; otherwise the script says so and skips.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null

TARGETS=(aarch64-unknown-linux-musl armv7-unknown-linux-gnueabihf)
ARMHF_ROOT=/usr/arm-linux-gnueabihf # Debian's armhf libc for qemu-arm -L

STARTED=$SECONDS
say() { printf 'cross: [%ds] %s\n' $((SECONDS - STARTED)) "$*" >&2; }
die() {
	say "FAIL: $*"
	exit 1
}
missing() {
	if [[ ${CI:-} == true ]]; then
		die "$* (CI=true: a missing tool is a failure)"
	fi
	say "skipping the ARM checks: $*"
	exit 0
}

# --- 1. tools -----------------------------------------------------------------
need_pkgs=()
command -v aarch64-linux-gnu-gcc >/dev/null || need_pkgs+=(gcc-aarch64-linux-gnu)
command -v arm-linux-gnueabihf-gcc >/dev/null || need_pkgs+=(gcc-arm-linux-gnueabihf)
{ command -v qemu-aarch64-static && command -v qemu-arm-static; } >/dev/null || need_pkgs+=(qemu-user-static)
# The cross gcc only recommends its C library headers, and --no-install-recommends
# skips them; ring's C code needs them (bits/libc-header-start.h).
[[ -f /usr/aarch64-linux-gnu/include/stdio.h ]] || need_pkgs+=(libc6-dev-arm64-cross)
[[ -f /usr/arm-linux-gnueabihf/include/stdio.h ]] || need_pkgs+=(libc6-dev-armhf-cross)
command -v file >/dev/null || need_pkgs+=(file)
command -v curl >/dev/null || need_pkgs+=(curl ca-certificates)
if ((${#need_pkgs[@]})); then
	if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
		missing "need ${need_pkgs[*]} (apt-get as root)"
	fi
	say "apt-get install ${need_pkgs[*]}"
	apt_log=$(mktemp)
	apt=(apt-get -y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
	if ! { DEBIAN_FRONTEND=noninteractive "${apt[@]}" update &&
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "${need_pkgs[@]}"; } \
		>"$apt_log" 2>&1; then
		cat "$apt_log" >&2
		rm -f "$apt_log"
		missing "apt-get install ${need_pkgs[*]} failed"
	fi
	rm -f "$apt_log"
fi
for tool in aarch64-linux-gnu-gcc arm-linux-gnueabihf-gcc qemu-aarch64-static qemu-arm-static file curl python3; do
	command -v "$tool" >/dev/null || missing "$tool not found"
done
[[ -e $ARMHF_ROOT/lib/ld-linux-armhf.so.3 ]] || missing "$ARMHF_ROOT/lib/ld-linux-armhf.so.3 not found (libc6-armhf-cross)"

command -v rustup >/dev/null || missing "rustup not found (needed to add the Rust targets)"
installed=$(rustup target list --installed)
for t in "${TARGETS[@]}"; do
	if ! grep -qxF "$t" <<<"$installed"; then
		say "rustup target add $t"
		rustup target add "$t" >&2 || missing "rustup target add $t failed"
	fi
done

# --- 2. build -----------------------------------------------------------------
build_started=$SECONDS
args=()
for t in "${TARGETS[@]}"; do args+=(--target "$t"); done
say "cargo build --release ${args[*]}"
cargo build --release --locked "${args[@]}"
say "built in $((SECONDS - build_started))s"

A64=${CARGO_TARGET_DIR:-target}/aarch64-unknown-linux-musl/release/ftpgate
ARMV7=${CARGO_TARGET_DIR:-target}/armv7-unknown-linux-gnueabihf/release/ftpgate
check_file() {
	local bin=$1 want_arch=$2 want_link=$3 desc
	desc=$(file -b "$bin")
	say "$bin: $(stat -c %s "$bin") bytes; $desc"
	[[ $desc == *"$want_arch"* ]] || die "$bin is not $want_arch"
	[[ $desc == *"$want_link"* ]] || die "$bin is not $want_link"
	[[ $desc == *"stripped"* && $desc != *"not stripped"* ]] || die "$bin is not stripped"
}
check_file "$A64" "ARM aarch64" "statically linked"
check_file "$ARMV7" "ARM, EABI5" "dynamically linked"

# --- 3. run under qemu --------------------------------------------------------
servers_started=0
if [[ -z ${FTPGATE_TEST_SERVERS:-} ]]; then
	# shellcheck source=.ci/ftp-servers.sh
	source .ci/ftp-servers.sh
	ftp_servers_start
	servers_started=1
fi
work=$(mktemp -d)
# shellcheck source=.ci/smoke.sh
source .ci/smoke.sh
cleanup() {
	local rc=$?
	smoke_stop "$rc"
	rm -rf -- "$work"
	if ((servers_started)); then ftp_servers_stop "$rc"; fi
	exit "$rc"
}
trap cleanup EXIT
smoke_init

smoke aarch64-unknown-linux-musl qemu-aarch64-static "$A64"
smoke armv7-unknown-linux-gnueabihf qemu-arm-static -L "$ARMHF_ROOT" "$ARMV7"
say "ARM binaries ok (total $((SECONDS - STARTED))s)"
