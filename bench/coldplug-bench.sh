#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# coldplug-bench.sh - `make bench-coldplug` (part of make bench): per QEMU
# machine (qemu-tests/machines.sh), kernel start -> settled, RUNS
# interleaved boots of one image: initmod's coldplug, udev's (Debian 12's
# systemd-udevd: trigger + settle) and initmod -j1. Writes raw.tsv and
# results.md (medians, ratios, where the time goes) into OUT.
# usage: coldplug-bench.sh OUT RUNS CACHE KROOT INITMOD
set -eu
out=$1 runs=$2 cache=$3 kr=$4 bin=$5
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
q=$top/qemu-tests
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$out/work
mkdir -p "$work"
kver=$(cat "$kr/.ready")
. "$q/machines.sh"

coldplug_image "$kr" "$kver" "$bin" "$work/img" \
	--extra "$q/guest/initmod-j1:/bin/initmod-j1"

# one boot: prints "START SETTLED MODULES" (seconds after the kernel started)
one() {	# one LOADER LOG
	case $1 in
	initmod) a="initmod.coldplug=1 init=/bin/report" ;;
	initmod-j1) a="initmod.coldplug=1 rdinit=/bin/initmod-j1" ;;
	udev) a="rdinit=/bin/udev-init" ;;
	esac
	QEMU_MACHINE=$M QEMU_DEVICES=$(echo $D) "$q/boot.sh" "$kr/boot/vmlinuz-$kver" "$work/img" \
		"$2" "loglevel=3 $a" 300 2 > /dev/null 2>&1 || { echo "- - -"; return; }
	n=$(grep -c '^REPORT-MOD ' "$2")
	case $1 in
	udev) echo "$(sed -n "s/.*UDEV-START uptime=//p" "$2") $(sed -n 's/^UDEV-SETTLED uptime=//p' "$2") $n" \
		"$(sed -n 's/^UDEV-QUIET uptime=//p' "$2")" ;;
	*) sed -n 's/.*settled in .* from \([0-9.]*\) s to \([0-9.]*\) s after.*/\1 \2 \2/p' "$2" |
		head -n 1 | awk -v n="$n" '{ print $1, $2, n, $3 }' ;;
	esac
}

printf 'machine\tloader\trun\tstart_s\tsettled_s\tmodules\tquiet_s\n' > "$out/raw.tsv"
for m in virtio mixed legacy; do
	machine "$m"
	r=1
	while [ $r -le "$runs" ]; do
		for l in initmod udev initmod-j1; do	# interleaved: drift hits all alike
			res=$(one $l "$work/$m-$l-$r.log")
			printf '%s\t%s\t%s\t%s\n' "$m" "$l" "$r" "$(echo "$res" | tr ' ' '\t')" >> "$out/raw.tsv"
			echo "bench-coldplug: $m $l run $r: $res"
		done
		r=$((r + 1))
	done
done

# medians per machine and loader; ratios against initmod
awk -F'\t' -v kver="$kver" -v runs="$runs" '
NR > 1 && $5 != "-" { k = $1 SUBSEP $2; n[k]++; s[k, n[k]] = $5; a[k, n[k]] = $5 - $4; mods[k] = $6; q[k, n[k]] = $7 }
function med(arr, k, c,   i, j, t, v) {
	for (i = 1; i <= c; i++) v[i] = arr[k, i]
	for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
}
END {
	printf "# Coldplug benchmark (Debian %s, QEMU TCG, 2 vCPUs, %s interleaved boots, medians)\n\n", kver, runs
	print "Kernel start -> settled (s), and loader start -> settled (s). initmod settles after"
	print "its quiet period (1.25 s with no uevent and nothing loading); udev settles when its"
	print "queue is empty and goes on running: a device a probe adds later (a USB disk behind"
	print "EHCI) can come after its settle. \"quiet\" is when the same rule as initmod'"'"'s held for"
	print "udev (the kernel'"'"'s uevent_seqnum unchanged over 1.25 s and a settle, polled: up to"
	print "1.25 s late); for initmod it is its settle.\n"
	print "| machine | loader | settled after kernel start | after loader start | quiet | modules | udev / this |"
	print "|---|---|---|---|---|---|---|"
	split("virtio mixed legacy", ms, " "); split("initmod udev initmod-j1", ls, " ")
	for (i = 1; i <= 3; i++) for (j = 1; j <= 3; j++) {
		k = ms[i] SUBSEP ls[j]; u = ms[i] SUBSEP "udev"
		if (!n[k]) { printf "| %s | %s | failed | | | | |\n", ms[i], ls[j]; continue }
		printf "| %s | %s | %.2f | %.2f | %.2f | %d | %.2fx |\n", ms[i], ls[j], med(s, k, n[k]),
			med(a, k, n[k]), med(q, k, n[k]), mods[k], n[u] ? med(s, u, n[u]) / med(s, k, n[k]) : 0
	}
}' "$out/raw.tsv" > "$out/results.md"
cat "$out/results.md"
