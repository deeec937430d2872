#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# roots.sh - the disk images of the roots Debian users run (`make e2e`'s
# roots, e2e-roots.sh): rootfs.sh's Debian root, with the layouts' tools
# (lvm2, cryptsetup-initramfs, mdadm, btrfs-progs, xfsprogs) installed by
# apt-get in a chroot so the generators' hooks include what they need (the
# tools root), copied onto each LAYOUT by roots-build-init as the installer
# would, and each layout's images built from that root with its
# configuration. Layouts:
#   part          ext4 on a GPT partition, root=UUID=
#   lvm           ext4 on LV root of VG e2e-vg, root=/dev/mapper/e2e--vg-root
#   luks-keyfile  LUKS2 holding that LVM; the key file /etc/keys/root.key
#                 goes into the image (crypttab, KEYFILE_PATTERN, UMASK)
#   luks-passphrase  the same, unlocked by a passphrase typed at boot
#                 (crypttab's key "none"; the header has both key slots)
#   raid1         ext4 on mdadm RAID1 (metadata 1.2) over two disks,
#                 mdadm.conf, root=UUID=
#   btrfs         btrfs, the root in subvolume @, rootflags=subvol=@
#   xfs           XFS, root=UUID=
#   resume        a swap partition and an ext4 one, resume=UUID= (and
#                 conf.d/resume, as the installer writes it)
# Where a layout is made: the host's kernel has no device-mapper and no md,
# so lvm, luks-keyfile, luks-passphrase and raid1 are made by a QEMU guest booted from the
# tools root (an ext4 disk, read-only, through its own stock image) with
# init=/sbin/e2e-roots-build; part, btrfs, xfs and resume on the host, on
# loop devices of the partitions, with initmod's package's files unpacked
# (its own image, d, is built on the machine). The disks are partitioned here (sfdisk,
# fixed PARTUUIDs: lib.sh's E2E_ROOTS_PARTUUID is the root's partition). Every
# identifier is fixed, so a layout made again has the same configuration.
# The images are built on the host, in a chroot of an overlay of the tools
# root with the layout's configuration (etc.tar): a, the stock
# initramfs-tools image (update-initramfs -c); b, the one initmod's
# package's trigger builds (dpkg -i on a's overlay). A chroot sees neither
# the root's device nor an open mapping, so it is told what the hooks would
# probe: the fsck hook the root's type (conf.d, FSTYPE=), cryptsetup's hook
# the crypttab entries, by their `initramfs` option (cryptsetup-initramfs's
# own way to include an entry it cannot detect). lvm2's hook takes no
# configuration, mdadm's its mdadm.conf, resume's conf.d/resume.
# All is cached in CACHE/e2e/roots: the tools root, its disk and image
# once, and LAYOUT/ (disk0.img, disk1.img for raid1, a.initrd, b.initrd,
# cmdline: the root's part of the kernel command line, etc.tar, report,
# build.log for a guest, build.time: "host|guest S", "image a S", "image b
# S") made again only when their inputs changed (the stamps: the tools
# root, roots-build-init, e2e-init, the partition table for the disks;
# etc.tar's bytes, and for b initmod.deb, for the images).
# Prints each LAYOUT's directory on stdout; progress goes to stderr as
# "roots: ..." lines. Needs root (chroot, loop devices).
# With --prepare, only what the layouts share (the tools root, the kernel,
# and for a guest layout the builder's disk and image), so that one run per
# layout can go on in parallel after it.
# usage: roots.sh [--prepare] CACHE DEB LAYOUT...
# environment: ROOTS_TIMEOUT (a builder boot's bound, 1800 s), ROOTS_DRACUT
# (1: also x, stock dracut, and c, dracut with initmod's module, built as
# host_dracut says)
set -eu
prepare=""
[ "${1:-}" = --prepare ] && prepare=1 && shift
[ $# -ge 3 ] || { sed -n '3,53p' "$0" >&2; exit 2; }
cache=$1 deb=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
E2E_LIB=$here/lib.sh
# shellcheck source=qemu-tests/e2e/lib.sh
. "$E2E_LIB"
TOOLS="lvm2 cryptsetup-initramfs mdadm btrfs-progs xfsprogs"
say() { echo "roots: $*" >&2; }
die() { say "error: $*"; exit 1; }
hash() { cat "$@" | sha256sum | cut -c1-16; }
[ "$(id -u)" = 0 ] || die "needs root (chroot)"
[ -f "$deb" ] || die "no $deb (make deb)"
# where LAYOUT is made
place() {
	case $1 in
	part|btrfs|xfs|resume) echo host ;;
	lvm|luks-keyfile|luks-passphrase|raid1) echo guest ;;
	*) return 1 ;;
	esac
}
for l; do
	place "$l" > /dev/null || die "unknown layout $l"
