#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# kernel-test.sh - `make kernel-test` (optional, after `make kernel`): boot
# the small kernel of kernel-configs/ with initmod as /init. Its modules are
# zstd-compressed and signed, and the kernel decompresses zstd itself, so
# initmod must hand them over with MODULE_INIT_COMPRESSED_FILE; an unsigned
# out-of-tree module must be refused (MODULE_SIG_FORCE: EKEYREJECTED) with a
# message that says so, and everything else must load.
# usage: kernel-test.sh KERNEL-OUT INITMOD WORKDIR
set -eu
kout=$1 bin=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$kout/src
[ -f "$kout/bzImage" ] || { echo "kernel-test: no $kout/bzImage: run make kernel first" >&2; exit 2; }
kver=$(make -s -C "$src" kernelrelease)
# shellcheck source=tests/harness.sh
. "$here/../tests/harness.sh"

# an unsigned out-of-tree module (M= builds are not signed; modules_install signs)
rm -rf "$work" && mkdir -p "$work/mod"
cat > "$work/mod/tm_unsigned.c" <<'MOD'
// SPDX-License-Identifier: GPL-2.0
/* tm_unsigned: never signed, so a MODULE_SIG_FORCE kernel must refuse it */
#include <linux/module.h>
static int __init tm_unsigned_init(void) { return 0; }
module_init(tm_unsigned_init);
MODULE_LICENSE("GPL");
MOD
echo "obj-m := tm_unsigned.o" > "$work/mod/Kbuild"
make -s -C "$src" M="$work/mod" modules > "$work/mod.log" 2>&1 || { tail "$work/mod.log"; exit 1; }

root=$work/root
mkdir -p "$root/lib/modules"
cp -a "$kout/root/lib/modules/$kver" "$root/lib/modules/"
mkdir -p "$root/lib/modules/$kver/extra"
cp "$work/mod/tm_unsigned.ko" "$root/lib/modules/$kver/extra/"
mkdir "$root/.depmod.d"	# hermetic: not the host's depmod.d
depmod -C "$root/.depmod.d" -b "$root" "$kver"
rmdir "$root/.depmod.d"
names="ext4 xfs btrfs virtio_net virtio_blk e1000e ahci nvme tm_unsigned"
"$here/../initramfs/mkinitramfs" -o "$work/k.img" -d "$root" -k "$kver" --initmod "$bin" \
	--add-modules "$(echo $names | tr ' ' ',')" --busybox \
	--extra "$here/guest/report:/bin/report" 2> /dev/null
closure=$("$bin" -q -d "$root" -S "$kver" -C /dev/null --no-cmdline -a --show-depends $names |
	sed -n 's#^insmod [^ ]*/\([^/ ]*\)\.ko[.a-z]* .*#\1#p' | sort -u)
if "$here/boot.sh" "$kout/bzImage" "$work/k.img" "$work/boot.log" \
	"init=/bin/report loglevel=3 modules_load=$(echo $names | tr ' ' ',') initmod.verbose=1" 300 2; then
	ok kernel.boot_reached_next_stage
	check kernel.modules_are_zstd sh -c "ls '$root/lib/modules/$kver/kernel/fs/ext4/'*.ko.zst"
	check kernel.kernel_decompressed_zstd grep -q 'ext4: the kernel decompressed .*ext4.ko.zst (zstd)' "$work/boot.log"
	check kernel.unsigned_module_refused grep -q 'tm_unsigned: failed: .*tm_unsigned.ko.*signature rejected' "$work/boot.log"
	check kernel.unsigned_module_not_loaded sh -c "! grep -q '^REPORT-MOD tm_unsigned$' '$work/boot.log'"
	missing=
	for m in $closure; do
		m=$(echo "$m" | tr - _)
		[ "$m" = tm_unsigned ] && continue
		grep -q "^REPORT-MOD $m\$" "$work/boot.log" || missing="$missing $m"
	done
	if [ -z "$missing" ]; then ok kernel.signed_zstd_closure_loaded; else bad kernel.signed_zstd_closure_loaded "missing:$missing"; fi
	echo "   $(grep -ho 'initmod: [0-9].*' "$work/boot.log" | head -n 1)"
else
	bad kernel.boot_reached_next_stage "see $work/boot.log"
fi
finish kernel-test
