#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# seeds.sh - write the fuzz targets' seed corpora from a real Debian module
# tree: a small tree of real modules is copied out and run through depmod,
# so the binary indexes are real kmod output but a few KB each; text files,
# modprobe.d, command lines and compressed streams are cut to a few KB too.
# usage: seeds.sh KROOT KVER OUT   (OUT/<target>/ is written)
set -eu
root=$1 kver=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$root/lib/modules/$kver
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mini=$tmp/lib/modules/$kver
mkdir -p "$mini"

# the chosen modules and everything they depend on
for name in ext4 xfs btrfs snd-hda-intel e1000e virtio_net usb-storage dm-crypt; do
	line=$(grep -E "(^|/)$(echo "$name" | sed 's/[-_]/[-_]/g')\.ko(\.[a-z]+)?:" "$src/modules.dep" || true)
	[ -n "$line" ] || continue
	for rel in $(echo "$line" | tr -d ':'); do
		mkdir -p "$mini/$(dirname "$rel")"
		cp -n "$src/$rel" "$mini/$rel"
	done
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$src/$f" ] && cp "$src/$f" "$mini/"
done
# hermetic: an empty depmod.d instead of the host's
mkdir -p "$tmp/.depmod.d"
depmod -b "$tmp" -C "$tmp/.depmod.d" "$kver"

mkdir -p "$out"
for t in index_bin index_text modprobe_d cmdline modules_load decompress resolve uevent modinfo_elf; do
	rm -rf "${out:?}/$t" && mkdir -p "$out/$t"
done

# binary indexes: the mini tree's, whole
for f in "$mini"/modules.*.bin; do
	cp "$f" "$out/index_bin/$(basename "$f")"
done

# text twins, first byte = kind (0 dep, 1 alias, 2 builtin, 3 modinfo)
cut_to() { head -c "$1" "$2"; }
kind() { printf "\\$(printf %03o "$1")"; }
{ kind 0; cat "$mini/modules.dep"; } > "$out/index_text/dep"
{ kind 1; cut_to 6000 "$mini/modules.alias"; } > "$out/index_text/alias"
{ kind 1; cut_to 6000 "$mini/modules.symbols"; } > "$out/index_text/symbols"
{ kind 2; cut_to 4000 "$src/modules.builtin"; } > "$out/index_text/builtin"
{ kind 3; cut_to 6000 "$src/modules.builtin.modinfo"; } > "$out/index_text/modinfo"

# modprobe.d: the oracle's fixtures and kmod-shaped lines
i=0
for f in "$here"/../oracle/modprobe.d/*/*; do
	i=$((i + 1))
	cp "$f" "$out/modprobe_d/fixture-$i"
done
cat "$here"/kmod-shapes.conf > "$out/modprobe_d/kmod-shapes"

# command lines
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s' "$line" > "$out/cmdline/line-$i"
done < "$here/cmdlines.txt"

# modules-load.d
printf '# comment\n; other\next4\n  xfs  \nsnd-hda-intel\n\nbtrfs # trailing\n' \
	> "$out/modules_load/basic"
printf 'ext4\r\nxfs' > "$out/modules_load/crlf"

# compressed streams: 4 KB of a real module, each format, whole and cut
ko=$(find "$mini" -name '*.ko*' | head -n 1)
case "$ko" in
*.xz) xz -dc "$ko" ;; *.zst) zstd -dc "$ko" ;; *.gz) gzip -dc "$ko" ;; *) cat "$ko" ;;
esac | head -c 4096 > "$tmp/plain"
{ kind 0; xz --check=crc32 -c "$tmp/plain"; } > "$out/decompress/xz"
{ kind 1; zstd -q -c "$tmp/plain"; } > "$out/decompress/zstd"
{ kind 2; gzip -c "$tmp/plain"; } > "$out/decompress/gzip"
for f in xz zstd gzip; do
	head -c 200 "$out/decompress/$f" > "$out/decompress/$f-cut"
done

# the resolver: dep text, alias text, modprobe.d, names
{
	cat "$mini/modules.dep"
	printf '\n----\n'
	cut_to 3000 "$mini/modules.alias"
	printf '\n----\n'
	cat "$here/kmod-shapes.conf"
	printf '\n----\n'
	echo "ext4 xfs snd-hda-intel btrfs fs-ext4 dm_crypt e1000e nosuch"
} > "$out/resolve/tree"
# uevents: kernel messages and uevent files (a CPU's long modalias too)
printf 'add@/devices/pci0000:00/0000:00:04.0\0ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:04.0\0SUBSYSTEM=pci\0MODALIAS=pci:v00008086d00002934sv00001AF4sd00001100bc0Csc03i00\0SEQNUM=512\0' \
	> "$out/uevent/pci-add"
printf 'add@/devices/x/host0/target0:0:0/0:0:0:0\0ACTION=add\0DEVPATH=/devices/x/host0/target0:0:0/0:0:0:0\0SUBSYSTEM=scsi\0DEVTYPE=scsi_device\0MODALIAS=scsi:t-0x00\0SEQNUM=9\0' \
	> "$out/uevent/scsi-add"
printf 'libudev\0\376\355\312\376' > "$out/uevent/libudev"
printf 'DRIVER=\nPCI_CLASS=C0330\nMODALIAS=pci:v00001B36d0000000Dsv00001AF4sd00001100bc0Csc03i30\n' > "$out/uevent/file-pci"
printf 'TIFM_CARD_TYPE=SD\nMODALIAS=tifm:t01\n' > "$out/uevent/file-tifm"
{ printf 'MODALIAS=cpu:type:x86,ven0000fam0006mod00A7:feature:'
  i=0; while [ $i -lt 300 ]; do printf ',%04X' $i; i=$((i + 1)); done; echo; } > "$out/uevent/file-cpu"
# depmod's ELF parser: the smallest real modules, decompressed, and one
# without .symtab/.modinfo
i=0
for ko in $(find "$src" -name '*.ko*' -size -6k | sort | head -n 4); do
	i=$((i + 1))
	case "$ko" in
	*.xz) xz -dc "$ko" ;; *.zst) zstd -dc "$ko" ;; *.gz) gzip -dc "$ko" ;; *) cat "$ko" ;;
	esac > "$out/modinfo_elf/module-$i"
done
objcopy --remove-section .symtab --remove-section .modinfo "$out/modinfo_elf/module-1" \
	"$out/modinfo_elf/stripped" 2>/dev/null || true

echo "seeds: $(find "$out" -type f | wc -l) files in $out"
