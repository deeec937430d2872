#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# e2e.sh - `make e2e`: a Debian 12 machine under QEMU (TCG, -cpu max,
# 2 vCPU, 2 GiB) boots Debian's 6.12 kernel from a real Debian root
# filesystem (qemu-tests/e2e/rootfs.sh, cached in CACHE/e2e) through an
# initramfs, on four disk attachments: virtio-blk, AHCI SATA, NVMe and USB
# storage behind xHCI. The root's init is the marker init
# (qemu-tests/e2e/e2e-init), which says when it ran, what / is and which
# modules were loaded. Variants (E2E_VARIANTS, default all there are; the
# table in qemu-tests/e2e/lib.sh):
#   a   Debian's stock initramfs-tools image (the baseline)
#   b   the same generator with initmod's Debian package installed
#       (dpkg -i of make deb's .deb; its trigger builds the image: the hook
#       and init-top script run initmod --boot before udev)
#   c   dracut with initmod's module, systemd mode (the root has systemd)
#   cs  the same in dracut's shell mode (--omit the systemd modules)
#   d   initmod's own image, `initmod-mkinitramfs --hostonly` run on each
#       machine itself (booted through a, e2e/e2e-hostonly), root=UUID=
#   t   Debian 12's tiny-initramfs, mktirfs's image (e2e/tirfs-image.sh:
#       the disk's driver and ext4 listed, decompressed), one per attachment
# b, c, cs and d use a copy of the cached root with the package installed
# (built from the committed HEAD: commit first); every variant boots the
# disk made from that copy. p: after dpkg --purge initmod (in an overlay),
# the trigger's image is the stock one again, and it boots. Bad input: root= naming a disk that
# never appears (d: ends with initmod's message, never hangs) and a typo in
# rd.driver.pre= (b, d: still boot, the typo an error in the kernel log);
# blacklist= in (b). Where initmod runs, the root reads its records back
# from the kernel log (dmesg in e2e-init): the summary, no error.
# Then the roots Debian users run (e2e/roots-cases.sh, each through a, b,
# x, c and d where it can, on one attachment; E2E_ROOTS_TYPES for more):
# part, lvm, luks-keyfile, luks-passphrase, luks-usbkbd, raid1,
# raid1-degraded, btrfs, xfs, resume.
# A variant is a row of lib.sh's table: the root its image is built from,
# the generator and its arguments, what its boots must show and its part of
# the kernel command line; adding one is adding a row. Prints one "ok NAME"
# / "FAIL NAME" line per case, the time each root's init ran, and "e2e: N
# passed, N failed"; exits non-zero on a failure. Needs root (chroot).
# usage: e2e.sh CACHE BUILD
# environment: E2E_VARIANTS (lib.sh's table: "a b c cs d x xs t bf"), E2E_TYPES ("virtio ahci nvme
# usb"), E2E_ONE_TYPE (variants booted on the first type only: "cs xs bf";
# empty: none), E2E_TIMEOUT (300 s a boot), E2E_VERBOSE (initmod.verbose=, 1),
# E2E_ROOTS, E2E_ROOTS_VARIANTS, E2E_ROOTS_TYPES (roots-cases.sh)
# shellcheck disable=SC2317 # (the functions run through check are reached)
set -eu
[ $# -eq 2 ] || { sed -n '3,38p' "$0" >&2; exit 2; }
cache=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
E2E_LIB=$here/e2e/lib.sh
# shellcheck source=qemu-tests/e2e/lib.sh
. "$E2E_LIB"
# shellcheck source=tests/harness.sh
. "$here/../tests/harness.sh"
# shellcheck source=qemu-tests/e2e/roots-cases.sh
. "$here/e2e/roots-cases.sh"
VARIANTS=${E2E_VARIANTS:-$(e2e_variants)}
TYPES=${E2E_TYPES:-virtio ahci nvme usb}
# variants that differ from another only in the generator's mode or one
# setting: on the first attachment only (make e2e-full: E2E_ONE_TYPE= )
ONE_TYPE=${E2E_ONE_TYPE-cs xs bf}
bound=${E2E_TIMEOUT:-300}
mkdir -p "$cache/e2e" "$build/e2e"
cache=$(cd "$cache" && pwd)
work=$(cd "$build/e2e" && pwd)
hash() { cat "$@" | sha256sum | cut -c1-16; }
t0=$(date +%s)

# the root filesystem (once; minutes) and its disk image (when it changed)
if ! root=$(sh "$here/e2e/rootfs.sh" "$cache"); then
	bad rootfs_built "see $cache/e2e/*.log"
	finish e2e
fi
kver=$(sed -n 's/^kver=//p' "$root/.e2e-ready")

# the root with initmod installed as a Debian user installs it: the stock
# image first (update-initramfs -c, as on any installed system), then the
# package (make deb) with dpkg -i, whose trigger rebuilds
# /boot/initrd.img-KVER with initmod's hook: variant b's image. A full
# copy of the cached root (dpkg and update-initramfs write into it).
imroot=$work/root-initmod
deb=
for f in "$build"/deb/initmod_*_amd64.deb; do [ -f "$f" ] && deb=$f; done
run_in() { sh "$here/e2e/chroot-run.sh" "$@"; }
install_initmod() {
	[ -f "$deb" ] || { echo "no initmod .deb in $build/deb (make deb)" > "$work/install.log"; return 1; }
	st="$(cat "$root/.e2e-ready") $(hash "$deb" "$here/e2e/e2e-hostonly" "$here/e2e/chroot-run.sh")"
	[ -f "$imroot/.e2e-ready" ] && [ "$(cat "$imroot.stamp" 2> /dev/null)" = "$st" ] && return 0
	rm -rf "$imroot" "$imroot.stamp"
	cp -a --reflink=auto "$root" "$imroot"
	cp "$deb" "$imroot/tmp/initmod.deb"
	{
		run_in "$imroot" update-initramfs -c -k "$kver" &&
		run_in "$imroot" dpkg -i /tmp/initmod.deb
	} > "$work/install.log" 2>&1 || return 1
	rm -f "$imroot/tmp/initmod.deb"
	install -m 755 "$here/e2e/e2e-hostonly" "$imroot/sbin/e2e-hostonly"
	rm -f "$imroot/.e2e-ready"
	{ cat "$root/.e2e-ready"; echo "initmod=$(echo "$st" | hash)"; } > "$imroot/.e2e-ready"
	echo "$st" > "$imroot.stamp"
}
if install_initmod; then ok initmod_installed; else bad initmod_installed "see $work/install.log"; finish e2e; fi
img=$work/root.img
if e2e_disk "$imroot" "$img"; then ok disk_built; else bad disk_built; finish e2e; fi
echo "   rootfs and disk ready after $(( $(date +%s) - t0 )) s (kernel $kver)"

# stamp_ok OUT KEY INPUT-FILE...: OUT is there and was built the way KEY
# says from these inputs and this rootfs; stamp_set OUT KEY INPUT-FILE...
# records that it was
stamp() { k=$1; shift; echo "$(cat "$root/.e2e-ready") $k $(hash "$@")"; }
stamp_ok() { o=$1; shift; [ -f "$o" ] && [ "$(cat "$o.stamp" 2> /dev/null)" = "$(stamp "$@")" ]; }
stamp_set() { o=$1; shift; stamp "$@" > "$o.stamp"; }

# image V OUT: variant V's image, made as its row of lib.sh's table says
# (root, generator, arguments); what is built here is cached by a stamp
image() {
	im_v=$1 im_out=$2
	e2e_variant "$im_v" || { echo "e2e: no variant $im_v in qemu-tests/e2e/lib.sh" > "$im_out.log"; return 1; }
	im_key="$ev_gen $ev_args"
	case $ev_root in
	stock) im_root=$root ;;
	initmod) im_root=$imroot ;;
	*) echo "e2e: variant $im_v: no root $ev_root" > "$im_out.log"; return 1 ;;
	esac
	eval "set -- $ev_args"	# the generator's arguments
	case $ev_gen in
	mkinitramfs|dracut)	# run in the root by chroot-image.sh
		stamp_ok "$im_out" "$im_key" "$here/e2e/chroot-image.sh" "$im_root/.e2e-ready" && return 0
		sh "$here/e2e/chroot-image.sh" "$im_root" "$im_out" "$ev_gen" "$@" > /dev/null || return 1
		stamp_set "$im_out" "$im_key" "$here/e2e/chroot-image.sh" "$im_root/.e2e-ready" ;;
	trigger)	# the package's trigger built it in the root (install_initmod)
		[ -s "$im_root/boot/initrd.img-$kver" ] || return 1
		cp "$im_root/boot/initrd.img-$kver" "$im_out"
		run_in "$im_root" lsinitramfs "/boot/initrd.img-$kver" > "$im_out.list" 2> /dev/null ;;
	hostonly)	# through the image of the variant named first
		hostonly "$1" "$im_out" "$im_root" ;;
	tirfs)	# tiny-initramfs, one image per attachment
		tirfs "$im_out" "$im_root" ;;
	*)
		echo "e2e: variant $im_v: no generator $ev_gen" > "$im_out.log"
		return 1 ;;
	esac
}

