#!/usr/bin/env bash
# .ci/fuzz.sh — run the cargo-fuzz targets in fuzz/ for a bounded time each.
#
#   bash .ci/fuzz.sh                          (every target `cargo fuzz list` names)
#   FUZZ_SECONDS=300 bash .ci/fuzz.sh ftp_reply multipart
#
# Installs the nightly toolchain (minimal profile) and cargo-fuzz (crates.io)
# if missing, builds all targets once (`cargo fuzz build -O`: optimised, with
# debug assertions and overflow checks), then runs each for FUZZ_SECONDS
# (default 60) from a temp copy of its seeds in fuzz/corpus/<target>/, so the
# run leaves the git tree clean. A crash, a hang (-timeout) or memory over
# -rss_limit_mb fails the script after all targets ran; the input that did it
# is written under fuzz/artifacts/<target>/ and its path printed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
# Per-input limit: no parser input needs more than a fraction of a second, so
# anything slower is an endless loop (libFuzzer's default would be 20 minutes).
FUZZ_INPUT_TIMEOUT=${FUZZ_INPUT_TIMEOUT:-10}

run() {
	printf '+ %s\n' "$*" >&2
	"$@"
}

if ! rustup toolchain list | grep -q '^nightly-'; then
	run rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
	run cargo install cargo-fuzz --locked
fi
run cargo +nightly --version
run cargo +nightly fuzz --version

if (($# > 0)); then
	targets=("$@")
else
	listed=$(cargo +nightly fuzz list)
	mapfile -t targets <<<"$listed"
fi
printf 'targets: %s\n' "${targets[*]}" >&2

started=$SECONDS
run cargo +nightly fuzz build -O
printf 'built in %ds\n' $((SECONDS - started)) >&2

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for target in "${targets[@]}"; do
	corpus=$scratch/corpus/$target
	mkdir -p "$corpus"
	if [[ -d fuzz/corpus/$target ]]; then
		cp fuzz/corpus/"$target"/* "$corpus"/
	fi
	printf '\n--- %s: %d seeds, %ds\n' "$target" "$(find "$corpus" -type f | wc -l)" "$FUZZ_SECONDS" >&2
	# The whole log stays in $log; the terminal gets it without libFuzzer's
	# line per new corpus input (thousands a minute), pulses and stats kept.
	log=$scratch/$target.log
	started=$SECONDS
	if run cargo +nightly fuzz run -O "$target" "$corpus" -- \
		-max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_INPUT_TIMEOUT" \
		-rss_limit_mb=512 -max_len=65536 -print_final_stats=1 2>&1 |
		tee "$log" | sed -u '/^#[0-9]*[[:space:]]*\(NEW\|REDUCE\) /d' >&2; then
		printf -- '--- %s: no crash in %ds, corpus grew to %d inputs\n' \
			"$target" $((SECONDS - started)) "$(find "$corpus" -type f | wc -l)" >&2
	else
		failed+=("$target")
		artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		printf -- '--- %s: FAILED; input: %s\n' "$target" "${artifact:-(none written, see the log above)}" >&2
		printf -- '--- reproduce: cargo +nightly fuzz run -O %s %s\n' "$target" "${artifact:-FILE}" >&2
	fi
done

if ((${#failed[@]} > 0)); then
	printf '\nfuzzing found failures in: %s\n' "${failed[*]}" >&2
	exit 1
fi
printf '\nall %d fuzz targets ran %ds each without a failure\n' "${#targets[@]}" "$FUZZ_SECONDS" >&2
