#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# demo.sh - `make demo`: build an initmod initramfs for the generic module set
# on Debian's 6.12 kernel, boot it under QEMU (TCG), print initmod's summary
# and per-module results from the serial console; then the same boot with
# kmod's modprobe -a for comparison.
# usage: demo.sh ROOT KVER SET BUILD_DIR
set -eu
root=$1 kver=$2 set=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
kernel=$root/boot/vmlinuz-$kver
mkdir -p "$out"
grep -v '^[#;]' "$set" > "$out/generic.conf"
step() { echo "== $*"; }

step "building the initmod image ($(wc -l < "$out/generic.conf") names)"
"$top/initramfs/mkinitramfs" -o "$out/initmod.img" -d "$root" -k "$kver" \
	--add-modules-file "$set" --modules-load "$out/generic.conf" --busybox \
	--extra "$here/guest/report:/bin/report"

step "booting it under QEMU (TCG, -cpu max, 2 vCPUs); this takes a while"
"$here/boot.sh" "$kernel" "$out/initmod.img" "$out/initmod.log" "init=/bin/report quiet" 600
grep -a '^initmod:' "$out/initmod.log" | sed 's/^/   /'
echo "   modules in /proc/modules after initmod: $(sed -n 's/^REPORT-MODULES //p' "$out/initmod.log")"
echo "   per-module results (failed or skipped ones are named above):"
grep -a '^REPORT-MOD ' "$out/initmod.log" | sed 's/^REPORT-MOD //' | tr '\n' ' ' | fold -s -w 76 | sed 's/^/     /'
echo

step "building the same image with kmod's modprobe -a as /init"
kmod=$(command -v kmod) || { echo "kmod missing (apt-get install kmod)"; exit 1; }
extras="$kmod:/kmod/modprobe"
for lib in $(ldd "$kmod" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
	extras="$extras $lib:$lib"
done
# shellcheck disable=SC2086
"$top/initramfs/mkinitramfs" -o "$out/kmod.img" -d "$root" -k "$kver" \
	--add-modules-file "$set" --modules-load "$out/generic.conf" --busybox \
	--init "$here/guest/kmod-init" --extra "$here/guest/report:/bin/report" \
	$(for e in $extras; do printf -- '--extra %s ' "$e"; done)

step "booting it"
"$here/boot.sh" "$kernel" "$out/kmod.img" "$out/kmod.log" "quiet" 600 || true
grep -a '^KMOD-SUMMARY\|^modprobe: ' "$out/kmod.log" | head -20 | sed 's/^/   /'
echo "   modules in /proc/modules after kmod: $(sed -n 's/^REPORT-MODULES //p' "$out/kmod.log")"

step "modules loaded by one and not the other"
grep -a '^REPORT-MOD ' "$out/initmod.log" | sort > "$out/a"
grep -a '^REPORT-MOD ' "$out/kmod.log" | sort > "$out/b"
comm -3 "$out/a" "$out/b" | sed 's/REPORT-MOD //; s/^\t/   kmod only: /; t; s/^/   initmod only: /'

# both loaders' times side by side: uptime when the report ran, i.e. the
# kernel's own start-up (the same in both) plus every module loaded
t_im=$(sed -n 's/^REPORT-BEGIN uptime=\([0-9.]*\).*/\1/p' "$out/initmod.log" | head -n 1)
t_km=$(sed -n 's/^REPORT-BEGIN uptime=\([0-9.]*\).*/\1/p' "$out/kmod.log" | head -n 1)
n_im=$(sed -n 's/^REPORT-MODULES //p' "$out/initmod.log" | head -n 1)
n_km=$(sed -n 's/^REPORT-MODULES //p' "$out/kmod.log" | head -n 1)
if [ -z "$t_im" ] || [ -z "$t_km" ]; then
	echo "== result: a boot did not reach its report (initmod: ${t_im:-none}, kmod: ${t_km:-none}); logs in $out"
	exit 1
fi
echo
awk -v a="$t_im" -v b="$t_km" -v na="$n_im" -v nb="$n_km" 'BEGIN {
	printf "== result: modules loaded at %.1f s of uptime with initmod (%d modules), %.1f s with kmod'"'"'s modprobe -a (%d): kmod/initmod %.2fx (one boot each, TCG; the kernel'"'"'s own start-up is in both)\n", a, na, b, nb, b / a }'
