# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# roots-cases.sh - the end-to-end boots of the roots Debian users run
# (sourced by e2e.sh and e2e-roots.sh, after lib.sh and tests/harness.sh):
#   part            ext4 on a GPT partition, root=UUID=
#   lvm             LVM, root=/dev/mapper/e2e--vg-root
#   luks-keyfile    LUKS2 holding LVM, unlocked by a key file in the image
#   luks-passphrase the same, unlocked by a passphrase typed on the serial
#                   console when cryptsetup asks (b: no later than in a)
#   luks-usbkbd     the same, the console on the VT (console=tty0), the
#                   passphrase typed on a USB keyboard (QEMU's sendkey)
#   raid1           mdadm RAID1 over two disks
#   raid1-degraded  the same with the second disk missing (bootdegraded=true)
#   btrfs           btrfs subvolume @ (rootflags=subvol=@)
#   xfs             XFS
#   resume          a swap partition named by resume=UUID=
# roots.sh makes the disks and each layout's images (cached in
# CACHE/e2e/roots). Variants (lib.sh's table): a, the stock initramfs-tools
# image; b, the image the trigger of initmod's package built; x and c,
# dracut (systemd mode) without and with initmod's module; d, initmod's
# own image, `initmod-mkinitramfs --hostonly` run on the machine (part by
# root=LABEL=, btrfs by UUID=, xfs by PARTUUID=; it refuses the stacks, as
# initramfs/test-image.sh checks). Each root
# boots on its own attachment (the table below: virtio-blk, NVMe and AHCI
# in turn, both disks of a RAID1 on it), or on each of E2E_ROOTS_TYPES.
# Each boot checks the root was reached (ok a.nvme.lvm) on the right
# device, read-only (.root_device: the mapper or md device where there is
# one) and what the stack shows (.stack: dm_mod, dm_crypt, both or one of
# the mirrors, the subvolume; resume has none); b also that initmod loaded
# the disk's driver, reported no failure, and loaded nothing twice.
# roots_cases CACHE WORK DEB: the cases, "ok"/"FAIL" lines, each layout's
# build time and each boot's.
# environment: E2E_ROOTS (the roots above; "none": no root), E2E_ROOTS_VARIANTS
# ("a b d x c"), E2E_ROOTS_TYPES (each root's own), E2E_TIMEOUT (300 s a boot)
# shellcheck disable=SC2154 # ev_append, ev_checks: lib.sh's e2e_variant sets them

# roots_root ROOT: its layout (roots.sh), disks, attachment, command line,
# the device / must be mounted from on attachment $1's disk (an ERE for
# E2E-MOUNT, set by roots_mount TYPE) and what its stack shows in the log
# (an ERE, or nothing)
roots_root() {
	r_disks=1 r_append="" r_stack="" r_dev="" r_part=1 r_fs=ext4 r_droot="" r_prompt="" r_kbd=""
	r_dracut=""	# dracut.cmdline(7): what a dracut user's boot loader says
	case $1 in
	luks-*) r_dracut="rd.luks.uuid=$E2E_ROOTS_LUKS_UUID" ;;
	raid1*) r_dracut="rd.md.uuid=$E2E_ROOTS_MD_UUID" ;;	# no auto-assembly since dracut 024
	esac
	# dracut starts a degraded array after 2/3 of rd.retry= (180 s: 200 s
	# under TCG); its user shortens the wait as dracut.cmdline(7) says
	[ "$1" = raid1-degraded ] && r_dracut="$r_dracut rd.retry=30"
	[ "$1" = luks-keyfile ] && r_dracut="$r_dracut rd.luks.key=/etc/keys/root.key"
	case $1 in
	part) r_layout=part r_type=ahci r_droot=root=LABEL=root ;;
	lvm) r_layout=lvm r_type=virtio r_dev=/dev/mapper/e2e--vg-root r_stack='E2E-MOD dm_mod$' ;;
	luks-keyfile) r_layout=luks-keyfile r_type=nvme r_dev=/dev/mapper/e2e--vg-root \
		r_stack='E2E-MOD dm_crypt$' ;;
	luks-passphrase) r_layout=luks-passphrase r_type=virtio r_dev=/dev/mapper/e2e--vg-root \
		r_stack='E2E-MOD dm_crypt$' r_prompt='Please unlock disk vda1_crypt' ;;
	luks-usbkbd)	# the prompt on the VT (console=tty0 last), typed on a USB keyboard
		r_layout=luks-passphrase r_type=ahci r_dev=/dev/mapper/e2e--vg-root r_kbd=1 \
		r_stack='E2E-MOD dm_crypt$' r_prompt='QEMU USB Keyboard' r_append="console=tty0 e2e.serial=1" ;;
	raid1) r_layout=raid1 r_type=virtio r_disks=2 r_dev='/dev/md[0-9a-z_/]+'
		r_stack='md/raid1:md[0-9]+: active with 2 out of 2 mirrors' ;;
	raid1-degraded) r_layout=raid1 r_type=ahci r_dev='/dev/md[0-9a-z_/]+' r_append=bootdegraded=true
		r_stack='md/raid1:md[0-9]+: active with 1 out of 2 mirrors' ;;
	btrfs) r_layout=btrfs r_type=nvme r_fs=btrfs r_stack=' btrfs ro,.*subvol=/@$' \
		r_droot=root=UUID=$E2E_ROOTS_FS_UUID ;;
	xfs) r_layout=xfs r_type=ahci r_fs=xfs r_droot=root=PARTUUID=$E2E_ROOTS_PARTUUID ;;
	resume) r_layout=resume r_type=virtio r_part=2 ;;
	*) return 1 ;;
	esac
}
roots_mount() {
	echo "${r_dev:-$(e2e_part "$1" "$r_part")} $r_fs"
}

