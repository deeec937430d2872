# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# lib.sh - the end-to-end boots' shared functions (`make e2e`; sourced,
# POSIX sh): the root disk image made from rootfs.sh's tree, the QEMU
# options of each disk attachment, one boot of a kernel and initramfs from
# that disk to the marker init (e2e-init, through qemu.sh's qemu_boot, as
# every QEMU test boots), what it reported, and the table of the variants.
#   e2e_disk ROOTFS IMG            ext4 image of ROOTFS with /sbin/e2e-init,
#                                  UUID $E2E_UUID, label e2eroot; made again
#                                  only when the rootfs or e2e-init changed
#   e2e_attach TYPE IMG [N]        QEMU options: TYPE is virtio, ahci, nvme
#                                  or usb; the disk is opened snapshot=on so
#                                  no boot ever writes to IMG; N (0) the
#                                  disk's place, for a second one (RAID1)
#   e2e_dev TYPE                   the device the root is on for TYPE (vda..)
#   e2e_part TYPE N                its partition N (vda1, nvme0n1p1..)
#   e2e_driver TYPE                the module of TYPE's disk (virtio_blk..)
#   e2e_boot TYPE KERNEL INITRD IMG LOG "APPEND" [TIMEOUT]
#                                  qemu.sh's qemu_boot of IMG attached as
#                                  TYPE: q35, -cpu max, 2 vCPU, 2 GiB, TCG;
#                                  killed after TIMEOUT s (300); LOG is plain
#                                  text; succeeds iff the marker init said
#                                  E2E-END and the guest stopped in time;
#                                  E2E_QEMU_EXTRA: more QEMU options
#   e2e_boot_typed PROMPT TEXT TYPE KERNEL INITRD IMG LOG "APPEND" [TIMEOUT]
#                                  e2e_boot, and once a line of LOG holds
#                                  PROMPT (a fixed string), TEXT and Enter
#                                  typed on the serial console; LOG.typed
#                                  says when ("prompt S": seconds after
#                                  QEMU started, host clock; "init S": when
#                                  the kernel ran the initramfs' /init). With
#                                  E2E_TYPE_ON=usbkbd, PROMPT is a line that
#                                  comes before the prompt (the keyboard's),
#                                  and TEXT is typed on the guest's keyboard
#                                  in rounds (e2e_keys_rounds)
#   e2e_hostonly TYPE KERNEL INITRD IMG LOG "APPEND" TIMEOUT OUT
#                                  initmod's own image, built on the machine:
#                                  IMG booted through INITRD with APPEND
#                                  (init=/sbin/e2e-hostonly there writes
#                                  the image raw to a second disk), cut to
#                                  the size it said (E2E-IMG-SIZE) into OUT
#   e2e_initmod_checks NAME LOG TYPE  the cases of a boot with initmod: it
#                                  loaded TYPE's disk driver, nothing failed
#   e2e_console LOG                LOG with each line a kernel message cut in
#                                  two made whole again (e2e_says greps it)
#   e2e_says LOG ERE               a console line of LOG matches ERE
#   e2e_reached LOG                the uptime at which the root's init ran
#   e2e_mods LOG                   the modules loaded then, one a line
#   e2e_kmsg LOG [LEVEL]           the kernel log's records naming initmod
#                                  that the root read back (E2E-KMSG), as
#                                  "LEVEL TEXT" (err, warn, info...), or
#                                  only LEVEL's, as TEXT
#   e2e_ktime LOG ERE              the kernel's timestamp of the first line
#                                  matching ERE (e.g. 'Run /init', the root's
#                                  'EXT4-fs \(vda\): mounted')
#   e2e_variants                   the variants' names, in the table's order
#   e2e_variant NAME               NAME's row of the table (below) into
#                                  ev_root, ev_gen, ev_args, ev_checks and
#                                  ev_append; fails for a name not there.
#                                  $e2e_verbose (E2E_VERBOSE, 1) is the
#                                  initmod.verbose= of the command lines
E2E_UUID=e2e00000-0000-4000-8000-000000000014
E2E_LABEL=e2eroot
# the roots' (roots.sh, which hands them to roots-build-init): their
# filesystem's UUID, the PARTUUID of the partition it is on, the swap's
# UUID, the LUKS passphrase and header's UUID, the array's UUID, for the
# scripts that source this
# shellcheck disable=SC2034
E2E_ROOTS_FS_UUID=e2e00000-0000-4000-8000-000000000101 \
	E2E_ROOTS_PARTUUID=e2e00000-0000-4000-8000-000000000201 \
	E2E_ROOTS_SWAP_UUID=e2e00000-0000-4000-8000-000000000102 \
	E2E_ROOTS_PASSPHRASE=e2e-roots-passphrase \
	E2E_ROOTS_LUKS_UUID=e2e00000-0000-4000-8000-000000000103 \
	E2E_ROOTS_MD_UUID=e2e00000:00004000:80000000:00000104
