#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# fetch-source.sh - unpack one Debian source package initmod's static build
# needs (zlib, xz-utils, libzstd) at the version mk/deps-sources pins.
#
# usage: fetch-source.sh NAME DIR
#   Unpacks NAME into DIR/NAME (Debian's patches applied) and writes
#   DIR/NAME/.initmod-source saying which version it is and why. A tree whose
#   marker names the current pin is kept, the marker untouched (make runs
#   this every time and rebuilds a library only when its marker changed).
#
# The pinned version comes first; its .dsc must have the SHA-256 the lock
# file gives (dpkg-source -x then checks every tarball against the .dsc).
# When apt cannot fetch it, or it does not verify or unpack, each other
# version `apt-cache showsrc NAME` lists is tried, newest first (those are
# checked by apt against the archive's signed Sources and by dpkg-source).
# Prints "  FETCH NAME VERSION (why)" for the version used. When none works
# it names every version tried with apt's or dpkg-source's own words and
# exits 1. Nothing half-fetched is left in DIR: the work happens in a private
# directory that is renamed into place only once unpacked and marked.
#
# Environment: APT_GET, APT_CACHE (default apt-get, apt-cache; the tests
# put stand-ins here), INITMOD_DEPS_SOURCES (the lock file, default
# mk/deps-sources beside this script's directory).
set -eu
[ $# -eq 2 ] || { sed -n '2,22p' "$0" >&2; exit 2; }
name=$1 dir=$2
lock=${INITMOD_DEPS_SOURCES:-$(dirname "$0")/../mk/deps-sources}
apt_get=${APT_GET:-apt-get}
apt_cache=${APT_CACHE:-apt-cache}

say() { echo "fetch-source: $*" >&2; }
die() { say "$*"; exit 1; }

[ -r "$lock" ] || die "cannot read the lock file $lock"
set -- $(awk -v n="$name" '$1 == n && !/^#/ { print $2, $3; exit }' "$lock")
[ $# -eq 2 ] || die "$name is not pinned in $lock (no 'name version sha256' line)"
pin=$1 pin_sha=$2
tree=$dir/$name
marker=$tree/.initmod-source

if [ -f "$marker" ] && grep -qx "pin=$pin" "$marker"; then
	exit 0		# left as it is: its time tells make nothing changed
fi

# the versions apt knows for source package $name, newest first (the
# pinned one left out: it is tried first anyway)
versions_newest_first() {
	list=$("$apt_cache" showsrc "$name" 2> /dev/null |
		awk -v n="$name" '/^Package:/ { p = $2 } /^Version:/ && p == n { print $2 }' |
		sort -u) || true
	sorted=""
	for v in $list; do
		[ "$v" = "$pin" ] && continue
		out="" placed=no
		for s in $sorted; do
			if [ $placed = no ] && dpkg --compare-versions "$v" gt "$s"; then
				out="$out $v"
				placed=yes
			fi
			out="$out $s"
		done
		[ $placed = yes ] || out="$out $v"
		sorted=$out
	done
	echo $sorted
}

# the reason a step failed: the tool's own error lines, on one line
errors_of() {
	e=$(grep -E '^(E|dpkg-source: error|sha256sum):' "$1" | head -n 3 | tr '\n' ' ')
	[ -n "$e" ] || e=$(tail -n 2 "$1" | tr '\n' ' ')
	echo "${e% }"
}

mkdir -p "$dir"
work=$dir/.fetch-$name.$$
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# try VERSION: fetch, verify, unpack into $work/tree; on failure sets $why
try() {
	v=$1
	rm -rf "$work"
	mkdir -p "$work/dl"
	if ! (cd "$work/dl" && "$apt_get" source --download-only -q "$name=$v") \
			> "$work/log" 2>&1; then
		why="source not fetchable: $(errors_of "$work/log")"
		return 1
	fi
	dsc=$work/dl/${name}_${v#*:}.dsc
	if [ ! -f "$dsc" ]; then
		why="apt-get fetched no ${dsc##*/}"
		return 1
	fi
	if [ "$v" = "$pin" ]; then
		sha=$(sha256sum "$dsc" | cut -d' ' -f1)
		if [ "$sha" != "$pin_sha" ]; then
			why="${dsc##*/} has SHA-256 $sha, $lock pins $pin_sha"
			return 1
		fi
	fi
	if ! dpkg-source -x "$dsc" "$work/tree" > "$work/log" 2>&1; then
		why="dpkg-source -x failed: $(errors_of "$work/log")"
		return 1
	fi
	return 0
}

tried="" skipped=""
others=$(versions_newest_first)	# asked of apt once
for v in "$pin" $others; do
	if [ "$v" = "$pin" ]; then label="$v (pinned)"; else label=$v; fi
	if try "$v"; then
		if [ "$v" = "$pin" ]; then reason=pinned; else reason=${skipped#; }; fi
		printf 'name=%s\nversion=%s\npin=%s\nreason=%s\n' \
			"$name" "$v" "$pin" "$reason" > "$work/tree/.initmod-source"
		rm -rf "$tree"
		mv "$work/tree" "$tree"
		echo "  FETCH $name $v ($reason)"
		exit 0
	fi
	tried="$tried
  $label: $why"
	case $why in
	"source not fetchable"*) short="source not fetchable" ;;
	*) short=$why ;;
	esac
	skipped="$skipped; $label: $short"
done
[ -n "$others" ] ||
	tried="$tried
  (apt-cache showsrc $name lists no other version: are deb-src lines enabled and 'apt-get update' run? scripts/setup-debian.sh does both)"
die "no version of $name could be fetched, verified and unpacked:$tried"
