#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# rootfs.sh - the Debian 12 root filesystem of the end-to-end boots
# (`make e2e`): debootstrap --variant=minbase bookworm, then, inside the
# chroot, Debian's 6.12 kernel (from bookworm-security), initramfs-tools,
# dracut-core, systemd, udev, kmod, e2fsprogs, busybox and zstd (what an
# installed Debian 12 compresses its initramfs with), tiny-initramfs-core
# (mktirfs, variant t's generator; it lives beside initramfs-tools and
# does nothing until run), xz-utils (priority standard: on any installed
# Debian 12; initmod's package recommends it), without recommends,
# documentation or manual pages; initramfs-tools is told the root is ext4
# (conf.d FSTYPE=ext4: in a chroot its fsck hook cannot see the root, on
# an installed machine it would, and puts fsck.ext4 in the image). Built once into CACHE/e2e/rootfs;
# CACHE/e2e/rootfs/.e2e-ready (written last) holds this script's hash and the
# kernel version, and a changed script builds it again. The marker init
# (qemu-tests/e2e/e2e-init) is not put in here: lib.sh's e2e_disk copies it
# at disk-image time. Needs root (debootstrap, chroot). Prints the rootfs
# directory on stdout; progress goes to stderr as "rootfs: ..." lines.
# usage: rootfs.sh CACHE
# environment: E2E_MIRROR (http://deb.debian.org/debian), E2E_SECURITY
# (http://deb.debian.org/debian-security), E2E_KPKG (the kernel package)
set -eu
[ $# -eq 1 ] || { sed -n '3,19p' "$0" >&2; exit 2; }
cache=$1
mirror=${E2E_MIRROR:-http://deb.debian.org/debian}
security=${E2E_SECURITY:-http://deb.debian.org/debian-security}
kpkg=${E2E_KPKG:-linux-image-6.12.117+deb12-amd64}
PACKAGES="$kpkg initramfs-tools udev kmod systemd dracut-core e2fsprogs busybox zstd
	tiny-initramfs-core xz-utils"
PATH=$PATH:/usr/sbin:/sbin
say() { echo "rootfs: $*" >&2; }
die() { say "error: $*"; exit 1; }

mkdir -p "$cache/e2e"
cache=$(cd "$cache" && pwd)
out=$cache/e2e/rootfs
hash=$(cat "$0" | sha256sum | cut -c1-16)
if [ -f "$out/.e2e-ready" ] && grep -q "^hash=$hash\$" "$out/.e2e-ready"; then
	echo "$out"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "needs root (debootstrap and chroot)"
command -v debootstrap > /dev/null || die "debootstrap missing (apt-get install debootstrap)"

new=$cache/e2e/rootfs.new
mounted=""
cleanup() {
	for m in $mounted; do umount "$new/$m" 2> /dev/null || umount -l "$new/$m" 2> /dev/null || true; done
	mounted=""
}
trap 'cleanup' EXIT
trap 'cleanup; exit 130' INT TERM HUP
# a half-built tree from an interrupted run: nothing may still be mounted there
for m in dev/pts dev sys proc; do
	! mountpoint -q "$new/$m" 2> /dev/null || umount -l "$new/$m"
done
rm -rf --one-file-system "$new"
mkdir -p "$new"

t0=$(date +%s)
say "debootstrap minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$new" "$mirror" > "$cache/e2e/debootstrap.log" 2>&1 ||
	die "debootstrap failed (see $cache/e2e/debootstrap.log)"
say "debootstrap took $(( $(date +%s) - t0 )) s"

# lean: no documentation, manual pages or translations for what comes next
mkdir -p "$new/etc/dpkg/dpkg.cfg.d" "$new/etc/apt/apt.conf.d"
cat > "$new/etc/dpkg/dpkg.cfg.d/01-e2e-nodoc" << 'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
path-exclude=/usr/share/lintian/*
EOF
cat > "$new/etc/apt/apt.conf.d/01-e2e" << 'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
cat > "$new/etc/apt/sources.list" << EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
# no daemons started inside the chroot
printf '#!/bin/sh\nexit 101\n' > "$new/usr/sbin/policy-rc.d"
chmod 755 "$new/usr/sbin/policy-rc.d"
# the root is found by its label in the boots' fstab (root= names it by UUID)
printf 'LABEL=e2eroot / ext4 errors=remount-ro 0 1\n' > "$new/etc/fstab"
echo e2e > "$new/etc/hostname"
mkdir -p "$new/etc/initramfs-tools/conf.d"
printf '# the root is ext4 (the fsck hook cannot tell in a chroot)\nFSTYPE=ext4\n' \
	> "$new/etc/initramfs-tools/conf.d/e2e-fstype"

mount -t proc proc "$new/proc" && mounted="proc $mounted"
mount -t sysfs sysfs "$new/sys" && mounted="sys $mounted"
mount --bind /dev "$new/dev" && mounted="dev $mounted"
mount --bind /dev/pts "$new/dev/pts" && mounted="dev/pts $mounted"
# INITRD=No: the kernel's postinst builds no initramfs (each boot brings its own)
in_root() { chroot "$new" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive INITRD=No \
	LC_ALL=C.UTF-8 "$@"; }

t1=$(date +%s)
say "apt-get install $(echo $PACKAGES)"
{
	in_root apt-get update -q &&
	in_root apt-get install -y -q --no-install-recommends $PACKAGES
} > "$cache/e2e/apt.log" 2>&1 || die "apt-get in the chroot failed (see $cache/e2e/apt.log)"
say "packages took $(( $(date +%s) - t1 )) s"
in_root test -x /usr/bin/dracut || die "dracut-core installed no /usr/bin/dracut"
kver=$(ls "$new/lib/modules" | head -n 1)
[ -f "$new/boot/vmlinuz-$kver" ] || die "no /boot/vmlinuz-$kver in the root"
in_root dpkg-query -W -f '${Package} ${Version}\n' $PACKAGES > "$cache/e2e/packages.txt"
cleanup

# what apt kept is not needed in the image
rm -f "$new/boot/initrd.img-"* "$new/boot/initrd.img" "$new/boot/initrd.img.old"
rm -rf "$new/var/cache/apt/archives/"*.deb "$new/var/lib/apt/lists/"*_* \
	"$new/var/cache/apt/"*.bin "$new/usr/share/doc/"*/changelog* "$new/usr/share/man/"*
rm -f "$new/usr/sbin/policy-rc.d"

printf 'hash=%s\nkver=%s\n' "$hash" "$kver" > "$new/.e2e-ready"
rm -rf --one-file-system "$out"
mv "$new" "$out"
say "built $out: kernel $kver, $(du -sm "$out" | cut -f1) MB, $(( $(date +%s) - t0 )) s"
echo "$out"
