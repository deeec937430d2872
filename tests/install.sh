#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# install.sh - `make check-install`: `make install DESTDIR=... PREFIX=/usr`
# puts every file where it belongs, the installed image builder finds the
# installed binary and driver list through its link, and uninstall removes
# them again. "N passed, N failed".
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
	lib/dracut/modules.d/90initmod/initmod-pre-udev.sh; do
	check "installed.$f" test -e "$d/dest/usr/$f"
done
check installed.modprobe_link_is_initmod sh -c "'$d/dest/usr/lib/initmod/bin/modprobe' --help | grep -q '^usage: modprobe'"
check installed.depmod_link_is_initmod sh -c "'$d/dest/usr/lib/initmod/bin/depmod' -n -b '$kr' '$kver' | grep -q '^# Aliases'"
# the hooks name the installed binary, and are executable
check installed.hooks_name_the_binary sh -c "grep -q '\"/usr/sbin/initmod\"' '$d/dest/usr/share/initramfs-tools/hooks/initmod' &&
	grep -q '\"/usr/sbin/initmod\"' '$d/dest/usr/lib/dracut/modules.d/90initmod/module-setup.sh' &&
	! grep -rq @SBINDIR@ '$d/dest'"
check installed.hooks_executable sh -c "test -x '$d/dest/usr/share/initramfs-tools/hooks/initmod' &&
	test -x '$d/dest/usr/share/initramfs-tools/scripts/init-top/initmod' &&
	test -x '$d/dest/usr/lib/dracut/modules.d/90initmod/module-setup.sh'"
check installed.binary_runs "$d/dest/usr/sbin/initmod" --version
# the installed builder, through its link, with the installed driver list
check installed.mkinitramfs_builds "$d/dest/usr/sbin/initmod-mkinitramfs" -o "$d/img" -d "$kr" -k "$kver" \
	--add-dir kernel/drivers/block/virtio_blk.ko --generic
check installed.image_has_the_installed_binary sh -c "cpio -i --to-stdout bin/initmod < '$d/img' 2>/dev/null | cmp -s - '$d/dest/usr/sbin/initmod'"
make -C "$top" -s uninstall DESTDIR="$d/dest" PREFIX=/usr > "$d/log" 2>&1 || bad make_uninstall
# HOOKS=no: no hook anywhere
make -C "$top" -s install DESTDIR="$d/nohooks" PREFIX=/usr HOOKS=no > "$d/log" 2>&1 || bad make_install_nohooks
check hooks_no sh -c "test -x '$d/nohooks/usr/sbin/initmod' && ! find '$d/nohooks' -name '*initmod*' -path '*dracut*' | grep -q . &&
	! test -e '$d/nohooks/usr/share/initramfs-tools'"
check uninstalled sh -c "! find '$d/dest' -type f -o -type l | grep -q ."
finish install
