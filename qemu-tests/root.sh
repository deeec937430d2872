#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# root.sh - `make qemu-root` (part of make check): initmod's own image as
# PID 1 finds the real root named by root= (/dev/..., UUID=, LABEL=), waits
# for it as coldplug brings its driver, mounts it and switches to it; the
# root's /sbin/init reports from there. A root that never appears ends with
# a message naming it and the block devices there are, never a hang.
# usage: root.sh CACHE BUILD KROOT INITMOD
set -eu
build=$2 kr=$3 bin=$4	# CACHE ($1): nothing of it is needed here
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
work=$build/qemu-root
mkdir -p "$work"
work=$(cd "$work" && pwd)
kver=$(cat "$kr/.ready")
# shellcheck source=tests/harness.sh
. "$here/../tests/harness.sh"
PATH=$PATH:/sbin:/usr/sbin

# the root filesystem: busybox and the reporting init, ext4, a known UUID and label
uuid=6f1c2b3a-9d8e-4f70-a1b2-c3d4e5f60718
rm -rf "$work/rootfs" && mkdir -p "$work/rootfs/bin" "$work/rootfs/sbin" "$work/rootfs/proc" \
	"$work/rootfs/sys" "$work/rootfs/dev" "$work/rootfs/run"
cp /bin/busybox "$work/rootfs/bin/busybox"
cp "$here/guest/root-init" "$work/rootfs/sbin/init"
truncate -s 32M "$work/root.img"
mkfs.ext4 -q -F -L initmodroot -U "$uuid" -d "$work/rootfs" "$work/root.img"
# the same on a GPT partition (root=PARTUUID=): sfdisk, then ext4 at the offset
partuuid=1b2c3d4e-5f60-4718-9a0b-c1d2e3f40516
rm -f "$work/part.img" && truncate -s 40M "$work/part.img"
printf 'label: gpt\nstart=2048, size=73728, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=%s\n' \
	"$partuuid" | sfdisk -q "$work/part.img"
mkfs.ext4 -q -F -E offset=1048576 -L partroot -d "$work/rootfs" "$work/part.img" 36M
# the image: initmod and the drivers of the generic set (the disk's driver
# comes from coldplug; ext4 from the kernel's request through initmod)
"$top/initramfs/mkinitramfs" -o "$work/initmod.img" -d "$kr" -k "$kver" --initmod "$bin" \
	--generic --add-modules ext4 2> "$work/mkinitramfs.log" ||
	{ bad image_built "see $work/mkinitramfs.log"; finish root; }

boot() {	# boot TAG APPEND [DISK]
	QEMU_DEVICES="-drive if=none,id=r0,file=${3:-$work/root.img},format=raw -device virtio-blk-pci,drive=r0" \
		"$here/boot.sh" "$kr/boot/vmlinuz-$kver" "$work/initmod.img" "$work/$1.log" \
		"loglevel=3 initmod.coldplug=1 $2" 120 2
}

for spec in "LABEL=initmodroot" "UUID=$uuid" "/dev/vda"; do
	tag=$(echo "$spec" | cut -d= -f1 | tr -d /)
	if boot "$tag" "root=$spec rw"; then
		ok "$tag.real_root_init_ran"
		check "$tag.root_is_the_disk" grep -q '^ROOT-MOUNT /dev/vda ext4 rw' "$work/$tag.log"
		check "$tag.initramfs_freed" grep -q '^ROOT-INITRAMFS-GONE' "$work/$tag.log"
		check "$tag.disk_driver_by_coldplug" grep -q '^REPORT-MOD virtio_blk$' "$work/$tag.log"
		echo "   $tag: real root's init at $(sed -n 's/^ROOT-REACHED uptime=//p' "$work/$tag.log") s after kernel start"
	else
		bad "$tag.real_root_init_ran" "see $work/$tag.log"
	fi
done
# a partition by its GPT PARTUUID (upper case, as some write it)
if boot partuuid "root=PARTUUID=$(echo $partuuid | tr a-f A-F) rw" "$work/part.img"; then
	ok partuuid.real_root_init_ran
	check partuuid.root_is_the_partition grep -q '^ROOT-MOUNT /dev/vda1 ext4 rw' "$work/partuuid.log"
else
	bad partuuid.real_root_init_ran "see $work/partuuid.log"
fi
# ro by default
if boot ro "root=LABEL=initmodroot"; then
	check ro.mounted_read_only grep -q '^ROOT-MOUNT /dev/vda ext4 ro' "$work/ro.log"
else
	bad ro.real_root_init_ran "see $work/ro.log"
fi
# without coldplug: the disk's driver from a list, PID 1 waits for the root itself
if boot nocoldplug "root=LABEL=initmodroot initmod.coldplug=0 modules_load=virtio_blk"; then
	ok nocoldplug.real_root_init_ran
	check nocoldplug.root_is_the_disk grep -q '^ROOT-MOUNT /dev/vda ext4 ro' "$work/nocoldplug.log"
else
	bad nocoldplug.real_root_init_ran "see $work/nocoldplug.log"
fi
# a root that never appears: said with what is there, within rootdelay
start=$(date +%s)
boot missing "root=LABEL=nosuchroot rootdelay=3" || true
took=$(( $(date +%s) - start ))
check missing.says_what_it_waited_for grep -q 'the root device LABEL=nosuchroot did not appear' "$work/missing.log"
check missing.lists_block_devices grep -q '/dev/vda: ext4 UUID=.* LABEL=initmodroot' "$work/missing.log"
if [ $took -lt 100 ]; then ok missing.no_hang; else bad missing.no_hang "$took s"; fi
# an LVM/LUKS root by name: this image cannot assemble it, and says so
boot mapper "root=/dev/mapper/vg-root rootdelay=2" || true
check mapper.says_it_cannot_assemble grep -q 'root=/dev/mapper/vg-root is a device-mapper (LVM or LUKS) device, which this image cannot assemble' "$work/mapper.log"
check mapper.names_the_generators grep -q 'update-initramfs or dracut' "$work/mapper.log"
finish root
