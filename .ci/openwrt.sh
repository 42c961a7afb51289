#!/usr/bin/env bash
# .ci/openwrt.sh — contrib/openwrt/ftpgate.init without a router.
#
#   bash .ci/openwrt.sh     (.ci/run calls it after .ci/cross.sh, whose
#                            aarch64 musl binary, the one README gives
#                            OpenWrt, it runs under qemu-aarch64-static)
#
# 1. sh -n of the init script.
# 2. Its start_service run by sh over stand-ins for OpenWrt's UCI and procd
#    functions (config_get reads contrib/openwrt/ftpgate.config): it must
#    start /usr/bin/ftpgate as nobody, respawning, logging to logd, with a
#    term_timeout above the longest graceful stop; its options must be
#    exactly ftpgate's settings (src/config/mod.rs), each as its FTPGATE_*
#    variable.
# 3. The binary started with the environment it would get, plus
#    tls_self_signed: it must serve /healthz over HTTPS.
#
# With CI=true a missing tool or binary is a failure; otherwise a skip.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null

INIT=contrib/openwrt/ftpgate.init
CONFIG=contrib/openwrt/ftpgate.config
BIN=${CARGO_TARGET_DIR:-target}/aarch64-unknown-linux-musl/release/ftpgate

say() { printf 'openwrt: %s\n' "$*" >&2; }
die() {
	say "FAIL: $*"
	exit 1
}
missing() {
	if [[ ${CI:-} == true ]]; then
		die "$* (CI=true: a missing tool is a failure)"
	fi
	say "skipping the OpenWrt checks: $*"
	exit 0
}
for tool in sh qemu-aarch64-static curl python3; do
	command -v "$tool" >/dev/null || missing "$tool not found"
done
[[ -x $BIN ]] || missing "$BIN not built (bash .ci/cross.sh builds it)"

sh -n "$INIT" || die "sh -n $INIT"

# procd_params CONFIG: what start_service tells procd, one "param value..." a line.
procd_params() {
	# shellcheck disable=SC2016 # for the inner shell
	sh -c '
		conf=$1
		config_load() { :; }
		# config_get VAR SECTION OPTION [DEFAULT] (one section in these files)
		config_get() {
			_v=$(sed -n "s/^[[:space:]]*option $3 '\''\(.*\)'\''$/\1/p" "$conf")
			eval "$1=\${_v:-\$4}"
		}
		config_get_bool() {
			config_get "$@"
			eval "case \$$1 in 1|on|true|yes|enabled) $1=1 ;; *) $1=0 ;; esac"
		}
		procd_open_instance() { :; }
		procd_close_instance() { :; }
		procd_set_param() { echo "$*"; }
		procd_append_param() { echo "$*"; }
		mkdir() { :; }
		chown() { echo "chown $*"; }
		chmod() { :; }
		. "$2"
		start_service
	' sh "$1" "$INIT"
}

params=$(procd_params "$CONFIG")
for want in "command /usr/bin/ftpgate" "user nobody" "respawn" "stdout 1" "stderr 1" \
	"env FTPGATE_LISTEN=0.0.0.0:8080" "env FTPGATE_STATE_DIR=/etc/ftpgate" "chown nobody /etc/ftpgate"; do
	grep -qxF "$want" <<<"$params" || die "start_service with $CONFIG: no '$want' in: $params"
done
# Longer than ftpgate's longest graceful stop with the defaults (30 + 20 + 5 s).
term=$(sed -n 's/^term_timeout //p' <<<"$params")
((term > 55)) || die "term_timeout is $term s, shorter than a graceful stop (55 s)"

# Every setting of src/config/mod.rs's table, and no other, is an option.
settings=$(sed -n 's/^ *("--\([a-z-]*\)", "FTPGATE_[A-Z_]*"),$/\1/p' src/config/mod.rs | tr - _ | sort)
(($(wc -l <<<"$settings") > 20)) || die "could not read the settings table of src/config/mod.rs"
# shellcheck disable=SC2016 # for the inner shell
options=$(sh -c '. "$1"; printf "%s\n" $OPTIONS tls_self_signed' sh "$INIT" | sort)
diff <(echo "$settings") <(echo "$options") >&2 || die "$INIT's options (>) differ from ftpgate's settings (<)"

# Every option given: each becomes its variable, with its value.
work=$(mktemp -d)
pid=
trap '[[ -z $pid ]] || kill "$pid" 2>/dev/null || true; rm -rf -- "$work"' EXIT
{
	echo "config ftpgate 'main'"
	for o in $options; do
		if [[ $o == tls_self_signed ]]; then echo "	option $o '1'"; else echo "	option $o 'v-$o'"; fi
	done
} >"$work/all"
got=$(procd_params "$work/all" | sed -n 's/^env //p' | sort)
want=$(for o in $options; do
	if [[ $o == tls_self_signed ]]; then echo "FTPGATE_TLS_SELF_SIGNED=1"; else echo "FTPGATE_${o^^}=v-$o"; fi
done | sort)
diff <(echo "$want") <(echo "$got") >&2 || die "the variables start_service sets (>) are not the options' (<)"
say "start_service: /usr/bin/ftpgate as nobody, respawn, logd, term_timeout $term s; all $(wc -l <<<"$settings") settings mapped"

# The binary with the shipped config's environment, and HTTPS self-signed.
state=$work/state
mkdir "$state"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mapfile -t envs < <(procd_params "$CONFIG" | sed -n 's/^env //p' |
	sed "s|^FTPGATE_LISTEN=.*|FTPGATE_LISTEN=127.0.0.1:$port|; s|^FTPGATE_STATE_DIR=.*|FTPGATE_STATE_DIR=$state|")
env -i "${envs[@]}" FTPGATE_TLS_SELF_SIGNED=1 qemu-aarch64-static "$BIN" >"$state/log" 2>&1 &
pid=$!
for ((i = 0; i < 200; i++)); do
	[[ $(curl -sk --max-time 2 "https://127.0.0.1:$port/healthz" 2>/dev/null) == ok ]] && break
	kill -0 "$pid" 2>/dev/null || {
		cat "$state/log" >&2
		die "ftpgate exited at start with the init script's environment"
	}
	sleep 0.05
done
((i < 200)) || die "no https://127.0.0.1:$port/healthz"
[[ -s $state/https-cert.pem ]] || die "no certificate in the state directory"
say "aarch64 musl binary with the init script's environment: HTTPS /healthz ok, certificate in state_dir"
