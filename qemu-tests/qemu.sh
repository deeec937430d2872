# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# qemu.sh - the one QEMU boot of the tests and benchmarks (sourced, POSIX
# sh): boot.sh (the test and benchmark images) and e2e/lib.sh (the
# end-to-end disks) both boot through it.
#   qemu_boot KERNEL INITRD LOG "APPEND" TIMEOUT END MACHINE SMP MEM [QEMU-OPTION...]
#       KERNEL with INITRD under QEMU: TCG, -cpu max, machine MACHINE, SMP
#       vCPUs, MEM MiB, no network, no reboot, the QEMU-OPTIONs (disks,
#       devices); the kernel's command line "console=ttyS0 panic=-1 APPEND",
#       its serial console saved to LOG, the guest killed after TIMEOUT
#       seconds. Under TCG the kernel now and then oopses in its own
#       initcalls or its idle loop (an int3 left by text patching, seen in
#       sched_clock_cpu and sched_clock_idle_wakeup_event), before any
#       userspace ran: not the loader's doing. Such a boot (a panic before
#       "Run /init", after an int3 oops or in an initcall) is tried once
#       more, and said (LOG.crashed keeps the first). LOG is
#       plain text: no carriage returns, no terminal control sequences.
#       Returns 0 when a line of LOG matches END (a grep pattern: what the
#       guest says last), 124 when the guest was still running at TIMEOUT
#       (said on stderr), 2 without qemu-system-x86_64, else 1.
#       QEMU_STDIN (/dev/null): what QEMU reads on its standard input, the
#       serial console and, after Ctrl-A c, the monitor (-nographic)

qemu_boot() {
	qb_kernel=$1 qb_initrd=$2 qb_log=$3 qb_append=$4 qb_bound=$5 qb_end=$6
	qb_machine=$7 qb_smp=$8 qb_mem=$9
	shift 9
	command -v qemu-system-x86_64 > /dev/null ||
		{ echo "qemu_boot: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2; return 2; }
	qb_try=1
	while :; do
		qb_rc=0
		timeout -k 5 "$qb_bound" qemu-system-x86_64 -machine "$qb_machine" -cpu max \
			-smp "$qb_smp" -m "$qb_mem" -nographic -no-reboot -nic none "$@" \
			-kernel "$qb_kernel" -initrd "$qb_initrd" \
			-append "console=ttyS0 panic=-1 $qb_append" > "$qb_log" 2>&1 < "${QEMU_STDIN:-/dev/null}" || qb_rc=$?
		sed -i 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1b[a-zA-Z]//g; s/\r//g' "$qb_log"
		if [ "$qb_try" = 1 ] && grep -q 'Kernel panic' "$qb_log" &&
			! grep -q 'Run /init as init process' "$qb_log" &&
			grep -Eq 'do_one_initcall|Oops: int3' "$qb_log"; then
			cp "$qb_log" "$qb_log.crashed"
			echo "qemu_boot: the kernel crashed before userspace (TCG; see $qb_log.crashed): once more" >&2
			qb_try=2
			continue
		fi
		break
	done
	if [ "$qb_rc" -eq 124 ] || [ "$qb_rc" -eq 137 ]; then
		echo "qemu_boot: guest still running after ${qb_bound}s: killed (see $qb_log)" >&2
		return 124
	fi
	grep -q -- "$qb_end" "$qb_log" || return 1
}
