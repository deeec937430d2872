#!/bin/sh
# run.sh - the modprobe oracle: initmod --show-depends must print exactly what
# kmod's modprobe --show-depends prints (stdout and exit status), for the same
# root, kernel version, configuration and names.
#
# usage: run.sh [-C CONF]... [-b] [--names FILE | --aliases N] ROOT KVER INITMOD
#   default names: every module of ROOT/lib/modules/KVER/modules.dep
#   --aliases N:   about N concrete strings made from modules.alias patterns,
#                  plus symbol: names from modules.symbols
# Names are compared in batches (both tools take many names, like modprobe
# -a); a batch that differs is re-run name by name to show each mismatch.
set -eu
conf="" extra="" names="" aliases=""
while [ $# -gt 0 ]; do
	case $1 in
	-C) conf="$conf -C $2"; shift 2 ;;
	-b|-i) extra="$extra $1"; shift ;;
	--names) names=$2; shift 2 ;;
	--aliases) aliases=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 3 ] || { sed -n '2,12p' "$0"; exit 2; }
root=$1 kver=$2 bin=$3
dir=$root/lib/modules/$kver
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "$names" ]; then
	cp "$names" "$work/names"
elif [ -n "$aliases" ]; then
	# one in every k lines; wildcards replaced by something they match
	total=$(grep -c '^alias ' "$dir/modules.alias")
	k=$(( total / aliases )); [ $k -ge 1 ] || k=1
	awk -v k=$k '/^alias / && NR % k == 0 { print $2 }' "$dir/modules.alias" |
		sed 's/\[\([^]]\)[^]]*\]/\1/g; s/[*?]/0/g' > "$work/names"
	total=$(wc -l < "$dir/modules.symbols")
	k=$(( total / aliases )); [ $k -ge 1 ] || k=1
	awk -v k=$k 'NR % k == 0 { print $2 }' "$dir/modules.symbols" >> "$work/names"
else
	sed 's/:.*//; s#.*/##; s/\.ko.*//' "$dir/modules.dep" > "$work/names"
fi

run() {	# run TOOL NAMES... -> stdout to $work/out.TOOL, returns status
	tool=$1; shift
	# shellcheck disable=SC2086
	"$tool" -d "$root" -S "$kver" $conf $extra -a --show-depends "$@" \
		> "$work/out" 2> /dev/null && return 0 || return $?
}

total=0 bad=0 shown=0
split -l 200 "$work/names" "$work/batch."
for b in "$work"/batch.*; do
	set -- $(cat "$b")
	total=$((total + $#))
	s1=0; run modprobe "$@" || s1=$?; mv "$work/out" "$work/kmod"
	s2=0; run "$bin" "$@" || s2=$?; mv "$work/out" "$work/im"
	if [ $s1 -eq $s2 ] && cmp -s "$work/kmod" "$work/im"; then
		continue
	fi
	for n in "$@"; do
		s1=0; run modprobe "$n" || s1=$?; mv "$work/out" "$work/kmod"
		s2=0; run "$bin" "$n" || s2=$?; mv "$work/out" "$work/im"
		if [ $s1 -ne $s2 ] || ! cmp -s "$work/kmod" "$work/im"; then
			bad=$((bad + 1))
			if [ $shown -lt 20 ]; then
				shown=$((shown + 1))
				echo "MISMATCH $n (modprobe exit $s1, initmod exit $s2)"
				diff -u "$work/kmod" "$work/im" | sed -n '3,40p'
			fi
		fi
	done
done
echo "oracle: $root $kver${conf:+ (config:$conf)}${extra:+ ($extra)}: $total names, $bad mismatches"
[ $bad -eq 0 ]