# hostonly BASE OUT ROOT: initmod's own image, built on each machine by
# `initmod-mkinitramfs --hostonly` (a boot of ROOT's disk through variant
# BASE's image with init=/sbin/e2e-hostonly, which writes the image to a
# second disk): OUT.TYPE for each type, OUT lists them
hostonly() {
	ho_base=$work/$1.initrd ho_out=$2 ho_root=$3
	[ -f "$ho_base" ] || image "$1" "$ho_base" || return 1
	for t in $TYPES; do
		o=${ho_out%.initrd}.$t.initrd
		stamp_ok "$o" "hostonly $1" "$ho_base" "$ho_root/.e2e-ready" && continue
		e2e_hostonly "$t" "$kernel" "$ho_base" "$img" "$o.log" \
			"root=UUID=$E2E_UUID ro init=/sbin/e2e-hostonly quiet" "$bound" "$o" || return 1
		stamp_set "$o" "hostonly $1" "$ho_base" "$ho_root/.e2e-ready"
	done
	echo "$TYPES" > "$ho_out"
}

# tirfs OUT ROOT: tiny-initramfs's images (tirfs-image.sh), OUT.TYPE for
# each type with e2e_tirfs_modules's list, OUT lists them
tirfs() {
	for t in $TYPES; do
		o=${1%.initrd}.$t.initrd
		mods=$(e2e_tirfs_modules "$t") || return 1
		stamp_ok "$o" "tirfs $mods" "$here/e2e/tirfs-image.sh" "$2/.e2e-ready" && continue
		# shellcheck disable=SC2086 # the module names, a word each
		sh "$here/e2e/tirfs-image.sh" "$2" "$o" $mods > /dev/null 2>> "$1.log" || return 1
		stamp_set "$o" "tirfs $mods" "$here/e2e/tirfs-image.sh" "$2/.e2e-ready"
	done
	echo "$TYPES" > "$1"
}

