#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# safety.sh - initmod --init run where it must not destroy anything. In a
# private mount namespace, a chroot whose / is an ext4 filesystem holding
# data (a running system, not an initramfs) and whose /proc/cmdline names
# another ext4 filesystem as root=:
#  - `--init` off PID 1 and `--init -n` are refused (exit 2), nothing moves;
#  - `--init-test` (the tests' way past the PID-1 rule) switches to the
#    other filesystem and runs its init, and the old root's files survive:
#    the switch frees only a ramfs or tmpfs root, as switch_root(8);
#  - the same with a tmpfs as the old root: its files are freed.
# Needs root (mount namespaces, loop devices), mkfs.ext4, busybox-static.
#
# usage: tests/safety.sh ./initmod   (from the repository top)
# shellcheck disable=SC2317 # (the functions run through check are reached)
set -u
bin=$(realpath "$1")
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
if [ "$(id -u)" != 0 ]; then
	bad setup "needs root (mount namespaces, loop devices)"
	finish safety
fi
busybox=$(command -v busybox) || { echo "safety.sh: busybox missing"; exit 1; }
t=$(mktemp -d "${TMPDIR:-/var/tmp}/initmod-safety.XXXXXX")
trap 'rm -rf "$t"' EXIT
newuuid=5e1f0000-0000-4000-8000-00000000cafe

# the new root: an ext4 image whose init says where it runs
mkdir -p "$t/newtree/sbin" "$t/newtree/bin" "$t/newtree/proc" "$t/newtree/sys" \
	"$t/newtree/dev" "$t/newtree/run"
cp "$busybox" "$t/newtree/bin/sh"
printf '#!/bin/sh\necho "NEW-ROOT-INIT pid=$$"\n' > "$t/newtree/sbin/init"
chmod 755 "$t/newtree/sbin/init"
truncate -s 16M "$t/new.img"
mkfs.ext4 -q -F -U "$newuuid" -d "$t/newtree" "$t/new.img" || exit 1

# the running system's root: ext4 with data, initmod, a command line
mkdir -p "$t/oldtree/data" "$t/oldtree/proc" "$t/oldtree/sys" "$t/oldtree/dev" \
	"$t/oldtree/run" "$t/oldtree/root"
for i in 1 2 3; do echo "precious $i" > "$t/oldtree/data/file$i"; done
cp "$bin" "$t/oldtree/initmod"
truncate -s 16M "$t/old.img"
mkfs.ext4 -q -F -d "$t/oldtree" "$t/old.img" || exit 1
echo "root=UUID=$newuuid rw initmod.coldplug=0 initmod.timeout=5" > "$t/cmdline"
echo "/no/such/modprobe" > "$t/modprobe"

newloop=$(losetup -f --show "$t/new.img") || exit 1
trap 'losetup -d "$newloop"; rm -rf "$t"' EXIT

# run KIND ARGS...: in a private mount namespace, / = $t/mnt (an ext4 image
# or a tmpfs holding the same files) as the old root; initmod ARGS there,
# output in $t/out, status in $t/rc, what is left of the old root's data
# (seen through a second mount of it) in $t/left
cat > "$t/inner.sh" <<'EOF_INNER'
t=$1 kind=$2
shift 2
mkdir -p "$t/mnt" "$t/peek"
if [ "$kind" = ext4 ]; then
	mount -o loop "$t/old.img" "$t/mnt" || exit 1
else
	mount -t tmpfs tmpfs "$t/mnt" && cp -a "$t/oldtree/." "$t/mnt/" || exit 1
fi
mount --bind "$t/mnt" "$t/peek"
mount -t proc proc "$t/mnt/proc"
mount --bind "$t/cmdline" "$t/mnt/proc/cmdline"
# the host's usermode modprobe stays as it is
if [ -e "$t/mnt/proc/sys/kernel/modprobe" ]; then
	mount --bind "$t/modprobe" "$t/mnt/proc/sys/kernel/modprobe" || exit 1
fi
mount --rbind /sys "$t/mnt/sys"
mount --rbind /dev "$t/mnt/dev"
chroot "$t/mnt" /initmod "$@" > "$t/out" 2>&1
echo $? > "$t/rc"
ls "$t/peek/data" > "$t/left" 2> /dev/null
cat "$t/peek/data/file1" > "$t/left1" 2> /dev/null
exit 0
EOF_INNER
run() {
	rm -f "$t/out" "$t/rc" "$t/left" "$t/left1"
	timeout 120 unshare -m --propagation private sh "$t/inner.sh" "$t" "$@"
}
rc_is() { [ "$(cat "$t/rc" 2> /dev/null)" = "$1" ]; }
out_has() { grep -q -- "$1" "$t/out"; }
data_whole() { [ "$(tr '\n' ' ' 2> /dev/null < "$t/left")" = "file1 file2 file3 " ] &&
	[ "$(cat "$t/left1")" = "precious 1" ]; }
data_gone() { [ ! -s "$t/left" ]; }
image_whole() {
	unshare -m sh -c "mkdir -p '$t/chk' && mount -o loop,ro '$t/old.img' '$t/chk' &&
		cat '$t/chk/data/file1' '$t/chk/data/file3' && ls '$t/chk/lost+found' > /dev/null" \
		> "$t/chkout" 2>&1 && [ "$(head -n 1 "$t/chkout")" = "precious 1" ]
}

# 1. --init outside PID 1: refused before it touches anything
run ext4 --init --no-coldplug
check init_off_pid1_exit_2 rc_is 2
check init_off_pid1_said out_has "not PID 1"
check init_off_pid1_data_whole data_whole

# 2. --init with -n: refused (a dry run cannot switch root)
run ext4 --init-test -n --no-coldplug
check init_dry_run_exit_2 rc_is 2
check init_dry_run_data_whole data_whole

# 3. --init-test on an ext4 root: switches and runs the new init, the old
#    root's files all survive, and it says why it left them
run ext4 --init-test --no-coldplug
check ext4_switch_reached_new_init out_has "NEW-ROOT-INIT"
check ext4_old_root_left_alone out_has "not an initramfs"
check ext4_old_root_data_whole data_whole
check ext4_image_intact image_whole

# 4. the same on a tmpfs root (what an initramfs is): freed
run tmpfs --init-test --no-coldplug
check tmpfs_switch_reached_new_init out_has "NEW-ROOT-INIT"
check tmpfs_old_root_freed data_gone

finish safety
