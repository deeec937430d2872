#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# testmods.sh - sourced by run.sh and bench/boot-bench.sh: fetch a kernel's
# headers, build initmod's test modules (qemu-tests/modules) against them and
# lay them out as a module tree. The caller sets $cache (the project's cache).
tm_src=$(cd "$(dirname "$0")/../qemu-tests/modules" && pwd)
tm_cache=$cache

# headers for out-of-tree modules: the -amd64, -common and kbuild packages
headers() {	# headers KVER -> prints the header directory
	k=$1 hdr=$tm_cache/headers/$1
	if [ ! -f "$hdr/.ready" ]; then
		echo "qemu-test: fetching linux-headers for $k" >&2
		rm -rf "$hdr" && mkdir -p "$hdr/debs"
		common=linux-headers-${k%-amd64}-common
		kb1=linux-kbuild-${k%-amd64} kb2=linux-kbuild-$(echo "$k" | cut -d. -f1-2)
		(cd "$hdr/debs" && apt-get download -q "linux-headers-$k" "$common" > /dev/null 2>&1 &&
			{ apt-get download -q "$kb1" > /dev/null 2>&1 || apt-get download -q "$kb2" > /dev/null 2>&1; }) ||
			{ echo "qemu-test: apt-get download of the headers for $k failed" >&2; return 1; }
		for d in "$hdr"/debs/*.deb; do dpkg-deb -x "$d" "$hdr/root"; done
		sed -i "s#^include /usr/src/#include $hdr/root/usr/src/#" "$hdr/root/usr/src/linux-headers-$k/Makefile"
		touch "$hdr/.ready"
	fi
	echo "$hdr/root/usr/src/linux-headers-$k"
}

# the test modules for kernel KVER, rebuilt when their sources change
build_modules() {	# build_modules KVER -> prints the module directory
	k=$1 m=$tm_cache/testmods/$1
	sum=$(cat "$tm_src/gen.sh" "$tm_src/tm_rec.c" "$tm_src/tm_rec.h" | cksum | cut -d' ' -f1)
	if [ "$(cat "$m/.sum" 2>/dev/null)" != "$sum" ]; then
		h=$(headers "$k") || return 1
		echo "qemu-test: building the test modules for $k (about a minute)" >&2
		rm -rf "$m" && "$tm_src/gen.sh" "$m"
		make -s -j2 -C "$h" M="$m" CONFIG_DEBUG_INFO_BTF_MODULES= modules > "$m.log" 2>&1 ||
			{ tail -20 "$m.log" >&2; return 1; }
		echo "$sum" > "$m/.sum"
	fi
	echo "$m"
}

# a module tree holding only the test modules: plain, xz or zstd
tree() {	# tree DIR KROOT KVER MODS COMPRESSOR
	d=$1/lib/modules/$3
	rm -rf "$1" && mkdir -p "$d/extra"
	cp "$4"/*.ko "$d/extra/"
	case $5 in
	xz) xz --check=crc32 "$d/extra/"*.ko ;;
	zstd) zstd -q --rm "$d/extra/"*.ko ;;
	esac
	cp "$2/lib/modules/$3/modules.builtin" "$2/lib/modules/$3/modules.builtin.modinfo" "$d/"
	# hermetic: an empty depmod.d, not the host's
	mkdir "$1/.depmod.d"
	depmod -C "$1/.depmod.d" -b "$1" "$3" 2> /dev/null
	rmdir "$1/.depmod.d"
}

