#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# stock-image.sh - variant "a" of the end-to-end boots (#14, `make e2e`):
# Debian's stock initramfs-tools image, built inside the rootfs.sh chroot
# with its own configuration (MODULES=most, the default) by `mkinitramfs -o
# /tmp/... KVER`, copied to OUT; the kernel /boot/vmlinuz-KVER is copied
# beside it as OUT's directory/vmlinuz-KVER. Prints KVER on stdout; needs
# root (chroot). /proc, /sys and /dev are bound into the root for the build
# and always unmounted again. CONFDIR (a directory inside the root, given to
# mkinitramfs -d; default /etc/initramfs-tools) lets another variant build
# from its own copy of the configuration and hooks, the stock one untouched.
# usage: stock-image.sh ROOTFS OUT [CONFDIR]
set -eu
[ $# -eq 2 ] || [ $# -eq 3 ] || { sed -n '3,13p' "$0" >&2; exit 2; }
root=$1 out=$2 confdir=${3:-/etc/initramfs-tools}
PATH=$PATH:/usr/sbin:/sbin
die() { echo "stock-image: error: $*" >&2; exit 1; }
[ -f "$root/.e2e-ready" ] || die "$root is no finished rootfs (run rootfs.sh first)"
kver=$(sed -n 's/^kver=//p' "$root/.e2e-ready")
[ -f "$root/boot/vmlinuz-$kver" ] || die "no /boot/vmlinuz-$kver in $root"
[ -d "$root$confdir" ] || die "no $confdir in $root"
[ "$(id -u)" = 0 ] || die "needs root (chroot)"

mkdir -p "$(dirname "$out")"
mounted=""
cleanup() {
	for m in $mounted; do umount "$root/$m" 2> /dev/null || umount -l "$root/$m" 2> /dev/null || true; done
	mounted=""
}
tmp=/tmp/e2e-stock.$$
trap 'cleanup; rm -rf "$root$tmp"' EXIT
trap 'exit 130' INT TERM HUP
mount -t proc proc "$root/proc" && mounted="proc $mounted"
mount -t sysfs sysfs "$root/sys" && mounted="sys $mounted"
mount --bind /dev "$root/dev" && mounted="dev $mounted"

chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
	mkinitramfs -d "$confdir" -o "$tmp" "$kver" > "$out.log" 2>&1 ||
	die "mkinitramfs failed (see $out.log)"
cleanup
mv "$root$tmp" "$out.new"
mv "$out.new" "$out"
cp "$root/boot/vmlinuz-$kver" "$(dirname "$out")/vmlinuz-$kver"
echo "$kver"