# boot_main TYPE IMAGE LOG: the matrix's boot of the current row ($v,
# $ev_checks, $ev_append) on attachment TYPE. A stock row's boot (a
# peer's image, nothing of initmod in it) that did not reach the root is
# booted once more, after its console's end is printed: a peer's rare
# hang on a loaded TCG host (a.usb once, in 400 boots) says nothing about
# initmod. initmod's own rows get one boot.
boot_main() {
	bm_cmd="root=UUID=$E2E_UUID ro init=/sbin/e2e-init e2e.udev=1 $ev_append"
	e2e_boot "$1" "$kernel" "$2" "$img" "$3" "$bm_cmd" "$bound" && return 0
	case " $ev_checks " in *" stock "*) ;; *) return 1 ;; esac
	echo "   $v.$1: the stock boot did not reach the root; booted again. Its console's end:"
	bad_tail "$3"
	mv "$3" "$3.first"
	e2e_boot "$1" "$kernel" "$2" "$img" "$3" "$bm_cmd" "$bound"
}

# what the root read back from the kernel log (lib.sh's e2e_kmsg): the
# summary with nothing failed; no error-level record, or one naming WORD;
# nothing of initmod there or on the console at all (the stock images)
kmsg_summary() {
	e2e_kmsg "$1" info |
		grep -Eq "^initmod: [0-9]+ loaded, [0-9]+ already present, 0 failed, 0 skipped"
}
kmsg_no_error() { ! e2e_kmsg "$1" err | grep -q .; }
kmsg_error_names() { e2e_kmsg "$1" err | grep -q "^initmod: error: .*$2"; }
no_initmod() { ! e2e_says "$1" '^initmod: ' && ! e2e_kmsg "$1" | grep -q .; }

