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
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { name=$1; shift; if "$@" > /dev/null 2>&1; then ok "$name"; else bad "$name"; fi; }

make -C "$top" -s install DESTDIR="$d/dest" PREFIX=/usr > "$d/log" 2>&1 || { cat "$d/log"; bad make_install; }
for f in sbin/initmod sbin/initmod-mkinitramfs lib/initmod/mkinitramfs lib/initmod/generic-drivers \
	share/doc/initmod/README.md share/doc/initmod/LICENSE share/doc/initmod/kmod-differences.md; do
	check "installed.$f" test -e "$d/dest/usr/$f"
done
check installed.binary_runs "$d/dest/usr/sbin/initmod" --version
# the installed builder, through its link, with the installed driver list
check installed.mkinitramfs_builds "$d/dest/usr/sbin/initmod-mkinitramfs" -o "$d/img" -d "$kr" -k "$kver" \
	--add-dir kernel/drivers/block/virtio_blk.ko --generic
check installed.image_has_the_installed_binary sh -c "cpio -i --to-stdout bin/initmod < '$d/img' 2>/dev/null | cmp -s - '$d/dest/usr/sbin/initmod'"
make -C "$top" -s uninstall DESTDIR="$d/dest" PREFIX=/usr > "$d/log" 2>&1 || bad make_uninstall
check uninstalled sh -c "! find '$d/dest' -type f -o -type l | grep -q ."
echo "install: $pass passed, $fail failed"
[ $fail -eq 0 ]
