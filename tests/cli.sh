#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# cli.sh - initmod's command line as a user meets it: exit statuses are 0,
# 1 or 2 and never a count; modprobe -n says a missing module as kmod does;
# options that make no sense together are refused with 2 and the option
# named; -q (also from MODPROBE_OPTIONS) keeps --boot quiet; devices with
# no driver are no error; --seen-file writes what coldplug saw. Nothing
# here loads a module (-n, or a tree with none), so it needs no root.
#
# usage: tests/cli.sh ./initmod ROOT KVER   (ROOT/lib/modules/KVER: a
#        depmod'ed kernel tree, e.g. .cache/kernels/6.12)
# shellcheck disable=SC2086 # $T: the options -d ROOT -S KVER, split on purpose
set -u
bin=$1 root=$2 kver=$3
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
# run ARGS...: status in $t/rc, stdout in $t/out, stderr in $t/err
run() { "$@" > "$t/out" 2> "$t/err"; echo $? > "$t/rc"; }
expect() {	# NAME RC [STDERR-PATTERN|-] [quiet]
	name=$1 want=$2 pat=${3:--} q=${4:-}
	got=$(cat "$t/rc")
	if [ "$got" != "$want" ]; then
		bad "$name" "exit $got, want $want ($(head -c 200 "$t/err"))"
	elif [ "$pat" != - ] && ! grep -q -- "$pat" "$t/err"; then
		bad "$name" "stderr lacks '$pat': $(head -c 200 "$t/err")"
	elif [ "$q" = quiet ] && [ -s "$t/err" ]; then
		bad "$name" "not quiet: $(head -c 200 "$t/err")"
	else
		ok "$name"
	fi
}
T="-d $root -S $kver"
echo "" > "$t/cmdline"

# modprobe -n: a module that does not exist is exit 1, as kmod's modprobe
run "$bin" modprobe $T -n nosuchmodule
expect modprobe_n_missing_exit_1 1 "nosuchmodule not found"
run "$bin" modprobe $T -nq nosuchmodule
expect modprobe_nq_missing_exit_1_quiet 1 - quiet
run "$bin" modprobe $T -nq e1000
expect modprobe_nq_present_exit_0 0 - quiet
MODPROBE_OPTIONS=-q run "$bin" modprobe $T -n nosuchmodule
expect modprobe_options_env_q_exit_1 1 - quiet

# a count never becomes the status: 256 unknown names are not success
names=$(i=0; while [ $i -lt 256 ]; do echo "nosuch$i"; i=$((i + 1)); done)
# shellcheck disable=SC2086
run "$bin" $T -n -q $names
expect dry_run_256_missing_exit_1 1
# shellcheck disable=SC2086
run "$bin" modprobe $T -a -n -q $names
expect modprobe_a_256_missing_exit_1 1

# devices without a driver are no error (a fake sysfs: one device known to
# the tree's aliases, two unknown)
mkdir -p "$t/sys/devices/pci0000:00/0000:00:01.0" "$t/sys/devices/x/a" "$t/sys/devices/x/b"
echo "MODALIAS=pci:v00008086d0000100Esv00008086sd0000001Ebc02sc00i00" \
	> "$t/sys/devices/pci0000:00/0000:00:01.0/uevent"
echo "MODALIAS=nosuchbus:thing1" > "$t/sys/devices/x/a/uevent"
echo "MODALIAS=nosuchbus:thing2" > "$t/sys/devices/x/b/uevent"
run "$bin" $T -n --coldplug --sysfs "$t/sys" --no-cmdline
expect coldplug_dry_run_nodriver_exit_0 0
check coldplug_dry_run_plans_the_known_driver grep -q e1000 "$t/out"

# --boot -n: names missing from the boot's lists are 1, not their count
printf 'modules_load=nosuch1,nosuch2,nosuch3 rd.driver.pre=nosuch4\n' > "$t/cmdline-missing"
run "$bin" $T -n --boot --no-coldplug --cmdline="$t/cmdline-missing"
expect boot_dry_run_missing_exit_1 1
printf 'modules_load=e1000\n' > "$t/cmdline-ok"
run "$bin" $T -n --boot --no-coldplug --cmdline="$t/cmdline-ok"
expect boot_dry_run_found_exit_0 0

# -q keeps --boot's summary quiet, also from MODPROBE_OPTIONS (-qb, as
# initramfs-tools exports it); an empty tree: nothing to load
mkdir -p "$t/empty/lib/modules/$kver"
for f in modules.dep modules.alias modules.symbols modules.builtin modules.softdep; do
	: > "$t/empty/lib/modules/$kver/$f"
