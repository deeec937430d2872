#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# chroot-run.sh - run one command inside an end-to-end root (rootfs.sh's
# tree, a copy of it, or an overlay on it) as a Debian user's root shell
# would: /proc, /sys and /dev bound in for the command and always
# unmounted again, a clean environment (PATH, LC_ALL, no debconf prompts).
# /var/tmp, where mkinitramfs, dracut and mktirfs stage an image's files,
# is a tmpfs for the command (its contents hidden meanwhile, never
# touched): thousands of module files copied and removed per image need
# no disk. Exits with the command's status.
# usage: chroot-run.sh ROOT COMMAND [ARG...]
set -eu
[ $# -ge 2 ] || { sed -n '3,8p' "$0" >&2; exit 2; }
root=$1
shift
[ "$(id -u)" = 0 ] || { echo "chroot-run: needs root (chroot)" >&2; exit 1; }
[ -d "$root/proc" ] && [ -d "$root/sys" ] && [ -d "$root/dev" ] ||
	{ echo "chroot-run: $root is no root filesystem" >&2; exit 1; }
mounted=""
cleanup() {
	for m in $mounted; do umount "$root/$m" 2> /dev/null || umount -l "$root/$m" 2> /dev/null || true; done
	mounted=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mount -t proc proc "$root/proc" && mounted="proc $mounted"
mount -t sysfs sysfs "$root/sys" && mounted="sys $mounted"
mount --bind /dev "$root/dev" && mounted="dev $mounted"
if [ -d "$root/var/tmp" ] && [ ! -L "$root/var/tmp" ]; then
	mount -t tmpfs -o mode=1777,size=4g e2e-tmp "$root/var/tmp" && mounted="var/tmp $mounted"
fi
set +e
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
	DEBIAN_FRONTEND=noninteractive "$@"
rc=$?
cleanup
exit $rc
