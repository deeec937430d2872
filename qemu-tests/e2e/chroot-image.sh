#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# chroot-image.sh - an end-to-end boot's initramfs (`make e2e`), built
# inside the rootfs.sh chroot by the generator a Debian user runs there,
# with the root's own configuration and hooks, and copied to OUT:
#   mkinitramfs [CONFDIR]  initramfs-tools' `mkinitramfs -d CONFDIR -o ... KVER`
#                          (CONFDIR a directory inside the root, default
#                          /etc/initramfs-tools: MODULES=most, the default)
#   dracut [ARG...]        `dracut --force --no-hostonly ARG... --kver KVER ...`
#                          (systemd mode when the root has systemd; shell
#                          mode with --omit "systemd systemd-initrd
#                          dracut-systemd")
# The kernel /boot/vmlinuz-KVER is copied beside OUT as vmlinuz-KVER. Prints
# KVER on stdout; the generator's output goes to OUT.log. Needs root
# (chroot-run.sh binds /proc, /sys and /dev in for the build and always
# unmounts them again); the temporary image never stays in the root.
# usage: chroot-image.sh ROOT OUT mkinitramfs [CONFDIR]
#        chroot-image.sh ROOT OUT dracut [ARG...]
set -eu
[ $# -ge 3 ] || { sed -n '3,19p' "$0" >&2; exit 2; }
root=$1 out=$2 tool=$3
shift 3
PATH=$PATH:/usr/sbin:/sbin
die() { echo "chroot-image: error: $*" >&2; exit 1; }
[ -f "$root/.e2e-ready" ] || die "$root is no finished rootfs (run rootfs.sh first)"
kver=$(sed -n 's/^kver=//p' "$root/.e2e-ready")
[ -f "$root/boot/vmlinuz-$kver" ] || die "no /boot/vmlinuz-$kver in $root"
case $tool in
mkinitramfs) confdir=${1:-/etc/initramfs-tools}
	[ -d "$root$confdir" ] || die "no $confdir in $root"
	set -- mkinitramfs -d "$confdir" -o @OUT@ "$kver" ;;
dracut) set -- dracut --force --no-hostonly "$@" --kver "$kver" @OUT@ ;;
*) die "unknown generator $tool (mkinitramfs or dracut)" ;;
esac
[ "$(id -u)" = 0 ] || die "needs root (chroot)"

mkdir -p "$(dirname "$out")"
tmp=/tmp/e2e-image.$$
trap 'rm -rf "$root$tmp"' EXIT
trap 'exit 130' INT TERM HUP

for a; do	# the temporary image's name where @OUT@ stands
	shift
	[ "$a" = @OUT@ ] && a=$tmp
	set -- "$@" "$a"
done
sh "$(dirname "$0")/chroot-run.sh" "$root" "$@" > "$out.log" 2>&1 ||
	die "$tool failed (see $out.log)"
mv "$root$tmp" "$out.new"
mv "$out.new" "$out"
cp "$root/boot/vmlinuz-$kver" "$(dirname "$out")/vmlinuz-$kver"
echo "$kver"