e2e_here=$(cd "$(dirname "${E2E_LIB:-$0}")" && pwd)
[ -f "$e2e_here/e2e/e2e-init" ] && e2e_here=$e2e_here/e2e
PATH=$PATH:/usr/sbin:/sbin
# shellcheck source=qemu-tests/qemu.sh
. "$e2e_here/../qemu.sh"

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
	ea_n=${3:-0} ea_id=root
	[ "$ea_n" = 0 ] || ea_id=root$ea_n
	ea_drive="-drive if=none,id=$ea_id,file=$2,format=raw,snapshot=on"
	case $1 in
	virtio) echo "$ea_drive -device virtio-blk-pci,drive=$ea_id" ;;
	ahci) echo "$ea_drive -device ide-hd,drive=$ea_id,bus=ide.$ea_n" ;;
	nvme) echo "$ea_drive -device nvme,serial=e2e$ea_id,drive=$ea_id" ;;
	usb)	# one controller, the disks on its ports
		[ "$ea_n" = 0 ] && ea_drive="$ea_drive -device qemu-xhci,id=xhci"
		echo "$ea_drive -device usb-storage,bus=xhci.0,drive=$ea_id" ;;
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

e2e_part() {
	case $1 in
	nvme) echo "$(e2e_dev "$1")p$2" ;;
	*) echo "$(e2e_dev "$1")$2" ;;
	esac
}

e2e_driver() {
	case $1 in
	virtio) echo virtio_blk ;;
	ahci) echo ahci ;;
	nvme) echo nvme ;;
	usb) echo usb_storage ;;
	esac
}

e2e_boot() {
	eb_opts=$(e2e_attach "$1" "$4") || return 2
	# shellcheck disable=SC2086 # the attachment's options and E2E_QEMU_EXTRA, split into words
	qemu_boot "$2" "$3" "$5" "$6" "${7:-300}" E2E-END q35 2 2048 $eb_opts ${E2E_QEMU_EXTRA:-}
}

e2e_boot_typed() {
	et_prompt=$1 et_text=$2
	shift 2
	et_log=$5 et_fifo=$5.stdin
	rm -f "$et_fifo" "$et_log.typed" "$et_log" && mkfifo "$et_fifo" || return 2
	# held open read-write here: QEMU's open never waits, its reads never end
	exec 9<> "$et_fifo"
	et_t0=$(date +%s%N)
	QEMU_STDIN=$et_fifo e2e_boot "$@" &
	et_pid=$!
	(
		et_init=""
		while kill -0 "$et_pid" 2> /dev/null; do
			if [ -z "$et_init" ] && grep -qF 'Run /init as init process' "$et_log" 2> /dev/null; then
				et_init=$(( ($(date +%s%N) - et_t0) / 1000000 ))
			fi
			if grep -qF -- "$et_prompt" "$et_log" 2> /dev/null; then
				awk -v ms=$(( ($(date +%s%N) - et_t0) / 1000000 )) -v init="${et_init:-0}" \
					'BEGIN { printf "prompt %.3f\ninit %.3f\n", ms / 1000, init / 1000 }' > "$et_log.typed"
				if [ "${E2E_TYPE_ON:-serial}" = usbkbd ]; then
					e2e_keys_rounds "$et_text" "$et_log" "$et_pid"
				else
					printf '%s\r' "$et_text" >&9
				fi
				exit 0
			fi
			sleep 0.1
		done
	) &
	et_typist=$!
	et_rc=0
	wait "$et_pid" || et_rc=$?
	kill "$et_typist" 2> /dev/null || true
	wait "$et_typist" 2> /dev/null || true
	exec 9>&-
	rm -f "$et_fifo"
	return $et_rc
}

