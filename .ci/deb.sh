#!/usr/bin/env bash
# .ci/deb.sh — the Debian packages of contrib/deb/build.sh, checked for real.
#
#   bash .ci/deb.sh        (as root; .ci/run calls it after .ci/cross.sh, whose
#                           ARM binaries it packs without rebuilding them; run
#                           alone, it starts the FTP servers itself)
#
# 1. Builds the arm64, armhf and amd64 packages and checks each one's control
#    fields, file list, owners and modes, and its binary's architecture.
# 2. Runs the maintainer scripts under a stand-in systemd (a mount namespace
#    with /run/systemd/system, a systemctl that notes its arguments): a first
#    install enables and starts the service, an upgrade restarts it only if
#    enabled, a remove stops it.
# 3. dpkg -i of the amd64 package (systemd is not PID 1 here: postinst only
#    enables the unit), checks where the files landed, systemd-analyze verify
#    of the installed unit, then /usr/bin/ftpgate started as the unit would
#    start it (the unit's ExecStart and Environment= lines, /etc/ftpgate.env,
#    nothing else in the environment, user nobody) through .ci/smoke.sh's
#    login, list, upload, download and logout against vsftpd.
# 4. dpkg -r keeps only the (edited) conffile; dpkg -P leaves nothing behind:
#    no file of the package, no enable link, no state directory (made here
#    as systemd's DynamicUser makes it).
# 5. The arm64 and armhf binaries, unpacked with dpkg -x, through the same
#    smoke test under qemu-user.
#
# With CI=true (what .ci/run sets) a missing tool is a failure; otherwise the
# script says so and skips.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null

ARMHF_ROOT=/usr/arm-linux-gnueabihf # Debian's armhf libc for qemu-arm -L
DEBS=${CARGO_TARGET_DIR:-target}/deb
WANTS_LINK=/etc/systemd/system/multi-user.target.wants/ftpgate.service

STARTED=$SECONDS
say() { printf 'deb: [%ds] %s\n' $((SECONDS - STARTED)) "$*" >&2; }
die() {
	say "FAIL: $*"
	exit 1
}
missing() {
	if [[ ${CI:-} == true ]]; then
		die "$* (CI=true: a missing tool is a failure)"
	fi
	say "skipping the package checks: $*"
	exit 0
}

# --- tools --------------------------------------------------------------------
[[ $(id -u) == 0 ]] || missing "must run as root (dpkg -i)"
# .ci/cross.sh installed the cross gcc, qemu-user-static, file and curl;
# .ci/run's unit step systemd (systemd-analyze, systemctl).
for tool in cargo dpkg dpkg-deb file readelf systemctl systemd-analyze setpriv unshare \
	qemu-aarch64-static qemu-arm-static curl python3; do
	command -v "$tool" >/dev/null || missing "$tool not found (bash .ci/cross.sh installs most tools)"
done
command -v rustup >/dev/null || missing "rustup not found (needed to add the x86_64 musl target)"
if ! rustup target list --installed | grep -qx x86_64-unknown-linux-musl; then
	say "rustup target add x86_64-unknown-linux-musl"
	rustup target add x86_64-unknown-linux-musl >&2 || missing "rustup target add x86_64-unknown-linux-musl failed"
fi
[[ -e $ARMHF_ROOT/lib/ld-linux-armhf.so.3 ]] || missing "$ARMHF_ROOT/lib/ld-linux-armhf.so.3 not found (libc6-armhf-cross)"
if dpkg-query -W -f='${Status}' ftpgate 2>/dev/null | grep -qv 'not-installed'; then
	die "a package ftpgate is installed on this machine already; dpkg -P ftpgate first"
fi
for f in /var/lib/ftpgate /var/lib/private/ftpgate; do
	[[ ! -e $f && ! -L $f ]] || die "$f is left from an earlier ftpgate; remove it first"
done

