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
#    compares the bytes, logs out. Any mismatch fails the script.
#
# With CI=true (what .ci/run sets) a tool that is missing and cannot be
# installed is a failure; otherwise the script says so and skips.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null

TARGETS=(aarch64-unknown-linux-musl armv7-unknown-linux-gnueabihf)
ARMHF_ROOT=/usr/arm-linux-gnueabihf # Debian's armhf libc for qemu-arm -L
UPLOAD_BYTES=$((3 << 20))

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
vs_url=
IFS=';' read -ra entries <<<"$FTPGATE_TEST_SERVERS"
for e in "${entries[@]}"; do
	[[ $e == vsftpd=* ]] && vs_url=${e#vsftpd=}
done
[[ -n $vs_url ]] || die "no vsftpd entry in FTPGATE_TEST_SERVERS"
vs_cred=${vs_url#ftp://}
vs_cred=${vs_cred%@*}
vs_user=${vs_cred%%:*}
vs_pass=${vs_cred#*:}
vs_hostport=${vs_url##*@}

work=$(mktemp -d)
gate_pid=
cleanup() {
	local rc=$?
	if [[ -n $gate_pid ]]; then
		kill "$gate_pid" 2>/dev/null || true
		wait "$gate_pid" 2>/dev/null || true
	fi
	if ((rc != 0)) && [[ -s $work/gate.log ]]; then
		say "last lines of ftpgate's log:"
		tail -n 30 "$work/gate.log" >&2 || true
	fi
	rm -rf -- "$work"
	if ((servers_started)); then ftp_servers_stop "$rc"; fi
	exit "$rc"
}
trap cleanup EXIT
head -c "$UPLOAD_BYTES" /dev/urandom >"$work/up.bin"
printf 'hello from the ARM check\n' >"$work/hello.txt"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# http WANT OUT CURLARGS...: one request; dies unless the status is WANT.
http() {
	local want=$1 out=$2 code
	shift 2
	code=$(curl -sS --max-time 120 -o "$out" -w '%{http_code}' "$@") || die "curl $* failed"
	[[ $code == "$want" ]] || {
		say "response body:"
		head -c 2000 "$out" >&2 || true
		echo >&2
		die "expected HTTP $want, got $code: curl $*"
	}
}

# smoke NAME CMD...: CMD (the emulator and the binary) is one ftpgate.
smoke() {
	local name=$1 started=$SECONDS port base jar out dir csrf token ver i
	shift
	out=$work/out
	jar=$work/jar-$name
	dir=ftpgate-cross-$name-$$
	ver=$("$@" --version) || die "$name: --version failed"
	[[ $ver == "ftpgate "* ]] || die "$name: --version printed: $ver"
	say "$name: $ver"

	# A folder with a known file, made over FTP directly (not through ftpgate).
	curl -sS --max-time 20 --ftp-create-dirs -T "$work/hello.txt" "$vs_url/$dir/hello.txt" ||
		die "$name: could not prepare $dir on vsftpd"

	port=$(free_port)
	base=http://127.0.0.1:$port
	FTPGATE_LOG=info "$@" --listen "127.0.0.1:$port" >"$work/gate.log" 2>&1 &
	gate_pid=$!
	for ((i = 0; i < 200; i++)); do
		curl -sf --max-time 2 -o /dev/null "$base/healthz" && break
		kill -0 "$gate_pid" 2>/dev/null || die "$name: ftpgate exited at start"
		sleep 0.05
	done
	http 200 "$out" "$base/healthz"
	[[ $(<"$out") == ok ]] || die "$name: /healthz said $(<"$out")"

	# Log in (the login form's CSRF token is bound to a cookie).
	http 200 "$out" -c "$jar" "$base/login"
	csrf=$(grep -o 'name="csrf" value="[^"]*"' "$out" | head -1 | cut -d'"' -f4)
	[[ -n $csrf ]] || die "$name: no CSRF token in the login form"
	http 303 "$out" -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" \
		--data-urlencode "host=${vs_hostport%:*}" --data-urlencode "port=${vs_hostport#*:}" \
		--data-urlencode "user=$vs_user" --data-urlencode "password=$vs_pass" "$base/login"

	# List the folder.
	http 200 "$out" -b "$jar" "$base/browse/$dir/?format=json"
	grep -q '"name":"hello.txt","type":"file","size":25' "$out" ||
		die "$name: listing of /$dir lacks hello.txt (25 bytes): $(<"$out")"
	token=$(grep -o '"csrf":"[^"]*"' "$out" | cut -d'"' -f4)
	[[ -n $token ]] || die "$name: no session CSRF token in the listing"

	# Upload 3 MiB (multipart), see it listed, download it, compare.
	http 303 "$out" -b "$jar" -H "X-CSRF-Token: $token" \
		-F "file=@$work/up.bin;filename=up load.bin" "$base/upload/$dir/"
	http 200 "$out" -b "$jar" "$base/browse/$dir/?format=json"
	grep -q "\"name\":\"up load.bin\",\"type\":\"file\",\"size\":$UPLOAD_BYTES" "$out" ||
		die "$name: listing after the upload lacks 'up load.bin' ($UPLOAD_BYTES bytes): $(<"$out")"
	http 200 "$work/down.bin" -b "$jar" "$base/download/$dir/up%20load.bin"
	cmp "$work/up.bin" "$work/down.bin" || die "$name: downloaded bytes differ from the uploaded ones"
	# And the file on the server is the same (not just a round trip through ftpgate).
	curl -sS --max-time 60 -o "$work/direct.bin" "$vs_url/$dir/up%20load.bin" ||
		die "$name: could not fetch the upload over FTP"
	cmp "$work/up.bin" "$work/direct.bin" || die "$name: the file on the FTP server differs"
	rm -f "$work/down.bin" "$work/direct.bin"

	# Log out: the session is gone afterwards.
	http 303 "$out" -b "$jar" -c "$jar" -H "X-CSRF-Token: $token" -X POST "$base/logout"
	http 401 "$out" -b "$jar" "$base/browse/$dir/?format=json"

	kill -0 "$gate_pid" 2>/dev/null || die "$name: ftpgate died"
	if grep -E 'ERROR|panicked' "$work/gate.log" >&2; then die "$name: errors in ftpgate's log"; fi
	kill "$gate_pid"
	wait "$gate_pid" 2>/dev/null || true
	gate_pid=
	curl -sS --max-time 20 -o /dev/null \
		-Q "DELE $dir/hello.txt" -Q "DELE $dir/up load.bin" -Q "RMD $dir" "$vs_url/" ||
		die "$name: could not clean up $dir on vsftpd"
	say "$name: login, list, upload, download (3 MiB, identical), logout: ok in $((SECONDS - started))s"
}

smoke aarch64-unknown-linux-musl qemu-aarch64-static "$A64"
smoke armv7-unknown-linux-gnueabihf qemu-arm-static -L "$ARMHF_ROOT" "$ARMV7"
say "ARM binaries ok (total $((SECONDS - STARTED))s)"
