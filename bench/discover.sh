#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# discover.sh - the `everything` workload of `make bench`: boot ROOT's kernel
# with every module of its tree (minus the ones that exist to stress or test
# the kernel: *torture*, *scale, test_*, *_test, kunit, tcrypt, lkdtm) in the
# image, let initmod load them all, and keep the names of what ended up in
# /proc/modules as LIST.
# usage: discover.sh ROOT KVER LIST WORKDIR
set -eu
root=$1 kver=$2 list=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
mkdir -p "$work"
find "$root/lib/modules/$kver/kernel" -name '*.ko*' | sed 's#.*/##; s/\.ko.*//; s/-/_/g' |
	grep -Ev 'torture|scale$|^test_|_test$|kunit|^tcrypt$|^lkdtm$' | sort -u > "$work/candidates"
grep -v '^[#;]' "$work/candidates" > "$work/candidates.conf"
"$top/initramfs/mkinitramfs" -o "$work/all.img" -d "$root" -k "$kver" \
	--initmod "$top/initmod" --add-modules-file "$work/candidates" --modules-load "$work/candidates.conf" \
	--busybox --init "$here/guest/bench-init" \
	--extra "$top/qemu-tests/guest/report:/bin/report" 2> /dev/null
echo "discover: booting with $(wc -l < "$work/candidates") candidate modules (takes minutes)"
QEMU_MEM=${QEMU_MEM:-4096} "$top/qemu-tests/boot.sh" "$root/boot/vmlinuz-$kver" "$work/all.img" \
	"$work/all.log" "quiet bench.loader=initmod" 3000 2
sed -n 's/^REPORT-MOD //p' "$work/all.log" | sort -u > "$list.tmp"
[ -s "$list.tmp" ] || { echo "discover: nothing loaded (see $work/all.log)" >&2; exit 1; }
mv "$list.tmp" "$list"
echo "discover: $(wc -l < "$list") modules loaded; list in $list"
