#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# build.sh - `make kernel` (optional, not run by CI): build a small kernel
# from Debian's linux-source-6.12 with kernel-configs/initmod.config
# (x86_64_defconfig + zstd in-kernel module decompression + MODULE_SIG_FORCE),
# install its modules (zstd-compressed, signed) under OUT/root and its image
# as OUT/bzImage.
# usage: build.sh OUT [JOBS]
set -eu
out=$1 jobs=${2:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	linux-source-6.12 bc bison flex libelf-dev libssl-dev cpio zstd > /dev/null
src=$out/src
if [ ! -d "$src" ]; then
	mkdir -p "$out"
	tar -C "$out" -xf /usr/src/linux-source-6.12.tar.xz
	mv "$out"/linux-source-6.12 "$src"
fi
start=$(date +%s)
make -C "$src" -s x86_64_defconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$here/initmod.config" > /dev/null
make -C "$src" -s olddefconfig
make -C "$src" -s -j"$jobs" bzImage modules
rm -rf "$out/root"
make -C "$src" -s INSTALL_MOD_PATH="$out/root" modules_install
cp "$src/arch/x86/boot/bzImage" "$out/bzImage"
echo "build.sh: kernel $(make -C "$src" -s kernelrelease) built in $(( $(date +%s) - start )) s with $jobs jobs"