# roots_hostonly DIR TYPE WORK KERNEL: DIR/d.TYPE.initrd, initmod's own
# image, built on the machine by `initmod-mkinitramfs --hostonly` (a boot of
# the root through a with init=/sbin/e2e-hostonly, which writes it to a
# second disk); again only when a's image or the disk changed
roots_hostonly() {
	rh_o=$1/d.$2.initrd
	rh_st="$(cat "$1/stamp" "$1/a.stamp" | sha256sum | cut -c1-16) $2"
	[ -f "$rh_o" ] && [ "$(cat "$rh_o.stamp" 2> /dev/null)" = "$rh_st" ] && return 0
	rm -f "$rh_o" "$rh_o.stamp"
	e2e_hostonly "$2" "$4" "$1/a.initrd" "$1/disk0.img" "$3/d.$2.$r_layout.hostonly.log" \
		"$(cat "$1/cmdline") ro init=/sbin/e2e-hostonly quiet" "${E2E_TIMEOUT:-300}" "$rh_o" || return 1
	echo "$rh_st" > "$rh_o.stamp"
}

# roots_build CACHE WORK DEB: each layout once (roots.sh), two at a time
# (an image build keeps one core busy) after the parts they share; sets
# roots_built
roots_build() {
	rb_cache=$1 rb_work=$2 rb_deb=$3 rb_layouts="" roots_built="" rb_pids=""
	for r in $ROOTS; do
		roots_root "$r" || { bad "$r.known" "no root $r"; continue; }
		case " $rb_layouts " in *" $r_layout "*) ;; *) rb_layouts="$rb_layouts $r_layout" ;; esac
	done
	[ -n "$rb_layouts" ] || return 0
	rb_t0=$(date +%s)
	rb_dracut=""	# images c and x only when asked for
	case " $roots_variants " in *" c "*|*" x "*) rb_dracut=1 ;; esac
	export ROOTS_DRACUT=$rb_dracut
	# shellcheck disable=SC2086 # the layouts, a word each
	if ! sh "$e2e_here/roots.sh" --prepare "$rb_cache" "$rb_deb" $rb_layouts 2> "$rb_work/prepare.err"; then
		bad roots.prepared "$(tail -n 1 "$rb_work/prepare.err")"
		return 0
	fi
	for l in $rb_layouts; do
		sh "$e2e_here/roots.sh" "$rb_cache" "$rb_deb" "$l" > "$rb_work/$l.build.out" 2> "$rb_work/$l.build.err" &
		rb_pids="$rb_pids $!"
		# two running: wait for the older (POSIX sh has no wait -n)
		# shellcheck disable=SC2086
		set -- $rb_pids
		if [ $# -ge 2 ]; then
			wait "$1" || true
			shift
			rb_pids="$*"
		fi
	done
	for p in $rb_pids; do wait "$p" || true; done
	for l in $rb_layouts; do
		d=$(cat "$rb_work/$l.build.out" 2> /dev/null)
		if [ -n "$d" ] && [ -f "$d/cmdline" ]; then
			ok "roots.$l.built"
			roots_built="$roots_built $l"
			# build.time: "host|guest S" (the layout), "image a S", "image b S"
			echo "   $l: made in $(awk '{ printf "%s%s s", (NR > 1 ? ", " : ""), $0 }' "$d/build.time")" \
				"$(grep -q "^roots: $l: mak\|^roots: $l: image" "$rb_work/$l.build.err" || echo "(cached)")"
		else
			bad "roots.$l.built" "$(tail -n 1 "$rb_work/$l.build.err")"
		fi
	done
	echo "   the roots' disks and images ready after $(( $(date +%s) - rb_t0 )) s"
}

