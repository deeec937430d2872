#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod-incremental.sh - the cache's property test: on a tree of a few
# hundred modules (6.1 plain, and 6.12 xz ones), STEPS random steps (add,
# remove, replace in place with the same size and mtime, replace by rename
# with the same mtime, touch, change depmod.d); after each, `initmod depmod`
# with its cache must write byte for byte what a full run (--no-cache)
# writes. Racy window 0 (ctime alone decides) for STEPS steps, then the
# default 2 s (recent entries verified by CRC) for STEPS/4. Deterministic: SEED picks the steps.
# Usage: depmod-incremental.sh INITMOD BUILD ROOT61 KVER61 ROOT612 KVER612 [STEPS [SEED]]
set -eu
initmod=$(realpath "$1"); work=$(realpath "$2")/depmod-incremental
r61=$3; v61=$4; r612=$5; v612=$6; steps=${7:-200}; seed=${8:-15}
src=$r61/lib/modules/$v61
kver=1.0.0
rm -rf "$work" && mkdir -p "$work/pool" "$work/conf"
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
tree=$work/root/lib/modules/$kver
mkdir -p "$tree"
# 300 modules in the tree, 100 more in the pool, 20 xz modules from 6.12
sed -n '1,400p' "$src/modules.order" | grep -v '^$' > "$work/list"
n=0
while read -r rel; do
	n=$((n + 1))
	[ -f "$src/$rel" ] || continue
	if [ $n -le 300 ]; then dst=$tree/$rel; else dst=$work/pool/$(echo "$rel" | tr / _); fi
	mkdir -p "$(dirname "$dst")"; cp "$src/$rel" "$dst"
done < "$work/list"
mkdir -p "$tree/kernel/xz"
find "$r612/lib/modules/$v612/kernel/fs" -name '*.ko.xz' -size -12k | sort | head -n 20 |
	while read -r f; do cp "$f" "$tree/kernel/xz/"; done
cp "$src/modules.order" "$src/modules.builtin" "$src/modules.builtin.modinfo" "$tree/"

rng=$seed
rand() {	# 0 .. $1-1, a 31-bit LCG
	rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
	r=$(( (rng / 65536) % $1 ))
}
pick() {	# a random file of list $1 into $f
	c=$(wc -l < "$1"); [ "$c" -gt 0 ] || { f=""; return; }
	rand "$c"; f=$(sed -n "$((r + 1))p" "$1")
}
outputs="modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep
modules.weakdep modules.symbols modules.symbols.bin modules.builtin.bin
modules.builtin.alias.bin modules.devname"
conf() {
	rand 5
	case $r in
	0) : > "$work/conf/a.conf" ;;
	1) echo "search updates built-in" > "$work/conf/a.conf" ;;
	2) printf 'search extra updates built-in\noverride e1000 * extra\n' > "$work/conf/a.conf" ;;
	3) echo "exclude xz" > "$work/conf/a.conf" ;;
	4) printf 'search built-in extra\nexclude net\n' > "$work/conf/a.conf" ;;
	esac
}
conf
hits=0; step=0; kinds="" kind=initial
# each output of an incremental run against a full run's: a FAIL line each
# one that differs
compare_runs() {
	"$initmod" depmod -v -b "$work/root" -C "$work/conf" "$kver" > /dev/null 2> "$work/inc.log" || true
	h=$(sed -n 's/.*, \([0-9]*\) from the cache/\1/p' "$work/inc.log")
	hits=$((hits + ${h:-0}))
	rm -rf "$work/inc" && mkdir "$work/inc"
	for o in $outputs; do cp "$tree/$o" "$work/inc/" 2>/dev/null || true; done
	"$initmod" depmod --no-cache -b "$work/root" -C "$work/conf" "$kver" 2> /dev/null || true
	for o in $outputs; do
		cmp -s "$tree/$o" "$work/inc/$o" || bad "step $step ($kind)" "$o differs"
	done
}
for window in 0 2000; do
	export INITMOD_DEPMOD_RACY_MS=$window
	n=$steps; [ "$window" -eq 0 ] || n=$((steps / 4))
	rm -f "$tree/modules.initmod-cache.bin"
	compare_runs
	step=0
	while [ $step -lt "$n" ]; do
		step=$((step + 1))
		find "$tree" -name '*.ko*' | sort > "$work/in"
		find "$work/pool" -name '*.ko*' | sort > "$work/out"
		rand 7
		case $r in
		0) kind=add; pick "$work/out"
		   if [ -n "$f" ]; then rand 3
			case $r in 0) d=$tree/updates ;; 1) d=$tree/extra ;; *) d=$tree/kernel/added ;; esac
			mkdir -p "$d"; mv "$f" "$d/$(basename "$f" | sed 's/.*_//')"; fi ;;
		1) kind=remove; pick "$work/in"; [ -z "$f" ] || mv "$f" "$work/pool/$(basename "$f")" ;;
		2) kind=replace-in-place; pick "$work/in"
		   case $f in *.ko)
			off=$(grep -boa 'alias=' "$f" | head -n 1 | cut -d: -f1)
			if [ -n "$off" ]; then
				m=$(stat -c %y "$f")
				rand 26
				# shellcheck disable=SC2059 # a letter, from its octal escape
				printf "\\$(printf %03o $((97 + r)))" |
					dd of="$f" bs=1 seek=$((off + 6)) conv=notrunc 2>/dev/null
				touch -d "$m" "$f"
			fi ;;
		   *)	m=$(stat -c %y "$f"); printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null
			touch -d "$m" "$f" ;;
		   esac ;;
		3) kind=replace-by-rename; pick "$work/in"; g=$f; pick "$work/in"
		   if [ -n "$f" ] && [ "$f" != "$g" ]; then m=$(stat -c %y "$f")
			cp "$g" "$f.new"; touch -d "$m" "$f.new"; mv "$f.new" "$f"; fi ;;
		4) kind="touch"; pick "$work/in"; [ -z "$f" ] || touch "$f" ;;
		5) kind=depmod.d; conf ;;
		6) kind=nothing ;;
		esac
		kinds="$kinds $kind"
		compare_runs
	done
	echo "depmod-incremental: window ${window} ms: $n steps, $hits cache hits in total"
	hits=0
done
for k in add remove replace-in-place replace-by-rename touch depmod.d nothing; do
	printf '%s=%s ' "$k" "$(echo "$kinds" | tr ' ' '\n' | grep -c "^$k\$")"
done; echo
echo "depmod-incremental: $fail differences"
[ "$fail" -eq 0 ]
