#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# boot-bench.sh - one workload of `make bench`: build its image, boot it under
# QEMU once per vCPU count, run and loader (loaders interleaved within a run,
# so drift hits them alike), and append one JSON line per boot to OUT/raw.jsonl.
# The guest times the loader from its start to its exit (/proc/uptime) and
# reports kernel start -> loader exit; initmod adds its own bound (--stats).
#
# usage: boot-bench.sh OUT RUNS "SMPS" "LOADERS" KIND NAME ROOT KVER [SET]
#   KIND generic: the names of SET; synthetic: the test-module DAG (delays
#   scaled by $SYNTH_SCALE, default 10); everything: every module of ROOT that
#   a discovery boot with initmod loaded (cached in $CACHE/everything-KVER).
# env: CACHE (the project's cache), BUILD, BENCH_APPEND (more kernel
#   command-line words, e.g. bench.ktrace=1), BENCH_BASE (an initmod binary
#   for the loader initmod-base, say the last commit's), TRACE_SMP (vCPUs of the boot that
#   also saves initmod's timeline, default 2), QEMU_MEM (MiB).
set -eu
out=$1 runs=$2 smps=$3 loaders=$4 kind=$5 name=$6 root=$7 kver=$8 set=${9:-}
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
cache=${CACHE:-$top/.cache} build=${BUILD:-$top/build}
mkdir -p "$out/boots" "$out/work"
raw=$out/raw.jsonl
work=$out/work/$name
append="quiet ${BENCH_APPEND:-}"
limit_s=
kernel=$root/boot/vmlinuz-$kver

# one JSON line from a boot's console (the BENCH line may follow firmware text)
parse() {	# parse LOG SMP RUN
	sed -n 's/^.*BENCH loader=/loader=/p' "$1" | awk -v w="$name" -v s="$2" -v r="$3" \
		-v m="$(sed -n 's/^REPORT-MODULES //p' "$1")" -v lim="${limit_s:-0}" \
		-v sched="$(grep -o 'schedule: .*' "$1" | head -n 1)" \
		-v rss="$(sed -n 's/.*peak RSS (VmHWM): *\([0-9]*\).*/\1/p' "$1" | head -n 1)" \
		-v summ="$(grep -o 'initmod: [0-9]* loaded, [0-9]* already present, [0-9]* failed' "$1" | head -n 1)" '
	function num(re,   t) { if (!match(sched, re)) return 0; t = substr(sched, RSTART, RLENGTH); gsub(/[^0-9.]/, "", t); return t / 1000 }
	{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		split(summ, sw, " "); failed = summ == "" ? -1 : sw[7]
		printf "{\"workload\":\"%s\",\"loader\":\"%s\",\"smp\":%s,\"run\":%s,\"seconds\":%.3f,\"boot_to_exit\":%.2f,\"modules\":%d,\"rc\":%s,\"limit\":%.3f,\"work\":%.3f,\"chain\":%.3f,\"serial\":%.3f,\"bound\":%.3f,\"engine_wall\":%.3f,\"vmhwm_kb\":%d,\"failed\":%d}\n",
			w, v["loader"], s, r, v["end"] - v["start"], v["end"], m, v["rc"], lim,
			num("cpu [0-9.]+"), num("chain [0-9.]+"), num("serial [0-9.]+"), num("bound [0-9.]+"),
			num("wall [0-9.]+"), rss + 0, failed }'
}

# kmod's modprobe and the libkmod pool, with their shared libraries
extras=""
add_bin() {	# add_bin FILE DEST
	extras="$extras --extra $1:$2"
	for lib in $(ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
		case " $extras " in *" --extra $lib:$lib "*) ;; *) extras="$extras --extra $lib:$lib" ;; esac
	done
}
add_bin "$(command -v kmod)" /kmod/modprobe
[ -x "$build/bench/kmod-pool" ] && add_bin "$build/bench/kmod-pool" /kmod/kmod-pool
# loader initmod-base: another initmod build to compare against
[ -n "${BENCH_BASE:-}" ] && extras="$extras --extra $BENCH_BASE:/bin/initmod-base"

image() {	# image ROOT NAMES-FILE OUT
	grep -v '^[#;]' "$2" > "$work.conf"
	# shellcheck disable=SC2086
	"$top/initramfs/mkinitramfs" -o "$3" -d "$1" -k "$kver" \
		--initmod "$top/initmod" --add-modules-file "$2" --modules-load "$work.conf" \
		--busybox --init "$here/guest/bench-init" \
		--extra "$top/qemu-tests/guest/report:/bin/report" $extras 2> /dev/null
}

case $kind in
generic)
	image "$root" "$set" "$work.img"
	;;
synthetic)
	# the DAG of qemu-tests/modules; its critical path is the heaviest
	# chain of (scaled) init delays along the hard edges
	. "$top/qemu-tests/testmods.sh"
	mods=$(build_modules "$kver")
	tree "$work.root" "$root" "$kver" "$mods" plain
	root=$work.root
	scale=${SYNTH_SCALE:-10}
	seq 0 39 | awk '{ printf "tm_%02d\n", $1 }' > "$work.names"
	append="$append $(awk -v s="$scale" '$1 == "DELAY" && $2 ~ /^tm_[0-9][0-9]$/ { printf "%s.delay_ms=%d ", $2, $3 * s }' "$mods/graph")"
	limit_s=$(awk -v s="$scale" '
		$1 == "DELAY" { d[$2] = $3 * s } $1 == "HARD" { e[++n] = $2 " " $3 }
		END { for (k in d) f[k] = d[k]	# a chain starts with its first delay
			do { ch = 0; for (i = 1; i <= n; i++) { split(e[i], x, " ")
			if (f[x[1]] + d[x[2]] > f[x[2]]) { f[x[2]] = f[x[1]] + d[x[2]]; ch = 1 } } } while (ch)
			for (k in d) if (f[k] > m) m = f[k]
			printf "%.3f", m / 1000 }' "$mods/graph")
	echo "bench: $name: critical path of the init delays = $limit_s s"
	image "$root" "$work.names" "$work.img"
	;;
everything)
	list=$cache/everything-$kver
	if [ ! -s "$list" ]; then
		"$here/discover.sh" "$root" "$kver" "$list" "$work.discover"
	fi
	image "$root" "$list" "$work.img"
	;;
*)
	echo "boot-bench: unknown workload kind $kind" >&2
	exit 2
	;;
esac

for smp in $smps; do
	r=1
	while [ "$r" -le "$runs" ]; do
		for l in $loaders; do
			log=$out/boots/$name-$l-smp$smp-$r.log
			extra=
			[ "$r" = 1 ] && [ "$l" = initmod ] && [ "$smp" = "${TRACE_SMP:-2}" ] && extra=bench.trace=1
			if QEMU_MEM=${QEMU_MEM:-} "$top/qemu-tests/boot.sh" "$kernel" "$work.img" \
				"$log" "$append bench.loader=$l $extra" 1800 "$smp"; then
				parse "$log" "$smp" "$r" >> "$raw"
				echo "bench: $name $l smp=$smp run $r: $(tail -n 1 "$raw")"
				if [ -n "$extra" ]; then
					sed -n '/^BENCH-SVG-BEGIN/,/^BENCH-SVG-END/p' "$log" | sed '1d;$d' > "$out/timeline-$name.svg"
				fi
			else
				echo "bench: $name $l smp=$smp run $r: boot failed (see $log)"
			fi
		done
		r=$((r + 1))
	done
done
