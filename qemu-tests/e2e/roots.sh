#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# roots.sh - the disk images of the roots Debian users run (`make
# e2e-roots`): rootfs.sh's Debian root copied onto each LAYOUT, with the
# stock initramfs-tools image (a) and the one initmod's package's trigger
# builds (b) made inside it. Layouts:
#   part          ext4 on a GPT partition, root=UUID=
#   lvm           ext4 on LV root of VG e2e-vg, root=/dev/mapper/e2e--vg-root
#   luks-keyfile  LUKS2 holding that LVM; the key file /etc/keys/root.key
#                 goes into the image (crypttab, KEYFILE_PATTERN, UMASK)
#   raid1         ext4 on mdadm RAID1 (metadata 1.2) over two disks,
#                 mdadm.conf, root=UUID=
#   btrfs         btrfs, the root in subvolume @, rootflags=subvol=@
#   xfs           XFS, root=UUID=
#   resume        a swap partition and an ext4 one, resume=UUID= (and
#                 conf.d/resume, as the installer writes it)
# The host has no device-mapper or md, so a QEMU guest builds them: the
# tools root (a copy of rootfs.sh's tree with lvm2, cryptsetup-initramfs,
# mdadm, btrfs-progs and xfsprogs installed by apt-get in a chroot, so the
# generators include what they need) is an ext4 disk booted read-only
# through its own stock image with init=/sbin/e2e-roots-build
# (roots-build-init), the target disks partitioned here with sfdisk.
# Where the images are built: in that guest, in a chroot of the new root,
# for the layouts in ROOTS_GUEST_IMAGES (default luks-keyfile; "all"):
# cryptsetup-initramfs's hook asks the open dm-crypt mapping (dmsetup) which
# crypttab entries and ciphers the root needs. One update-initramfs there
# takes about 18 min (MODULES=most: some 31,600 execs at 35-58 ms each
# under TCG). The others' hooks read only configuration (lvm2 none,
# mdadm its mdadm.conf's ARRAY lines, resume conf.d/resume; fsck the
# root's type, which FSTYPE= gives in a chroot), so their images are built
# on the host in a chroot of the same tree with the configuration the
# guest wrote (host_image), a few minutes each. All is cached in CACHE/e2e/roots: the tools root, its disk
# and image once, and LAYOUT/ (disk0.img, disk1.img for raid1, a.initrd,
# b.initrd, cmdline: the root's part of the kernel command line, etc.tar,
# build.log, install.log, refresh.log (the guests' consoles), build.time:
# "guest S" for the build, "host a S", "host b S" or "guest b S", "guest
# e2e-init S", seconds) again only when its inputs changed (the tools
# root, roots-build-init, the partition table, where the images are
# built; initmod.deb for b: the stamps). The marker init e2e-init is not
# part of the build: a guest puts it into the built root (refresh,
# init.stamp) whenever it changed, a minute or two. Image b of a guest layout
# comes from a second guest, which opens the built root (disks attached
# with snapshot=on, the LUKS key the build left in LAYOUT/root.key) and
# installs the package there, so a new package does not build a again.
# Prints each LAYOUT's directory on stdout; progress goes to stderr as
# "roots: ..." lines. Needs root (debootstrap, chroot).
# usage: roots.sh CACHE DEB LAYOUT...
# environment: ROOTS_TIMEOUT (a builder boot's bound, 3600 s),
# ROOTS_GUEST_IMAGES
set -eu
[ $# -ge 3 ] || { sed -n '3,46p' "$0" >&2; exit 2; }
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
for l; do
	case $l in
	part|lvm|luks-keyfile|raid1|btrfs|xfs|resume) ;;
	*) die "unknown layout $l" ;;
	esac
done

root=$(sh "$here/rootfs.sh" "$cache")
cache=$(cd "$cache" && pwd)
dir=$cache/e2e/roots
mkdir -p "$dir"
kver=$(sed -n 's/^kver=//p' "$root/.e2e-ready")

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

# its disk (with the builder; E2E_UUID, which no target carries) and its stock image, which boots the builder
src=$dir/tools.img
st="$(cat "$base/.e2e-ready") $(hash "$here/roots-build-init")"
if [ ! -f "$src" ] || [ "$(cat "$src.stamp" 2> /dev/null)" != "$st" ]; then
	install -m 755 "$here/roots-build-init" "$base/sbin/e2e-roots-build"
	mb=$(du -sm "$base" | cut -f1)
	rm -f "$src" "$src.stamp"
	truncate -s "$(( mb + mb / 5 + 64 ))M" "$src.new"
	mkfs.ext4 -q -F -L e2etools -U "$E2E_UUID" -d "$base" "$src.new" || die "mkfs.ext4 of the tools disk failed"
	mv "$src.new" "$src"
	echo "$st" > "$src.stamp"
