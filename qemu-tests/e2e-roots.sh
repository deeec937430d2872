#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# e2e-roots.sh - `make e2e-roots`: the roots Debian users run, each booted
# end to end under QEMU (TCG, q35, 2 vCPU, 2 GiB, lib.sh's e2e_boot) by
# Debian's 6.12 kernel on virtio-blk, to the marker init (e2e-init):
#   part            ext4 on a GPT partition, root=UUID=
#   lvm             LVM, root=/dev/mapper/e2e--vg-root
#   luks-keyfile    LUKS2 holding LVM, unlocked by a key file in the image
#   raid1           mdadm RAID1 over two disks
#   raid1-degraded  the same with the second disk missing (bootdegraded=true)
#   btrfs           btrfs subvolume @ (rootflags=subvol=@)
#   xfs             XFS
#   resume          a swap partition named by resume=UUID=
# The disks and both images come from e2e/roots.sh (built in a guest,
# cached in CACHE/e2e/roots). Variants (lib.sh's table): a, the stock
# initramfs-tools image; b, the image the trigger of initmod's package
# built. Each boot checks the root was reached (ok a.virtio.lvm) on the
# right device, read-only (.root_device: the mapper or md device where
# there is one) and what the stack shows (.stack: dm_mod, dm_crypt, both
# or one of the mirrors, the subvolume; resume has none); b also that
# initmod loaded the disk's driver, reported no failure, and loaded nothing
# twice. Prints one "ok" / "FAIL" line per case, each layout's build time
# and each boot's, and "e2e-roots: N passed, N failed". Needs root.
# usage: e2e-roots.sh CACHE BUILD
# environment: ROOTS (the roots above), E2E_VARIANTS ("a b"), E2E_TIMEOUT
# (300 s a boot), E2E_VERBOSE (initmod.verbose=, 1)
# shellcheck disable=SC2154 # ev_append, ev_checks: lib.sh's e2e_variant sets them
set -eu
[ $# -eq 2 ] || { sed -n '3,26p' "$0" >&2; exit 2; }
cache=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
E2E_LIB=$here/e2e/lib.sh
# shellcheck source=qemu-tests/e2e/lib.sh
. "$E2E_LIB"
# shellcheck source=tests/harness.sh
. "$here/../tests/harness.sh"
ROOTS=${ROOTS:-part lvm luks-keyfile raid1 raid1-degraded btrfs xfs resume}
VARIANTS=${E2E_VARIANTS:-a b}
bound=${E2E_TIMEOUT:-300}
mkdir -p "$cache/e2e" "$build/e2e-roots"
work=$(cd "$build/e2e-roots" && pwd)
t0=$(date +%s)

# root ROOT: its layout (roots.sh), disks, command line, the device /
# must be mounted from (an ERE for E2E-MOUNT) and what its stack shows in
# the log (an ERE, or nothing)
root() {
	r_disks=1 r_append="" r_stack=""
	case $1 in
	part) r_layout=part r_mount='/dev/vda1 ext4' ;;
	lvm) r_layout=lvm r_mount='/dev/mapper/e2e--vg-root ext4' r_stack='E2E-MOD dm_mod$' ;;
	luks-keyfile) r_layout=luks-keyfile r_mount='/dev/mapper/e2e--vg-root ext4' r_stack='E2E-MOD dm_crypt$' ;;
	raid1) r_layout=raid1 r_disks=2 r_mount='/dev/md[0-9a-z_/]+ ext4'
		r_stack='md/raid1:md[0-9]+: active with 2 out of 2 mirrors' ;;
	raid1-degraded) r_layout=raid1 r_mount='/dev/md[0-9a-z_/]+ ext4' r_append=bootdegraded=true
		r_stack='md/raid1:md[0-9]+: active with 1 out of 2 mirrors' ;;
	btrfs) r_layout=btrfs r_mount='/dev/vda1 btrfs' r_stack='E2E-MOUNT /dev/vda1 btrfs ro,.*subvol=/@$' ;;
	xfs) r_layout=xfs r_mount='/dev/vda1 xfs' ;;
	resume) r_layout=resume r_mount='/dev/vda2 ext4' ;;
	*) return 1 ;;
	esac
}

