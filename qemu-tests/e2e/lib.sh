# SPDX-License-Identifier: LGPL-2.1-or-later
# lib.sh - the end-to-end boots' shared functions (`make e2e`; sourced,
# POSIX sh): the root disk image made from rootfs.sh's tree, the QEMU
# options of each disk attachment, one boot of a kernel and initramfs from
# that disk to the marker init (e2e-init), and what it reported.
#   e2e_disk ROOTFS IMG            ext4 image of ROOTFS with /sbin/e2e-init,
#                                  UUID $E2E_UUID, label e2eroot; made again
#                                  only when the rootfs or e2e-init changed
#   e2e_attach TYPE IMG            QEMU options: TYPE is virtio, ahci, nvme
#                                  or usb; the disk is opened snapshot=on so
#                                  no boot ever writes to IMG
#   e2e_dev TYPE                   the device the root is on for TYPE (vda..)
#   e2e_boot TYPE KERNEL INITRD IMG LOG "APPEND" [TIMEOUT]
#                                  q35, -cpu max, 2 vCPU, 2 GiB, TCG; killed
#                                  after TIMEOUT s (300); LOG is plain text;
#                                  succeeds iff the marker init said E2E-END;
#                                  E2E_QEMU_EXTRA: more QEMU options
#   e2e_reached LOG                the uptime at which the root's init ran
#   e2e_mods LOG                   the modules loaded then, one a line
#   e2e_ktime LOG ERE              the kernel's timestamp of the first line
#                                  matching ERE (e.g. 'Run /init', the root's
#                                  'EXT4-fs \(vda\): mounted')
E2E_UUID=e2e00000-0000-4000-8000-000000000014
E2E_LABEL=e2eroot
e2e_here=$(cd "$(dirname "${E2E_LIB:-$0}")" && pwd)
[ -f "$e2e_here/e2e/e2e-init" ] && e2e_here=$e2e_here/e2e
PATH=$PATH:/usr/sbin:/sbin

e2e_disk() {
	ed_root=$1 ed_img=$2
	ed_stamp="$(cat "$ed_root/.e2e-ready") init=$(sha256sum < "$e2e_here/e2e-init" | cut -c1-16) uuid=$E2E_UUID"
	if [ -f "$ed_img" ] && [ "$(cat "$ed_img.stamp" 2> /dev/null)" = "$ed_stamp" ]; then
		return 0
	fi
	for ed_m in proc sys dev; do	# a chroot step still running there
		! mountpoint -q "$ed_root/$ed_m" ||
			{ echo "e2e_disk: $ed_root/$ed_m is mounted: not imaged" >&2; return 1; }
	done
	install -m 755 "$e2e_here/e2e-init" "$ed_root/sbin/e2e-init"
	# the tree's size and 20 % more, plus room for ext4's own tables
	ed_mb=$(du -sm "$ed_root" | cut -f1)
	ed_mb=$(( ed_mb + ed_mb / 5 + 64 ))
	rm -f "$ed_img" "$ed_img.stamp"
	truncate -s "${ed_mb}M" "$ed_img.new"
	mkfs.ext4 -q -F -L "$E2E_LABEL" -U "$E2E_UUID" -d "$ed_root" "$ed_img.new" || return 1
	mv "$ed_img.new" "$ed_img"
	echo "$ed_stamp" > "$ed_img.stamp"
}

e2e_attach() {
	ea_drive="-drive if=none,id=root,file=$2,format=raw,snapshot=on"
	case $1 in
	virtio) echo "$ea_drive -device virtio-blk-pci,drive=root" ;;
	ahci) echo "$ea_drive -device ide-hd,drive=root,bus=ide.0" ;;
	nvme) echo "$ea_drive -device nvme,serial=e2eroot,drive=root" ;;
	usb) echo "$ea_drive -device qemu-xhci,id=xhci -device usb-storage,bus=xhci.0,drive=root" ;;
	*) echo "e2e_attach: unknown attachment $1" >&2; return 2 ;;
	esac
}

e2e_dev() {
	case $1 in
	virtio) echo /dev/vda ;;
	ahci|usb) echo /dev/sda ;;
	nvme) echo /dev/nvme0n1 ;;
	esac
}

e2e_boot() {
	eb_type=$1 eb_kernel=$2 eb_initrd=$3 eb_img=$4 eb_log=$5 eb_append=$6 eb_bound=${7:-300}
	eb_opts=$(e2e_attach "$eb_type" "$eb_img") || return 2
	command -v qemu-system-x86_64 > /dev/null ||
		{ echo "e2e_boot: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2; return 2; }
	eb_try=1
	while :; do
		set +e
		# shellcheck disable=SC2086
		timeout -k 5 "$eb_bound" qemu-system-x86_64 -machine q35 -cpu max -smp 2 -m 2048 \
			-nographic -no-reboot -nic none $eb_opts ${E2E_QEMU_EXTRA:-} \
			-kernel "$eb_kernel" -initrd "$eb_initrd" \
			-append "console=ttyS0 panic=-1 $eb_append" > "$eb_log" 2>&1 < /dev/null
		eb_rc=$?
		set -e
		# plain text: no carriage returns, no terminal control sequences
		sed -i 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1b[a-zA-Z]//g; s/\r//g' "$eb_log"
		# TCG now and then oopses in the kernel's own initcalls, before any
		# userspace (as boot.sh says): tried once more, and said
		if [ $eb_try = 1 ] && grep -q 'Kernel panic' "$eb_log" && grep -q 'do_one_initcall' "$eb_log"; then
			cp "$eb_log" "$eb_log.crashed"
			echo "e2e_boot: the kernel crashed in its initcalls (TCG; see $eb_log.crashed): once more" >&2
			eb_try=2
			continue
		fi
		break
	done
	if [ "$eb_rc" -eq 124 ] || [ "$eb_rc" -eq 137 ]; then
		echo "e2e_boot: $eb_type: guest still running after ${eb_bound}s: killed (see $eb_log)" >&2
	fi
	grep -q 'E2E-END' "$eb_log"
}

e2e_reached() {
	sed -n 's/.*E2E-ROOT uptime=\([0-9.]*\).*/\1/p' "$1" | head -n 1
}

e2e_mods() {
	sed -n 's/.*E2E-MOD \([^ ]*\).*/\1/p' "$1" | sort
}

e2e_ktime() {
	grep -E "$2" "$1" | sed -n 's/^\[ *\([0-9]*\.[0-9][0-9]\)[0-9]*\].*/\1/p' | head -n 1
}