fi
binit=$dir/tools.initrd
st=$(cat "$base/.e2e-ready")
if [ ! -f "$binit" ] || [ "$(cat "$binit.stamp" 2> /dev/null)" != "$st" ]; then
	say "tools root's stock image (mkinitramfs)"
	sh "$here/chroot-image.sh" "$base" "$binit" mkinitramfs > /dev/null ||
		die "the tools root's image failed (see $binit.log)"
	echo "$st" > "$binit.stamp"
fi
kernel=$dir/vmlinuz-$kver

# spec LAYOUT: its disks' partition table (sfdisk's input); partition
# DISK LAYOUT: a new sparse disk with it
gpt_linux=0FC63DAF-8483-4772-8E79-3D69D8477DE4
gpt_lvm=E6D6D379-F507-44C2-A23C-238F2A3DF928
gpt_raid=A19D880F-05FC-4D3B-A006-743F0F84911E
gpt_swap=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F
disk_size=1536M
spec() {
	echo "label: gpt"
	case $1 in
	part|btrfs|xfs) echo "type=$gpt_linux" ;;
	lvm|luks-keyfile) echo "type=$gpt_lvm" ;;
	raid1) echo "type=$gpt_raid" ;;
	resume) echo "size=256MiB, type=$gpt_swap"; echo "type=$gpt_linux" ;;
	esac
}
partition() {
	rm -f "$1"
	truncate -s "$disk_size" "$1"
	spec "$2" | sfdisk -q "$1" > /dev/null
}

# host_image DIR a|b: a.initrd, b.initrd as the guest would build them, in
# a chroot of an overlay of the tools root with the layout's configuration
# (DIR/etc.tar). a: update-initramfs -c; the overlay's upper layer is kept
# (DIR/host-a). b: on that layer (below a new one), dpkg -i of the package,
# whose trigger builds b: a new package builds only b again. The fsck hook
# probes the device of / for its type: a chroot has none, so conf.d says
# it (FSTYPE, from /etc/fstab), as rootfs.sh does for the ext4 root.
host_rev=1
host_image() {
	hi=$1/host-$2 hm=$1/host-mnt
	umount "$hm" 2> /dev/null || true
	rm -rf "$hi" "$1/host-work" "$hm" && mkdir -p "$hi" "$1/host-work" "$hm"
	hl=$base
	[ "$2" = b ] && hl=$1/host-a:$base
	mount -t overlay overlay -o "lowerdir=$hl,upperdir=$hi,workdir=$1/host-work" "$hm" || return 1
	hi_rc=0
	if [ "$2" = a ]; then
		{
			rm -f "$hm/.e2e-ready" &&
			tar -xpf "$1/etc.tar" -C "$hm" &&
			hi_fs=$(awk '$1 !~ /^#/ && $2 == "/" { print $3 }' "$hm/etc/fstab") &&
			printf '# the root is %s (the fsck hook cannot tell in a chroot)\nFSTYPE=%s\n' "$hi_fs" "$hi_fs" \
				> "$hm/etc/initramfs-tools/conf.d/e2e-fstype" &&
			sh "$here/chroot-run.sh" "$hm" update-initramfs -c -k "$kver" &&
			cp "$hm/boot/initrd.img-$kver" "$1/a.initrd"
		} > "$1/host-a.log" 2>&1 || hi_rc=1
	else
		{
			cp "$deb" "$hm/tmp/initmod.deb" &&
			sh "$here/chroot-run.sh" "$hm" dpkg -i /tmp/initmod.deb &&
			cp "$hm/boot/initrd.img-$kver" "$1/b.initrd"
		} > "$1/host-b.log" 2>&1 || hi_rc=1
	fi
	umount "$hm" || umount -l "$hm"
	rm -rf "$1/host-work" "$hm"
	[ "$2" = b ] && rm -rf "$hi"
	return $hi_rc
}

# guest MODE LAYOUT DIR: one builder boot (roots-build-init) of MODE on
# LAYOUT's disks in DIR (build: written; install: snapshot=on), its
# results unpacked into DIR
guest() {
	gd=$3/job
	rm -rf "$gd" && mkdir -p "$gd"
	printf 'MODE=%s\nLAYOUT=%s\nKVER=%s\nIMAGES=%s\n' "$1" "$2" "$kver" "$images" > "$gd/job"
	set -- "$1" "$2" "$3" job
	case $1 in
	install) cp "$deb" "$gd/initmod.deb" && set -- "$@" initmod.deb ;;
	refresh) cp "$here/e2e-init" "$gd/e2e-init" && set -- "$@" e2e-init ;;
	esac
	if [ "$1" != build ] && [ -f "$3/root.key" ]; then
		cp "$3/root.key" "$gd/root.key" && set -- "$@" root.key
	fi
	gsnap=""
	[ "$1" = install ] && gsnap=,snapshot=on
	gdisks="-drive if=none,id=t0,file=$3/disk0.img,format=raw$gsnap -device virtio-blk-pci,drive=t0,serial=e2et0"
	[ -f "$3/disk1.img" ] &&
		gdisks="$gdisks -drive if=none,id=t1,file=$3/disk1.img,format=raw$gsnap -device virtio-blk-pci,drive=t1,serial=e2et1"
	gm=$1 gl=$2 go=$3
	shift 3
	tar -cf "$go/job.tar" -C "$gd" "$@"
	rm -f "$go/out.raw" && truncate -s 256M "$go/out.raw"
	if ! E2E_QEMU_EXTRA="-drive if=none,id=job,file=$go/job.tar,format=raw,snapshot=on \
-device virtio-blk-pci,drive=job,serial=e2ejob \
-drive if=none,id=out,file=$go/out.raw,format=raw -device virtio-blk-pci,drive=out,serial=e2eout $gdisks" \
		e2e_boot virtio "$kernel" "$binit" "$src" "$go/$gm.log" \
			"root=UUID=$E2E_UUID ro init=/sbin/e2e-roots-build" "${ROOTS_TIMEOUT:-3600}" ||
		! grep -q '^E2E-ROOTS-BUILT' "$go/$gm.log"; then
		say "$gl: the builder ($gm) failed (see $go/$gm.log)"
		return 1
	fi
	tar -xf "$go/out.raw" -C "$go" || { say "$gl: no results on the builder's out disk"; return 1; }
	rm -rf "$go/out.raw" "$gd" "$go/job.tar"
}

