#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh - the modprobe oracle: initmod --show-depends must print exactly what
# kmod's modprobe --show-depends prints (stdout and exit status), for the same
# root, kernel version, configuration and names.
#
# usage: run.sh [-C CONF]... [-b] [-i] [--names FILE | --aliases N]
#               ROOT KVER INITMOD [NAMES_FILE]
#   -C CONF      passed to both tools, in order (a directory or a file; with
#                -C, kmod reads only those paths plus modules.softdep; without
#                any -C both read the host's /etc/modprobe.d and friends;
#                a CONF that does not exist is an error here, paths with
#                spaces are not supported)
#   -b, -i       passed to both tools (apply blacklist / ignore install lines)
#   NAMES_FILE   (or --names FILE) one name per line; blank lines and lines
#                starting with # are skipped
#   default:     every module of ROOT/lib/modules/KVER/modules.dep
#   --aliases N: about N concrete strings made from modules.alias patterns
#                (every k-th line; * and ? become 0, [set] its first char),
#                plus about N symbol:NAME from modules.symbols
# Both tools run as TOOL -d ROOT -S KVER [-C ...] [-b] [-i] -a --show-depends
# NAME...; names go in batches of 200 (modprobe -a handles each name on its
# own, so a batch prints the concatenation of the per-name outputs), and a
# batch that differs (stdout or exit status) is re-run name by name to show
# each mismatch as a unified diff (the first 20). Last line:
#   oracle: ROOT KVER: N names, M mismatches ([options; ]SECONDSs)
# exit status 1 when M > 0, 2 on a usage error.
set -euf
conf="" extra="" names="" aliases="" batch=${ORACLE_BATCH:-200}
usage() { sed -n "2,$(grep -n '^# exit status 1' "$0" | cut -d: -f1)p" "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	-C) [ $# -ge 2 ] || usage; conf="$conf -C $2"; shift 2 ;;
	-C?*) conf="$conf -C ${1#-C}"; shift ;;
	-b|-i) extra="$extra $1"; shift ;;
	--names) [ $# -ge 2 ] || usage; names=$2; shift 2 ;;
	--aliases) [ $# -ge 2 ] || usage; aliases=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "run.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 3 ] || [ $# -eq 4 ] || usage
# kmod takes a -C path that does not exist for an empty configuration, which
# would make a fixture run pass without testing anything
for c in $conf; do
	[ "$c" = -C ] || [ -e "$c" ] ||
		{ echo "run.sh: -C $c: no such file or directory" >&2; exit 2; }
done
root=$1 kver=$2 bin=$3
[ $# -eq 4 ] && names=$4
dir=$root/lib/modules/$kver
[ -f "$dir/modules.dep" ] || { echo "run.sh: no $dir/modules.dep" >&2; exit 2; }
case $bin in */*) [ -x "$bin" ] || { echo "run.sh: $bin is not executable" >&2; exit 2; } ;; esac
command -v modprobe > /dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "$names" ]; then
	grep -v '^[[:space:]]*\(#\|$\)' "$names" > "$work/names" || true
elif [ -n "$aliases" ]; then
	# one in every k lines; wildcards replaced by something they match
	total=$(grep -c '^alias ' "$dir/modules.alias")
	k=$(( total / aliases )); [ $k -ge 1 ] || k=1
	awk -v k=$k '/^alias / && NR % k == 0 { print $2 }' "$dir/modules.alias" |
		sed 's/\[[!^][^]]*\]/~/g; s/\[\([^]]\)[^]]*\]/\1/g; s/[*?]/0/g' > "$work/names"
	total=$(grep -c '^alias ' "$dir/modules.symbols")
	k=$(( total / aliases )); [ $k -ge 1 ] || k=1
	awk -v k=$k '/^alias / && NR % k == 0 { print $2 }' "$dir/modules.symbols" >> "$work/names"
else
	# the module names as kmod prints them: basename less .ko[.xz|.zst|.gz]
	sed 's/:.*//; s#.*/##; s/\.ko\(\.[a-z]*\)\{0,1\}$//' "$dir/modules.dep" > "$work/names"
fi

run() {	# run TOOL NAME... -> $work/out, $work/err; returns TOOL's status
	tool=$1; shift
	# shellcheck disable=SC2086
	"$tool" -d "$root" -S "$kver" $conf $extra -a --show-depends "$@" \
		> "$work/out" 2> "$work/err" && return 0 || return $?
}
both() { # both NAME... -> s1 s2, $work/{kmod,im}{,.err}; true if they agree
	s1=0; run modprobe "$@" || s1=$?
	mv "$work/out" "$work/kmod"; mv "$work/err" "$work/kmod.err"
	s2=0; run "$bin" "$@" || s2=$?
	mv "$work/out" "$work/im"; mv "$work/err" "$work/im.err"
	[ $s1 -eq $s2 ] && cmp -s "$work/kmod" "$work/im"
}
show() { # show WHAT: print the current difference (the first 20 only)
	bad=$((bad + 1))
	[ $shown -lt 20 ] || return 0
	shown=$((shown + 1))
	echo "MISMATCH $1 (modprobe exit $s1, initmod exit $s2)"
	diff -u "$work/kmod" "$work/im" | sed -n '3,42p'
	if [ $s1 -ne $s2 ]; then
		sed -n '1,3s/^/  modprobe stderr: /p' "$work/kmod.err"
		sed -n '1,3s/^/  initmod stderr: /p' "$work/im.err"
	fi
}

total=0 bad=0 shown=0
start=$(date +%s)
split -l "$batch" "$work/names" "$work/batch."
for b in $(set +f; ls "$work"/batch.* 2> /dev/null); do
	# shellcheck disable=SC2046
	set -- $(cat "$b")
	total=$((total + $#))
	both "$@" && continue
	before=$bad
	for n in "$@"; do
		both "$n" || show "$n"
	done
	if [ $bad -eq $before ]; then
		# every name agrees alone, not together: state kept across names
		both "$@" || show "batch of $# names, $1 to $(tail -n 1 "$b") (each name agrees alone)"
	fi
done
opts=$(echo "$conf$extra" | sed 's/^ *//')
echo "oracle: $root $kver: $total names, $bad mismatches (${opts:+$opts; }$(( $(date +%s) - start ))s)"
[ $bad -eq 0 ]