# roots_prompt ROOT TYPE V WORK: with initmod, the passphrase prompt came
# no later than in the stock twin's boot (lib.sh's twin=: a for b, x for
# c; booted just before on the same attachment): initmod --boot returns
# once the drivers are loaded, and the generator asks right after. Host
# clock, from the kernel's "Run /init" on the console to the prompt (the
# kernel's own start varies most under load), with 1 s for the host's
# noise.
roots_prompt() {
	rp_twin=$(echo "$ev_checks" | sed -n 's/.*twin=\([a-z]*\).*/\1/p')
	[ -n "$rp_twin" ] && [ -s "$4/$rp_twin.$2.$1.log.typed" ] && [ -s "$4/$3.$2.$1.log.typed" ] ||
		return 0
	rp_a=$(roots_asked "$4/$rp_twin.$2.$1.log.typed")
	rp_b=$(roots_asked "$4/$3.$2.$1.log.typed")
	echo "   $3.$2.$1: passphrase prompt $rp_b s after /init started, $rp_twin's $rp_a s"
	check "$3.$2.$1.prompt_no_later_than_$rp_twin" awk -v a="$rp_a" -v b="$rp_b" 'BEGIN { exit !(b <= a + 1) }'
}

# roots_asked LOG.typed: seconds from the initramfs' /init to the prompt
roots_asked() {
	awk '$1 == "prompt" { p = $2 } $1 == "init" { i = $2 }
		END { if (i > 0) printf "%.3f\n", p - i; else print p }' "$1"
}

# roots_initmod_checks NAME LOG TYPE: initmod's lines on the console: it
# loaded the disk's driver, nothing failed (lib.sh), nothing twice
roots_initmod_checks() {
	e2e_initmod_checks "$1" "$2" "$3"
	check "$1.nothing_loaded_twice" roots_once "$2"
}

roots_kmsg_clean() {
	! e2e_kmsg "$1" err | grep -q .
}

roots_once() {
	! e2e_console "$1" | sed -n 's/^initmod: \([^ :]*\): loaded in .*/\1/p' | sort | uniq -d | grep -q .
}

# roots_vt_checks NAME LOG: with the console on the VT, initmod's own lines
# are not on the serial console; its summary in the kernel log is, as
# e2e-init reads it back (E2E-KMSG)
roots_vt_checks() {
	check "$1.initmod_no_failure" \
		grep -Eq "E2E-KMSG info initmod: [0-9]+ loaded, [0-9]+ already present, 0 failed, 0 skipped" "$2"
}

# roots_qemu: e2e_boot, or e2e_boot_typed with the passphrase when the
# root asks for one
roots_qemu() {
	if [ -n "$r_kbd" ]; then	# once the keyboard is there, in rounds
		E2E_TYPE_ON=usbkbd e2e_boot_typed "$r_prompt" "$E2E_ROOTS_PASSPHRASE" "$@"
	elif [ -n "$r_prompt" ]; then
		rq_prompt=$r_prompt	# systemd-cryptsetup's, in dracut's images
		[ "$ev_gen" = dracut ] && rq_prompt='Please enter passphrase for disk'
		e2e_boot_typed "$rq_prompt" "$E2E_ROOTS_PASSPHRASE" "$@"
	else
		e2e_boot "$@"
	fi
}