# per layout: the guest's build (stamp: what it was built from), then
# images a and b where IMAGES says (a.stamp; b.stamp: the package too). A
# new package builds only b again: on the host, or in a guest that opens
# the built root (install).
for layout; do
	out=$dir/$layout
	images=host
	case " ${ROOTS_GUEST_IMAGES:-luks-keyfile} " in *" $layout "*|*" all "*) images=guest ;; esac
	st="$(cat "$base/.e2e-ready") $layout $images $(hash "$here/roots-build-init") $(spec "$layout" | hash) $disk_size"
	sta="$st host_rev=$host_rev $(hash "$here/chroot-run.sh")"
	[ "$images" = guest ] && sta=$st
	stb="$sta $(hash "$deb")"
	sti="$st $(hash "$here/e2e-init")"
	cp "$base/boot/vmlinuz-$kver" "$kernel.new" && mv "$kernel.new" "$kernel"
	if [ ! -f "$out/cmdline" ] || [ "$(cat "$out/stamp" 2> /dev/null)" != "$st" ]; then
		tb=$(date +%s)
		say "$layout: building (a guest: layout, root copy$([ "$images" = guest ] && echo ", image a"))"
		rm -rf "$out" && mkdir -p "$out"
		partition "$out/disk0.img" "$layout"
		[ "$layout" = raid1 ] && partition "$out/disk1.img" "$layout"
		guest build "$layout" "$out" || die "$layout: the build failed"
		for f in cmdline etc.tar $([ "$images" = guest ] && echo a.initrd); do
			[ -s "$out/$f" ] || die "$layout: the builder left no $f"
		done
		echo "guest $(( $(date +%s) - tb ))" > "$out/build.time"
		echo "$st" > "$out/stamp"
		[ "$images" = guest ] && echo "$sta" > "$out/a.stamp"
	fi
	for v in a b; do
		sv=$sta
		[ $v = b ] && sv=$stb
		[ "$(cat "$out/$v.stamp" 2> /dev/null)" = "$sv" ] &&
			{ [ "$images" = guest ] || [ -d "$out/host-a" ]; } && continue
		th=$(date +%s)
		rm -f "$out/$v.stamp" "$out/b.stamp"
		if [ "$images" = guest ]; then
			[ $v = b ] || die "$layout: image a is the build's (stamp $out/stamp)"
			say "$layout: image b in a guest (dpkg -i in the built root)"
			if ! guest install "$layout" "$out" || [ ! -s "$out/b.initrd" ]; then
				die "$layout: image b failed"
			fi
		else
			say "$layout: image $v in a host chroot of the same root (the guest's etc.tar)"
			host_image "$out" $v || die "$layout: the host's image $v failed (see $out/host-$v.log)"
		fi
		sed -i "/^[a-z]* $v /d" "$out/build.time"
		echo "$images $v $(( $(date +%s) - th ))" >> "$out/build.time"
		echo "$sv" > "$out/$v.stamp"
	done
	# the marker init, which changes more often than the rest: put in the
	# built root by a guest of its own (refresh), not a new build
	if [ "$(cat "$out/init.stamp" 2> /dev/null)" != "$sti" ]; then
		th=$(date +%s)
		say "$layout: e2e-init into the built root (a guest)"
		rm -f "$out/init.stamp"
		if ! guest refresh "$layout" "$out" || [ ! -f "$out/refreshed" ]; then
			die "$layout: putting e2e-init in failed"
		fi
		rm -f "$out/refreshed"
		sed -i "/^guest e2e-init /d" "$out/build.time"
		echo "guest e2e-init $(( $(date +%s) - th ))" >> "$out/build.time"
		echo "$sti" > "$out/init.stamp"
	fi
	say "$layout: built ($(tr '\n' ' ' < "$out/build.time")s)"
	echo "$out"
done
