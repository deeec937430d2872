#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-image.sh - build an image for a real Debian tree and check its
# contents: every module of the set's closure (per initmod --show-depends)
# is in it, no other module is, and a second build is byte-identical. Then
# the builder's edges: a name it cannot find stops it (--allow-missing does
# not), the modprobe.d files it copies are the ones initmod reads, and a
# module of a depmod.d "external" directory ends up in the image.
# Last line: "image: N passed, N failed".
# usage: test-image.sh ROOT KVER SETFILE INITMOD
set -eu
root=$1 kver=$2 set=$3 bin=$4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mk=$here/mkinitramfs
# shellcheck source=tests/harness.sh
. "$here/../tests/harness.sh"

"$mk" -o "$work/a.img" -d "$root" -k "$kver" --initmod "$bin" \
	--add-modules-file "$set" --add-dir kernel/drivers/ata --compress zstd 2>/dev/null
"$mk" -o "$work/b.img" -d "$root" -k "$kver" --initmod "$bin" \
	--add-modules-file "$set" --add-dir kernel/drivers/ata --compress zstd 2>/dev/null
check image_is_reproducible cmp -s "$work/a.img" "$work/b.img"

zstd -dc < "$work/a.img" | (cd "$work" && mkdir x && cd x && cpio -id --quiet)
dir=$(cd "$root/lib/modules/$kver" && pwd)
names="$(grep -v '^[#;]' "$set" | tr '\n' ' ') $(find "$dir/kernel/drivers/ata" -name '*.ko*' | sed 's#.*/##; s/\.ko.*//' | tr '\n' ' ')"
# shellcheck disable=SC2086
"$bin" -q -d "$root" -S "$kver" -C /dev/null --no-cmdline -a --show-depends $names |
	sed -n "s#^insmod $dir/\([^ ]*\) .*#\1#p" | sort -u > "$work/want"
(cd "$work/x/lib/modules/$kver" && find . -name '*.ko*' | sed 's#^\./##' | sort) > "$work/have"
check closure_modules_all_present sh -c "! comm -23 '$work/want' '$work/have' | grep -q ."
check no_module_outside_closure sh -c "! comm -13 '$work/want' '$work/have' | grep -q ."
check indexes_regenerated test -s "$work/x/lib/modules/$kver/modules.dep.bin"
check init_is_initmod test -L "$work/x/init"
check modprobe_is_initmod test "$(readlink "$work/x/bin/modprobe")" = ../bin/initmod
check no_modprobe_before_init test ! -e "$work/x/sbin/modprobe" -a ! -L "$work/x/sbin/modprobe"
check console_node sh -c "[ \$(id -u) != 0 ] || [ -c '$work/x/dev/console' ]"
echo "image: $(wc -l < "$work/want") modules in the closure, $(wc -l < "$work/have") in the image"

# a name that is not there stops the build: every such name is said, no
# image is written; --allow-missing builds without them and says which
set +e
"$mk" -o "$work/typo.img" -d "$root" -k "$kver" --initmod "$bin" \
	--add-modules ext4,nosuchmod,no-such_mod2,xfs 2> "$work/typo.err"
rc=$?
set -e
check typo_stops_the_build test $rc -ne 0
check typo_every_missing_name_said sh -c "grep -q 'nosuchmod' '$work/typo.err' && grep -q 'no-such_mod2' '$work/typo.err'"
check typo_writes_no_image test ! -e "$work/typo.img"
set +e
"$mk" -o "$work/allow.img" -d "$root" -k "$kver" --initmod "$bin" \
	--add-modules ext4,nosuchmod --allow-missing 2> "$work/allow.err"
rc=$?
set -e
check allow_missing_builds sh -c "[ $rc -eq 0 ] && [ -s '$work/allow.img' ] &&
	cpio -it --quiet < '$work/allow.img' | grep -q '/ext4\.ko'"
check allow_missing_says_which grep -q 'nosuchmod' "$work/allow.err"
check missing_modules_file_stops_the_build sh -c "! '$mk' -o '$work/nofile.img' -d '$root' -k '$kver' \
	--initmod '$bin' --add-modules-file '$work/no-such-list' 2> /dev/null && [ ! -e '$work/nofile.img' ]"

