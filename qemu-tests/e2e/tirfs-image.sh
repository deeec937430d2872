#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tirfs-image.sh - variant t's image (`make e2e`, bench-e2e): Debian 12's
# tiny-initramfs (tiny-initramfs-core, installed in the rootfs.sh root),
# built by its own tool in a chroot of an overlay on ROOT, as its
# documentation says for a root its automatic detection cannot see:
# `mktirfs -m no -M no --include-modules=MODULE,... KVER` (mktirfs adds
# what modprobe --show-depends lists for them, and virtio_pci for
# virtio_blk). Its best case, as its users must give it: Debian 12's
# mktirfs copies each module file as it is and its init calls
# finit_module without MODULE_INIT_COMPRESSED_FILE, so it cannot load the
# kernel's .ko.xz; the modules it copies are decompressed in the overlay
# (and depmod run there) first. ROOT itself is never written. The
# overlay is unmounted and removed whatever happens; mktirfs's output goes
# to OUT.log.
# usage: tirfs-image.sh ROOT OUT MODULE...
set -eu
[ $# -ge 3 ] || { sed -n '3,16p' "$0" >&2; exit 2; }
root=$1 out=$2
shift 2
PATH=$PATH:/usr/sbin:/sbin
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "tirfs-image: error: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (overlay, chroot)"
[ -f "$root/.e2e-ready" ] || die "$root is no finished rootfs (run rootfs.sh first)"
[ -x "$root/usr/sbin/mktirfs" ] || die "no mktirfs in $root (tiny-initramfs-core)"
kver=$(sed -n 's/^kver=//p' "$root/.e2e-ready")
for m; do
	case $m in *[!a-z0-9_-]*|'') die "not a module name: '$m'" ;; esac
done

tmp=$(mktemp -d /tmp/e2e-tirfs.XXXXXX)
mnt=$tmp/mnt
cleanup() {
	umount "$mnt" 2> /dev/null || umount -l "$mnt" 2> /dev/null || true
	# only what this script made: a directory of mktemp's, the mount gone
	if ! grep -q " $mnt " /proc/self/mounts; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mkdir "$tmp/upper" "$tmp/work" "$mnt"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$tmp/upper,workdir=$tmp/work" "$mnt" ||
	die "cannot mount an overlay on $root"
run() { sh "$here/chroot-run.sh" "$mnt" "$@"; }

{
	# what mktirfs will copy: its own query (process_modules), with the
	# modules it adds itself
	files=$(run modprobe --all --ignore-install --set-version="$kver" --quiet --show-depends \
		"$@" virtio_pci virtio_mmio crc32c | awk '$1 == "insmod" && !seen[$2]++ { print $2 }') &&
	[ -n "$files" ] &&
	for f in $files; do
		case $f in
		*.ko.xz) xz -d "$mnt$f" ;;
		*.ko.zst) zstd -q -d --rm "$mnt$f" ;;
		*.ko.gz) gzip -d "$mnt$f" ;;
		esac || { echo "tirfs-image: cannot decompress $f"; exit 1; }
	done &&
	run depmod "$kver" &&
	run mktirfs -o /tmp/tirfs.img -m no -M no \
		--include-modules="$(echo "$@" | tr ' ' ,)" "$kver" &&
	echo "tirfs-image: modules:" && gzip -dc < "$mnt/tmp/tirfs.img" 2> /dev/null |
		cpio -i --to-stdout --quiet modules 2> /dev/null
} > "$out.log" 2>&1 || die "mktirfs failed (see $out.log)"
mkdir -p "$(dirname "$out")"
cp "$mnt/tmp/tirfs.img" "$out.new"
mv "$out.new" "$out"
echo "$kver"
