#!/usr/bin/env bash
# bench/footprint.sh — ftpgate's footprint against the budget of issue 4:
# binary sizes per target (and per release-profile setting), what each crate
# adds, resident memory (idle, 4 users downloading 1 GiB each at once, after
# them, across 1,000 login/browse/logout cycles) and start-up time. Results go
# to stdout as Markdown for BENCHMARKS.md ("Footprint"); progress to stderr.
#
#   bash bench/footprint.sh                 # everything, ~15 minutes on 2 cores
#   FOOTPRINT_PROFILES=0 FOOTPRINT_QEMU=0 bash bench/footprint.sh   # quicker
#
# Knobs: FOOTPRINT_MIB (1024: size of each user's download), FOOTPRINT_USERS (4),
# FOOTPRINT_CYCLES (1000), FOOTPRINT_STARTS (15 start-up runs per binary),
# FOOTPRINT_PROFILES (1: rebuild aarch64 musl once per profile setting),
# FOOTPRINT_QEMU (1: also run the aarch64 musl binary under qemu-aarch64-static).
#
# Needs: root (vsftpd test user), curl, python3, the cross toolchains of
# .cargo/config.toml (`bash .ci/cross.sh` installs them), optionally
# cargo-bloat (`cargo install cargo-bloat`; without it `nm` sizes are grouped).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null

MIB=${FOOTPRINT_MIB:-1024}
USERS=${FOOTPRINT_USERS:-4}
CYCLES=${FOOTPRINT_CYCLES:-1000}
((CYCLES >= 4)) || CYCLES=4
STARTS=${FOOTPRINT_STARTS:-15}
PROFILES=${FOOTPRINT_PROFILES:-1}
QEMU=${FOOTPRINT_QEMU:-1}
# The servers' files live in memory, so the disk's mood doesn't enter the figures.
export FTPGATE_CI_TMPDIR=${FTPGATE_CI_TMPDIR:-/dev/shm}

TARGETS=(aarch64-unknown-linux-musl armv7-unknown-linux-gnueabihf aarch64-unknown-linux-gnu x86_64-unknown-linux-musl)
# Profile experiments and cargo-bloat build here, away from target/.
SCRATCH=target/footprint

say() { printf 'footprint: %s\n' "$*" >&2; }
die() {
	say "ERROR: $*"
	exit 1
}
for tool in curl python3 file; do command -v "$tool" >/dev/null || die "$tool not found"; done
for tool in aarch64-linux-gnu-gcc arm-linux-gnueabihf-gcc; do
	command -v "$tool" >/dev/null || die "$tool not found: run 'bash .ci/cross.sh' once (installs the cross toolchains)"
done
installed=$(rustup target list --installed)
for t in "${TARGETS[@]}"; do
	grep -qxF "$t" <<<"$installed" || die "rustup target $t missing: rustup target add $t"
done
if ((QEMU)) && ! command -v qemu-aarch64-static >/dev/null; then
	die "qemu-aarch64-static not found (apt-get install qemu-user-static, or FOOTPRINT_QEMU=0)"
fi

# text_data FILE: bytes of code and initialised data (Berkeley `size`: text + data).
text_data() { aarch64-linux-gnu-size "$1" | awk 'NR == 2 {print $1 + $2}'; }
kib() { awk -v b="$1" 'BEGIN {printf "%.0f KiB", b / 1024}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.2f MiB", b / 1048576}'; }

echo "## Footprint"
echo
echo "Produced by \`bash bench/footprint.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $(uname -m), $(rustc --version | cut -d' ' -f1-2))."
echo "Budget (issue 4): aarch64 musl binary ≤ 1.5 MiB; resident memory ≤ 2 MiB idle, ≤ 8 MiB while"
echo "$USERS users each download a $MIB MiB file, back near idle after, no growth across $CYCLES"
echo "login/browse/logout cycles; start to first served request ≤ 50 ms."
echo

# --- sizes ----------------------------------------------------------------------
say "building the release binaries (host and ${TARGETS[*]})"
cargo build --release --quiet --bin ftpgate
args=()
for t in "${TARGETS[@]}"; do args+=(--target "$t"); done
cargo build --release --quiet --bin ftpgate "${args[@]}"