# --- cleanup ------------------------------------------------------------------
servers_started=0 installed=0 made_state=0 state=
work=$(mktemp -d)
# shellcheck source=.ci/smoke.sh
source .ci/smoke.sh
cleanup() {
	local rc=$?
	smoke_stop "$rc"
	if ((installed)); then dpkg -P ftpgate >/dev/null 2>&1 || true; fi
	if ((made_state)); then rm -rf /var/lib/private/ftpgate /var/lib/ftpgate; fi
	rm -rf -- "$work" ${state:+"$state"}
	if ((servers_started)); then ftp_servers_stop "$rc"; fi
	exit "$rc"
}
trap cleanup EXIT

# --- 1. build and inspect -------------------------------------------------------
say "bash contrib/deb/build.sh arm64 armhf amd64"
bash contrib/deb/build.sh arm64 armhf amd64 >&2
version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)

# The package's paths, as dpkg-deb --contents lists them.
want_paths='./
./etc/
./etc/ftpgate.env
./lib/
./lib/systemd/
./lib/systemd/system/
./lib/systemd/system/ftpgate.service
./usr/
./usr/bin/
./usr/bin/ftpgate
./usr/share/
./usr/share/doc/
./usr/share/doc/ftpgate/
./usr/share/doc/ftpgate/changelog.gz
./usr/share/doc/ftpgate/copyright'

# inspect ARCH FILE_SAYS DEPENDS: checks target/deb/ftpgate_VERSION_ARCH.deb.
inspect() {
	local arch=$1 says=$2 depends=$3 deb info contents desc field script
	deb=$DEBS/ftpgate_${version}_$arch.deb
	[[ -s $deb ]] || die "$deb was not built"
	info=$(dpkg-deb --info "$deb")
	for field in "Package: ftpgate" "Version: $version" "Architecture: $arch" \
		"Section: net" "Priority: optional"; do
		grep -qx " $field" <<<"$info" || die "$deb: no '$field' in its control file"
	done
	if [[ -n $depends ]]; then
		grep -qx " Depends: $depends" <<<"$info" || die "$deb: Depends is not '$depends': $info"
	elif grep -q '^ Depends:' <<<"$info"; then
		die "$deb: a static binary depends on nothing: $info"
	fi
	for script in postinst prerm postrm; do
		grep -qE "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$script " <<<"$info" || die "$deb: no executable $script"
	done
	[[ $(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles) == /etc/ftpgate.env ]] ||
		die "$deb: /etc/ftpgate.env is not its one conffile"

	contents=$(dpkg-deb --contents "$deb")
	[[ $(awk '{print $6}' <<<"$contents") == "$want_paths" ]] ||
		die "$deb: unexpected file list: $contents"
	awk '$2 != "root/root" { bad = 1 } END { exit bad }' <<<"$contents" || die "$deb: not all owned by root"
	grep -qE '^-rwxr-xr-x root/root +[0-9]+ .* \./usr/bin/ftpgate$' <<<"$contents" ||
		die "$deb: /usr/bin/ftpgate is not mode 755"
	if awk '$1 ~ /^d/ && $1 != "drwxr-xr-x" || $1 ~ /^-/ && $6 != "./usr/bin/ftpgate" && $1 != "-rw-r--r--"' \
		<<<"$contents" | grep .; then
		die "$deb: directories must be mode 755, files other than the binary 644"
	fi

	mkdir "$work/$arch"
	dpkg-deb -x "$deb" "$work/$arch"
	desc=$(file -b "$work/$arch/usr/bin/ftpgate")
	[[ $desc == *"$says"* ]] || die "$deb: the binary is not $says: $desc"
	[[ $desc == *"stripped"* && $desc != *"not stripped"* ]] || die "$deb: the binary is not stripped"
	grep -qx 'ExecStart=/usr/bin/ftpgate' "$work/$arch/lib/systemd/system/ftpgate.service" ||
		die "$deb: the unit does not start /usr/bin/ftpgate"
	say "$deb: $(stat -c %s "$deb") bytes, $arch, ${depends:-no Depends}; $desc"
}
inspect arm64 "ARM aarch64" ""
inspect armhf "ARM, EABI5" "libc6 (>= 2.34), libgcc-s1"
inspect amd64 "x86-64" ""

