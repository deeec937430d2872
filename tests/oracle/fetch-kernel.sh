#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# fetch-kernel.sh - a Debian kernel's module tree, ready for kmod and initmod:
# apt-get download PKG (kept in $CACHE/debs), dpkg-deb -x into DEST, depmod -b.
#
# usage: fetch-kernel.sh PKG DEST
#   PKG   a Debian binary package holding lib/modules/KVER, e.g.
#         linux-image-6.12.117+deb12-amd64-unsigned (4230 .ko.xz) or
#         linux-image-6.1.0-56-amd64-unsigned (4023 .ko)
#   DEST  the root directory to make: modules end up in DEST/lib/modules/KVER
#         (the convention is $CACHE/kernels/<name>; tests.mk uses
#         $CACHE/kernels/6.12 and $CACHE/kernels/6.1)
#   CACHE (environment) defaults to the repository's .cache directory; the
#         .deb is kept in $CACHE/debs and reused when present.
#
# Prints the kernel version (KVER) on stdout and writes it to DEST/.ready; a
# second call finds DEST/.ready and returns at once. Progress goes to stderr
# as "fetch: ..." lines. Needs apt-get (after apt-get update), dpkg-deb and
# kmod's depmod (Debian package kmod).
set -eu
[ $# -eq 2 ] || { sed -n '2,18p' "$0" >&2; exit 2; }
pkg=$1 dest=$2
cache=${CACHE:-$(cd "$(dirname "$0")/../.." && pwd)/.cache}
say() { echo "fetch: $*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -s "$dest/.ready" ]; then
	cat "$dest/.ready"
	exit 0
fi
for t in apt-get dpkg-deb depmod; do
	command -v $t > /dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
	command -v $t > /dev/null 2>&1 ||
		die "$t not found (apt-get install kmod dpkg apt)"
done

# 1. the .deb: reuse one already in $cache/debs, else download it into a
# private directory first so an interrupted download never looks complete
mkdir -p "$cache/debs"
find_deb() { ls "$cache/debs/${pkg}_"*.deb 2> /dev/null | head -n 1 || true; }
deb=$(find_deb)
if [ -n "$deb" ] && ! dpkg-deb --info "$deb" > /dev/null 2>&1; then
	say "$(basename "$deb") is damaged, downloading it again"
	rm -f "$deb"
	deb=""
fi
if [ -z "$deb" ]; then
	say "apt-get download $pkg"
	dl=$cache/debs/.dl.$$
	rm -rf "$dl"; mkdir -p "$dl"
	if ! (cd "$dl" && apt-get download -q "$pkg" > "$dl/log" 2>&1); then
		sed 's/^/fetch:   /' "$dl/log" >&2
		rm -rf "$dl"
		die "apt-get download $pkg failed (apt-get update first? is the version still in the archive?)"
	fi
	mv "$dl"/*.deb "$cache/debs/"
	rm -rf "$dl"
	deb=$(find_deb)
	[ -n "$deb" ] || die "apt-get download left no ${pkg}_*.deb"
fi
say "using $deb ($(du -h "$deb" | cut -f1))"

# 2. extract into a private directory, renamed to DEST at the end
tmp=$dest.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
say "dpkg-deb -x $(basename "$deb") $dest"
dpkg-deb -x "$deb" "$tmp"

# Debian 12's kernel packages ship lib/modules/KVER; a merged-/usr package
# ships usr/lib/modules/KVER instead. depmod -b and modprobe -d look in
# ROOT/lib/modules, so move the tree there and leave a symlink behind.
if [ -d "$tmp/usr/lib/modules" ] && [ ! -L "$tmp/usr/lib/modules" ]; then
	if [ -d "$tmp/lib/modules" ]; then
		die "$deb ships both lib/modules and usr/lib/modules"
	fi
	say "package uses usr/lib/modules: moved to lib/modules (symlink left)"
	mkdir -p "$tmp/lib"
	mv "$tmp/usr/lib/modules" "$tmp/lib/modules"
	ln -s ../../lib/modules "$tmp/usr/lib/modules"
fi
[ -d "$tmp/lib/modules" ] || die "no lib/modules nor usr/lib/modules in $deb"
[ "$(ls "$tmp/lib/modules" | wc -l)" -eq 1 ] ||
	die "expected one kernel version in $deb, found: $(ls "$tmp/lib/modules" | tr '\n' ' ')"
kver=$(ls "$tmp/lib/modules")
mdir=$tmp/lib/modules/$kver

# the package's own builtin lists: depmod makes modules.builtin.bin from
# modules.builtin and modules.builtin.alias.bin from modules.builtin.modinfo
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -s "$mdir/$f" ] || die "$deb has no $f for $kver"
done
nmod=$(find "$mdir" -name '*.ko*' | wc -l)
kinds=$(find "$mdir" -name '*.ko*' | sed 's/.*\(\.ko[^/]*\)$/\1/' | sort | uniq -c |
	awk '{ printf "%s%d %s", sep, $1, $2; sep = ", " }')
say "$kver: $nmod modules ($kinds), $(wc -l < "$mdir/modules.builtin") builtin"

# 3. depmod, hermetic: an empty configuration directory instead of the host's
# /etc/depmod.d and friends (Debian ships none, but another host may)
mkdir -p "$tmp/.depmod.d"
say "depmod -b $dest $kver"
depmod -C "$tmp/.depmod.d" -b "$tmp" "$kver"
rmdir "$tmp/.depmod.d"
for f in modules.dep modules.dep.bin modules.alias modules.alias.bin \
	modules.symbols modules.symbols.bin modules.softdep modules.devname \
	modules.builtin.bin modules.builtin.alias.bin; do
	[ -e "$mdir/$f" ] || die "depmod did not write $f"
done
ndep=$(wc -l < "$mdir/modules.dep")
[ "$ndep" -eq "$nmod" ] || die "modules.dep has $ndep lines for $nmod modules"

echo "$kver" > "$tmp/.ready"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
say "ready: $dest/lib/modules/$kver"
echo "$kver"
