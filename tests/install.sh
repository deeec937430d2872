#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# install.sh - `make check-install`: `make install DESTDIR=... PREFIX=/usr`
# puts every file where it belongs, the installed image builder finds the
# installed binary and driver list through its link, the initramfs-tools
# conf-hook keeps an image's modules compressed (as mkinitramfs would source
# it), and uninstall removes them again. "N passed, N failed".
# usage: install.sh KROOT KVER
set -eu
kr=$1 kver=$2
top=$(cd "$(dirname "$0")/.." && pwd)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# shellcheck source=tests/harness.sh
. "$top/tests/harness.sh"

make -C "$top" -s install DESTDIR="$d/dest" PREFIX=/usr ITOOLS_DIR=/usr/share/initramfs-tools \
	DRACUT_DIR=/usr/lib/dracut/modules.d/90initmod > "$d/log" 2>&1 || { cat "$d/log"; bad make_install; }
for f in sbin/initmod sbin/initmod-mkinitramfs lib/initmod/mkinitramfs lib/initmod/generic-drivers \
	share/doc/initmod/README.md share/doc/initmod/LICENSE share/doc/initmod/kmod-differences.md \
	lib/initmod/bin/modprobe lib/initmod/bin/depmod share/initramfs-tools/hooks/initmod \
	lib/initmod/init-top-udev lib/initmod/udev-trigger share/doc/initmod/generator-differences.md \
	lib/dracut/modules.d/90initmod/udev-trigger.conf lib/dracut/modules.d/90initmod/initmod-pre-trigger.sh \
	share/initramfs-tools/scripts/init-top/initmod lib/dracut/modules.d/90initmod/module-setup.sh \
	lib/dracut/modules.d/90initmod/initmod-pre-udev.sh share/initramfs-tools/conf-hooks.d/initmod; do
	check "installed.$f" test -e "$d/dest/usr/$f"
done
check installed.modprobe_link_is_initmod sh -c "'$d/dest/usr/lib/initmod/bin/modprobe' --help | grep -q '^usage: modprobe'"
check installed.depmod_link_is_initmod sh -c "'$d/dest/usr/lib/initmod/bin/depmod' -n -b '$kr' '$kver' | grep -q '^# Aliases'"
# the hooks name the installed binary, and are executable
check installed.hooks_name_the_binary sh -c "grep -q '\"/usr/sbin/initmod\"' '$d/dest/usr/share/initramfs-tools/hooks/initmod' &&
	grep -q '\"/usr/sbin/initmod\"' '$d/dest/usr/lib/dracut/modules.d/90initmod/module-setup.sh' &&
	grep -q '\"/usr/sbin/initmod\"' '$d/dest/usr/share/initramfs-tools/conf-hooks.d/initmod' &&
	! grep -rq @SBINDIR@ '$d/dest'"
check installed.hooks_executable sh -c "test -x '$d/dest/usr/share/initramfs-tools/hooks/initmod' &&
	test -x '$d/dest/usr/share/initramfs-tools/scripts/init-top/initmod' &&
	test -x '$d/dest/usr/lib/dracut/modules.d/90initmod/module-setup.sh'"
check installed.binary_runs "$d/dest/usr/sbin/initmod" --version
# the installed builder, through its link, with the installed driver list
check installed.mkinitramfs_builds "$d/dest/usr/sbin/initmod-mkinitramfs" -o "$d/img" -d "$kr" -k "$kver" \
	--add-dir kernel/drivers/block/virtio_blk.ko --generic
check installed.image_has_the_installed_binary sh -c "cpio -i --to-stdout bin/initmod < '$d/img' 2>/dev/null | cmp -s - '$d/dest/usr/sbin/initmod'"

# the conf-hook, sourced as mkinitramfs sources it (its binary found where
# this test installed it), then mkinitramfs 0.142's decompression of the
# image's modules: they stay compressed; the real xz and zstd still do
# everything else (the image's own compression); off by its settings
sed "s|@SBINDIR@|$d/dest/usr/sbin|" "$top/initramfs/initramfs-tools/conf-hooks/initmod" > "$d/conf-hook"
# conf_hook_image [NAME=VALUE...]: a tree with a.ko.xz and b.ko.zst, the
# hook sourced with the settings, the loop run; prints the modules left,
# and "xz zstd" when both still round-trip other data
conf_hook_image() {
	ci=$d/conf-hook-image
	rm -rf "$ci" && mkdir -p "$ci/lib/modules/K/kernel" || return 1
	echo a > "$ci/lib/modules/K/kernel/a.ko" && xz --check=crc32 "$ci/lib/modules/K/kernel/a.ko" &&
		echo b > "$ci/lib/modules/K/kernel/b.ko" && zstd -q --rm "$ci/lib/modules/K/kernel/b.ko" ||
		return 1
	env "$@" sh -c '
		DESTDIR=$1 MODULESDIR=/lib/modules/K
		. "$2"
		find "${DESTDIR}/${MODULESDIR}" -name "*.ko.*" | while read -r ko; do
			case "$ko" in
			*.xz) command -v xz > /dev/null 2>&1 || break; xz -d "${ko}" ;;
			*.zst) command -v zstd > /dev/null 2>&1 || break; zstd -q -d --rm "${ko}" ;;
			esac
		done
		[ "$(echo x | xz -9 --check=crc32 -c | xz -dc)" = x ] && printf "xz "
		[ "$(echo z | zstd -q -9 -c | zstd -q -dc)" = z ] && echo zstd' sh "$ci" "$d/conf-hook" &&
		(cd "$ci/lib/modules/K/kernel" && ls | tr '\n' ' ')
}
check conf_hook.keeps_modules_compressed test "$(conf_hook_image)" = "xz zstd
a.ko.xz b.ko.zst "
check conf_hook.off_by_initmod_modules test "$(conf_hook_image INITMOD_MODULES=decompressed)" = "xz zstd
a.ko b.ko "
check conf_hook.off_by_initmod_no test "$(conf_hook_image INITMOD=no)" = "xz zstd
a.ko b.ko "
make -C "$top" -s uninstall DESTDIR="$d/dest" PREFIX=/usr > "$d/log" 2>&1 || bad make_uninstall
# HOOKS=no: no hook anywhere
make -C "$top" -s install DESTDIR="$d/nohooks" PREFIX=/usr HOOKS=no > "$d/log" 2>&1 || bad make_install_nohooks
check hooks_no sh -c "test -x '$d/nohooks/usr/sbin/initmod' && ! find '$d/nohooks' -name '*initmod*' -path '*dracut*' | grep -q . &&
	! test -e '$d/nohooks/usr/share/initramfs-tools'"
check uninstalled sh -c "! find '$d/dest' -type f -o -type l | grep -q ."
finish install
