#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod-oracle.sh - `initmod depmod` against Debian 12's /sbin/depmod (kmod
# 30): every file both write must be byte-identical (cmp) on
#   1. the Debian 6.12 tree (xz modules), with -w: the same warnings,
#   2. the Debian 6.1 tree (plain .ko),
#   3. the 6.12 tree recompressed to zstd (made once in BUILD, kept),
#   4. a fixture exercising depmod.d search/override/external/exclude,
#      with -e -F System.map: the same warnings as kmod,
#   5. a fixture of bad modules (truncated ELF, corrupt xz and zstd, no
#      .modinfo, an empty file) among good ones,
# each tool on its own hard-linked copy with -b and a hermetic -C.
# modules.weakdep (kmod >= 33) is initmod's alone: checked for its header.
#   6. crafted modules in dependency cycles (tests/depmod/mkko): the same
#      errors, in kmod's words, and no index written by either.
#   7. -e -E Module.symvers (6.1's, against 6.12 modules: CRCs disagree):
#      the same warnings (skipped when the headers are not in the cache).
# Usage: depmod-oracle.sh INITMOD BUILD ROOT612 KVER612 ROOT61 KVER61 MKKO [SYMVERS]
set -eu
initmod=$(realpath "$1"); build=$(realpath "$2"); r612=$3; v612=$4; r61=$5; v61=$6
mkko=$7; symvers=${8:-}
kmod=/sbin/depmod
# shellcheck source=tests/harness.sh
. "$(dirname "$0")/harness.sh"
[ -x "$kmod" ] || { bad setup "no $kmod (apt-get install kmod)"; finish depmod-oracle; }
work=$build/depmod-oracle
rm -rf "$work.run" && mkdir -p "$work.run/empty.d"
run=$work.run
files="modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep
modules.symbols modules.symbols.bin modules.builtin.bin modules.builtin.alias.bin
modules.devname"

# copy tree SRC (a lib/modules/KVER dir) to DST/lib/modules/KVER without indexes
copy_tree() {
	mkdir -p "$2/lib/modules"
	cp -al "$1" "$2/lib/modules/" 2>/dev/null || cp -a "$1" "$2/lib/modules/"
	rm -f "$2/lib/modules/$(basename "$1")"/modules.*.bin \
		"$2/lib/modules/$(basename "$1")"/modules.dep \
		"$2/lib/modules/$(basename "$1")"/modules.alias \
		"$2/lib/modules/$(basename "$1")"/modules.symbols \
		"$2/lib/modules/$(basename "$1")"/modules.softdep \
		"$2/lib/modules/$(basename "$1")"/modules.devname
}

# compare NAME KVER: $run/NAME/{kmod,initmod}
compare() {
	a=$run/$1/kmod/lib/modules/$2; b=$run/$1/initmod/lib/modules/$2
	same=""; differ=""
	for f in $files; do
		if cmp -s "$a/$f" "$b/$f"; then same="$same ${f#modules.}"
		else differ="$differ ${f#modules.}"; fi
	done
	head -n 1 "$b/modules.weakdep" 2>/dev/null |
		grep -q '^# Weak dependencies extracted from modules themselves.$' ||
		differ="$differ weakdep(header)"
	if [ -z "$differ" ]; then
		ok "$1" "identical:$same"
	else
		bad "$1" "DIFFERENT:$differ (identical:$same)"
	fi
}

# tree NAME SRC KVER [depmod args...]
tree() {
	name=$1; src=$2; kver=$3; shift 3
	for t in kmod initmod; do copy_tree "$src" "$run/$name/$t"; done
	"$kmod" -b "$run/$name/kmod" "$@" "$kver" 2> "$run/$name.kmod.err" || true
	"$initmod" depmod -b "$run/$name/initmod" "$@" "$kver" \
		2> "$run/$name.initmod.err" || true
	compare "$name" "$kver"
}

