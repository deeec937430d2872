#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# boot.sh - boot KERNEL with INITRD under QEMU (TCG, -cpu max) and save the
# serial console to LOG; a guest still running after TIMEOUT seconds is
# killed and reported as a failure (exit 124). The boots that load lists
# (tests, demo, benchmark) run without coldplug (initmod.coldplug=0 comes
# first: an APPEND with initmod.coldplug=1 turns it back on). QEMU_MACHINE
# (q35) and QEMU_DEVICES (extra options) describe the machine.
# usage: boot.sh KERNEL INITRD LOG "APPEND" [TIMEOUT] [SMP]
set -eu
kernel=$1 initrd=$2 log=$3 append=$4 bound=${5:-300} smp=${6:-2} mem=${QEMU_MEM:-1536}
command -v qemu-system-x86_64 > /dev/null ||
	{ echo "boot.sh: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2; exit 2; }
run() {
	set +e
	# shellcheck disable=SC2086
	timeout -k 5 "$bound" qemu-system-x86_64 -machine "${QEMU_MACHINE:-q35}" -cpu max \
		-smp "$smp" -m "$mem" -nographic -no-reboot -nic none ${QEMU_DEVICES:-} \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 initmod.coldplug=0 $append" > "$log" 2>&1 < /dev/null
	rc=$?
	set -e
}
run
# Under TCG the kernel now and then oopses in its own initcalls (an int3
# left by text patching, seen in sched_clock_cpu), before any userspace ran:
# not the loader's doing. Such a boot is tried once more, and said.
if grep -q 'Kernel panic' "$log" && grep -q 'do_one_initcall' "$log"; then
	cp "$log" "$log.crashed"
	echo "boot.sh: the kernel crashed in its initcalls before userspace (TCG; see $log.crashed): once more" >&2
	run
fi
# plain text: no carriage returns, no terminal control sequences
sed -i 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1b[a-zA-Z]//g; s/\r$//' "$log"
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "boot.sh: guest still running after ${bound}s: killed" >&2
	exit 124
fi
grep -q '^REPORT-END' "$log" || { echo "boot.sh: no report on the console (see $log)" >&2; exit 1; }
exit 0
