#!/bin/sh
# fetch-kernel.sh - a Debian kernel's module tree, ready for kmod and initmod:
# apt-get download PKG (kept in $CACHE/debs), dpkg-deb -x into DEST, depmod -b.
# A second call with the same arguments returns at once.
# usage: fetch-kernel.sh PKG DEST        prints the kernel version (KVER)
set -eu
pkg=$1 dest=$2
cache=${CACHE:-$(cd "$(dirname "$0")/../.." && pwd)/.cache}
say() { echo "fetch: $*" >&2; }

if [ -f "$dest/.ready" ]; then
	cat "$dest/.ready"
	exit 0
fi
mkdir -p "$cache/debs"
deb=$(ls "$cache/debs/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
	say "downloading $pkg"
	(cd "$cache/debs" && apt-get download -q "$pkg" > /dev/null 2>&1) || {
		say "apt-get download $pkg failed (run apt-get update?)"
		exit 1
	}
	deb=$(ls "$cache/debs/${pkg}_"*.deb | head -n 1)
fi
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
say "extracting $(basename "$deb")"
dpkg-deb -x "$deb" "$dest.tmp"
# merged-/usr packages may ship usr/lib/modules; depmod -b wants lib/modules
if [ ! -d "$dest.tmp/lib/modules" ] && [ -d "$dest.tmp/usr/lib/modules" ]; then
	mkdir -p "$dest.tmp/lib"
	mv "$dest.tmp/usr/lib/modules" "$dest.tmp/lib/modules"
fi
kver=$(ls "$dest.tmp/lib/modules" | head -n 1)
[ -n "$kver" ] || { say "no lib/modules in $deb"; exit 1; }
say "depmod -b for $kver ($(find "$dest.tmp/lib/modules/$kver" -name '*.ko*' | wc -l) modules)"
depmod -b "$dest.tmp" "$kver"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "$kver" > "$dest/.ready"
echo "$kver"
