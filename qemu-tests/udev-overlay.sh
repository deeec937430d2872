#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# udev-overlay.sh - a cpio archive holding Debian 12's systemd-udevd and
# udevadm (package udev, fetched into the cache), its rules and helpers,
# the shared libraries they need (from this Debian 12 host) and the peer's
# init script; appended to an initmod image, the kernel unpacks both.
# usage: udev-overlay.sh CACHE OUT.cpio
set -eu
cache=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
debs=$cache/debs
mkdir -p "$debs"
root=$cache/udev-root
if [ ! -x "$root/bin/udevadm" ]; then
	(cd "$debs" && ls udev_*.deb > /dev/null 2>&1 || apt-get download -q udev > /dev/null 2>&1) ||
		{ echo "udev-overlay: apt-get download udev failed" >&2; exit 1; }
	rm -rf "$root" && mkdir -p "$root"
	dpkg-deb -x "$(ls "$debs"/udev_*.deb | tail -n 1)" "$root"
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib/systemd" "$stage/lib/udev" "$stage/etc/udev" "$stage/run"
cp -a "$root/bin/udevadm" "$stage/bin/"
ln -s /bin/udevadm "$stage/lib/systemd/systemd-udevd"
cp -a "$root/lib/udev/." "$stage/lib/udev/"
rm -rf "$stage/lib/udev/hwdb.d"	# sources only; udevd reads hwdb.bin, absent here as in an initramfs
cp -a "$root/etc/udev/udev.conf" "$stage/etc/udev/"
cp "$here/guest/udev-init" "$stage/bin/udev-init"
# every ELF's shared libraries, from this host, at the paths ldd names
for f in "$stage/bin/udevadm" $(file "$stage"/lib/udev/* | sed -n 's/: *ELF.*//p'); do
	ldd "$f" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'
done | sort -u | while read -r lib; do
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
done
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out"