# udev: the short replay or not; the root disk's entry and the modules
# after the root's own replay, as the twin's (stock) boot has them
udev_short() { grep -q 'E2E-UDEV-SHORT' "$1"; }
lines() { sed -n "s/.*$2 //p" "$1" | tr -d '\r' | sort -u; }
same_lines() {	# same_lines LOG TWIN_LOG PREFIX: equal and not empty
	lines "$1" "$3" > "$work/same.1" && lines "$2" "$3" > "$work/same.2" &&
		[ -s "$work/same.1" ] && cmp -s "$work/same.1" "$work/same.2" && return 0
	diff "$work/same.2" "$work/same.1" | sed -n 's/^[<>]/     &/p' | head -n 8
	return 1
}

kernel=$work/vmlinuz-$kver
cmp -s "$root/boot/vmlinuz-$kver" "$kernel" 2> /dev/null || cp "$root/boot/vmlinuz-$kver" "$kernel"
for v in $VARIANTS; do
	vimg=$work/$v.initrd
	tb=$(date +%s)
	if image "$v" "$vimg"; then
		ok "$v.image_built"
	else
		bad "$v.image_built" "see $vimg.log"
		continue
	fi
	e2e_variant "$v"	# its row again (an image may be built through another's)
	echo "   $v: image $(( $(du -k "$vimg" | cut -f1) / 1024 )) MB, $(( $(date +%s) - tb )) s to build or check"
	for t in $TYPES; do
		log=$work/$v.$t.log
		case " $ONE_TYPE " in *" $v "*)
			[ "$t" = "${TYPES%% *}" ] || { rm -f "$log"; continue; }
		esac
		tb=$(date +%s)
		timg=$vimg
		[ -f "$work/$v.$t.initrd" ] && timg=$work/$v.$t.initrd
		if boot_main "$t" "$timg" "$log"; then
			ok "$v.$t.reached_root"
			dev=$(e2e_dev "$t")
			check "$v.$t.root_is_the_disk" grep -q "E2E-MOUNT $dev ext4 ro" "$log"
			case " $ev_checks " in *" initmod "*)
				e2e_initmod_checks "$v.$t" "$log" "$t"
			esac
			case " $ev_checks " in *" kmsg "*)	# read back from the real root
				check "$v.$t.kmsg_has_the_summary" kmsg_summary "$log"
				check "$v.$t.kmsg_no_error" kmsg_no_error "$log"
			esac
			case " $ev_checks " in *" stock "*)
				check "$v.$t.no_initmod_anywhere" no_initmod "$log"
			esac
			case " $ev_checks " in *" udev_short "*)
				check "$v.$t.udev_replayed_the_initramfs_devices_only" udev_short "$log"
			esac
			case " $ev_checks " in *" udev_full "*)
				check "$v.$t.udev_replayed_every_device" sh -c "! grep -q E2E-UDEV-SHORT '$log'"
			esac
			check "$v.$t.root_udev_replayed" sh -c "! grep -q E2E-UDEV-ROOT-FAILED '$log'"
			case " $ev_checks " in *" rootfs_by_coldplug "*)	# the root before the rest, its filesystem first
				check "$v.$t.root_fs_module_by_coldplug" e2e_says "$log" "^initmod: ext4: loaded in "
			esac
			case " $ev_checks " in *" rootfs_hint "*)	# the image named it: initmod.rootfs=
				check "$v.$t.root_fs_before_the_disk" e2e_says "$log" \
					"^initmod: coldplug: the root's filesystem \(ext4, from initmod.rootfs=\) loads before"
			esac
			echo "   $v.$t: root's init at $(e2e_reached "$log") s after kernel start" \
				"(initramfs /init at $(e2e_ktime "$log" 'Run /init as init process') s," \
				"root mounted at $(e2e_ktime "$log" "EXT4-fs \\(${dev#/dev/}\\): mounted") s)," \
				"$(e2e_mods "$log" | wc -l) modules loaded; $(( $(date +%s) - tb )) s wall"
		else
			bad "$v.$t.reached_root" "see $log"
		fi
	done
done

# each variant against its stock twin (twin=V), on every attachment both
# booted: the root disk's udev entry as the initramfs left it, and the
# modules once the root's own udev replayed every device
for v in $VARIANTS; do
	e2e_variant "$v" || continue
	for w in $ev_checks; do
		case $w in twin=*) ;; *) continue ;; esac
		tw=${w#twin=}
		for t in $TYPES; do
			log=$work/$v.$t.log twlog=$work/$tw.$t.log
			grep -q E2E-END "$log" 2> /dev/null && grep -q E2E-END "$twlog" 2> /dev/null || continue
			check "$v.$t.udev_entry_as_$tw" same_lines "$log" "$twlog" E2E-UDEVINFO
			check "$v.$t.modules_after_root_udev_as_$tw" same_lines "$log" "$twlog" E2E-MOD-AFTER
		done
	done
done

# bad input: a root that never appears; a typo in rd.driver.pre=
if [ -f "$work/d.virtio.initrd" ]; then
	tb=$(date +%s)
	if e2e_boot virtio "$kernel" "$work/d.virtio.initrd" "$img" "$work/bad-root.d.log" \
		"root=UUID=00000000-0000-4000-8000-00000000dead rootdelay=5 ro init=/sbin/e2e-init" 120; then
		bad d.bad_root.not_reached "a root that is not there was reached?"
	else
		check d.bad_root.named e2e_says "$work/bad-root.d.log" \
			"the root device UUID=00000000-0000-4000-8000-00000000dead did not appear"
		check d.bad_root.block_devices_listed grep -q "vda" "$work/bad-root.d.log"
		# PID 1's error as the kernel printed its record (timestamp first)
		check d.bad_root.in_kernel_log grep -Eq \
			'\[ *[0-9.]+\] initmod: error: the root device UUID=00000000-0000-4000-8000-00000000dead did not appear' \
			"$work/bad-root.d.log"
		check d.bad_root.ended_in_time test $(( $(date +%s) - tb )) -lt 100
	fi
fi
for v in b d; do
	[ -f "$work/$v.initrd" ] || continue
	timg=$work/$v.initrd
	[ -f "$work/$v.virtio.initrd" ] && timg=$work/$v.virtio.initrd
	if e2e_boot virtio "$kernel" "$timg" "$img" "$work/bad-pre.$v.log" \
		"root=UUID=$E2E_UUID ro init=/sbin/e2e-init rd.driver.pre=nosuchmod,virtio_rng initmod.verbose=0" "$bound"; then
		ok "$v.typo_in_rd_driver_pre.still_boots"
		check "$v.typo_in_rd_driver_pre.named" grep -q "nosuchmod" "$work/bad-pre.$v.log"
		check "$v.typo_in_rd_driver_pre.an_error_in_kernel_log" \
			kmsg_error_names "$work/bad-pre.$v.log" nosuchmod
	else
		bad "$v.typo_in_rd_driver_pre.still_boots" "see $work/bad-pre.$v.log"
	fi
done
# initramfs-tools' blacklist= reaches initmod's coldplug (the hook writes it
# into modprobe.d itself: it runs before init-top/blacklist)
if [ -f "$work/b.initrd" ]; then
	if e2e_boot virtio "$kernel" "$work/b.initrd" "$img" "$work/blacklist.b.log" \
		"root=UUID=$E2E_UUID ro init=/sbin/e2e-init blacklist=sr_mod initmod.verbose=0" "$bound"; then
		ok b.blacklist.still_boots
		# the CD-ROM's driver: loaded in b's own virtio boot, not with blacklist=
		check b.blacklist.not_loaded sh -c "grep -q 'E2E-MOD sr_mod\$' '$work/b.virtio.log' &&
			! grep -q 'E2E-MOD sr_mod\$' '$work/blacklist.b.log'"
	else
		bad b.blacklist.still_boots "see $work/blacklist.b.log"
	fi
fi
# the package goes again: dpkg --purge in an overlay on the installed root
# (which stays as it is); its trigger builds the stock image again, which
# boots without initmod
if [ -f "$work/b.initrd" ]; then
	check b.trigger_image_has_initmod sh -c "grep -q 'sbin/initmod\$' '$work/b.initrd.list' &&
		grep -q 'scripts/init-top/initmod\$' '$work/b.initrd.list'"
	pr=$work/purge
	umount "$pr/mnt" 2> /dev/null || true
	rm -rf "$pr" && mkdir -p "$pr/upper" "$pr/ovwork" "$pr/mnt"
	if mount -t overlay overlay -o "lowerdir=$imroot,upperdir=$pr/upper,workdir=$pr/ovwork" "$pr/mnt"; then
		if run_in "$pr/mnt" dpkg --purge initmod > "$work/purge.log" 2>&1 &&
			run_in "$pr/mnt" lsinitramfs "/boot/initrd.img-$kver" > "$work/p.initrd.list" 2>> "$work/purge.log"; then
			ok p.purged
			cp "$pr/mnt/boot/initrd.img-$kver" "$work/p.initrd"
			check p.no_package_file_left sh -c "! ls '$pr/mnt/usr/sbin/initmod' '$pr/mnt/usr/share/initramfs-tools/hooks/initmod' 2> /dev/null | grep -q ."
		else
			bad p.purged "see $work/purge.log"
		fi
		umount "$pr/mnt" || umount -l "$pr/mnt"
	else
		bad p.purged "cannot mount an overlay on $imroot"
	fi
	rm -rf "$pr"
fi
if [ -f "$work/p.initrd" ]; then
	check p.image_is_stock_again sh -c "! grep -q initmod '$work/p.initrd.list'"
	if e2e_boot virtio "$kernel" "$work/p.initrd" "$img" "$work/p.virtio.log" \
		"root=UUID=$E2E_UUID ro init=/sbin/e2e-init initmod.verbose=1" "$bound"; then
		ok p.virtio.reached_root
		check p.virtio.root_is_the_disk grep -q "E2E-MOUNT /dev/vda ext4 ro" "$work/p.virtio.log"
		check p.virtio.initmod_did_not_run sh -c "! grep -q 'initmod: ' '$work/p.virtio.log'"
		check p.virtio.no_initmod_anywhere no_initmod "$work/p.virtio.log"
		echo "   p.virtio: root's init at $(e2e_reached "$work/p.virtio.log") s after kernel start (stock image after dpkg --purge initmod)"
	else
		bad p.virtio.reached_root "see $work/p.virtio.log"
	fi
fi
# the roots Debian users run: LVM, LUKS, RAID1, btrfs, XFS, resume
# (e2e/roots-cases.sh; E2E_ROOTS=none leaves them out)
if [ -n "$deb" ]; then
	roots_cases "$cache" "$work/roots" "$deb"
fi
echo "   e2e took $(( $(date +%s) - t0 )) s"
finish e2e
