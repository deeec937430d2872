#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# report.sh - `make bench`'s report: medians, spreads and ratios from
# raw.jsonl into OUT/results.md (with a footprint table), and a bar chart of
# the median time per loader per workload into OUT/chart.svg.
# usage: report.sh RAW.jsonl OUTDIR INITMOD [KMOD-POOL]
set -eu
raw=$1 out=$2 initmod=$3 pool=${4:-}

# bytes of a binary plus the shared libraries it needs in an image
footprint() {	# footprint FILE -> "bytes libs"
	libs=$(ldd "$1" 2> /dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
	# shellcheck disable=SC2086
	echo "$(cat "$1" $libs | wc -c) $(echo $libs | wc -w)"
}

awk -v out="$out" '
function field(s, k,   re, v) { re = "\"" k "\":\"?[^,}\"]*"; if (match(s, re)) { v = substr(s, RSTART, RLENGTH); sub(/.*:"?/, "", v); return v } return "" }
{	key = field($0, "workload") "|" field($0, "smp") "|" field($0, "loader")
	c = ++n[key]; keys[key] = 1
	t[key, c] = field($0, "seconds") + 0; b[key, c] = field($0, "boot_to_exit") + 0
	mods[key, c] = field($0, "modules") + 0; bound[key, c] = field($0, "bound") + 0
	rss[key, c] = field($0, "vmhwm_kb") + 0; lim[key] = field($0, "limit") + 0
	fails[key, c] = field($0, "failed") + 0
	ser[key, c] = field($0, "serial") + 0
	wb[key, c] = bound[key, c] > 0 ? t[key, c] / bound[key, c] : 0
}
function median(arr, key, cnt,   i, j, x, a) {
	for (i = 1; i <= cnt; i++) a[i] = arr[key, i]
	for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
	return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2 }
function range(arr, key, cnt, fmt,   i, lo, hi) { lo = hi = arr[key, 1]
	for (i = 2; i <= cnt; i++) { if (arr[key, i] < lo) lo = arr[key, i]; if (arr[key, i] > hi) hi = arr[key, i] }
	return lo == hi ? sprintf(fmt, lo) : sprintf(fmt "-" fmt, lo, hi) }
function ratio(a, b) { return (b > 0 && a > 0) ? sprintf("%.2fx", a / b) : "-" }
END {
	for (k in keys) med[k] = median(t, k, n[k])
	# the limit of a (workload, vCPUs): the exact critical path where known
	# (synthetic), else the median bound initmod measured on itself
	for (k in keys) { split(k, p, "|"); wk = p[1] "|" p[2]
		if (lim[k] > 0) limit[wk] = lim[k]
		else if (p[3] == "initmod" && !(wk in limit) && median(bound, k, n[k]) > 0)
			limit[wk] = median(bound, k, n[k]) }
	print "| workload | vCPUs | loader | runs | median s | spread s | kernel start to loader exit, median s | modules in /proc/modules | initmod failures | vs modprobe -a | vs xargs | limit s | median / limit | its own bound s, serial s, wall/bound (medians of its runs) |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (k in keys) { split(k, p, "|"); wk = p[1] "|" p[2]
		printf "| %s | %s | %s | %d | %.2f | %s | %.2f | %s | %s | %s | %s | %s | %s | %s |\n", p[1], p[2], p[3], n[k], med[k],
			range(t, k, n[k], "%.2f"), median(b, k, n[k]), range(mods, k, n[k], "%d"),
			p[3] ~ /^initmod/ ? range(fails, k, n[k], "%d") : "-",
			ratio(med[wk "|modprobe"], med[k]), ratio(med[wk "|xargs"], med[k]),
			(wk in limit) ? sprintf("%.2f", limit[wk]) : "-",
			(wk in limit) ? ratio(med[k], limit[wk]) : "-",
			(median(bound, k, n[k]) > 0 ? sprintf("%.2f, %.2f, %.2fx", median(bound, k, n[k]),
				median(ser, k, n[k]), median(wb, k, n[k])) : "-") | "sort -t\"|\" -k2,2 -k3,3n -k4,4"
	}
	close("sort -t\"|\" -k2,2 -k3,3n -k4,4")
	print ""
	print "| workload | vCPUs | initmod peak RSS (VmHWM), median kB |"
	print "|---|---|---|"
	for (k in keys) { split(k, p, "|"); if (p[3] == "initmod") printf "| %s | %s | %d |\n", p[1], p[2], median(rss, k, n[k]) | "sort" }
	close("sort")
	for (k in keys) print k "|" med[k] > (out "/medians.txt")
}' "$raw" > "$out/table.md"

{
	echo "# Boot benchmark, $(date -u +%Y-%m-%d)"
	echo
	echo "Machine: $(nproc) host cores, no KVM: QEMU TCG \`-cpu max\`, \`-smp\` as in the vCPUs column (more vCPUs than host cores means they share the cores)."
	echo "Each cell: ≥ 3 boots unless the runs column says otherwise, loaders interleaved within a run. Time: loader start to exit, /proc/uptime in the guest."
	echo "Limit: synthetic = critical path of the init delays (exact); real sets = initmod's own bound (\`--stats\`), median over its runs: max(heaviest measured chain less its kernel-lock waits, Σ work / vCPUs, serial), serial being the time a global kernel lock (ftrace_lock, module_mutex, text_mutex...) was held while the loads waited for it, from the kernel's lock-contention trace (bench.ktrace=1; 0 without one). The last column: each run's wall over its own bound, median."
	echo
	cat "$out/table.md"
	echo
	echo "| binary (in the image) | bytes, with shared libraries | shared libraries |"
	echo "|---|---|---|"
	set -- $(footprint "$initmod")
	echo "| initmod (static: libzstd, liblzma, zlib inside) | $1 | $2 |"
	set -- $(footprint "$(command -v kmod)")
	echo "| kmod (modprobe) | $1 | $2 |"
	if [ -n "$pool" ] && [ -x "$pool" ]; then
		set -- $(footprint "$pool")
		echo "| kmod-pool (libkmod) | $1 | $2 |"
	fi
} > "$out/results.md"

# chart: one bar per (workload, vCPUs, loader), grouped by workload and vCPUs
sort "$out/medians.txt" | awk -F'|' -v W=980 '
{ lab[NR] = $1 " smp" $2 " " $3; v[NR] = $4; grp[NR] = $1 "|" $2; if ($4 > max[grp[NR]]) max[grp[NR]] = $4 }
END {
	h = 22 * NR + 60; y = 36
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, h + 12 * NR
	print "<text x=\"10\" y=\"20\" font-size=\"14\">Median seconds from loader start to exit, QEMU TCG (bars scaled per workload and vCPU count)</text>"
	for (i = 1; i <= NR; i++) {
		if (i > 1 && grp[i] != grp[i - 1]) y += 12
		w = (W - 360) * v[i] / (max[grp[i]] ? max[grp[i]] : 1)
		col = lab[i] ~ / initmod$/ ? "#2e75b6" : lab[i] ~ /initmod/ ? "#9dc3e6" : "#aaaaaa"
		printf "<text x=\"10\" y=\"%d\">%s</text><rect x=\"270\" y=\"%d\" width=\"%.1f\" height=\"17\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\">%.2f s</text>\n", y + 13, lab[i], y, w, col, 275 + w, y + 13, v[i]
		y += 22
	}
	print "</svg>"
}' > "$out/chart.svg"
rm -f "$out/medians.txt" "$out/table.md"
cat "$out/results.md"