# modprobe.d: what initmod reads on the host (-C A -C B: A/30-override.conf
# shadows B's, B/40-more.alias is read, B/.hidden.conf and B/notes.txt are
# not) is what the image holds, and it means the same there
conf=$here/../tests/oracle/modprobe.d
"$mk" -o "$work/conf.img" -d "$root" -k "$kver" --initmod "$bin" \
	-C "$conf/A" -C "$conf/B" --add-modules ext4 2> /dev/null
mkdir "$work/c" && (cd "$work/c" && cpio -id --quiet < "$work/conf.img")
md=$work/c/etc/modprobe.d
check conf_alias_file_copied cmp -s "$md/40-more.alias" "$conf/B/40-more.alias"
check conf_dotfile_and_other_names_left_out sh -c "! ls -A '$md' | grep -q -e '^\.' -e 'notes'"
check conf_first_directory_wins cmp -s "$md/30-override.conf" "$conf/A/30-override.conf"
names=$(grep -v '^#' "$here/../tests/oracle/names-config.txt" | tr '\n' ' ')
# shellcheck disable=SC2086
"$bin" -q -d "$root" -S "$kver" -C "$conf/A" -C "$conf/B" --no-cmdline -a \
	--show-depends $names > "$work/conf.host" 2>&1 || true
# shellcheck disable=SC2086
"$bin" -q -d "$root" -S "$kver" -C "$md" --no-cmdline -a \
	--show-depends $names > "$work/conf.image" 2>&1 || true
check conf_image_resolves_like_host cmp -s "$work/conf.host" "$work/conf.image"

# a depmod.d "external" directory (kmod writes the absolute path into
# modules.dep; kmod 30's depmod -b does not prefix it, so the directory is
# named with the fixture's own absolute path; the version is a regular
# expression, where "+" is no literal: "*")
fx=$work/ext
src=$root/lib/modules/$kver
mkdir -p "$fx/lib/modules/$kver" "$fx/opt/ext" "$fx/depmod.d"
for m in kernel/fs/fat/fat kernel/fs/nls/nls_utf8 kernel/fs/nls/nls_cp437; do
	f=$(cd "$src" && ls "$m".ko*)
	mkdir -p "$fx/lib/modules/$kver/$(dirname "$m")"
	cp "$src/$f" "$fx/lib/modules/$kver/$f"
done
vf=$(cd "$src" && ls kernel/fs/fat/vfat.ko*)
cp "$src/$vf" "$fx/opt/ext/"	# vfat: needs fat, nothing needs it
cp "$src/modules.builtin" "$src/modules.builtin.modinfo" "$fx/lib/modules/$kver/"
grep -E '^kernel/fs/(fat/fat|nls/nls_utf8|nls/nls_cp437)\.ko' "$src/modules.order" \
	> "$fx/lib/modules/$kver/modules.order" || true
echo "external * $fx/opt/ext" > "$fx/depmod.d/external.conf"
echo "search updates external built-in" >> "$fx/depmod.d/external.conf"
command -v depmod > /dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
depmod -b "$fx" -C "$fx/depmod.d" "$kver"
check external_fixture_has_absolute_path grep -q "^$fx/opt/ext/vfat\.ko[.a-z]*: kernel/fs/fat/fat\.ko" \
	"$fx/lib/modules/$kver/modules.dep"
# the same tree with text indexes only (the builder's path when depmod
# cannot read the modules: Debian's kmod has no zlib for .ko.gz)
cp -a "$fx" "$work/extgz"
fz=$work/extgz
find "$fz" -name '*.ko*' | while read -r f; do
	case $f in *.ko) gzip -n "$f" ;; *.ko.*) "${f##*.}" -dc "$f" | gzip -n > "${f%.*}.gz" && rm "$f" ;; esac
done
sed "s#^$fx/#$fz/#; s/\.ko\(\.[a-z]*\)\?\([: ]\|\$\)/.ko.gz\2/g" "$fx/lib/modules/$kver/modules.dep" \
	> "$fz/lib/modules/$kver/modules.dep"
rm -f "$fz/lib/modules/$kver"/modules.*.bin
# initmod plans the absolute path as kmod does (the resolver's external
# support, 51dd32c); the image holds the module under extra/
check external_planned_by_initmod sh -c "'$bin' -q -d '$fx' -S '$kver' -C /dev/null -a \
	--show-depends vfat | grep -q '^insmod $fx/opt/ext/vfat'"
