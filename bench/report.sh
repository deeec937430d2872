#!/bin/sh
# report.sh - medians, spreads and ratios from raw.jsonl into results.md,
# and a bar chart (median seconds per loader per workload) into chart.svg.
# usage: report.sh RAW.jsonl OUTDIR
set -eu
raw=$1 out=$2
awk '
function field(s, k,   re) { re = "\"" k "\":\"?[^,}\"]*"; if (match(s, re)) { v = substr(s, RSTART, RLENGTH); sub(/.*:"?/, "", v); return v } return "" }
{ key = field($0, "workload") "|" field($0, "smp") "|" field($0, "loader")
  n[key]++; t[key, n[key]] = field($0, "seconds") + 0; b[key, n[key]] = field($0, "boot_to_exit") + 0
  mods[key] = field($0, "modules"); keys[key] = 1 }
function median(arr, key, cnt,   i, j, x, a) {
	for (i = 1; i <= cnt; i++) a[i] = arr[key, i]
	for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
	return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2 }
function spread(arr, key, cnt,   i, lo, hi) { lo = hi = arr[key, 1]
	for (i = 2; i <= cnt; i++) { if (arr[key, i] < lo) lo = arr[key, i]; if (arr[key, i] > hi) hi = arr[key, i] }
	return sprintf("%.2f-%.2f", lo, hi) }
END {
	print "| workload | vCPUs | loader | runs | median s (loader start to exit) | spread | kernel start to loader exit, median s | modules loaded | vs modprobe -a |"
	print "|---|---|---|---|---|---|---|---|---|"
	for (k in keys) { split(k, p, "|"); med[k] = median(t, k, n[k]) }
	for (k in keys) { split(k, p, "|"); base = p[1] "|" p[2] "|modprobe"
		ratio = (base in med) ? sprintf("%.2fx", med[base] / med[k]) : "-"
		printf "| %s | %s | %s | %d | %.2f | %s | %.2f | %s | %s |\n", p[1], p[2], p[3], n[k], med[k],
			spread(t, k, n[k]), median(b, k, n[k]), mods[k], ratio | "sort" }
	close("sort")
	for (k in keys) print k, med[k] > "/dev/stderr"
}' "$raw" > "$out/results.md" 2> "$out/medians.txt"
# chart: one bar per (workload, vCPUs, loader)
awk -v W=900 '
{ split($1, p, "|"); lab[NR] = p[1] " smp" p[2] " " p[3]; v[NR] = $2; if ($2 > max) max = $2 }
END {
	h = 24 * NR + 60
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, h
	print "<text x=\"10\" y=\"20\" font-size=\"14\">Median seconds from loader start to exit (QEMU TCG)</text>"
	for (i = 1; i <= NR; i++) {
		y = 30 + 24 * (i - 1); w = (W - 330) * v[i] / (max ? max : 1)
		col = lab[i] ~ /initmod/ ? "#5b9bd5" : "#aaaaaa"
		printf "<text x=\"10\" y=\"%d\">%s</text><rect x=\"260\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\">%.2f s</text>\n", y + 14, lab[i], y, w, col, 265 + w, y + 14, v[i]
	}
	print "</svg>"
}' "$(sort "$out/medians.txt" > "$out/medians.sorted" && echo "$out/medians.sorted")" > "$out/chart.svg"
rm -f "$out/medians.txt" "$out/medians.sorted"
cat "$out/results.md"