echo "### Binary size (release profile of Cargo.toml: stripped)"
echo
echo "| target | bytes | size | kind |"
echo "|---|---|---|---|"
for t in "${TARGETS[@]}" host; do
	if [[ $t == host ]]; then
		f=target/release/ftpgate
		t="$(rustc -vV | sed -n 's/^host: //p') (\`cargo build --release\`)"
	else
		f=target/$t/release/ftpgate
	fi
	kind=$(file -b "$f" | grep -oE 'statically linked|static-pie linked|dynamically linked' | head -1)
	[[ $kind == dynamically* ]] && kind="$kind ($(objdump -T "$f" 2>/dev/null | grep -oE 'GLIBC_[0-9.]+' | sort -uV | tail -1 | sed 's/_/ ≥ /'))"
	echo "| $t | $(stat -c %s "$f") | $(mib "$(stat -c %s "$f")") | $kind |"
done
echo

# Sizes of one target built with each profile setting changed on its own,
# through cargo's CARGO_PROFILE_RELEASE_* overrides of Cargo.toml.
if ((PROFILES)); then
	say "profile variants (aarch64-unknown-linux-musl, one build each)"
	echo "### What each release-profile setting is worth (aarch64-unknown-linux-musl)"
	echo
	echo "File sizes move in steps of up to 64 KiB (aarch64 aligns the data segment to 64 KiB"
	echo "pages in the file), so the code and data that make them up are shown too."
	echo
	echo "| profile | file bytes | file size | code + data (\`size\`) |"
	echo "|---|---|---|---|"
	variant() {
		local name=$1 bytes f=$SCRATCH/aarch64-unknown-linux-musl/release/ftpgate
		shift
		env "$@" CARGO_TARGET_DIR=$SCRATCH cargo build --release --quiet --bin ftpgate \
			--target aarch64-unknown-linux-musl
		bytes=$(stat -c %s "$f")
		echo "| $name | $bytes | $(mib "$bytes") | $(kib "$(text_data "$f")") |"
	}
	variant "Cargo.toml (opt-level \"s\", fat LTO, 1 codegen unit, strip, unwind)"
	variant "… with opt-level \"z\"" CARGO_PROFILE_RELEASE_OPT_LEVEL=z
	variant "… with opt-level 3" CARGO_PROFILE_RELEASE_OPT_LEVEL=3
	variant "… without LTO" CARGO_PROFILE_RELEASE_LTO=false
	variant "… with 16 codegen units" CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
	variant "… not stripped" CARGO_PROFILE_RELEASE_STRIP=false
	variant "… with panic = \"abort\" (not usable: see Cargo.toml)" CARGO_PROFILE_RELEASE_PANIC=abort
	variant "cargo's default release profile" CARGO_PROFILE_RELEASE_OPT_LEVEL=3 \
		CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_STRIP=false
	echo
fi

# --- what each crate adds ------------------------------------------------------
say "size per crate (aarch64-unknown-linux-musl, unstripped copy)"
echo "### What each crate adds (aarch64-unknown-linux-musl)"
echo
unstripped=$SCRATCH/aarch64-unknown-linux-musl/release/ftpgate
if command -v cargo-bloat >/dev/null; then
	echo "\`cargo bloat --release --target aarch64-unknown-linux-musl --crates -n 20\` on an unstripped"
	echo "build (\`CARGO_PROFILE_RELEASE_STRIP=false\`; the code is the same, strip only drops symbols)."
	echo "With LTO, generic code is counted in the crate that instantiates it, and code inlined"
	echo "into ftpgate counts as ftpgate's. \`[Unknown]\` is code without Rust symbols, split below."
	echo
	export CARGO_PROFILE_RELEASE_STRIP=false CARGO_TARGET_DIR=$SCRATCH
	cargo build --release --quiet --bin ftpgate --target aarch64-unknown-linux-musl
	echo '```'
	# (cargo-bloat has no --quiet; the build above leaves it nothing to build.)
	cargo bloat --release --bin ftpgate --target aarch64-unknown-linux-musl --crates -n 20 2>/dev/null |
		grep -v '^Note:\|^$\|Analyzing\|^ *Finished'
	echo '```'
	unset CARGO_PROFILE_RELEASE_STRIP CARGO_TARGET_DIR
