#!/usr/bin/env bash
# contrib/deb/build.sh — Debian packages of ftpgate, with dpkg-deb alone.
#
#   bash contrib/deb/build.sh [arm64|armhf|amd64 ...]     (default: all three)
#
# For each architecture: `cargo build --release --locked --target TRIPLE` (a
# no-op when the binary is up to date; the cross tools as in README, "Install
# on a Raspberry Pi / router"), then target/deb/ftpgate_VERSION_ARCH.deb:
#
#   arm64  aarch64-unknown-linux-musl      static: depends on nothing
#   armhf  armv7-unknown-linux-gnueabihf   glibc: Depends from its ELF version needs
#   amd64  x86_64-unknown-linux-musl       static
#
# Contents: /usr/bin/ftpgate; /lib/systemd/system/ftpgate.service
# (contrib/ftpgate.service with ExecStart=/usr/bin/ftpgate); /etc/ftpgate.env
# (contrib/ftpgate.env, a conffile); copyright and changelog in
# /usr/share/doc/ftpgate; postinst, prerm and postrm from this directory (a
# first install enables and starts the service, a purge leaves nothing).
# Needs cargo, dpkg-deb, readelf (binutils) and gzip.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
here=contrib/deb
out=${CARGO_TARGET_DIR:-target}/deb
maintainer=${FTPGATE_DEB_MAINTAINER:-ftpgate maintainers <maintainers@ftpgate.invalid>}

die() {
	echo "deb: $*" >&2
	exit 1
}

triple_of() {
	case $1 in
	arm64) echo aarch64-unknown-linux-musl ;;
	armhf) echo armv7-unknown-linux-gnueabihf ;;
	amd64) echo x86_64-unknown-linux-musl ;;
	*) die "unknown architecture $1 (arm64, armhf or amd64)" ;;
	esac
}

version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
[[ -n $version ]] || die "no version in Cargo.toml"
# Reproducible: dpkg-deb clamps the files' times to this, the changelog is
# dated by it. Not exported: the cc crate rebuilds ring, and so the 70 s of
# ftpgate's release build, when SOURCE_DATE_EPOCH changes.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
commit=$(git describe --always --dirty 2>/dev/null || echo "no git")

# depends BIN: the Depends line for BIN's shared libraries (none when static).
depends() {
	local bin=$1 lib glibc
	local -a deps=()
	for lib in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		case $lib in
		libc.so.6 | libm.so.6 | libpthread.so.0 | libdl.so.2 | librt.so.1 | ld-linux*)
			# The newest glibc symbol version it needs is the oldest libc6 it runs on.
			glibc=$(readelf -V "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -n 1)
			deps+=("libc6 (>= ${glibc#GLIBC_})")
			;;
		# Every libgcc-s1 (gcc 10 and later) has the GCC_3.0 to 4.3 symbols Rust uses.
		libgcc_s.so.1) deps+=(libgcc-s1) ;;
		*) die "$bin needs $lib: which Debian package has it?" ;;
		esac
	done
	((${#deps[@]})) || return 0
	printf '%s\n' "${deps[@]}" | sort -u | paste -sd, | sed 's/,/, /g'
}

# package ARCH: target/deb/ftpgate_$version_ARCH.deb from TRIPLE's release build.
package() {
	local arch=$1 triple bin root deps deb
	triple=$(triple_of "$arch")
	cargo build --release --locked --target "$triple"
	bin=${CARGO_TARGET_DIR:-target}/$triple/release/ftpgate
	# The release profile strips (Cargo.toml); a symbol table means it did not.
	if readelf -S "$bin" | grep -q '\.symtab'; then die "$bin is not stripped"; fi

	root=$(mktemp -d)
	install -D -m 755 "$bin" "$root/usr/bin/ftpgate"
	# The unit without its header, which tells how to install it by hand.
	{
		printf '# ftpgate as a systemd service, from the ftpgate package: settings in\n'
		printf '# /etc/ftpgate.env, local changes with `systemctl edit ftpgate`.\n\n'
		sed -e '1,/^$/d' -e 's|^ExecStart=/usr/local/bin/ftpgate$|ExecStart=/usr/bin/ftpgate|' \
			contrib/ftpgate.service
	} >"$root/unit"
	grep -qx 'ExecStart=/usr/bin/ftpgate' "$root/unit" || die "no ExecStart=/usr/local/bin/ftpgate in contrib/ftpgate.service"
	grep -qx 'EnvironmentFile=-/etc/ftpgate.env' "$root/unit" || die "the unit reads no /etc/ftpgate.env"
	install -D -m 644 "$root/unit" "$root/lib/systemd/system/ftpgate.service"
	rm "$root/unit"
	install -D -m 644 contrib/ftpgate.env "$root/etc/ftpgate.env"

	local doc=$root/usr/share/doc/ftpgate
	install -d -m 755 "$doc"
	{
		cat "$here/copyright"
		cargo tree --locked -e normal,no-proc-macro --target "$triple" --prefix none --format '  {p}: {l}' |
			sed 's/ (\*)$//' | grep -v '^  ftpgate ' | sort -u
		if [[ $triple == *-musl ]]; then printf '\nand musl libc (MIT), linked in statically.\n'; fi
	} >"$doc/copyright"
	printf 'ftpgate (%s) unstable; urgency=medium\n\n  * Built from git %s.\n\n -- %s  %s\n' \
		"$version" "$commit" "$maintainer" "$(date -R -u -d "@$epoch")" |
		gzip -9n >"$doc/changelog.gz"
	chmod 644 "$doc"/*

	install -d -m 755 "$root/DEBIAN"
	deps=$(depends "$bin")
	{
		printf 'Package: ftpgate\nVersion: %s\nArchitecture: %s\n' "$version" "$arch"
		printf 'Maintainer: %s\n' "$maintainer"
		printf 'Installed-Size: %s\n' "$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)"
		if [[ -n $deps ]]; then printf 'Depends: %s\n' "$deps"; fi
		printf 'Section: net\nPriority: optional\n'
		printf 'Description: web FTP client for the LAN, in one small binary\n'
		printf ' Browse to the device, log in to any FTP server with host, user and\n'
		printf ' password, then browse, download, upload, rename and delete through\n'
		printf ' plain web forms. Runs as a systemd service under a dynamic,\n'
		printf ' unprivileged user; listens on port 8080 (settings: /etc/ftpgate.env).\n'
	} >"$root/DEBIAN/control"
	echo /etc/ftpgate.env >"$root/DEBIAN/conffiles"
	(cd "$root" && find usr lib -type f -exec md5sum {} + | sort -k 2) >"$root/DEBIAN/md5sums"
	chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
	install -m 755 "$here/postinst" "$here/prerm" "$here/postrm" "$root/DEBIAN/"
	chmod 755 "$root"

	mkdir -p "$out"
	deb=$out/ftpgate_${version}_$arch.deb
	SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
	rm -rf -- "$root"
	echo "$deb: $(stat -c %s "$deb") bytes${deps:+ (Depends: $deps)}"
}

arches=("$@")
((${#arches[@]})) || arches=(arm64 armhf amd64)
for a in "${arches[@]}"; do triple_of "$a" >/dev/null; done
for a in "${arches[@]}"; do package "$a"; done