# --- 2. maintainer scripts under a stand-in systemd -----------------------------
fake=$work/fake-systemd
mkdir -p "$fake/bin"
dpkg-deb -e "$DEBS/ftpgate_${version}_amd64.deb" "$fake/DEBIAN"
cat >"$fake/bin/systemctl" <<'EOF'
#!/bin/sh
# Notes its arguments; the unit counts as enabled while the file "enabled" exists.
dir=${0%/bin/systemctl}
echo "$*" >>"$dir/calls"
[ "$1" != is-enabled ] || [ -e "$dir/enabled" ]
EOF
chmod 755 "$fake/bin/systemctl"
# under_systemd WANT SCRIPT ARGS...: runs DEBIAN/SCRIPT; its systemctl calls, joined by ';', must be WANT.
under_systemd() {
	local want=$1 script=$2 got
	shift 2
	: >"$fake/calls"
	# shellcheck disable=SC2016 # for the inner shell
	unshare --mount sh -c 'mount -t tmpfs none /run && mkdir -p /run/systemd/system &&
		script=$1 && shift && PATH="$0/bin:$PATH" exec "$0/DEBIAN/$script" "$@"' "$fake" "$script" "$@" ||
		die "$script $*: failed under a running systemd"
	got=$(paste -sd';' "$fake/calls")
	[[ $got == "$want" ]] || die "$script $*, systemd running: systemctl calls '$got', not '$want'"
}
under_systemd 'daemon-reload;enable --now ftpgate.service' postinst configure
touch "$fake/enabled"
under_systemd 'daemon-reload;is-enabled --quiet ftpgate.service;restart ftpgate.service' postinst configure 0.0.1
rm "$fake/enabled"
under_systemd 'daemon-reload;is-enabled --quiet ftpgate.service' postinst configure 0.0.1
under_systemd 'stop ftpgate.service' prerm remove
under_systemd '' prerm upgrade "$version"
under_systemd 'daemon-reload' postrm remove
say "maintainer scripts under a running systemd: install enables and starts, upgrade restarts if enabled, remove stops"

# --- 3. install the amd64 package for real --------------------------------------
if [[ -z ${FTPGATE_TEST_SERVERS:-} ]]; then
	# shellcheck source=.ci/ftp-servers.sh
	source .ci/ftp-servers.sh
	ftp_servers_start
	servers_started=1
fi
smoke_init

# Whatever is named ftpgate where a package or systemd puts files, before and
# after: a purge must restore this list exactly.
snapshot() {
	find /etc /lib/systemd /usr/bin /usr/share/doc /var/lib -xdev -name '*ftpgate*' 2>/dev/null | sort
}
snapshot >"$work/before"
deb=$DEBS/ftpgate_${version}_amd64.deb
say "dpkg -i $deb"
installed=1
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || {
	cat "$work/dpkg.log" >&2
	die "dpkg -i failed"
}
sed 's/^/    /' "$work/dpkg.log" >&2
[[ $(dpkg-query -W -f='${Status} ${Version}' ftpgate) == "install ok installed $version" ]] ||
	die "dpkg-query: $(dpkg-query -W -f='${Status} ${Version}' ftpgate)"
dpkg --verify ftpgate || die "dpkg --verify ftpgate: files differ from the package's md5sums"
[[ $(stat -c '%a %U:%G' /usr/bin/ftpgate) == "755 root:root" ]] || die "/usr/bin/ftpgate: $(stat -c '%a %U:%G' /usr/bin/ftpgate)"
unit=/lib/systemd/system/ftpgate.service
[[ -f $unit && -f /etc/ftpgate.env && -f /usr/share/doc/ftpgate/copyright ]] || die "files missing after dpkg -i"
dpkg-query -W -f='${Conffiles}' ftpgate | grep -q '^ /etc/ftpgate.env [0-9a-f]\{32\}$' ||
	die "/etc/ftpgate.env is not a conffile: $(dpkg-query -W -f='${Conffiles}' ftpgate)"