else
	echo "(cargo-bloat not installed: \`nm\` symbol sizes grouped by the first path segment of"
	echo "each demangled name; rough.)"
	CARGO_PROFILE_RELEASE_STRIP=false CARGO_TARGET_DIR=$SCRATCH \
		cargo build --release --quiet --bin ftpgate --target aarch64-unknown-linux-musl
	echo
	echo '```'
	aarch64-linux-gnu-nm -S -C --size-sort "$unstripped" | python3 -c '
import sys, re, collections
sizes = collections.Counter()
for line in sys.stdin:
    parts = line.split(None, 3)
    if len(parts) < 4 or parts[2] not in "TtWw":
        continue
    name = parts[3].lstrip("<&*")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    sizes[m.group(1) if m else "[C / no crate]"] += int(parts[1], 16)
for crate, size in sizes.most_common(20):
    print(f"{size / 1024:9.1f} KiB  {crate}")
'
	echo '```'
fi
echo
# Code without Rust symbols: ring's C and assembly (ring_core_* symbols) vs
# the rest (musl's libc.a, libunwind, compiler-builtins).
aarch64-linux-gnu-nm -S --size-sort "$unstripped" | python3 -c '
import sys
ring = other = 0
for line in sys.stdin:
    parts = line.split()
    if len(parts) < 4 or parts[2] not in "TtWw":
        continue
    name, size = parts[3], int(parts[1], 16)
    if name.startswith("ring_core_"):
        ring += size
    elif not (name.startswith("_ZN") or name.startswith("_R")):
        other += size
print(f"Of the code without Rust symbols: ring C/assembly {ring / 1024:.1f} KiB; musl libc, libunwind and")
print(f"compiler-builtins {other / 1024:.1f} KiB.")
'
stripped=target/aarch64-unknown-linux-musl/release/ftpgate
aarch64-linux-gnu-size -A "$stripped" | awk '
	$1 == ".text" {t = $2} $1 == ".rodata" {r = $2}
	$1 == ".eh_frame" || $1 == ".eh_frame_hdr" || $1 == ".gcc_except_table" {u += $2}
	$1 == ".data.rel.ro" || $1 == ".data" {d += $2}
	END {printf "Sections of the stripped binary: code %.0f KiB, read-only data %.0f KiB (templates, the embedded\nassets, strings), unwind tables %.0f KiB (the price of panic = \"unwind\"), data %.0f KiB.\n", t/1024, r/1024, u/1024, d/1024}'
echo