done

root=$(sh "$here/rootfs.sh" "$cache")
cache=$(cd "$cache" && pwd)
dir=$cache/e2e/roots
mkdir -p "$dir"
kver=$(sed -n 's/^kver=//p' "$root/.e2e-ready")
loops="" mnts=""
cleanup() {
	for m in $mnts; do umount "$m" 2> /dev/null || umount -l "$m" 2> /dev/null || true; done
	for l in $loops; do losetup -d "$l" 2> /dev/null || true; done
	mnts="" loops=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# the tools root: rootfs.sh's tree and the layouts' tools, as apt installs
# them on a Debian machine (their initramfs-tools hooks included)
base=$dir/tools-root
st="$(cat "$root/.e2e-ready") tools=$TOOLS $(hash "$here/chroot-run.sh")"
if [ ! -f "$base/.e2e-ready" ] || [ "$(cat "$base.stamp" 2> /dev/null)" != "$st" ]; then
	tb=$(date +%s)
	say "tools root: apt-get install $TOOLS"
	rm -rf --one-file-system "$base" "$base.stamp" "$base.new"
	cp -a --reflink=auto "$root" "$base.new"
	printf '#!/bin/sh\nexit 101\n' > "$base.new/usr/sbin/policy-rc.d"
	chmod 755 "$base.new/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2086 # TOOLS: a list of package names
	{
		sh "$here/chroot-run.sh" "$base.new" apt-get update -q &&
		sh "$here/chroot-run.sh" "$base.new" apt-get install -y -q --no-install-recommends $TOOLS
	} > "$dir/tools-apt.log" 2>&1 || die "apt-get in the tools root failed (see $dir/tools-apt.log)"
	# shellcheck disable=SC2086
	sh "$here/chroot-run.sh" "$base.new" dpkg-query -W -f '${Package} ${Version}\n' $TOOLS > "$dir/tools.txt"
	rm -f "$base.new/usr/sbin/policy-rc.d" "$base.new/boot/initrd.img-"*
	rm -rf "$base.new/var/cache/apt/archives/"*.deb "$base.new/var/lib/apt/lists/"*_* \
		"$base.new/var/cache/apt/"*.bin
	{ cat "$root/.e2e-ready"; echo "tools=$(echo "$st" | hash)"; } > "$base.new/.e2e-ready"
	mv "$base.new" "$base"
	echo "$st" > "$base.stamp"
	say "tools root built in $(( $(date +%s) - tb )) s, $(du -sm "$base" | cut -f1) MB"
fi
kernel=$dir/vmlinuz-$kver
if [ -n "$prepare" ] || ! cmp -s "$base/boot/vmlinuz-$kver" "$kernel"; then
	cp "$base/boot/vmlinuz-$kver" "$kernel.$$" && mv "$kernel.$$" "$kernel"
fi

# the guest builder's disk (E2E_UUID, which no target carries) and its
# stock image, made when a guest layout needs them
src=$dir/tools.img binit=$dir/tools.initrd
guest_ready() {
	gr_st="$(cat "$base/.e2e-ready") $(hash "$here/roots-build-init")"
	if [ ! -f "$src" ] || [ "$(cat "$src.stamp" 2> /dev/null)" != "$gr_st" ]; then
		install -m 755 "$here/roots-build-init" "$base/sbin/e2e-roots-build"
		gr_mb=$(du -sm "$base" | cut -f1)
		rm -f "$src" "$src.stamp"
		truncate -s "$(( gr_mb + gr_mb / 5 + 64 ))M" "$src.new"
		mkfs.ext4 -q -F -L e2etools -U "$E2E_UUID" -d "$base" "$src.new" ||
			die "mkfs.ext4 of the tools disk failed"
		mv "$src.new" "$src"
		echo "$gr_st" > "$src.stamp"
	fi
	gr_st=$(cat "$base/.e2e-ready")
	if [ ! -f "$binit" ] || [ "$(cat "$binit.stamp" 2> /dev/null)" != "$gr_st" ]; then
		say "tools root's stock image (mkinitramfs)"
		sh "$here/chroot-image.sh" "$base" "$binit" mkinitramfs > /dev/null ||
			die "the tools root's image failed (see $binit.log)"
		echo "$gr_st" > "$binit.stamp"
	fi
}

# spec LAYOUT: its disks' partition table (sfdisk's input), fixed
# identifiers; partition DISK LAYOUT N: a new sparse disk N with it
gpt_linux=0FC63DAF-8483-4772-8E79-3D69D8477DE4
gpt_lvm=E6D6D379-F507-44C2-A23C-238F2A3DF928
gpt_raid=A19D880F-05FC-4D3B-A006-743F0F84911E
gpt_swap=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F
disk_size=1536M
spec() {
	echo "label: gpt"
	echo "label-id: e2e00000-0000-4000-8000-00000000021$2"
	case $1 in
	part|btrfs|xfs) t=$gpt_linux ;;
	lvm|luks-*) t=$gpt_lvm ;;
	raid1) t=$gpt_raid ;;
	resume) echo "size=256MiB, type=$gpt_swap, uuid=e2e00000-0000-4000-8000-000000000202"
		t=$gpt_linux ;;
	esac
	if [ "$2" = 0 ]; then
		echo "type=$t, uuid=$E2E_ROOTS_PARTUUID"
	else
		echo "type=$t, uuid=e2e00000-0000-4000-8000-00000000020$(( $2 + 2 ))"
	fi
}
partition() {
	rm -f "$1"
	truncate -s "$disk_size" "$1"
	spec "$2" "$3" | sfdisk -q "$1" > /dev/null
}