for t in "xz:$fx" "gz:$fz"; do
	tag=${t%%:*} tr=${t#*:}
	"$mk" -o "$work/ext-$tag.img" -d "$tr" -k "$kver" --initmod "$bin" \
		--add-modules vfat,nls_cp437 2> "$work/ext-$tag.err" || cat "$work/ext-$tag.err"
	mkdir "$work/x-$tag" && (cd "$work/x-$tag" && cpio -id --quiet < "$work/ext-$tag.img")
	xm=$work/x-$tag/lib/modules/$kver
	check "external_module_in_extra.$tag" sh -c "ls '$xm'/extra/vfat.ko* > /dev/null 2>&1"
	check "external_no_host_path_in_image_index.$tag" sh -c "! grep -q '^/' '$xm/modules.dep'"
	check "external_module_resolves_in_image.$tag" sh -c "'$bin' -q -d '$work/x-$tag' -S '$kver' \
		-C /dev/null -a --show-depends vfat | tr '\n' ' ' | grep -q \
		'^insmod $xm/kernel/fs/fat/fat\.ko[.a-z]* *insmod $xm/extra/vfat\.ko[.a-z]* *\$'"
done

# OUT is replaced only whole, and only if it is a regular file: a device
# or a directory is refused; a failed write (a full filesystem) leaves the
# old image as it was and no temporary beside it; a link's target is
# replaced, the link stays
small="-d $root -k $kver --initmod $bin --add-modules ext4"
set +e
# shellcheck disable=SC2086
"$mk" -o /dev/null $small 2> "$work/dev.err"; rc=$?
set -e
check out_device_refused sh -c "[ $rc -ne 0 ] && grep -q 'not a regular file' '$work/dev.err' && [ -c /dev/null ]"
mkdir "$work/outdir"
set +e
# shellcheck disable=SC2086
"$mk" -o "$work/outdir" $small 2> /dev/null; rc=$?
set -e
check out_directory_refused sh -c "[ $rc -ne 0 ] && [ -d '$work/outdir' ] && [ -z \"\$(ls -A '$work/outdir')\" ]"
# shellcheck disable=SC2086
"$mk" -o "$work/target.img" $small 2> /dev/null
ln -s target.img "$work/link.img"
echo old > "$work/target.img"
# shellcheck disable=SC2086
"$mk" -o "$work/link.img" $small 2> /dev/null
check out_link_target_replaced sh -c "[ -L '$work/link.img' ] && [ \$(wc -c < '$work/target.img') -gt 1000 ]"
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null; then
	# a 64 KiB tmpfs holds the old image but not the new one
	set +e
	# shellcheck disable=SC2086
	unshare -m sh -c "mkdir -p '$work/full' && mount -t tmpfs -o size=64k tmpfs '$work/full' &&
		echo old-image > '$work/full/initrd.img' &&
		'$mk' -o '$work/full/initrd.img' $small 2> '$work/full.err'; echo \$? > '$work/full.rc';
		cat '$work/full/initrd.img' > '$work/full.after'; ls -A '$work/full' > '$work/full.ls'"
	set -e
	check out_full_fs_fails sh -c "[ \"\$(cat '$work/full.rc')\" != 0 ] && grep -q 'left as it was' '$work/full.err'"
	check out_full_fs_old_image_kept sh -c "[ \"\$(cat '$work/full.after')\" = old-image ]"
	check out_full_fs_no_temporary sh -c "[ \"\$(cat '$work/full.ls')\" = initrd.img ]"
fi

# --hostonly refuses a root it cannot assemble (a stand-in mountinfo and
# sysfs): LVM, LUKS, md RAID, a /dev/mapper source without sysfs; a plain
# partition builds
fake_root() {	# fake_root NAME MAJ:MIN SOURCE [dm UUID | md | plain]
	fr=$work/stack-$1
	mkdir -p "$fr/sys/dev/block/$2"
	echo "29 1 $2 / / rw,relatime shared:1 - ext4 $3 rw" > "$fr/mountinfo"
	case ${4:-plain} in
	dm) mkdir -p "$fr/sys/dev/block/$2/dm" && echo "$5" > "$fr/sys/dev/block/$2/dm/uuid" ;;
	md) mkdir -p "$fr/sys/dev/block/$2/md" ;;
	esac
}
refused() {	# refused NAME WORDS: no image, exit 1, the message names WORDS
	set +e
	# shellcheck disable=SC2086
	INITMOD_MOUNTINFO=$work/stack-$1/mountinfo INITMOD_SYSFS=$work/stack-$1/sys \
		"$mk" -o "$work/stack-$1.img" $small --hostonly 2> "$work/stack-$1.err"
	rf_rc=$?
	set -e
	[ $rf_rc = 1 ] && [ ! -e "$work/stack-$1.img" ] && grep -q "$2" "$work/stack-$1.err" &&
		grep -q 'update-initramfs (initramfs-tools) or dracut' "$work/stack-$1.err"
}
fake_root lvm 253:0 /dev/mapper/vg-root dm LVM-abcdef
fake_root luks 253:1 /dev/mapper/vg-root dm CRYPT-LUKS2-1234-root
fake_root md 9:0 /dev/md0 md
fake_root mapper 0:31 /dev/mapper/cr_root
fake_root plain 254:2 /dev/vda2
# the plain root's way in sysfs: a partition of a disk on a virtio device
# (virtio_blk) on a PCI function (virtio_pci, built in: no module link)
pd=$work/stack-plain/sys/devices/pci0000:00/0000:00:03.0
mkdir -p "$pd/virtio1/block/vda/vda2" "$work/stack-plain/sys/module/virtio_blk" \
	"$work/stack-plain/sys/bus/virtio/drivers/virtio_blk" "$work/stack-plain/sys/bus/pci/drivers/virtio-pci"
