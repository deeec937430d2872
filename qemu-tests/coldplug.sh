#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# coldplug.sh - `make qemu-coldplug` (part of make check): initmod's
# coldplug as PID 1 on three QEMU machines and two Debian kernels, against
# udev's coldplug (Debian 12's systemd-udevd) from the same image: the same
# modules must end up loaded (differences allowed only when listed, with
# their reason, in tests/coldplug-differences.md), the hotplug chains by
# name, a blacklisted alias not loaded, devices with no driver named,
# nothing loaded twice, settle bounded. Then a device plugged after
# settle (hotadd): the next stage (guest/hotadd) starts udev as the real
# root does after the switch, and the host plugs an e1000e into a PCIe
# root port through QEMU's monitor (device_add); its driver must load and
# bind. One line per case, then "coldplug: N passed, N failed".
# usage: coldplug.sh CACHE BUILD KROOT_612 KROOT_61 INITMOD
set -eu
cache=$1 build=$2 kroot612=$3 kroot61=$4 bin=$5
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
work=$build/qemu-coldplug
mkdir -p "$work"
work=$(cd "$work" && pwd)
allowed=$top/tests/coldplug-differences.md
# shellcheck source=tests/harness.sh
. "$here/../tests/harness.sh"

# shellcheck source=qemu-tests/machines.sh
. "$here/machines.sh"

boot() {	# boot KERNEL IMAGE LOG APPEND
	QEMU_MACHINE=$M QEMU_DEVICES=$(echo $D) "$here/boot.sh" "$1" "$2" "$3" "loglevel=3 $4" 300 2
}

mods() { sed -n 's/^REPORT-MOD //p' "$1" | sort; }

# hotadd KERNEL IMAGE LOG: initmod's coldplug on the virtio machine with a
# hotplug-capable PCIe root port (hp), then guest/hotadd; once it says
# HOTADD-READY, an e1000e goes into the port through QEMU's monitor
# (Ctrl-A c switches -nographic's mux to it and back)
hotadd() {
	ha_fifo=$3.stdin
	rm -f "$ha_fifo" "$3" && mkfifo "$ha_fifo" || return 2
	exec 9<> "$ha_fifo"	# held open: QEMU's open never waits
	machine virtio
	QEMU_STDIN=$ha_fifo QEMU_MACHINE=$M QEMU_DEVICES="$(echo $D) -device pcie-root-port,id=hp,chassis=9,slot=9" \
		"$here/boot.sh" "$1" "$2" "$3" \
		"loglevel=3 initmod.coldplug=1 initmod.verbose=1 init=/bin/hotadd hotadd=e1000e" 300 2 &
	ha_pid=$!
	(
		while kill -0 "$ha_pid" 2> /dev/null; do
			if grep -q 'HOTADD-READY' "$3" 2> /dev/null; then
				printf '\001cdevice_add e1000e,bus=hp,id=hot0\n\001c' >&9
				exit 0
			fi
			sleep 0.2
		done
	) &
	ha_plug=$!
	ha_rc=0
	wait "$ha_pid" || ha_rc=$?
	kill "$ha_plug" 2> /dev/null || true
	wait "$ha_plug" 2> /dev/null || true
	exec 9>&-
	rm -f "$ha_fifo"
	return $ha_rc
}