# part_loop IMG N: a loop device of IMG's partition N (the host scans no
# partitions of loop devices)
part_loop() {
	pl=$(sfdisk -d "$1" | sed -n "s|^.*img$2 : start= *\([0-9]*\), size= *\([0-9]*\),.*|\1 \2|p")
	[ -n "$pl" ] || { say "$1: no partition $2"; return 1; }
	losetup -f --show -o $(( ${pl% *} * 512 )) --sizelimit $(( ${pl#* } * 512 )) "$1"
}

# roots_ids: the fixed identifiers roots-build-init gives the layouts
# (lib.sh's), as the job's or the environment's lines
roots_ids() {
	printf 'FS_UUID=%s\nSWAP_UUID=%s\nLUKS_UUID=%s\nMD_UUID=%s\nPASSPHRASE=%s\n' \
		"$E2E_ROOTS_FS_UUID" "$E2E_ROOTS_SWAP_UUID" "$E2E_ROOTS_LUKS_UUID" \
		"$E2E_ROOTS_MD_UUID" "$E2E_ROOTS_PASSPHRASE"
}

# host_layout LAYOUT DIR: roots-build-init on the host, on loops of DIR's
# disk
host_layout() {
	hl_p1=$(part_loop "$2/disk0.img" 1) || return 1
	loops="$loops $hl_p1"
	hl_p2=""
	if [ "$1" = resume ]; then
		hl_p2=$(part_loop "$2/disk0.img" 2) || return 1
		loops="$loops $hl_p2"
	fi
	# shellcheck disable=SC2046 # NAME=VALUE words without blanks
	env ROOTS_DEB="$deb" $(roots_ids) sh "$here/roots-build-init" --host "$base" "$2" "$1" "$here/e2e-init" "$hl_p1" ${hl_p2:+"$hl_p2"} \
		> "$2/build.log" 2>&1
	hl_rc=$?
	cleanup
	return $hl_rc
}

# guest_layout LAYOUT DIR: one builder boot (roots-build-init) on DIR's
# disks; its results unpacked into DIR
guest_layout() {
	guest_ready
	gd=$2/job
	rm -rf "$gd" && mkdir -p "$gd"
	printf 'LAYOUT=%s\n' "$1" > "$gd/job"
	roots_ids >> "$gd/job"
	cp "$here/e2e-init" "$gd/e2e-init"
	# the key file: a fixed test key, so a layout made again needs no new images
	printf 'e2e-roots test key, no secret\n' | sha256sum | cut -c1-64 | tr -d '\n' > "$gd/root.key"
	tar -cf "$2/job.tar" -C "$gd" job e2e-init root.key
	gdisks="-drive if=none,id=t0,file=$2/disk0.img,format=raw -device virtio-blk-pci,drive=t0,serial=e2et0"
	[ -f "$2/disk1.img" ] &&
		gdisks="$gdisks -drive if=none,id=t1,file=$2/disk1.img,format=raw -device virtio-blk-pci,drive=t1,serial=e2et1"
	rm -f "$2/out.raw" && truncate -s 64M "$2/out.raw"
	if ! E2E_QEMU_EXTRA="-drive if=none,id=job,file=$2/job.tar,format=raw,snapshot=on \
-device virtio-blk-pci,drive=job,serial=e2ejob \
-drive if=none,id=out,file=$2/out.raw,format=raw -device virtio-blk-pci,drive=out,serial=e2eout $gdisks" \
		e2e_boot virtio "$kernel" "$binit" "$src" "$2/build.log" \
			"root=UUID=$E2E_UUID ro init=/sbin/e2e-roots-build" "${ROOTS_TIMEOUT:-1800}" ||
		! grep -q '^E2E-ROOTS-BUILT' "$2/build.log"; then
		say "$1: the builder failed (see $2/build.log)"
		return 1
	fi
	tar -xf "$2/out.raw" -C "$2" || { say "$1: no results on the builder's out disk"; return 1; }
	rm -rf "$2/out.raw" "$gd" "$2/job.tar"
}

# host_image DIR a|b: DIR/a.initrd or b.initrd, in a chroot of an overlay
# of the tools root with the layout's configuration (DIR/etc.tar). a:
# update-initramfs -c; the overlay's upper layer is kept (DIR/host-a). b:
# on that layer (below a new one), dpkg -i of the package, whose trigger
# builds b: a new package builds only b again.
host_rev=2
host_image() {
	hi_low=$base
	[ "$2" = b ] && hi_low=$1/host-a:$base
	overlay_on "$1" "$2" "$hi_low" || return 1
	hi_rc=0
	if [ "$2" = a ]; then
		{
			rm -f "$hm/.e2e-ready" &&
			tar -xpf "$1/etc.tar" -C "$hm" &&
			hi_fs=$(awk '$1 !~ /^#/ && $2 == "/" { print $3 }' "$hm/etc/fstab") &&
			printf '# the root is %s (the fsck hook cannot tell in a chroot)\nFSTYPE=%s\n' "$hi_fs" "$hi_fs" \
				> "$hm/etc/initramfs-tools/conf.d/e2e-fstype" &&
			crypttab_initramfs "$hm/etc/crypttab" &&
			sh "$here/chroot-run.sh" "$hm" update-initramfs -c -k "$kver" &&
			cp "$hm/boot/initrd.img-$kver" "$1/a.initrd"
		} > "$1/host-a.log" 2>&1 || hi_rc=1
	else
		{
			install_deb &&
			cp "$hm/boot/initrd.img-$kver" "$1/b.initrd"
		} > "$1/host-b.log" 2>&1 || hi_rc=1
	fi
	overlay_off "$1"
	[ "$2" = b ] && rm -rf "$1/host-b"
	return $hi_rc
}

# host_dracut DIR x|c: DIR/x.initrd (stock dracut) or DIR/c.initrd (dracut
# with initmod's module: the package installed first, its trigger's
# update-initramfs turned off), `dracut --no-hostonly`, as chroot-image.sh
# builds the main root's, in a chroot of an overlay on a's layer
host_dracut() {
	overlay_on "$1" "$2" "$1/host-a:$base" || return 1
	hd_rc=0
	{
		if [ "$2" = c ]; then
			echo update_initramfs=no >> "$hm/etc/initramfs-tools/update-initramfs.conf" &&
			install_deb
		fi &&
		sh "$here/chroot-run.sh" "$hm" dracut --force --no-hostonly --kver "$kver" /tmp/e2e-dracut.img &&
		cp "$hm/tmp/e2e-dracut.img" "$1/$2.initrd"
	} > "$1/host-$2.log" 2>&1 || hd_rc=1
	overlay_off "$1"
	rm -rf "$1/host-$2"
	return $hd_rc
}

# overlay_on DIR NAME LOWER: $hm (DIR/host-mnt), an overlay of LOWER with
# a new upper layer DIR/host-NAME; overlay_off DIR: unmounted again, its
# work directory gone (the upper layer stays, for the caller to keep)
overlay_on() {
	hm=$1/host-mnt
	umount "$hm" 2> /dev/null || true
	rm -rf "$1/host-$2" "$1/host-work" "$hm" && mkdir -p "$1/host-$2" "$1/host-work" "$hm" &&
		mount -t overlay overlay -o "lowerdir=$3,upperdir=$1/host-$2,workdir=$1/host-work" "$hm" ||
		return 1
	mnts="$mnts $hm"
}
overlay_off() {
	cleanup
	rm -rf "$1/host-work" "$1/host-mnt"
}

# install_deb: initmod's package installed in $hm with dpkg -i, as a user
# installs it (its trigger runs)
install_deb() {
	cp "$deb" "$hm/tmp/initmod.deb" &&
		sh "$here/chroot-run.sh" "$hm" dpkg -i /tmp/initmod.deb
}

# crypttab_initramfs FILE: the `initramfs` option on each entry of FILE
# (if any), so that cryptsetup-initramfs's hook includes the entries it
# cannot find under / in a chroot
crypttab_initramfs() {
	[ -f "$1" ] || return 0
	awk '/^[ \t]*(#|$)/ || NF < 4 { print; next }
		$4 !~ /(^|,)initramfs(,|$)/ { $4 = $4 ",initramfs" } { print }' "$1" > "$1.new" &&
		mv "$1.new" "$1"
}

if [ -n "$prepare" ]; then
	for l; do
		[ "$(place "$l")" = guest ] && { guest_ready; break; }
	done
	exit 0
fi

# per layout: the disks (stamp), then images a and b (a.stamp; b.stamp:
# the package too)
for layout; do
	out=$dir/$layout
	where=$(place "$layout")
	ndisks=1
	[ "$layout" = raid1 ] && ndisks=2
	st="$(cat "$base/.e2e-ready") $layout $where $(hash "$here/roots-build-init" "$here/e2e-init")"
	st="$st $(spec "$layout" 0 | hash) $(spec "$layout" 1 | hash) $disk_size"
	[ "$where" = host ] && st="$st $(hash "$deb" "$here/e2e-hostonly")"
	st="$st $(roots_ids | tr '\n' ' ')"
	if [ ! -f "$out/cmdline" ] || [ "$(cat "$out/stamp" 2> /dev/null)" != "$st" ]; then
		tb=$(date +%s)
		say "$layout: making it (on the $where)"
		mkdir -p "$out"
		rm -f "$out/stamp" "$out"/disk*.img "$out/cmdline"
		n=0
		while [ $n -lt $ndisks ]; do
			partition "$out/disk$n.img" "$layout" $n
			n=$(( n + 1 ))
		done
		"${where}_layout" "$layout" "$out" || die "$layout: making it failed (see $out/build.log)"
		for f in cmdline etc.tar; do
			[ -s "$out/$f" ] || die "$layout: the builder left no $f"
		done
		{
			echo "$where $(( $(date +%s) - tb ))"
			grep '^image ' "$out/build.time" 2> /dev/null || true
		} > "$out/build.time.new" && mv "$out/build.time.new" "$out/build.time"
		echo "$st" > "$out/stamp"
	fi
	sta="$(cat "$base/.e2e-ready") host_rev=$host_rev $(hash "$here/chroot-run.sh" "$out/etc.tar")"
	stb="$sta $(hash "$deb")"
	for v in a b ${ROOTS_DRACUT:+x c}; do
		sv=$sta
		case $v in b|c) sv=$stb ;; esac
		[ "$(cat "$out/$v.stamp" 2> /dev/null)" = "$sv" ] && [ -d "$out/host-a" ] && continue
		th=$(date +%s)
		rm -f "$out/$v.stamp"
		[ "$v" = a ] && rm -f "$out/b.stamp" "$out/c.stamp" "$out/x.stamp"
		say "$layout: image $v in a host chroot of its root's configuration"
		case $v in
		a|b) host_image "$out" "$v" ;;
		*) host_dracut "$out" "$v" ;;
		esac || die "$layout: image $v failed (see $out/host-$v.log)"
		sed -i "/^image $v /d" "$out/build.time"
		echo "image $v $(( $(date +%s) - th ))" >> "$out/build.time"
		echo "$sv" > "$out/$v.stamp"
	done
	say "$layout: ready ($(tr '\n' ' ' < "$out/build.time")s)"
	echo "$out"
done
