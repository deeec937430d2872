#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# resolve.sh - `make bench-resolve`: resolve 1000 module names with initmod
# and with kmod's modprobe --show-depends on the same tree and config, and
# report wall time (median of RUNS runs, side by side) and instructions
# (callgrind, repeatable).
# usage: resolve.sh INITMOD ROOT KVER [N]
# shellcheck disable=SC2086 # $names: the names, one word each
set -eu
bin=$1 root=$2 kver=$3 n=${4:-1000}
runs=${RUNS:-7}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
dir=$root/lib/modules/$kver
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/conf"
sed 's/:.*//; s#.*/##; s/\.ko.*//' "$dir/modules.dep" | sort | head -n "$n" > "$work/names"
set -- -d "$root" -S "$kver" -C "$work/conf" -a --show-depends
names=$(cat "$work/names")

# wall time in microseconds of one run
run_us() {
	s=$(date +%s%N)
	"$@" $names > /dev/null
	e=$(date +%s%N)
	echo $(( (e - s) / 1000 ))
}

: > "$work/im"; : > "$work/km"
i=0
while [ $i -lt "$runs" ]; do
	run_us "$bin" "$@" >> "$work/im"
	run_us modprobe "$@" >> "$work/km"
	i=$((i + 1))
done
im_us=$(median < "$work/im")
km_us=$(median < "$work/km")

instr() {
	valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$@" $names \
		2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,
}
im_ir=$(instr "$bin" "$@")
km_ir=$(instr modprobe "$@")
"$bin" "$@" $names > "$work/a"
modprobe "$@" $names > "$work/b"
same=no
cmp -s "$work/a" "$work/b" && same=yes

printf 'resolve %s names (%s, kernel %s), %s runs each, side by side\n' \
	"$(wc -l < "$work/names")" "$root" "$kver" "$runs"
printf '%-10s %12s %16s\n' tool 'median us' instructions
printf '%-10s %12s %16s\n' initmod "$im_us" "$im_ir"
printf '%-10s %12s %16s\n' modprobe "$km_us" "$km_ir"
awk -v a="$im_us" -v b="$km_us" -v c="$im_ir" -v d="$km_ir" 'BEGIN {
	printf "ratio      %12.2f %16.3f   (initmod / modprobe)\n", a / b, c / d }'
printf 'output identical: %s\n' "$same"
# initmod's own clock around resolution and printing (no exec, no config load)
: > "$work/inproc"
i=0
while [ $i -lt "$runs" ]; do
	"$bin" -v "$@" $names 2>&1 >/dev/null | sed -n 's/.*resolved .* in \([0-9.]*\) ms/\1/p' >> "$work/inproc"
	i=$((i + 1))
done
printf 'initmod in-process resolve+print time: median %s ms\n' "$(median < "$work/inproc")"
