#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod.sh - `make bench-depmod`: full depmod runs of Debian's /sbin/depmod
# (kmod 30) and `initmod depmod` (--no-cache; 1 thread, 2 threads, and the
# threads it chooses) on the 6.12 tree (xz), the 6.1 tree (plain) and the
# 6.12 tree recompressed to zstd; then an incremental run (the cache) after
# adding 3 modules, against a full run. Medians of RUNS runs, wall clock,
# warm page cache (one untimed run first). A benchmark, not a test.
# Usage: depmod.sh INITMOD BUILD ROOT612 KVER612 ROOT61 KVER61 [RUNS]
set -eu
initmod=$(realpath "$1"); build=$(realpath "$2"); r612=$3; v612=$4; r61=$5; v61=$6
runs=${7:-3}
kmod=/sbin/depmod
out=$build/bench-depmod
zst=$build/depmod-oracle/6.12-zstd/$v612
rm -rf "$out" && mkdir -p "$out/empty.d"
[ -f "$zst/.done" ] || { echo "bench-depmod: run make check-depmod first (it makes the zstd tree)"; exit 1; }

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
ms() { date +%s%N | cut -c1-13; }
# time_cmd LABEL CMD...: RUNS timed runs after a warm-up, median in ms
timed() {
	label=$1; shift
	"$@" > /dev/null 2>&1 || true
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(ms); "$@" > /dev/null 2>&1 || true; t1=$(ms)
		echo $((t1 - t0)); i=$((i + 1))
	done | median > "$out/t"
	printf '| %-34s | %7s |\n' "$label" "$(cat "$out/t")" | tee -a "$out/results.md"
}
tree() {	# NAME SRCDIR KVER
	mkdir -p "$out/$1/lib/modules"
	cp -al "$2" "$out/$1/lib/modules/$3" 2>/dev/null || cp -a "$2" "$out/$1/lib/modules/$3"
}
{ echo "| run | ms (median of $runs) |"; echo "|---|---:|"; } > "$out/results.md"
cat "$out/results.md"
for t in "6.12-xz $r612/lib/modules/$v612 $v612" "6.1-plain $r61/lib/modules/$v61 $v61" \
	"6.12-zstd $zst $v612"; do
	# shellcheck disable=SC2086 # NAME DIR KVER
	set -- $t
	tree "$1" "$2" "$3"
	b=$out/$1
	timed "$1 kmod 30 depmod" "$kmod" -C "$out/empty.d" -b "$b" "$3"
	timed "$1 initmod depmod -j1" "$initmod" depmod --no-cache -j1 -C "$out/empty.d" -b "$b" "$3"
	timed "$1 initmod depmod -j2" "$initmod" depmod --no-cache -j2 -C "$out/empty.d" -b "$b" "$3"
	timed "$1 initmod depmod (threads chosen)" "$initmod" depmod --no-cache -C "$out/empty.d" -b "$b" "$3"
done

# incremental: 3 modules added to the 6.12 xz tree since the cache was written
b=$out/6.12-xz; m=$b/lib/modules/$v612
# shellcheck disable=SC2046 # three paths without blanks
set -- $(cd "$m" && find kernel/fs -name '*.ko.xz' | sort | head -n 3)
mkdir -p "$out/held"
inc() {
	for f in "$@"; do mv "$m/$f" "$out/held/$(basename "$f")"; done
	"$initmod" depmod -C "$out/empty.d" -b "$b" "$v612" 2> /dev/null	# cache without them
	for f in "$@"; do cp "$out/held/$(basename "$f")" "$m/$f"; done	# new inodes
	t0=$(ms); "$initmod" depmod -C "$out/empty.d" -b "$b" "$v612" 2> /dev/null; t1=$(ms)
	echo $((t1 - t0))
}
i=0
while [ $i -lt "$runs" ]; do inc "$@"; i=$((i + 1)); done | median > "$out/t"
printf '| %-34s | %7s |\n' "6.12-xz initmod, 3 modules added" "$(cat "$out/t")" | tee -a "$out/results.md"
timed "6.12-xz initmod full (--no-cache)" "$initmod" depmod --no-cache -C "$out/empty.d" -b "$b" "$v612"
timed "6.12-xz initmod, nothing changed" "$initmod" depmod -C "$out/empty.d" -b "$b" "$v612"
echo "bench-depmod: $(nproc) CPUs; results in $out/results.md"