ln -s ../../../module/virtio_blk "$work/stack-plain/sys/bus/virtio/drivers/virtio_blk/module"
ln -s ../../../../bus/virtio/drivers/virtio_blk "$pd/virtio1/driver"
ln -s ../../../bus/pci/drivers/virtio-pci "$pd/driver"
rmdir "$work/stack-plain/sys/dev/block/254:2"
ln -s ../../devices/pci0000:00/0000:00:03.0/virtio1/block/vda/vda2 "$work/stack-plain/sys/dev/block/254:2"
check hostonly_refuses_lvm refused lvm 'on device-mapper (LVM)'
check hostonly_refuses_luks refused luks 'dm-crypt, LUKS'
check hostonly_refuses_md refused md 'on md RAID'
check hostonly_refuses_mapper_source refused mapper '(/dev/mapper/cr_root) is on device-mapper'
# shellcheck disable=SC2086
check hostonly_builds_on_a_partition env INITMOD_MOUNTINFO="$work/stack-plain/mountinfo" \
	INITMOD_SYSFS="$work/stack-plain/sys" "$mk" -o "$work/stack-plain.img" $small --hostonly
# and its image's own command line names the root's type (its module
# loads first at boot)
mkdir "$work/plain" && (cd "$work/plain" && cpio -id --quiet < "$work/stack-plain.img")
check hostonly_records_the_root_type grep -qx 'initmod.rootfs=ext4' "$work/plain/etc/cmdline.d/50-initmod-hostonly.conf"
check hostonly_records_the_root_drivers grep -qx 'initmod.rootdrivers=virtio_blk' "$work/plain/etc/cmdline.d/50-initmod-hostonly.conf"
check only_hostonly_records_it test ! -e "$work/x/etc/cmdline.d"
# an --init of one's own may not point the kernel at /bin/modprobe: the
# image keeps the kernel's default path too
printf '#!/bin/sh\nexec /bin/initmod --init "$@"\n' > "$work/myinit"
# shellcheck disable=SC2086
"$mk" -o "$work/own-init.img" $small --init "$work/myinit" 2> /dev/null
mkdir "$work/own" && (cd "$work/own" && cpio -id --quiet < "$work/own-init.img")
check own_init_keeps_sbin_modprobe test "$(readlink "$work/own/sbin/modprobe")" = ../bin/initmod
# the root's way goes in decompressed (the kernel would decompress it on
# the boot's critical path), with the index naming those files
check hostonly_root_way_decompressed sh -c "find '$work/plain/lib/modules' -name ext4.ko | grep -q . &&
	find '$work/plain/lib/modules' -name jbd2.ko | grep -q . && ! find '$work/plain/lib/modules' -name 'ext4.ko.*' | grep -q ."
check hostonly_index_names_them sh -c "grep -q '/ext4.ko:' '$work/plain/lib/modules/$kver/modules.dep'"

finish image