# --- memory and start-up ----------------------------------------------------------
# shellcheck source=.ci/ftp-servers.sh
source .ci/ftp-servers.sh
work=$(mktemp -d "$FTPGATE_CI_TMPDIR/ftpgate-footprint.XXXXXX")
gate_pid=
cleanup() {
	local rc=$1
	if [[ -n $gate_pid ]]; then
		kill "$gate_pid" 2>/dev/null || true
		wait "$gate_pid" 2>/dev/null || true
	fi
	rm -rf -- "$work"
	ftp_servers_stop "$rc"
}
trap 'cleanup "$?"' EXIT
say "starting vsftpd (and pyftpdlib) on loopback"
ftp_servers_start >/dev/null 2>"$work/servers.log" || {
	cat "$work/servers.log" >&2
	die "FTP servers did not start"
}
vs_url=${FTPGATE_TEST_SERVERS%%;*}
vs_url=${vs_url#vsftpd=}
vs_hostport=${vs_url##*@}
vs_cred=${vs_url#ftp://}
vs_cred=${vs_cred%@*}
root=$FTPGATE_CI_VSFTPD_ROOT
owner=$(stat -c %U "$root")
say "writing a $MIB MiB file to the vsftpd root ($root)"
head -c "$((MIB << 20))" /dev/urandom >"$root/big.bin"
mkdir -p "$root/folder"
for i in $(seq 1 20); do echo "file $i" >"$root/folder/file-$i.txt"; done
chown -R "$owner" "$root/big.bin" "$root/folder"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
pss_kib() { awk '$1 == "Pss:" {print $2}' "/proc/$1/smaps_rollup"; }

# login BASE JAR: a new session in JAR; prints the session's CSRF token.
login() {
	local base=$1 jar=$2 csrf
	rm -f "$jar"
	csrf=$(curl -sf -c "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
	curl -sf -b "$jar" -c "$jar" -o /dev/null \
		--data-urlencode "csrf=$csrf" --data-urlencode "host=${vs_hostport%:*}" \
		--data-urlencode "port=${vs_hostport#*:}" --data-urlencode "user=${vs_cred%%:*}" \
		--data-urlencode "password=${vs_cred#*:}" "$base/login" || return 1
	curl -sf -b "$jar" "$base/browse/?format=json" | grep -o '"csrf":"[^"]*"' | cut -d'"' -f4
}

# start_ms CMD...: median milliseconds from just before exec to the first
# 200 from /healthz, polled every 0.2 ms (Python, so the poll costs no exec).
start_ms() {
	python3 - "$STARTS" "$@" <<'EOF'
import os, socket, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    env = dict(os.environ, FTPGATE_LOG="warn")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd + ["--listen", f"127.0.0.1:{port}"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as c:
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if c.recv(64).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            pass
        if p.poll() is not None or time.perf_counter() - t0 > 10:
            sys.exit("ftpgate did not answer /healthz within 10 s")
        time.sleep(0.0002)
    times.append((time.perf_counter() - t0) * 1000)
    p.terminate(); p.wait()
times.sort()
print(f"{statistics.median(times):.1f} ms (min {times[0]:.1f}, max {times[-1]:.1f}, {runs} runs)")
EOF
}

# guest_kib PID: resident KiB of the emulated program inside a qemu-user
# process: the mappings below 2^40 (qemu 7 puts a 64-bit guest's binary,
# heap, stacks and mmaps at low addresses; its own live at 0x55…/0x7f…).
guest_kib() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / {split($1, a, "-"); low = length(a[1]) <= 10}
		$1 == "Rss:" && low {k += $2} END {print k + 0}' "/proc/$1/smaps"
}

# measure NAME CMD...: one row of the memory table for the ftpgate run by CMD.
# Under qemu-user (CMD starts with qemu-) the figures are the guest's share,
# the whole emulator process in brackets.
measure() {
	local name=$1 port base i pids=() jars=() peak=0 rss ok hwm idle after threads qemu=0
	shift
	[[ $(basename "$1") == qemu-* ]] && qemu=1
	rss_now() { if ((qemu)); then guest_kib "$gate_pid"; else status_kib "$gate_pid" VmRSS; fi; }
	m() { awk -v k="$1" 'BEGIN {printf "%.2f", k / 1024}'; }
	say "$name: start-up time ($STARTS runs)"
	local started
	started=$(start_ms "$@")
	port=$(free_port)
	base=http://127.0.0.1:$port
	FTPGATE_LOG=warn "$@" --listen "127.0.0.1:$port" 2>>"$work/gate.log" &
	gate_pid=$!
	for ((i = 0; i < 200; i++)); do
		curl -sf -o /dev/null "$base/healthz" && break
		sleep 0.05
	done
	sleep 1
	idle=$(rss_now)
	threads=$(status_kib "$gate_pid" Threads)
	local idle_note
	if ((qemu)); then
		idle_note="qemu process $(m "$(status_kib "$gate_pid" VmRSS)")"
	else
		idle_note="anon $(m "$(status_kib "$gate_pid" RssAnon)"), file $(m "$(status_kib "$gate_pid" RssFile)"); Pss $(m "$(pss_kib "$gate_pid")")"
	fi

	say "$name: $USERS users each download $MIB MiB at once"
	for ((i = 0; i < USERS; i++)); do
		jars+=("$work/jar-$i")
		login "$base" "${jars[i]}" >/dev/null || die "$name: login $i failed"
	done
	echo 5 >"/proc/$gate_pid/clear_refs" # resets VmHWM
	for ((i = 0; i < USERS; i++)); do
		curl -sf -b "${jars[i]}" -o /dev/null -w '%{size_download}\n' "$base/download/big.bin" >"$work/dl-$i" &
		pids+=($!)
	done
	while kill -0 "${pids[@]}" 2>/dev/null; do
		rss=$(rss_now)
		((rss > peak)) && peak=$rss
		sleep 0.1
	done
	ok=0
	for ((i = 0; i < USERS; i++)); do
		wait "${pids[i]}" || die "$name: download $i failed"
		[[ $(<"$work/dl-$i") == $((MIB << 20)) ]] && ok=$((ok + 1))
	done
	((ok == USERS)) || die "$name: only $ok of $USERS downloads were complete"
	hwm=$(status_kib "$gate_pid" VmHWM)
	sleep 2
	after=$(rss_now)
	local after_note=""
	((qemu)) && after_note=" (qemu process $(m "$(status_kib "$gate_pid" VmRSS)"))"

	say "$name: $CYCLES login/browse/logout cycles"
	local token marks=() jar=$work/jar-cycle
	for ((i = 1; i <= CYCLES; i++)); do
		token=$(login "$base" "$jar") || die "$name: login failed in cycle $i"
		curl -sf -b "$jar" -o /dev/null "$base/browse/folder/" || die "$name: browse failed in cycle $i"
		curl -sf -b "$jar" -o /dev/null -H "X-CSRF-Token: $token" -X POST "$base/logout" ||
			die "$name: logout failed in cycle $i"
		if ((i % (CYCLES / 4) == 0)); then marks+=("$(m "$(rss_now)")"); fi
	done
	local cyc_note=""
	((qemu)) && cyc_note=" (qemu process $(m "$(status_kib "$gate_pid" VmRSS)"))"
	kill "$gate_pid"
	wait "$gate_pid" 2>/dev/null || true
	gate_pid=
	local cyc
	cyc=$(printf '%s / ' "${marks[@]}")
	echo "| $name | $(m "$idle") ($idle_note) | $(m "$peak") ($( ((qemu)) && echo "qemu process VmHWM" || echo VmHWM) $(m "$hwm")) | $(m "$after")$after_note | ${cyc% / }$cyc_note | $started | $threads |"
}

echo "### Resident memory and start-up"
echo
echo "VmRSS from \`/proc/PID/status\` in MiB. Idle: 1 s after the first \`/healthz\`; anon = heap,"
echo "stacks and data; file = pages of the binary and shared libraries (glibc's are shared with"
echo "every other process); Pss counts shared pages divided by their users. Downloads: peak VmRSS"
echo "sampled every 0.1 s and VmHWM (reset just before) while $USERS sessions each download a"
echo "$MIB MiB file from vsftpd at once (curl cookie jars, server files on /dev/shm). After: 2 s"
echo "after they finished. Cycles: VmRSS after each quarter of $CYCLES login / browse (20 entries) /"
echo "logout cycles. Start: from just before exec to the first 200 from \`/healthz\`, median."
echo "(A sampled VmRSS can exceed VmHWM a little: the kernel's per-thread RSS counters are approximate.)"
echo "Under qemu-user the process also holds the emulator (~20 MiB: translated code, its own"
echo "heap, one CPU state per thread); the figures are the emulated ftpgate's own mappings"
echo "(\`/proc/PID/smaps\` below 2^40), the whole process in brackets. Its start time is mostly qemu's."
echo
echo "| binary | idle | $USERS × $MIB MiB downloads | after | cycles (¼, ½, ¾, all) | start | threads |"
echo "|---|---|---|---|---|---|---|"
measure "x86_64 glibc (\`cargo build --release\`)" target/release/ftpgate
measure "x86_64 musl, static" target/x86_64-unknown-linux-musl/release/ftpgate
if ((QEMU)); then
	measure "aarch64 musl under qemu-aarch64-static (the emulated program; whole qemu process in brackets)" \
		qemu-aarch64-static target/aarch64-unknown-linux-musl/release/ftpgate
fi
echo
if grep -E 'ERROR|panicked' "$work/gate.log" >&2; then die "errors in ftpgate's log (above)"; fi
say "done"
