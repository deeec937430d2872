#!/bin/sh
# test-image.sh - build an image for a real Debian tree and check its
# contents: every module of the set's closure (per initmod --show-depends)
# is in it, no other module is, and a second build is byte-identical.
# usage: test-image.sh ROOT KVER SETFILE INITMOD
set -eu
root=$1 kver=$2 set=$3 bin=$4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() {	# check NAME COMMAND...
	name=$1; shift
	if "$@"; then pass=$((pass + 1)); echo "ok $name"
	else fail=$((fail + 1)); echo "FAIL $name"; fi
}

"$here/mkinitramfs" -o "$work/a.img" -d "$root" -k "$kver" --initmod "$bin" \
	--add-modules-file "$set" --add-dir kernel/drivers/ata --compress zstd 2>/dev/null
"$here/mkinitramfs" -o "$work/b.img" -d "$root" -k "$kver" --initmod "$bin" \
	--add-modules-file "$set" --add-dir kernel/drivers/ata --compress zstd 2>/dev/null
check image_is_reproducible cmp -s "$work/a.img" "$work/b.img"

zstd -dc < "$work/a.img" | (cd "$work" && mkdir x && cd x && cpio -id --quiet)
dir=$(cd "$root/lib/modules/$kver" && pwd)
names="$(grep -v '^[#;]' "$set" | tr '\n' ' ') $(find "$dir/kernel/drivers/ata" -name '*.ko*' | sed 's#.*/##; s/\.ko.*//' | tr '\n' ' ')"
# shellcheck disable=SC2086
"$bin" -q -d "$root" -S "$kver" -C /dev/null --no-cmdline -a --show-depends $names |
	sed -n "s#^insmod $dir/\([^ ]*\) .*#\1#p" | sort -u > "$work/want"
(cd "$work/x/lib/modules/$kver" && find . -name '*.ko*' | sed 's#^\./##' | sort) > "$work/have"
check closure_modules_all_present sh -c "! comm -23 '$work/want' '$work/have' | grep -q ."
check no_module_outside_closure sh -c "! comm -13 '$work/want' '$work/have' | grep -q ."
check indexes_regenerated test -s "$work/x/lib/modules/$kver/modules.dep.bin"
check init_is_initmod test -L "$work/x/init"
check modprobe_is_initmod test "$(readlink "$work/x/sbin/modprobe")" = ../bin/initmod
check console_node sh -c "[ \$(id -u) != 0 ] || [ -c '$work/x/dev/console' ]"
echo "image: $(wc -l < "$work/want") modules in the closure, $(wc -l < "$work/have") in the image"
echo "image: $pass passed, $fail failed"
[ $fail -eq 0 ]
