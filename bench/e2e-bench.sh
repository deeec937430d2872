#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# e2e-bench.sh - `make bench-e2e` (part of make bench): time from kernel
# start to the real root's init (the marker init's /proc/uptime) for the
# end-to-end variants of `make e2e` (a stock initramfs-tools, b with
# initmod's hook, c/cs dracut + initmod in systemd/shell mode, d initmod's
# own host-only image, t Debian 12's tiny-initramfs), per disk attachment, RUNS interleaved rounds (each
# round boots every variant once per attachment, so drift hits all alike).
# Uses the images `make e2e` built in BUILD/e2e (run it first). Writes
# raw.tsv and results.md (medians, ratios against a, and where the time
# goes: initramfs start, initmod's run, root mounted, root's init, from the
# kernel's and initmod's own timestamps) into OUT, the boots' logs in
# OUT/logs. The variants are the rows of qemu-tests/e2e/lib.sh's table,
# booted with their command lines there, initmod.verbose=0.
# usage: e2e-bench.sh OUT RUNS BUILD [VARIANTS] [TYPES]   (RUNS 0: tables
# again from OUT/raw.tsv)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
E2E_LIB=$here/../qemu-tests/e2e/lib.sh
# shellcheck source=qemu-tests/e2e/lib.sh
. "$E2E_LIB"
e2e_verbose=0
out=$1 runs=$2 build=$3 variants=${4:-$(e2e_variants)} types=${5:-virtio ahci nvme usb}
work=$(cd "$build/e2e" && pwd)
mkdir -p "$out/logs"
out=$(cd "$out" && pwd)
for kernel in "$work"/vmlinuz-*; do break; done	# the one make e2e copied there
[ -f "$work/root.img" ] || { echo "e2e-bench: no $work/root.img: run make e2e first" >&2; exit 1; }

image() {	# image VARIANT TYPE
	if [ -f "$work/$1.$2.initrd" ]; then echo "$work/$1.$2.initrd"; else echo "$work/$1.initrd"; fi
}