# Without a running systemd, postinst enables the unit offline (for the next boot).
[[ $(readlink "$WANTS_LINK") == "$unit" ]] || die "postinst did not enable the unit ($WANTS_LINK)"
systemd-analyze verify "$unit" || die "systemd-analyze verify $unit"

exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[[ $exec_start == /usr/bin/ftpgate ]] || die "the installed unit's ExecStart is $exec_start"
# An edited setting, kept by dpkg -r below; it allows the FTP server of the test.
printf 'FTPGATE_FTP_ALLOW=127.0.0.1\n' >>/etc/ftpgate.env
# The unit's state directory (%S/ftpgate), the dynamic user's here nobody's.
state=$(mktemp -d)
chown nobody:nogroup "$state"

# as_unit ARGS...: $exec_start started as the unit would start it. Only ever run
# in a subshell (smoke runs it in $(...) and with &): it execs.
as_unit() {
	local -a envs=()
	# Environment= lines first, then the EnvironmentFile (which wins, as in systemd).
	mapfile -t envs < <(sed -n 's/^Environment=//p' "$unit" | sed "s|%S/ftpgate|$state|")
	mapfile -t -O "${#envs[@]}" envs < <(grep -E '^[A-Z_][A-Z0-9_]*=' /etc/ftpgate.env || true)
	if [[ ${envs[*]} == *%* ]]; then die "a unit specifier this test does not know: ${envs[*]}"; fi
	# smoke's FTPGATE_LISTEN (a free loopback port) and FTPGATE_LOG, last.
	[[ -z ${FTPGATE_LISTEN:-} ]] || envs+=("FTPGATE_LISTEN=$FTPGATE_LISTEN")
	[[ -z ${FTPGATE_LOG:-} ]] || envs+=("FTPGATE_LOG=$FTPGATE_LOG")
	exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${envs[@]}" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups --no-new-privs "$exec_start" "$@"
}

smoke installed-amd64-package as_unit

# --- 4. remove, purge -----------------------------------------------------------
# The state directory as systemd's DynamicUser makes it, for purge to delete
# (/var/lib/private itself is systemd's, for every such unit: it stays).
made_state=1
install -d -m 700 /var/lib/private /var/lib/private/ftpgate
touch /var/lib/private/ftpgate/https-cert.pem
ln -sfn private/ftpgate /var/lib/ftpgate

say "dpkg -r ftpgate"
dpkg -r ftpgate >"$work/dpkg.log" 2>&1 || {
	cat "$work/dpkg.log" >&2
	die "dpkg -r failed"
}
[[ $(dpkg-query -W -f='${Status}' ftpgate) == "deinstall ok config-files" ]] ||
	die "after dpkg -r: $(dpkg-query -W -f='${Status}' ftpgate)"
for f in /usr/bin/ftpgate "$unit" /usr/share/doc/ftpgate; do
	[[ ! -e $f ]] || die "$f is still there after dpkg -r"
done
grep -qx 'FTPGATE_FTP_ALLOW=127.0.0.1' /etc/ftpgate.env || die "dpkg -r did not keep the edited /etc/ftpgate.env"

say "dpkg -P ftpgate"
dpkg -P ftpgate >"$work/dpkg.log" 2>&1 || {
	cat "$work/dpkg.log" >&2
	die "dpkg -P failed"
}
installed=0
if dpkg-query -W -f='${Status}' ftpgate 2>/dev/null | grep -qv 'not-installed'; then
	die "after dpkg -P: $(dpkg-query -W -f='${Status}' ftpgate)"
fi
snapshot | diff "$work/before" - >&2 || die "dpkg -P left behind (>) or took away (<) the files above"
say "installed, ran as the unit would (user nobody), removed, purged: nothing left"

# --- 5. the ARM packages' binaries under qemu-user -----------------------------
smoke arm64-package qemu-aarch64-static "$work/arm64/usr/bin/ftpgate"
smoke armhf-package qemu-arm-static -L "$ARMHF_ROOT" "$work/armhf/usr/bin/ftpgate"
say "packages ok (total $((SECONDS - STARTED))s)"