done
run "$bin" -d "$t/empty" -S "$kver" --boot --no-coldplug --cmdline="$t/cmdline" -q
expect boot_q_no_summary 0 - quiet
MODPROBE_OPTIONS=-qb run "$bin" -d "$t/empty" -S "$kver" --boot --no-coldplug --cmdline="$t/cmdline"
expect boot_modprobe_options_qb_no_summary 0 - quiet
run "$bin" -d "$t/empty" -S "$kver" --boot --no-coldplug --cmdline="$t/cmdline"
expect boot_summary_without_q 0 "0 loaded"
run "$bin" -d "$t/empty" -S "$kver" --boot --no-coldplug --cmdline="$t/cmdline" -q nosuchmodule
expect boot_missing_name_exit_1_without_coldplug 1
printf 'initmod.verbose=0\n' > "$t/cmdline-verbose"
run "$bin" -d "$t/empty" -S "$kver" --boot --no-coldplug --cmdline="$t/cmdline-verbose" -q
expect boot_q_initmod_verbose_0_summary 0 "0 loaded"

# options that make no sense (together): 2, with the option named
run "$bin" --init
expect init_off_pid1_exit_2 2 "not PID 1"
run "$bin" --init-test -n
expect init_with_n_exit_2 2 "-n/-D"
run "$bin" --init-test -D
expect init_with_D_exit_2 2 "-n/-D"
run "$bin" --init-test --boot
expect init_with_boot_exit_2 2 "two modes"
run "$bin" modprobe --init e1000
expect modprobe_init_exit_2 2 "not an option of modprobe"
MODPROBE_OPTIONS=--init run "$bin" modprobe -n e1000
expect modprobe_options_env_init_exit_2 2 "not an option of modprobe"
run "$bin" modprobe --boot
expect modprobe_boot_exit_2 2 "not an option of modprobe"
run "$bin" --exec /bin/true
expect exec_without_init_exit_2 2 "without --init"
run "$bin" $T -j 0 e1000
expect jobs_0_names_the_option 2 "option -j/--jobs: '0'"
run "$bin" $T --settle abc e1000
expect settle_names_the_option 2 "option --settle: 'abc'"
run "$bin" $T --no-such-option e1000
expect unknown_option_exit_2 2
run "$bin" $T
expect no_name_exit_2 2 "missing module name"
run "$bin" modprobe $T -r e1000
expect modprobe_remove_refused_2 2 "not supported"
run "$bin" $T --seen-file "$t/seq" e1000
expect seen_file_without_coldplug_2 2 "--seen-file"
run "$bin" $T --boot --no-coldplug --seen-file "$t/seq"
expect seen_file_no_coldplug_2 2 "--seen-file"
run "$bin" $T -n --coldplug --seen-file "$t/seq"
expect seen_file_dry_run_2 2 "--seen-file"

# --seen-file: the uevent mark and the modaliases once settled (an empty
# tree: nothing loads; the fake sysfs's number, or a uevent's of this host
# after it),
# written over a regular file only, never through a symlink
mkdir -p "$t/sys/kernel" && echo 4100 > "$t/sys/kernel/uevent_seqnum"
echo stale > "$t/seq"
run "$bin" -d "$t/empty" -S "$kver" --coldplug --sysfs "$t/sys" --no-cmdline --settle 0.05 \
	--seen-file "$t/seq"
expect seen_file_coldplug_exit_0 0
check seen_file_has_the_mark awk 'NR == 1 && $0 ~ /^[0-9]+$/ && $0 >= 4100 { ok = 1 } END { exit !ok }' "$t/seq"
check seen_file_has_the_modaliases sh -c "grep -qx nosuchbus:thing1 '$t/seq' && grep -qx nosuchbus:thing2 '$t/seq' &&
	grep -q '^pci:v00008086d0000100E' '$t/seq' && ! grep -q stale '$t/seq'"
echo untouched > "$t/target" && ln -s "$t/target" "$t/seqlink"
run "$bin" -d "$t/empty" -S "$kver" --coldplug --sysfs "$t/sys" --no-cmdline --settle 0.05 \
	--seen-file "$t/seqlink"
expect seen_file_symlink_warned 0 "seqlink"
check seen_file_symlink_not_followed grep -qx untouched "$t/target"

finish cli