# The zstd tree, made once (xz -> zstd, same names otherwise).
zst=$work/6.12-zstd/$v612
if [ ! -f "$zst/.done" ]; then
	rm -rf "$zst" && mkdir -p "$zst"
	(cd "$r612/lib/modules/$v612" && find . -type d) | (cd "$zst" && xargs mkdir -p)
	(cd "$r612/lib/modules/$v612" && find . -type f ! -name '*.ko.xz') |
		while read -r f; do cp "$r612/lib/modules/$v612/$f" "$zst/$f"; done
	(cd "$r612/lib/modules/$v612" && find . -name '*.ko.xz') | while read -r f; do
		xz -dc "$r612/lib/modules/$v612/$f" | zstd -q -o "$zst/${f%.xz}.zst"
	done
	touch "$zst/.done"
fi

# the real trees with -w: the same messages too (duplicate aliases)
same_msgs() {
	if [ "$(sed "s#$run/$1/kmod/#X/#g" "$run/$1.kmod.err")" = \
	     "$(sed "s#$run/$1/initmod/#X/#g" "$run/$1.initmod.err")" ]; then
		ok "$1.warnings" "same $(grep -c WARNING "$run/$1.kmod.err") warnings (-w)"
	else
		bad "$1.warnings" "DIFFERENT messages (-w)"
		diff "$run/$1.kmod.err" "$run/$1.initmod.err" | head -n 20 || true
	fi
}
tree 6.12-xz "$r612/lib/modules/$v612" "$v612" -w -C "$run/empty.d"
same_msgs 6.12-xz
tree 6.1-plain "$r61/lib/modules/$v61" "$v61" -w -C "$run/empty.d"
same_msgs 6.1-plain
tree 6.12-zstd "$zst" "$v612" -w -C "$run/empty.d"
same_msgs 6.12-zstd

# 4. depmod.d: a few 6.1 modules in kernel/, updates/, extra/, an excluded
# directory and an external one; ext4 without crc16 for -e's warnings.
fx=$run/fixture-src/$v61; m61=$r61/lib/modules/$v61
mkdir -p "$fx/kernel/fs/fat" "$fx/kernel/fs/ext4" "$fx/kernel/fs/jbd2" \
	"$fx/updates" "$fx/extra/sub" "$fx/skipme" "$run/external" "$run/conf/A" "$run/conf/B"
for f in fs/fat/fat.ko fs/fat/vfat.ko fs/fat/msdos.ko fs/ext4/ext4.ko \
	fs/jbd2/jbd2.ko fs/mbcache.ko; do cp "$m61/kernel/$f" "$fx/kernel/$f"; done
cp "$m61/kernel/fs/fat/vfat.ko" "$fx/updates/vfat.ko"
cp "$m61/kernel/fs/fat/msdos.ko" "$fx/extra/sub/msdos.ko"
cp "$m61/kernel/fs/fat/fat.ko" "$fx/skipme/fat.ko"
cp "$m61/kernel/fs/mbcache.ko" "$fx/extra/mbcache.ko"
cp "$m61/kernel/lib/crc-itu-t.ko" "$run/external/crc-itu-t.ko"
cp "$m61/kernel/fs/fat/msdos.ko" "$run/external/msdos.ko"
cp "$m61/modules.order" "$m61/modules.builtin" "$m61/modules.builtin.modinfo" "$fx/"
cat > "$run/conf/A/10-search.conf" <<EOC
# search order: updates, then external directories, then the tree
search updates external built-in
external * $run/external
exclude skipme
EOC
cat > "$run/conf/A/20-override.conf" <<EOC
override msdos * extra/sub
override mbcache 5\\.[0-9]+.* extra
override mbcache 6\\.1\\..* extra
bogus line here
EOC
printf 'external ^7\\. /nonexistent\n' > "$run/conf/B/30-other.conf"
tree depmod.d "$fx" "$v61" -C "$run/conf/A" -C "$run/conf/B" -e -F "$r61/boot/System.map-$v61"
norm() { sed -e "s#$run/depmod.d/[a-z]*/##g" "$1" | grep -E 'WARNING|ERROR'; }
if [ "$(norm "$run/depmod.d.kmod.err")" = "$(norm "$run/depmod.d.initmod.err")" ] &&
	grep -q 'needs unknown symbol' "$run/depmod.d.kmod.err"; then
	ok depmod.d.warnings "same $(grep -c WARNING "$run/depmod.d.kmod.err") warnings (-e -F)"
else
	bad depmod.d.warnings "DIFFERENT messages (-e -F):"
	diff "$run/depmod.d.kmod.err" "$run/depmod.d.initmod.err" || true
fi

# 5. bad modules among good ones: kmod keeps them in modules.dep, bare
bx=$run/bad-src/$v612; m612=$r612/lib/modules/$v612
mkdir -p "$bx/kernel/fs/fat" "$bx/kernel/bad"
for f in fat vfat msdos; do cp "$m612/kernel/fs/fat/$f.ko.xz" "$bx/kernel/fs/fat/"; done
xz -dc "$m612/kernel/fs/fat/fat.ko.xz" > "$run/fat.ko"
head -c 3000 "$run/fat.ko" > "$bx/kernel/bad/truncated.ko"
head -c 40 "$run/fat.ko" > "$bx/kernel/bad/header-only.ko"
: > "$bx/kernel/bad/empty.ko"
head -c 2000 "$m612/kernel/fs/fat/vfat.ko.xz" > "$bx/kernel/bad/cut-xz.ko.xz"
zstd -q -c "$run/fat.ko" | head -c 5000 > "$bx/kernel/bad/cut-zstd.ko.zst"
objcopy --remove-section .modinfo "$run/fat.ko" "$bx/kernel/bad/no-modinfo.ko"
cp "$m612/modules.builtin" "$m612/modules.builtin.modinfo" "$bx/"
tree bad "$bx" "$v612" -C "$run/empty.d"
if ! { grep -q 'truncated' "$run/bad.initmod.err" &&
	grep -q 'cut-xz.ko.xz: failed\|cut-xz.ko.xz:.*xz' "$run/bad.initmod.err"; }; then
	bad bad.messages "missing:"
	cat "$run/bad.initmod.err"
fi

# 6. cycles: x -> y -> z -> x, and p needing its own symbol
for t in kmod initmod; do
	k=$run/cycle/$t/lib/modules/1.0/kernel; mkdir -p "$k"
	"$mkko" "$k/x.ko" ax sx sy; "$mkko" "$k/y.ko" ay sy sz; "$mkko" "$k/z.ko" az sz sx
	"$mkko" "$k/w.ko" aw sw sx; "$mkko" "$k/p.ko" ap sp,sq sp
done
rk=0; ri=0
"$kmod" -C "$run/empty.d" -b "$run/cycle/kmod" 1.0 2> "$run/cycle.kmod.err" || rk=$?
"$initmod" depmod -C "$run/empty.d" -b "$run/cycle/initmod" 1.0 2> "$run/cycle.initmod.err" || ri=$?
if [ "$(grep ERROR "$run/cycle.kmod.err")" = "$(grep ERROR "$run/cycle.initmod.err")" ] &&
	[ $rk -eq 1 ] && [ $ri -eq 1 ] && grep -q 'Cycle detected' "$run/cycle.kmod.err" &&
	[ -z "$(find "$run/cycle/initmod/lib/modules/1.0" -mindepth 1 -maxdepth 1 ! -name kernel)" ]; then
	ok cycle "same errors, exit 1, nothing written"
else
	bad cycle "DIFFERENT (exit $rk/$ri)"
	diff "$run/cycle.kmod.err" "$run/cycle.initmod.err" || true
fi

# 7. Module.symvers: 6.1's CRCs against 6.12's fat modules
if [ -f "$symvers" ]; then
	tree symvers "$bx" "$v612" -C "$run/empty.d" -e -E "$symvers"
	if [ "$(sed "s#$run/symvers/kmod/#X/#g" "$run/symvers.kmod.err" | grep -v 'failed to load')" = \
	     "$(sed "s#$run/symvers/initmod/#X/#g" "$run/symvers.initmod.err" | grep -v 'failed to load\|: no .modinfo')" ] &&
		grep -q 'disagrees about version' "$run/symvers.kmod.err"; then
		ok symvers.warnings "same $(grep -c WARNING "$run/symvers.kmod.err") warnings (-e -E)"
	else
		bad symvers.warnings "DIFFERENT messages (-e -E)"
		diff "$run/symvers.kmod.err" "$run/symvers.initmod.err" | head -n 20 || true
	fi
else
	echo "depmod-oracle: -e -E: skipped (no $symvers)"
fi

finish depmod-oracle
