#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# deb.sh - `make check-deb`: initmod's Debian package, from its source
# package (make deb-src) to a Debian 12 system that installs, upgrades,
# removes and purges it.
#  (a) dpkg-source -x, dpkg-checkbuilddeps, dpkg-buildpackage -us -uc -b
#      with no network (unshare -n): the source package carries all it needs;
#  (b) lintian --fail-on error,warning on the .deb and .changes (and the
#      source package's .dsc), every tag it prints is shown;
#  (c) the .deb's contents: the files where they belong, the binary static,
#      the trigger, nothing in /etc, no maintainer scripts;
#  (d) in a throwaway overlay of the end-to-end root (qemu-tests/e2e/rootfs.sh:
#      debootstrap'ed bookworm with Debian's 6.12 kernel and initramfs-tools,
#      built once into CACHE/e2e and never written to here; MODULES=list
#      for speed): a stock image first; install, reinstall and an upgrade (the same .deb repacked as a
#      higher version) each rebuild /boot/initrd.img-KVER through the
#      trigger, with initmod's binary and init-top script in it, and its
#      modules compressed (the stock image's decompressed; so again with
#      INITMOD_MODULES=decompressed, INITMOD=no or no binary); with the
#      binary gone, update-initramfs still succeeds and the image's init-top
#      script does nothing; INITMOD=no leaves the binary out; remove rebuilds
#      the image with the stock image's file list; purge leaves no file.
# Prints ok/FAIL per case and "deb: N passed, M failed"; exit 1 on failure.
# Logs stay in WORKDIR. Needs root (unshare, mount, chroot), dpkg-dev,
# lintian, and for a first run of rootfs.sh debootstrap and the archive.
# usage: deb.sh DSC CACHE WORKDIR
set -u
[ $# -eq 3 ] || { sed -n '3,24p' "$0" >&2; exit 2; }
dsc=$(readlink -f "$1") cache=$2 w=$3
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$PATH:/usr/sbin:/sbin
# shellcheck source=tests/harness.sh
. "$top/tests/harness.sh"
die() { bad "$1" "$2"; finish deb; }

[ "$(id -u)" = 0 ] || die setup "needs root (unshare -n, mount, chroot)"
[ -f "$dsc" ] || die setup "no $dsc (make deb-src)"
for t in dpkg-source dpkg-buildpackage lintian unshare; do
	command -v $t > /dev/null || die setup "$t missing (apt-get install dpkg-dev lintian util-linux)"
done
rm -rf "$w"
mkdir -p "$w"
w=$(cd "$w" && pwd)
mnt=$w/chroot mounted=""
cleanup() {
	for m in $mounted; do umount "$m" 2> /dev/null || umount -l "$m" 2> /dev/null || true; done
	mounted=""
	rm -rf "$w/build/src" "$w/upper" "$w/ovwork" "$w/unpacked" "$w/img"
}
trap 'cleanup' EXIT
trap 'cleanup; exit 130' INT TERM HUP

# (a) the offline build
t0=$(date +%s)
mkdir -p "$w/build"
if dpkg-source -x "$dsc" "$w/build/src" > "$w/unpack.log" 2>&1; then
	ok unpack.dpkg-source
else
	die unpack.dpkg-source "$(tail -n 3 "$w/unpack.log")"
fi
for c in zlib xz-utils libzstd; do
	check "unpack.component_$c" test -f "$w/build/src/$c/.initmod-source"
done
check build.dpkg-checkbuilddeps sh -c "cd '$w/build/src' && dpkg-checkbuilddeps"
t1=$(date +%s)
if (cd "$w/build/src" && unshare -n dpkg-buildpackage -us -uc -b) > "$w/build.log" 2>&1; then
	ok "build.offline ($(( $(date +%s) - t1 )) s)"
else
	tail -n 30 "$w/build.log"
	die build.offline "dpkg-buildpackage failed with no network (log: $w/build.log)"
fi
check build.fetched_nothing sh -c "! grep -q '  FETCH ' '$w/build.log'"
check build.tests_ran sh -c "grep -q '^unit (offline subset): [1-9][0-9]* passed, 0 failed' '$w/build.log' &&
	grep -q '^depmod-alloc-fail: [1-9][0-9]* passed, 0 failed' '$w/build.log'"
ver=$(dpkg-parsechangelog -l "$w/build/src/debian/changelog" -S Version)
deb=$w/build/initmod_${ver#*:}_amd64.deb
changes=$w/build/initmod_${ver#*:}_amd64.changes
[ -f "$deb" ] && [ -f "$changes" ] || die build.outputs "no $deb or $changes"
ok build.outputs
echo "deb: offline build took $(( $(date +%s) - t0 )) s (unpack and build)"

# (b) lintian
# (--show-overrides would count the overridden tags for --fail-on: the
# overrides are listed by a second run, without --fail-on)
lintian --fail-on error,warning --display-info --pedantic --display-experimental \
	"$changes" "$deb" "$dsc" > "$w/lintian.log" 2>&1
rc=$?
grep -v '^running with root privileges' "$w/lintian.log" | sed 's/^/  lintian: /'
if [ $rc -eq 0 ]; then ok lintian.no_error_no_warning; else bad lintian.no_error_no_warning "exit $rc"; fi
lintian --show-overrides --display-experimental "$deb" "$dsc" 2>&1 | grep '^O: ' | sed 's/^/  lintian: /'

# (c) what the .deb holds
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' > "$w/contents"
for f in /usr/sbin/initmod /usr/sbin/initmod-mkinitramfs /usr/lib/initmod/mkinitramfs \
	/usr/lib/initmod/generic-drivers /usr/lib/initmod/bin/modprobe /usr/lib/initmod/bin/depmod \
	/usr/share/initramfs-tools/hooks/initmod /usr/share/initramfs-tools/scripts/init-top/initmod \
	/usr/share/initramfs-tools/conf-hooks.d/initmod \
	/usr/lib/initmod/init-top-udev /usr/lib/initmod/udev-trigger \
	/usr/lib/dracut/modules.d/90initmod/udev-trigger.conf \
	/usr/lib/dracut/modules.d/90initmod/initmod-pre-trigger.sh \
	/usr/lib/dracut/modules.d/90initmod/module-setup.sh \
	/usr/lib/dracut/modules.d/90initmod/initmod-pre-udev.sh \
	/usr/share/man/man8/initmod.8.gz /usr/share/man/man8/initmod-mkinitramfs.8.gz \
	/usr/share/doc/initmod/copyright /usr/share/doc/initmod/changelog.Debian.gz \
	/usr/share/doc/initmod/README.md.gz; do
	check "contents.$f" grep -qx "$f" "$w/contents"
done
check contents.generator_differences grep -qE '^/usr/share/doc/initmod/generator-differences.md(.gz)?$' "$w/contents"
check contents.nothing_in_etc sh -c "! grep -q '^/etc' '$w/contents'"
mkdir -p "$w/unpacked"
dpkg-deb -R "$deb" "$w/unpacked"
u=$w/unpacked
check contents.binary_static sh -c "file -L '$u/usr/sbin/initmod' | grep -q 'statically linked'"
check contents.binary_runs sh -c "'$u/usr/sbin/initmod' --version | grep -qwF '$(echo "$ver" | sed 's/^[0-9]*://; s/-[^-]*$//')'"
check contents.hooks_name_usr_sbin sh -c "grep -q '\"/usr/sbin/initmod\"' '$u/usr/share/initramfs-tools/hooks/initmod' &&
	grep -q '\"/usr/sbin/initmod\"' '$u/usr/lib/dracut/modules.d/90initmod/module-setup.sh' &&
	grep -q '\"/usr/sbin/initmod\"' '$u/usr/share/initramfs-tools/conf-hooks.d/initmod' &&
	! grep -rq @SBINDIR@ '$u/usr'"
check contents.hooks_executable sh -c "test -x '$u/usr/share/initramfs-tools/hooks/initmod' &&
	test -x '$u/usr/share/initramfs-tools/scripts/init-top/initmod'"
check contents.trigger sh -c "grep -v '^#' '$u/DEBIAN/triggers' | grep -qx 'activate-noawait update-initramfs'"
check contents.no_conffiles test ! -e "$u/DEBIAN/conffiles"
check contents.no_maintainer_scripts sh -c "! ls '$u/DEBIAN' | grep -qE '^(pre|post)(inst|rm)$'"
check contents.built_using_musl sh -c "dpkg-deb -f '$deb' Built-Using | grep -q '^musl (= '"

# (d) install, upgrade, remove, purge in a chroot
root=$("$top/qemu-tests/e2e/rootfs.sh" "$cache" 2> "$w/rootfs.log") ||
	die chroot.rootfs "qemu-tests/e2e/rootfs.sh failed: $(tail -n 2 "$w/rootfs.log")"
kver=$(sed -n 's/^kver=//p' "$root/.e2e-ready")
img=/boot/initrd.img-$kver
mkdir -p "$mnt" "$w/upper" "$w/ovwork"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$w/upper,workdir=$w/ovwork" "$mnt" ||
	die chroot.overlay "cannot mount an overlay on $root"
mounted=$mnt
mount -t proc proc "$mnt/proc" && mounted="$mnt/proc $mounted"
mount -t sysfs sysfs "$mnt/sys" && mounted="$mnt/sys $mounted"
mount --bind /dev "$mnt/dev" && mounted="$mnt/dev $mounted"
in_root() { chroot "$mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	LC_ALL=C.UTF-8 "$@"; }
# the image's file list, sorted ("" when there is no image)
listing() { in_root sh -c "[ -f $img ] && lsinitramfs $img | sort" 2> /dev/null; }
# the image was written since stale() set its mtime to the epoch
stale() { touch -d @0 "$mnt$img"; }
rebuilt() { [ "$(stat -c %Y "$mnt$img")" != 0 ]; }
has_initmod() { grep -qE '^(usr/)?sbin/initmod$' "$1"; }
has_script() { grep -qx 'scripts/init-top/initmod' "$1"; }
# modules_are LIST SUFFIX: the image has modules, each named *.SUFFIX
# (ko: mkinitramfs decompressed them, as stock; ko.xz: kept compressed, as
# initmod's conf-hook has it)
modules_are() {
	grep -E '\.ko(\.[a-z]+)?$' "$1" > "$1.ko" && ! grep -qvE "\.$2\$" "$1.ko"
}
status() { in_root dpkg-query -W -f '${Status} ${Version}' initmod 2> /dev/null; }
step() {	# step NAME COMMAND...: run in the chroot, log to WORKDIR/NAME.log
	sn=$1; shift
	if in_root "$@" > "$w/$sn.log" 2>&1; then ok "$sn"; return 0; fi
	bad "$sn" "$(tail -n 3 "$w/$sn.log" | tr '\n' ' ')"
	return 1
}

# MODULES=list (only the modules the configuration names): the image's
# modules do not matter here, and MODULES=most (the root's setting) takes
# about 60 s an image on 2 cores against 6 s
printf '# tests/deb.sh: small images\nMODULES=list\n' > "$mnt/etc/initramfs-tools/conf.d/zz-deb-test"
t2=$(date +%s)
step chroot.stock_image update-initramfs -c -k "$kver" || finish deb
listing > "$w/list.stock"
check chroot.stock_has_no_initmod sh -c "! grep -q initmod '$w/list.stock'"
check chroot.stock_decompresses_modules modules_are "$w/list.stock" ko
cp "$deb" "$mnt/tmp/initmod.deb"

# install: the trigger (update-initramfs's) rebuilds the image with initmod
stale
step install.dpkg dpkg -i /tmp/initmod.deb
check install.status test "$(status)" = "install ok installed $ver"
check install.trigger_processed grep -q 'Processing triggers for initramfs-tools' "$w/install.dpkg.log"
check install.image_rebuilt rebuilt
listing > "$w/list.install"
check install.image_has_initmod has_initmod "$w/list.install"
check install.image_has_init_top has_script "$w/list.install"
check install.image_keeps_modules_compressed modules_are "$w/list.install" ko.xz
rm -rf "$w/img" && mkdir -p "$w/img"
in_root unmkinitramfs "$img" /tmp/img > /dev/null 2>&1
main=$(dirname "$(find "$mnt/tmp/img" -maxdepth 2 -name init -type f | head -n 1)")
check install.image_binary_is_the_package_s sh -c "cmp '$main/usr/sbin/initmod' '$u/usr/sbin/initmod' ||
	cmp '$main/sbin/initmod' '$u/usr/sbin/initmod'"
# init-top/udev is initmod's; udev's own is kept unchanged beside it, and
# both are in the boot order once (ORDER names init-top/udev only)
check install.image_udev_is_initmod_s cmp "$main/scripts/init-top/udev" "$u/usr/lib/initmod/init-top-udev"
check install.image_keeps_stock_udev cmp "$main/usr/lib/initmod/init-top-udev.stock" \
	"$mnt/usr/share/initramfs-tools/scripts/init-top/udev"
check install.image_has_udev_trigger cmp "$main/usr/lib/initmod/udev-trigger" "$u/usr/lib/initmod/udev-trigger"
check install.image_order_udev_once test "$(grep -c 'init-top/udev' "$main/scripts/init-top/ORDER")" = 1
# the root's filesystem for initmod --boot (the root's fstab says ext4)
check install.image_names_the_root_fs grep -qx 'initmod.rootfs=ext4' "$main/etc/cmdline.d/50-initmod-rootfs.conf"
rm -rf "$mnt/tmp/img"

# reinstall of the same version: the trigger again
stale
step reinstall.dpkg dpkg -i /tmp/initmod.deb
check reinstall.image_rebuilt rebuilt
listing > "$w/list.reinstall"
check reinstall.image_has_initmod has_initmod "$w/list.reinstall"

# upgrade to a higher version (the same files, repacked)
up=${ver}+debtest1
rm -rf "$w/up" && dpkg-deb -R "$deb" "$w/up" &&
	sed -i "s/^Version: .*/Version: $up/" "$w/up/DEBIAN/control" &&
	dpkg-deb --root-owner-group -Zxz -b "$w/up" "$mnt/tmp/initmod-up.deb" > /dev/null
rm -rf "$w/up"
stale
step upgrade.dpkg dpkg -i /tmp/initmod-up.deb
check upgrade.status test "$(status)" = "install ok installed $up"
check upgrade.image_rebuilt rebuilt
listing > "$w/list.upgrade"
check upgrade.image_has_initmod has_initmod "$w/list.upgrade"
check upgrade.image_has_init_top has_script "$w/list.upgrade"

# the binary gone (something off): update-initramfs still succeeds, the
# image has no binary, and its init-top script then does nothing
mv "$mnt/usr/sbin/initmod" "$mnt/usr/sbin/initmod.away"
stale
step nobinary.update_initramfs update-initramfs -u -k "$kver"
check nobinary.hook_said_so grep -q 'initmod hook: no initmod binary' "$w/nobinary.update_initramfs.log"
check nobinary.image_rebuilt rebuilt
listing > "$w/list.nobinary"
check nobinary.image_has_no_initmod sh -c "! grep -qE '^(usr/)?sbin/initmod$' '$w/list.nobinary'"
check nobinary.modules_decompressed modules_are "$w/list.nobinary" ko
in_root unmkinitramfs "$img" /tmp/img > /dev/null 2>&1
main=$(dirname "$(find "$mnt/tmp/img" -maxdepth 2 -name init -type f | head -n 1)")
check nobinary.init_top_does_nothing sh -c "out=\$(chroot '$main' /bin/sh /scripts/init-top/initmod 2>&1) &&
	[ -z \"\$out\" ]"
rm -rf "$mnt/tmp/img"
mv "$mnt/usr/sbin/initmod.away" "$mnt/usr/sbin/initmod"

# INITMOD=no in conf.d/initmod leaves the binary out
echo INITMOD=no > "$mnt/etc/initramfs-tools/conf.d/initmod"
stale
step confno.update_initramfs update-initramfs -u -k "$kver"
listing > "$w/list.confno"
check confno.image_rebuilt rebuilt
check confno.image_has_no_initmod sh -c "! grep -qE '^(usr/)?sbin/initmod$' '$w/list.confno'"
check confno.modules_decompressed modules_are "$w/list.confno" ko
# INITMOD_MODULES=decompressed: initmod in the image, its modules as stock
echo INITMOD_MODULES=decompressed > "$mnt/etc/initramfs-tools/conf.d/initmod"
stale
step decompressed.update_initramfs update-initramfs -u -k "$kver"
listing > "$w/list.decompressed"
check decompressed.image_has_initmod has_initmod "$w/list.decompressed"
check decompressed.modules_decompressed modules_are "$w/list.decompressed" ko
rm -f "$mnt/etc/initramfs-tools/conf.d/initmod"

# remove: the trigger rebuilds the stock image
stale
step remove.dpkg dpkg -r initmod
check remove.trigger_processed grep -q 'Processing triggers for initramfs-tools' "$w/remove.dpkg.log"
check remove.image_rebuilt rebuilt
listing > "$w/list.remove"
check remove.image_has_no_initmod sh -c "! grep -q initmod '$w/list.remove'"
check remove.image_lists_as_stock cmp "$w/list.stock" "$w/list.remove"
check remove.files_gone sh -c "for f in /usr/sbin/initmod /usr/sbin/initmod-mkinitramfs /usr/lib/initmod \
	/usr/share/initramfs-tools/hooks/initmod /usr/share/initramfs-tools/scripts/init-top/initmod \
	/usr/share/initramfs-tools/conf-hooks.d/initmod /usr/lib/dracut/modules.d/90initmod; do [ ! -e '$mnt'\$f ] && [ ! -L '$mnt'\$f ] || exit 1; done"
# a later update-initramfs (a kernel update) builds the stock image too
stale
step remove.update_initramfs update-initramfs -u -k "$kver"
listing > "$w/list.remove2"
check remove.later_image_as_stock cmp "$w/list.stock" "$w/list.remove2"

# purge: nothing of initmod's is left (no conffiles, no postrm: dpkg -r
# already left nothing, and purge says the package is not installed)
step purge.dpkg dpkg -P initmod
check purge.status sh -c "! dpkg-query --admindir='$mnt/var/lib/dpkg' -W -f '\${Status}' initmod 2> /dev/null |
	grep -q installed"
rm -f "$mnt/tmp/initmod.deb" "$mnt/tmp/initmod-up.deb"
find "$w/upper" -name '*initmod*' ! -path "$w/upper/var/log/*" > "$w/left" 2>&1
if [ -s "$w/left" ]; then
	bad purge.no_file_left "$(tr '\n' ' ' < "$w/left")"
else
	ok purge.no_file_left
fi
echo "deb: the chroot's steps took $(( $(date +%s) - t2 )) s"
finish deb
