#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# boot.sh - boot KERNEL with INITRD under QEMU (TCG, -cpu max) and save the
# serial console to LOG; a guest still running after TIMEOUT seconds is
# killed and reported as a failure (exit 124). The boots that load lists
# (tests, demo, benchmark) run without coldplug (initmod.coldplug=0 comes
# first: an APPEND with initmod.coldplug=1 turns it back on). QEMU_MACHINE
# (q35), QEMU_MEM (1536 MiB) and QEMU_DEVICES (extra options) describe the
# machine. The boot is qemu.sh's qemu_boot (a kernel crash in its own
# initcalls under TCG is tried once more); it succeeds when the guest's
# report ended (REPORT-END).
# usage: boot.sh KERNEL INITRD LOG "APPEND" [TIMEOUT] [SMP]
set -eu
kernel=$1 initrd=$2 log=$3 append=$4 bound=${5:-300} smp=${6:-2}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=qemu-tests/qemu.sh
. "$here/qemu.sh"
rc=0
# shellcheck disable=SC2086 # QEMU_DEVICES: options, split into words
qemu_boot "$kernel" "$initrd" "$log" "initmod.coldplug=0 $append" "$bound" '^REPORT-END' \
	"${QEMU_MACHINE:-q35}" "$smp" "${QEMU_MEM:-1536}" ${QEMU_DEVICES:-} || rc=$?
[ $rc -ne 1 ] || echo "boot.sh: no report on the console (see $log)" >&2
exit $rc