# one boot: "ROOT_INIT INIT_START ROOT_MOUNTED INITMOD_START INITMOD_END"
# (seconds after kernel start; "-" where a boot has no such point)
one() {	# one VARIANT TYPE LOG
	e2e_variant "$1" || { echo "- - - - -"; return; }
	e2e_boot "$2" "$kernel" "$(image "$1" "$2")" "$work/root.img" "$3" \
		"root=UUID=$E2E_UUID ro init=/sbin/e2e-init $ev_append" 300 > /dev/null 2>&1 || { echo "- - - - -"; return; }
	dev=$(e2e_dev "$2")
	im=$(sed -n 's/.*initmod: .* from \([0-9.]*\) s to \([0-9.]*\) s after the kernel started.*/\1 \2/p' "$3" | head -n 1)
	echo "$(e2e_reached "$3") $(e2e_ktime "$3" 'Run /init as init process')" \
		"$(e2e_ktime "$3" "EXT4-fs \\(${dev#/dev/}\\): mounted") ${im:-- -}"
}

# RUNS 0: only the tables again, from OUT/raw.tsv
[ "$runs" -gt 0 ] &&
	printf 'variant\ttype\trun\troot_init_s\tinit_start_s\troot_mounted_s\tinitmod_start_s\tinitmod_end_s\n' > "$out/raw.tsv"
r=1
while [ $r -le "$runs" ]; do
	for t in $types; do
		for v in $variants; do
			[ -f "$(image "$v" "$t")" ] || continue
			res=$(one "$v" "$t" "$out/logs/$v.$t.$r.log")
			printf '%s\t%s\t%s\t%s\n' "$v" "$t" "$r" "$(echo "$res" | tr ' ' '\t')" >> "$out/raw.tsv"
			echo "bench-e2e: $t $v run $r: $res"
		done
	done
	r=$((r + 1))
done

[ "$runs" -gt 0 ] || runs=$(awk -F'\t' 'NR > 1 && $3 > m { m = $3 } END { print m + 0 }' "$out/raw.tsv")
# each variant's stock twin (the table's twin=V; a for the others; a stock
# variant its own, no ratio): the ratio is the twin's time over the variant's
twins=
for v in $variants; do
	e2e_variant "$v" || continue
	tw=a
	for w in $ev_checks; do
		case $w in twin=*) tw=${w#twin=} ;; stock) tw=$v ;; esac
	done
	twins="$twins $v=$tw"
done
awk -F'\t' -v runs="$runs" -v vs="$variants" -v ts="$types" -v twins="$twins" '
NR > 1 && $4 != "-" {
	k = $1 SUBSEP $2; n[k]++
	for (c = 4; c <= 8; c++) v[k, c, n[k]] = $c
}
function med(k, c,   i, j, t, x, m) {
	m = 0
	for (i = 1; i <= n[k]; i++) if (v[k, c, i] != "-" && v[k, c, i] != "") x[++m] = v[k, c, i]
	if (!m) return -1
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
	return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
}
function cell(x) { return x < 0 ? "-" : sprintf("%.2f", x) }
END {
	nv = split(vs, V, " "); nt = split(ts, T, " ")
	nw = split(twins, W, " ")
	for (i = 1; i <= nw; i++) { split(W[i], p, "="); twin[p[1]] = p[2] }
	printf "# End-to-end boots: kernel start -> the real root'"'"'s init (QEMU TCG, 2 vCPUs, %s interleaved rounds, medians, s)\n\n", runs
	print "a: Debian 12 stock initramfs-tools (MODULES=most, udev); b: the same with initmod'"'"'s hook;"
	print "c / cs: dracut 059 with initmod'"'"'s module, systemd / shell mode; x / xs: the same dracut"
	print "without it (stock); bf: b booted with initmod.udev=full (udev replays every device, as in a);"
	print "d: initmod'"'"'s own `mkinitramfs --hostonly` image (no udev, no shell); t: Debian 12'"'"'s"
	print "tiny-initramfs (mktirfs, the disk'"'"'s driver and ext4 listed, decompressed: its init cannot"
	print "load a .ko.xz). Ratio: the time of the variant'"'"'s stock twin (a for b, bf, d; x for c; xs"
	print "for cs) / the variant'"'"'s; t/d: tiny-initramfs'"'"'s time / d'"'"'s.\n"
	for (i = 1; i <= nv; i++) { if (V[i] == "t") ht = 1; if (V[i] == "d") hd = 1 }
	peer = ht && hd
	printf "| attachment |"; for (i = 1; i <= nv; i++) printf " %s |", V[i]
	for (i = 1; i <= nv; i++) if (twin[V[i]] != V[i]) printf " %s/%s |", twin[V[i]], V[i]
	if (peer) printf " t/d |"
	print ""
	printf "|---|"; for (i = 1; i <= nv; i++) printf "---|"
	for (i = 1; i <= nv; i++) if (twin[V[i]] != V[i]) printf "---|"
	if (peer) printf "---|"
	print ""
	for (j = 1; j <= nt; j++) {
		printf "| %s |", T[j]
		for (i = 1; i <= nv; i++) printf " %s |", cell(med(V[i] SUBSEP T[j], 4))
		for (i = 1; i <= nv; i++) {
			if (twin[V[i]] == V[i]) continue
			a = med(twin[V[i]] SUBSEP T[j], 4); x = med(V[i] SUBSEP T[j], 4)
			printf " %s |", (a > 0 && x > 0 ? sprintf("%.2fx", a / x) : "-")
		}
		if (peer) {
			a = med("t" SUBSEP T[j], 4); x = med("d" SUBSEP T[j], 4)
			printf " %s |", (a > 0 && x > 0 ? sprintf("%.2fx", a / x) : "-")
		}
		print ""
	}
	print "\n## Where the time goes (medians, s after kernel start)\n"
	print "| variant | attachment | initramfs /init | initmod start | initmod settled | root mounted | root'"'"'s init |"
	print "|---|---|---|---|---|---|---|"
	for (i = 1; i <= nv; i++) for (j = 1; j <= nt; j++) {
		k = V[i] SUBSEP T[j]
		if (!n[k]) continue
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", V[i], T[j], cell(med(k, 5)), cell(med(k, 7)),
			cell(med(k, 8)), cell(med(k, 6)), cell(med(k, 4))
	}
}' "$out/raw.tsv" > "$out/results.md"
cat "$out/results.md"