deb=
for f in "$build"/deb/initmod_*_amd64.deb; do [ -f "$f" ] && deb=$f; done
[ -n "$deb" ] || { bad deb_built "no initmod .deb in $build/deb (make deb)"; finish e2e-roots; }

# the layouts, each built once (roots.sh caches them)
layouts=""
for r in $ROOTS; do
	root "$r" || { bad "$r.known" "no root $r"; continue; }
	case " $layouts " in *" $r_layout "*) ;; *) layouts="$layouts $r_layout" ;; esac
done
built=""
for l in $layouts; do
	tb=$(date +%s)
	if d=$(sh "$here/e2e/roots.sh" "$cache" "$deb" "$l" 2> "$work/$l.build.err"); then
		ok "roots.$l.built"
		built="$built $l"
		# build.time: "guest S" (layout, copy, images there), "host a S", "host b S"
		echo "   $l: built in $(awk '{ printf "%s%s s", (NR > 1 ? ", " : ""), $0 }' "$d/build.time")" \
			"($(( $(date +%s) - tb )) s now$(grep -v ": $l: built (" "$work/$l.build.err" | grep -q . || echo ", cached"))"
	else
		bad "roots.$l.built" "$(tail -n 1 "$work/$l.build.err")"
	fi
done
kernel=$(find "$cache/e2e/roots" -maxdepth 1 -name 'vmlinuz-*' | head -n 1)

for r in $ROOTS; do
	root "$r" || continue
	case " $built " in *" $r_layout "*) ;; *) continue ;; esac
	d=$cache/e2e/roots/$r_layout
	extra=""
	[ "$r_disks" = 2 ] && extra="-drive if=none,id=root2,file=$d/disk1.img,format=raw,snapshot=on -device virtio-blk-pci,drive=root2"
	for v in $VARIANTS; do
		# its row of lib.sh's table: ev_append, ev_checks
		e2e_variant "$v" || { bad "$v.known" "no variant $v in lib.sh"; continue; }
		[ -f "$d/$v.initrd" ] || { bad "$v.virtio.$r" "no image $v for $r_layout"; continue; }
		n=$v.virtio.$r log=$work/$n.log
		tb=$(date +%s)
		if E2E_QEMU_EXTRA=$extra e2e_boot virtio "$kernel" "$d/$v.initrd" "$d/disk0.img" "$log" \
			"$(cat "$d/cmdline") ro init=/sbin/e2e-init $r_append $ev_append" "$bound"; then
			ok "$n"
		else
			bad "$n" "see $log"
			continue
		fi
		check "$n.root_device" grep -Eq "E2E-MOUNT $r_mount ro(,|\$)" "$log"
		[ -z "$r_stack" ] || check "$n.stack" grep -Eq "$r_stack" "$log"
		case " $ev_checks " in *" initmod "*)
			check "$n.initmod_loaded_the_disk_driver" grep -q "initmod: virtio_blk: loaded in " "$log"
			check "$n.initmod_no_failure" \
				grep -Eq "initmod: [0-9]+ loaded, [0-9]+ already present, 0 failed, 0 skipped" "$log"
			check "$n.nothing_loaded_twice" sh -c "sed -n 's/^initmod: \([^ :]*\): loaded in .*/\1/p' '$log' |
				sort | uniq -d | grep -q . && exit 1 || exit 0"
		esac
		echo "   $n: root's init at $(e2e_reached "$log") s after kernel start" \
			"(initramfs /init at $(e2e_ktime "$log" 'Run /init as init process') s)," \
			"$(e2e_mods "$log" | wc -l) modules loaded; $(( $(date +%s) - tb )) s wall"
	done
done
echo "   e2e-roots took $(( $(date +%s) - t0 )) s"
finish e2e-roots