# roots_boot ROOT TYPE V DIR KERNEL WORK: one boot and its checks
roots_boot() {
	n=$3.$2.$1 log=$6/$3.$2.$1.log
	rx="" rimg=$4/$3.initrd rcmd=$(cat "$4/cmdline")
	[ "$r_disks" = 2 ] && rx=$(e2e_attach "$2" "$4/disk1.img" 1)
	[ -n "$r_kbd" ] && rx="$rx -device qemu-xhci,id=kbdhc -device usb-kbd,bus=kbdhc.0"
	if [ "$3" = d ]; then	# the root named another way (LABEL=, PARTUUID=)
		rimg=$4/d.$2.initrd rcmd=$(echo "$rcmd" | sed "s|root=[^ ]*|$r_droot|")
		roots_hostonly "$4" "$2" "$6" "$5" ||
			{ bad "$n.image_built" "see $6/d.$2.$r_layout.hostonly.log"; return 0; }
	fi
	[ "$ev_gen" = dracut ] && rcmd="$rcmd $r_dracut"
	tb=$(date +%s)
	if ! E2E_QEMU_EXTRA=$rx roots_qemu "$2" "$5" "$rimg" "$4/disk0.img" "$log" \
		"$rcmd ro init=/sbin/e2e-init $r_append $ev_append" "${E2E_TIMEOUT:-300}"; then
		bad "$n" "see $log"
		return 0
	fi
	ok "$n"
	check "$n.root_device" grep -Eq "E2E-MOUNT $(roots_mount "$2") ro(,|\$)" "$log"
	[ -z "$r_stack" ] || check "$n.stack" grep -Eq "$r_stack" "$log"
	case " $ev_checks " in *" initmod "*)
		if [ -n "$r_kbd" ]; then
			roots_vt_checks "$n" "$log"
		else
			roots_initmod_checks "$n" "$log" "$2"
		fi
	esac
	case " $ev_checks " in *" rootfs_by_coldplug "*)	# the root's filesystem by initmod
		check "$n.root_fs_module_by_coldplug" e2e_says "$log" "^initmod: $r_fs: loaded in "
	esac
	case " $ev_checks " in *" kmsg "*)	# no error record (mdadm's /conf/modules: --if-present)
		check "$n.kmsg_no_error" roots_kmsg_clean "$log"
	esac
	case "$r_dev $ev_checks " in /dev/mapper/*" initmod "* | /dev/md*" initmod "*)	# LUKS, LVM, md
		check "$n.short_quiet_once_the_stack_member_was_there" \
			grep -q 'initmod: .*; a LUKS, LVM or md member after ' "$log"
	esac
	case " $ev_checks " in *" udev_short "*)	# the stack's tools get their block events
		check "$n.udev_replayed_the_initramfs_devices_only" grep -q E2E-UDEV-SHORT "$log"
	esac
	if [ -n "$r_kbd" ]; then
		check "$n.keyboard_driver_loaded" grep -q 'E2E-MOD usbhid$' "$log"
		echo "   $n: the passphrase typed on the USB keyboard in $(grep -c '^round' "$log.typed") round(s)"
	elif [ -n "$r_prompt" ]; then
		check "$n.asked_for_the_passphrase" test -s "$log.typed"
		roots_prompt "$1" "$2" "$3" "$6"
	fi
	echo "   $n: root's init at $(e2e_reached "$log") s after kernel start" \
		"(initramfs /init at $(e2e_ktime "$log" 'Run /init as init process') s)," \
		"$(e2e_mods "$log" | wc -l) modules loaded; $(( $(date +%s) - tb )) s wall"
}

roots_cases() {
	ROOTS=${E2E_ROOTS:-part lvm luks-keyfile luks-passphrase luks-usbkbd raid1 raid1-degraded btrfs xfs resume}
	[ "$ROOTS" = none ] && return 0
	# x before c: c's prompt is timed against x's, booted just before
	roots_variants=${E2E_ROOTS_VARIANTS:-a b d x c}
	mkdir -p "$2"
	rc_t0=$(date +%s)
	roots_build "$1" "$2" "$3"
	rc_kernel=$(find "$1/e2e/roots" -maxdepth 1 -name 'vmlinuz-*' | head -n 1)
	for r in $ROOTS; do
		roots_root "$r" || continue
		case " $roots_built " in *" $r_layout "*) ;; *) continue ;; esac
		for t in ${E2E_ROOTS_TYPES:-$r_type}; do
			for v in $roots_variants; do
				# its row of lib.sh's table: ev_append, ev_checks
				e2e_variant "$v" || { bad "$v.known" "no variant $v in lib.sh"; continue; }
				# d: initmod's own image, only for the roots it can bring up
				[ "$v" = d ] && [ -z "$r_droot" ] && continue
				[ "$v" = d ] || [ -f "$1/e2e/roots/$r_layout/$v.initrd" ] ||
					{ bad "$v.$t.$r" "no image $v for $r_layout"; continue; }
				roots_boot "$r" "$t" "$v" "$1/e2e/roots/$r_layout" "$rc_kernel" "$2"
			done
		done
	done
	echo "   the roots took $(( $(date +%s) - rc_t0 )) s"
}
