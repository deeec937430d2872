#!/bin/sh
# boot-bench.sh - `make bench`: boot the same image under QEMU once per
# loader, vCPU count and run; the guest times each loader from its start to
# its exit (/proc/uptime, CLOCK_MONOTONIC-based) and also reports kernel
# start -> loader exit. Raw results go to OUT/raw.jsonl, medians and spreads
# to OUT/results.md and a chart to OUT/chart.svg.
# usage: boot-bench.sh OUT RUNS "SMPS" "LOADERS" WORKLOAD:ROOT:KVER:SETFILE...
set -eu
out=$1 runs=$2 smps=$3 loaders=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
mkdir -p "$out/boots"
raw=$out/raw.jsonl
: > "$raw"

# one JSON line from a boot's console (the BENCH line may follow firmware text)
parse() {	# parse LOG WORKLOAD SMP RUN
	sed -n 's/^.*BENCH loader=/loader=/p' "$1" | awk -v w="$2" -v s="$3" -v r="$4" \
		-v m="$(sed -n 's/^REPORT-MODULES //p' "$1")" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "{\"workload\":\"%s\",\"loader\":\"%s\",\"smp\":%s,\"run\":%s,\"seconds\":%.2f,\"boot_to_exit\":%.2f,\"modules\":%s,\"rc\":%s}\n",
			w, v["loader"], s, r, v["end"] - v["start"], v["end"], m, v["rc"] }'
}

kmod=$(command -v kmod)
kmod_extras="--extra $kmod:/kmod/modprobe"
for lib in $(ldd "$kmod" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
	kmod_extras="$kmod_extras --extra $lib:$lib"
done

for wl in "$@"; do
	name=${wl%%:*} rest=${wl#*:}
	root=${rest%%:*} rest=${rest#*:}
	kver=${rest%%:*} set=${rest#*:}
	grep -v '^[#;]' "$set" > "$out/$name.conf"
	# shellcheck disable=SC2086
	"$top/initramfs/mkinitramfs" -o "$out/$name.img" -d "$root" -k "$kver" \
		--initmod "$top/initmod" --add-modules-file "$set" --modules-load "$out/$name.conf" \
		--busybox --init "$here/guest/bench-init" \
		--extra "$top/qemu-tests/guest/report:/bin/report" $kmod_extras 2> /dev/null
	for smp in $smps; do
		r=1
		while [ "$r" -le "$runs" ]; do
			for l in $loaders; do	# interleaved: drift hits every loader alike
				log=$out/boots/$name-$l-smp$smp-$r.log
				if "$top/qemu-tests/boot.sh" "$root/boot/vmlinuz-$kver" "$out/$name.img" \
					"$log" "quiet bench.loader=$l" 900 "$smp"; then
					parse "$log" "$name" "$smp" "$r" >> "$raw"
					echo "bench: $name $l smp=$smp run $r: $(tail -n 1 "$raw")"
				else
					echo "bench: $name $l smp=$smp run $r: boot failed (see $log)"
				fi
			done
			r=$((r + 1))
		done
	done
done
"$here/report.sh" "$raw" "$out"