e2e_hostonly() {
	eh_raw=$8.raw
	rm -f "$eh_raw" && truncate -s 256M "$eh_raw" || return 1
	E2E_QEMU_EXTRA="-drive if=none,id=out,file=$eh_raw,format=raw -device virtio-blk-pci,drive=out,serial=e2eout" \
		e2e_boot "$1" "$2" "$3" "$4" "$5" "$6" "$7" || return 1
	eh_n=$(sed -n 's/.*E2E-IMG-SIZE \([0-9]*\).*/\1/p' "$5")
	[ -n "$eh_n" ] || return 1
	head -c "$eh_n" "$eh_raw" > "$8" && rm -f "$eh_raw"
}

e2e_initmod_checks() {
	check "$1.initmod_loaded_the_disk_driver" e2e_says "$2" "^initmod: $(e2e_driver "$3"): loaded in "
	check "$1.initmod_no_failure" \
		e2e_says "$2" "^initmod: [0-9]+ loaded, [0-9]+ already present, 0 failed, 0 skipped"
}

# A kernel message printed on the serial console while a program wrote a
# line there lands inside that line ("initmod: async_pq: the kernel
# decompressed .../async[    5.130619] scsi host1: ahci" and the line's
# rest on the next one); the console has no record boundaries. Each such
# message goes on a line of its own, and the two halves are joined again.
# Under systemd (dracut's c) initmod's lines come through the journal
# ("[    8.86] dracut-pre-udev[338]: initmod: ..."): that prefix goes.
e2e_console() {
	tr -d '\r' < "$1" | awk '
	function out(l) {
		sub(/^\[ *[0-9]+\.[0-9]+\] [A-Za-z0-9_.@-]+\[[0-9]+\]: initmod: /, "initmod: ", l)
		print l
	}
	{
		line = held $0; held = ""
		while (match(substr(line, 2), /\[ *[0-9]+\.[0-9]+\] /)) {
			held = substr(line, 1, RSTART)
			out(substr(line, RSTART + 1))
			line = ""
			if ((getline nxt) <= 0) break
			line = held nxt; held = ""
		}
		out(line)
	}
	END { if (held != "") out(held) }'
}

e2e_says() {
	e2e_console "$1" | grep -Eq -- "$2"
}

# e2e_keys_rounds TEXT LOG PID: TEXT and Enter on the guest's keyboard
# through QEMU's monitor (Ctrl-A c switches the -nographic mux to it and
# back), every 5 s until the root's init ran or QEMU ended, 30 rounds at
# most: the prompt on a VT cannot be seen from here, and a prompt flushes
# what was typed before it (askpass, TCSAFLUSH), so a round may come
# early or be cut; the next one is whole. Says the rounds in LOG.typed.
e2e_keys_rounds() {
	ek_n=0
	while [ $ek_n -lt 30 ] && kill -0 "$3" 2> /dev/null && ! grep -q 'E2E-ROOT ' "$2"; do
		ek_n=$(( ek_n + 1 ))
		printf '\001c' >&9
		printf '%s\n' "$1" | sed 's/./&\n/g' | while IFS= read -r ek_c; do
			[ -n "$ek_c" ] || continue
			case $ek_c in
			[a-z0-9]) ek_k=$ek_c ;;
			-) ek_k=minus ;;
			' ') ek_k=spc ;;
			.) ek_k='dot' ;;
			*) echo "e2e_keys_rounds: no key for '$ek_c'" >&2; continue ;;
			esac
			printf 'sendkey %s\n' "$ek_k" >&9
			sleep 0.15
		done
		printf 'sendkey ret\n\001c' >&9
		echo "round $ek_n" >> "$2.typed"
		sleep 5
	done
}

e2e_reached() {
	sed -n 's/.*E2E-ROOT uptime=\([0-9.]*\).*/\1/p' "$1" | head -n 1
}

e2e_mods() {
	sed -n 's/.*E2E-MOD \([^ ]*\).*/\1/p' "$1" | sort
}