for kr in "$kroot612" "$kroot61"; do
	kver=$(cat "$kr/.ready")
	short=$(echo "$kver" | cut -d. -f1-2)
	img=$work/$short.img
	coldplug_image "$kr" "$kver" "$bin" "$img" ||
		{ bad "$short.image_built" "see $img.log"; continue; }
	for m in virtio mixed legacy; do
		machine $m
		tag=$short-$m
		li=$work/$tag.initmod.log lu=$work/$tag.udev.log
		if ! boot "$kr/boot/vmlinuz-$kver" "$img" "$li" \
			"initmod.coldplug=1 initmod.verbose=1 init=/bin/report ${COLDPLUG_APPEND:-}"; then
			bad "$tag.initmod_boot_reached_next_stage" "see $li"
			continue
		fi
		ok "$tag.initmod_boot_reached_next_stage"
		if ! boot "$kr/boot/vmlinuz-$kver" "$img" "$lu" "rdinit=/bin/udev-init"; then
			bad "$tag.udev_boot_settled" "see $lu"
			continue
		fi
		ok "$tag.udev_boot_settled"
		mods "$li" > "$work/$tag.initmod.mods"
		mods "$lu" > "$work/$tag.udev.mods"
		# the same set as udev's, but for differences listed with a reason
		comm -3 "$work/$tag.initmod.mods" "$work/$tag.udev.mods" |
			awk '{ print ($0 ~ /^\t/ ? "udev-only " : "initmod-only ") $1 }' > "$work/$tag.diff"
		unlisted=$(while read -r side mod; do
			grep -q "^| $side | \`$mod\` |" "$allowed" || echo "$side:$mod"
		done < "$work/$tag.diff" | tr '\n' ' ')
		if [ -z "$unlisted" ]; then
			ok "$tag.same_modules_as_udev"
		else
			bad "$tag.same_modules_as_udev" "unlisted: $unlisted"
		fi
		for w in $W; do
			check "$tag.loaded.$w" grep -qx "$w" "$work/$tag.initmod.mods"
		done
		check "$tag.blacklisted_alias_not_loaded" sh -c "! grep -qx pcspkr '$work/$tag.initmod.mods' && grep -q 'pcspkr is blacklisted' '$li'"
		check "$tag.device_without_driver_named" grep -q 'coldplug: no module for .* (/devices/' "$li"
		check "$tag.nothing_loaded_twice" sh -c "sed -n 's/^initmod: \([^ :]*\): loaded in .*/\1/p' '$li' | sort | uniq -d | grep -q . && exit 1 || exit 0"
		check "$tag.no_failure" grep -q 'initmod: [0-9]* loaded, [0-9]* already present, 0 failed, 0 skipped' "$li"
		check "$tag.settled_in_bounds" awk '/coldplug: .* settled in [0-9.]+ s/ {
			for (i = 1; i <= NF; i++) if ($i == "in") t = $(i + 1) } END { exit !(t > 0 && t < 60) }' "$li"
		ti=$(sed -n 's/^REPORT-BEGIN uptime=//p' "$li") tu=$(sed -n 's/^UDEV-SETTLED uptime=//p' "$lu"); tq=$(sed -n "s/^UDEV-QUIET uptime=//p" "$lu")
		echo "   $tag: initmod $(wc -l < "$work/$tag.initmod.mods") modules, at the next stage ${ti} s after kernel start; udev $(wc -l < "$work/$tag.udev.mods") modules, settled ${tu} s, quiet ${tq} s"
	done
done

# a device plugged after settle: its driver loads by the next stage's udev
short=$(cut -d. -f1-2 "$kroot612/.ready")
lh=$work/$short-virtio.hotadd.log
if [ ! -f "$work/$short.img" ]; then
	bad "$short-virtio.hotadd.boot" "no image (see $work/$short.img.log)"
elif ! hotadd "$kroot612/boot/vmlinuz-$(cat "$kroot612/.ready")" "$work/$short.img" "$lh"; then
	bad "$short-virtio.hotadd.boot" "see $lh"
else
	ok "$short-virtio.hotadd.boot"
	check "$short-virtio.hotadd.coldplug_no_failure" \
		grep -q 'initmod: [0-9]* loaded, [0-9]* already present, 0 failed, 0 skipped' "$lh"
	check "$short-virtio.hotadd.not_loaded_before_the_plug" \
		sh -c "grep -q '^HOTADD-READY' '$lh' && ! grep -q '^HOTADD-READY.* e1000e ' '$lh'"
	check "$short-virtio.hotadd.driver_loaded_and_bound" grep -Eq '^HOTADD-LOADED e1000e .* bound: [1-9]' "$lh"
	echo "   $short-virtio.hotadd: $(sed -n 's/^\(HOTADD-READY uptime=[0-9.]*\).*/\1/p; s/^\(HOTADD-LOADED [^ ]* uptime=[0-9.]*\).*/\1/p' "$lh" | tr '\n' ' ')"
fi
finish coldplug
