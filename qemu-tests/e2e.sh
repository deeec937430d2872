#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# e2e.sh - `make e2e` (#14): a Debian 12 machine under QEMU (TCG, -cpu max,
# 2 vCPU, 2 GiB) boots Debian's 6.12 kernel from a real Debian root
# filesystem (qemu-tests/e2e/rootfs.sh, cached in CACHE/e2e) through an
# initramfs, on four disk attachments: virtio-blk, AHCI SATA, NVMe and USB
# storage behind xHCI. The root's init is the marker init
# (qemu-tests/e2e/e2e-init), which says when it ran, what / is and which
# modules were loaded. Variants (E2E_VARIANTS, default all there are):
#   a  Debian's stock initramfs-tools image (the baseline)
# Each variant V has image_V OUT (builds its image, cached by a stamp) and
# append_V (its extra kernel command line); adding one is adding the two
# functions and its letter to VARIANTS. Prints one "ok NAME" / "FAIL NAME"
# line per case, the time each root's init ran, and "e2e: N passed, N
# failed"; exits non-zero on a failure. Needs root (chroot).
# usage: e2e.sh CACHE BUILD
# environment: E2E_VARIANTS ("a"), E2E_TYPES ("virtio ahci nvme usb"),
# E2E_TIMEOUT (300 s a boot)
set -eu
[ $# -eq 2 ] || { sed -n '3,18p' "$0" >&2; exit 2; }
cache=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
E2E_LIB=$here/e2e/lib.sh
# shellcheck source=qemu-tests/e2e/lib.sh
. "$E2E_LIB"
VARIANTS=${E2E_VARIANTS:-a}
TYPES=${E2E_TYPES:-virtio ahci nvme usb}
bound=${E2E_TIMEOUT:-300}
mkdir -p "$cache/e2e" "$build/e2e"
cache=$(cd "$cache" && pwd)
work=$(cd "$build/e2e" && pwd)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"; }
check() { name=$1; shift; if "$@" > /dev/null 2>&1; then ok "$name"; else bad "$name"; fi; }
finish() { echo "e2e: $pass passed, $fail failed"; [ $fail -eq 0 ]; exit $?; }
hash() { cat "$@" | sha256sum | cut -c1-16; }
t0=$(date +%s)

# the root filesystem (once; minutes) and its disk image (when it changed)
if ! root=$(sh "$here/e2e/rootfs.sh" "$cache"); then
	bad rootfs_built "see $cache/e2e/*.log"
	finish
fi
kver=$(sed -n 's/^kver=//p' "$root/.e2e-ready")
img=$cache/e2e/root.img
if e2e_disk "$root" "$img"; then ok disk_built; else bad disk_built; finish; fi
echo "   rootfs and disk ready after $(( $(date +%s) - t0 )) s (kernel $kver)"

# stamp_ok OUT INPUT-FILE...: OUT is there and was built from these inputs
# and this rootfs; stamp_set OUT INPUT-FILE... records that it was
stamp() { echo "$(cat "$root/.e2e-ready") $(hash "$@")"; }
stamp_ok() { o=$1; shift; [ -f "$o" ] && [ "$(cat "$o.stamp" 2> /dev/null)" = "$(stamp "$@")" ]; }
stamp_set() { o=$1; shift; stamp "$@" > "$o.stamp"; }

# a: Debian's stock initramfs-tools image, MODULES=most
image_a() {
	stamp_ok "$1" "$here/e2e/stock-image.sh" && return 0
	sh "$here/e2e/stock-image.sh" "$root" "$1" > /dev/null || return 1
	stamp_set "$1" "$here/e2e/stock-image.sh"
}
append_a() { :; }

kernel=$work/vmlinuz-$kver
cmp -s "$root/boot/vmlinuz-$kver" "$kernel" 2> /dev/null || cp "$root/boot/vmlinuz-$kver" "$kernel"
for v in $VARIANTS; do
	vimg=$work/$v.initrd
	tb=$(date +%s)
	if image_$v "$vimg"; then
		ok "$v.image_built"
	else
		bad "$v.image_built" "see $vimg.log"
		continue
	fi
	echo "   $v: image $(( $(du -k "$vimg" | cut -f1) / 1024 )) MB, $(( $(date +%s) - tb )) s to build or check"
	for t in $TYPES; do
		log=$work/$v.$t.log
		tb=$(date +%s)
		if e2e_boot "$t" "$kernel" "$vimg" "$img" "$log" \
			"root=UUID=$E2E_UUID ro init=/sbin/e2e-init $(append_$v)" "$bound"; then
			ok "$v.$t.reached_root"
			dev=$(e2e_dev "$t")
			check "$v.$t.root_is_the_disk" grep -q "E2E-MOUNT $dev ext4 ro" "$log"
			echo "   $v.$t: root's init at $(e2e_reached "$log") s after kernel start" \
				"(initramfs /init at $(e2e_ktime "$log" 'Run /init as init process') s," \
				"root mounted at $(e2e_ktime "$log" "EXT4-fs \\(${dev#/dev/}\\): mounted") s)," \
				"$(e2e_mods "$log" | wc -l) modules loaded; $(( $(date +%s) - tb )) s wall"
		else
			bad "$v.$t.reached_root" "see $log"
		fi
	done
done
echo "   e2e took $(( $(date +%s) - t0 )) s"
finish
