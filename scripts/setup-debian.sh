#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# setup-debian.sh - install what initmod's build, tests and benchmarks need on
# a fresh Debian 12 (run as root). Idempotent: a second run only checks.
# usage: setup-debian.sh [EXTRA-PACKAGE...]
set -eu

PACKAGES="make gcc libc6-dev musl-tools dpkg-dev kmod xz-utils zstd gzip cpio file
	valgrind libzstd-dev liblzma-dev zlib1g-dev libkmod-dev ca-certificates
	qemu-system-x86 busybox-static clang libclang-rt-14-dev e2fsprogs fdisk debootstrap
	man-db groff-base debhelper lintian git $*"

say() { echo "setup: $*"; }

enable_deb_src() {
	f=/etc/apt/sources.list.d/debian.sources
	if [ -f "$f" ]; then
		if grep -q '^Types: deb$' "$f"; then
			sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
			say "enabled deb-src in $f"
			return 0
		fi
		return 1
	fi
	f=/etc/apt/sources.list
	if [ -f "$f" ] && ! grep -q '^deb-src ' "$f"; then
		sed -n 's/^deb \(.*\)/deb-src \1/p' "$f" >> "$f"
		say "enabled deb-src in $f"
		return 0
	fi
	return 1
}

if [ "$(id -u)" != 0 ]; then
	say "run me as root (apt-get is needed)" >&2
	exit 1
fi
updated=no
if enable_deb_src; then
	apt-get update -q > /dev/null
	updated=yes
fi
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ $updated = yes ] || apt-get update -q > /dev/null
	say "installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing > /dev/null
fi
# apt-get source needs the source lists too; make sure they are there
if ! apt-cache showsrc zlib > /dev/null 2>&1 || [ -z "$(apt-cache showsrc zlib 2>/dev/null)" ]; then
	apt-get update -q > /dev/null
fi
say "ok"
