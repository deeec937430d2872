#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# layers.sh - `make check-layers`: the product code flows one way, floor
# by floor, and no two of its files lean on each other:
#   floors        no file includes a header from a floor above its own
#                 (#include "../X/..." only downward or on its own floor);
#   includes      no include circle: no two files include each other, nor
#                 a longer ring of them;
#   calls         no two objects call into each other (one uses a symbol
#                 the other defines, and the other one of the first's), nor
#                 a longer ring: read with nm from the musl objects;
#   declarations  a header X.h declares only what X.c beside it defines
#                 (functions and extern data); one without an X.c (an
#                 interface, shared types) declares neither.
# A passing file or object is one case; the ok lines count them by
# folder, a FAIL line names each offence. Ends "layers: N passed, M failed".
#
# usage: tests/layers.sh BUILD_DIR   (from the repository's top; the
#        objects of `make initmod` are in BUILD_DIR/musl)
set -u
# the floors, lowest first: a file may see its own floor and those below
FLOORS="base depgraph config depmod loader"

[ $# -eq 1 ] && [ -d "$1/musl" ] || { echo "usage: tests/layers.sh BUILD_DIR (with BUILD_DIR/musl built)" >&2; exit 2; }
obj=$1/musl
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# floor N of a path's first folder (0: not a product folder)
floor_of() {
	n=0
	for f in $FLOORS; do
		n=$((n + 1))
		case $1 in "$f"/*) echo $n; return;; esac
	done
	echo 0
}

for f in $FLOORS; do
	[ -d "$f" ] && find "$f" -maxdepth 1 -name '*.[ch]'
done | sort > "$t/files"

# every quoted include as "FILE TARGET", TARGET relative to the top
while read -r file; do
	dir=$(dirname "$file")
	sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file" |
	while read -r inc; do
		echo "$file $(realpath -m --relative-to=. "$dir/$inc")"
	done
done < "$t/files" > "$t/inc"

# per folder: "ok RULE: FOLDER/ (N files)" for the files not in $2
ok_by_folder() {	# RULE FAILED-LIST ALL-LIST
	for f in $FLOORS; do
		n=$(grep "^$f/" "$3" | grep -vxF -f "$2" -c)
		[ "$n" -gt 0 ] || continue
		pass=$((pass + n - 1))	# the line's other files; ok counts one
		ok "$1: $f/ ($n)"
	done
}

# -- floors ------------------------------------------------------------
: > "$t/failed"
while read -r file; do
	own=$(floor_of "$file")
	above=$(grep "^$file " "$t/inc" | while read -r _ target; do
		tf=$(floor_of "$target")
		if [ "$tf" -eq 0 ]; then
			echo "$target (no floor)"
		elif [ "$tf" -gt "$own" ]; then
			echo "$target"
		fi
	done)
	[ -z "$above" ] && continue
	echo "$file" >> "$t/failed"
	bad "floors: $file includes from a floor above its own: $(echo $above)"
done < "$t/files"
ok_by_folder "floors, nothing included from above" "$t/failed" "$t/files"

# -- includes: pairs, then longer rings --------------------------------
# a ring as tsort reports it: "tsort: -: input contains a loop:" then
# one "tsort: NAME" line a member (the pairs are reported already)
rings() {	# EDGES-FILE
	tsort "$1" 2>&1 > /dev/null | awk '
		/input contains a loop/ { if (n > 2) print ring; ring = ""; n = 0; next }
		{ sub(/^tsort: /, ""); ring = ring (n ? " -> " : "") $0; n++ }
		END { if (n > 2) print ring }'
}
: > "$t/failed"
awk '$1 != $2' "$t/inc" | sort -u > "$t/edges"
awk '{ print $2, $1 }' "$t/edges" | sort | comm -12 - "$t/edges" |
	awk '$1 < $2' > "$t/pairs"
while read -r a b; do
	printf '%s\n%s\n' "$a" "$b" >> "$t/failed"
	bad "includes: $a and $b include each other"
done < "$t/pairs"
rings "$t/edges" > "$t/rings"
while read -r ring; do
	bad "includes: a ring: $ring"
	echo "$ring" | sed 's/ -> /\n/g' >> "$t/failed"
done < "$t/rings"
ok_by_folder "includes, in no circle" "$t/failed" "$t/files"

# -- calls -------------------------------------------------------------
# FILE.c -> $obj/FILE.o; what each defines and what it uses
grep '\.c$' "$t/files" > "$t/srcs"
: > "$t/defs"; : > "$t/uses"; : > "$t/failed"
while read -r c; do
	o=$obj/${c%.c}.o
	if [ ! -f "$o" ]; then
		bad "calls: $o missing (make initmod)"
		echo "$c" >> "$t/failed"
		continue
	fi
	nm "$o" | awk -v c="$c" '$2 ~ /^[TDBRCVWG]$/ { print $3, c }' >> "$t/defs"
	nm "$o" | awk -v c="$c" '$1 == "U" { print c, $2 }' >> "$t/uses"
done < "$t/srcs"
sort -k1,1 "$t/defs" > "$t/defs.s"
# "USER DEFINER SYMBOL" for every symbol one product object takes from another
sort -k2,2 "$t/uses" | join -1 2 -2 1 -o 1.1,2.2,0 - "$t/defs.s" |
	awk '$1 != $2' | sort -u > "$t/calls"
awk '{ print $1, $2 }' "$t/calls" | sort -u > "$t/cedges"
awk '{ print $2, $1 }' "$t/cedges" | sort | comm -12 - "$t/cedges" |
	awk '$1 < $2' > "$t/cpairs"
syms() { awk -v a="$1" -v b="$2" '$1 == a && $2 == b { printf "%s%s", s, $3; s = " " }' "$t/calls"; }
while read -r a b; do
	printf '%s\n%s\n' "$a" "$b" >> "$t/failed"
	bad "calls: ${a%.c}.o and ${b%.c}.o call each other: $(basename "$a") uses $(syms "$a" "$b"), $(basename "$b") uses $(syms "$b" "$a")"
done < "$t/cpairs"
rings "$t/cedges" > "$t/rings"
while read -r ring; do
	bad "calls: a ring: $ring"
	echo "$ring" | sed 's/ -> /\n/g' >> "$t/failed"
done < "$t/rings"
ok_by_folder "calls, in no circle" "$t/failed" "$t/srcs"

# -- declarations ------------------------------------------------------
# a declaration starts a line (kernel style: bodies and members are
# indented): the name before its first '(', or an extern's name
declared() {
	awk '/^[A-Za-z_]/ && !/^(static|typedef|#)/ {
		line = $0
		if (line ~ /^extern/ && line !~ /\(/) {
			sub(/[[;=].*/, "", line); n = split(line, w, /[ *]+/); print w[n]
		} else if (match(line, /[A-Za-z_][A-Za-z_0-9]*[ \t]*\(/)) {
			name = substr(line, RSTART, RLENGTH); sub(/[ \t]*\($/, "", name)
			if (name !~ /^(__attribute__|sizeof)$/) print name
		}
	}' "$1"
}
: > "$t/failed"
grep '\.h$' "$t/files" > "$t/hdrs"
while read -r h; do
	own=${h%.h}.c
	says="declares what $own does not define"
	[ -f "$own" ] || says="has no $(basename "$own") and declares"
	wrong=$(declared "$h" | while read -r name; do
		by=$(awk -v n="$name" '$1 == n { print $2; exit }' "$t/defs.s")
		[ "$by" = "$own" ] && continue
		echo "$name (${by:-defined nowhere})"
	done)
	[ -z "$wrong" ] && continue
	echo "$h" >> "$t/failed"
	bad "declarations: $h $says: $(echo $wrong)"
done < "$t/hdrs"
ok_by_folder "declarations, each of its own .c" "$t/failed" "$t/hdrs"

finish layers