e2e_kmsg() {
	if [ $# -gt 1 ]; then
		sed -n "s/.*E2E-KMSG $2 //p" "$1"
	else
		sed -n 's/.*E2E-KMSG //p' "$1"
	fi
}

e2e_ktime() {
	grep -E "$2" "$1" | sed -n 's/^\[ *\([0-9]*\.[0-9][0-9]\)[0-9]*\].*/\1/p' | head -n 1
}

# The variants: they differ only in this table, a row each. Columns:
#   name       E2E_VARIANTS names it
#   root       where the image is built: stock, the cached root; initmod,
#              the copy with initmod's Debian package installed
#   generator  mkinitramfs, dracut: run in the root by chroot-image.sh, with
#              the arguments; trigger: the image the package's trigger
#              built in the root (/boot/initrd.img-KVER), listed with
#              lsinitramfs; hostonly: `initmod-mkinitramfs --hostonly` run
#              on each machine itself, booted through the image of the
#              variant the arguments name (one image per attachment);
#              tirfs: tiny-initramfs's mktirfs (tirfs-image.sh), one
#              image per attachment with the modules e2e_tirfs_modules
#              names for it
#   arguments  the generator's, in shell quoting
#   checks     what a boot shows besides the root: initmod (it loaded the
#              disk's driver, and nothing failed), rootfs_by_coldplug (the
#              root's filesystem module came with coldplug), rootfs_hint
#              (initmod planned it before the disk was there, from the
#              initmod.rootfs= the image's /etc/cmdline.d gives), kmsg (the
#              root reads initmod's summary back from the kernel log, and
#              no error-level record of it), stock (no line of initmod on
#              the console nor in the kernel log), udev_short (initmod's
#              udev-trigger replayed only the initramfs' subsystems),
#              udev_full (udev replayed every device, as stock), twin=V
#              (the root disk's udev entry, and the modules after the
#              root's own udev replayed every device, are the same as in
#              stock variant V's boot on the same attachment)
#   cmdline    the variant's part of the kernel command line
e2e_verbose=${E2E_VERBOSE:-1}
e2e_table() {
	cat << EOF
# name | root    | generator   | arguments                                      | checks                                      | cmdline
a      | stock   | mkinitramfs |                                                | stock                                       |
b      | initmod | trigger     |                                                | initmod kmsg udev_short rootfs_hint twin=a  | initmod.verbose=$e2e_verbose
c      | initmod | dracut      |                                                | initmod kmsg udev_short twin=x              | initmod.verbose=$e2e_verbose
cs     | initmod | dracut      | --omit "systemd systemd-initrd dracut-systemd" | initmod kmsg udev_short twin=xs             | initmod.verbose=$e2e_verbose
d      | initmod | hostonly    | a                                              | initmod rootfs_by_coldplug rootfs_hint kmsg | initmod.verbose=$e2e_verbose
x      | stock   | dracut      |                                                | stock                                       |
xs     | stock   | dracut      | --omit "systemd systemd-initrd dracut-systemd" | stock                                       |
t      | stock   | tirfs       |                                                | stock                                       |
bf     | initmod | trigger     |                                                | initmod kmsg udev_full rootfs_hint twin=a   | initmod.verbose=$e2e_verbose initmod.udev=full
EOF
}

# e2e_tirfs_modules TYPE: what tiny-initramfs's documentation has a user
# list for a root on TYPE (mktirfs --include-modules=): the disk's driver,
# sd_mod for a SCSI disk, the root's filesystem; mktirfs adds their
# dependencies (and virtio_pci for virtio_blk)
e2e_tirfs_modules() {
	case $1 in
	virtio) echo virtio_blk ext4 ;;
	ahci) echo ahci sd_mod ext4 ;;
	nvme) echo nvme ext4 ;;
	usb) echo xhci_pci usb_storage sd_mod ext4 ;;
	*) echo "e2e_tirfs_modules: unknown attachment $1" >&2; return 2 ;;
	esac
}

# the table's rows without comments, each field trimmed, '|' between them
e2e_rows() {
	e2e_table | awk -F'|' -v OFS='|' '/^#/ { next } { for (i = 1; i <= NF; i++) gsub(/^ +| +$/, "", $i); print }'
}

e2e_variants() {
	e2e_rows | cut -d'|' -f1 | tr '\n' ' ' | sed 's/ $//'
}

e2e_variant() {
	ev_row=$(e2e_rows | awk -F'|' -v n="$1" '$1 == n')
	[ -n "$ev_row" ] || return 1
	# shellcheck disable=SC2034 # the ev_* are for the scripts that source this
	IFS='|' read -r _ ev_root ev_gen ev_args ev_checks ev_append << EOF
$ev_row
EOF
}
