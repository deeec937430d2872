#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh - `make qemu-test`: boot Debian kernels under QEMU (TCG) with initmod
# as /init and purpose-built test modules, parse what the guest prints on the
# serial console, and report one line per test case, then "N passed, N failed".
# usage: run.sh CACHE BUILD KROOT_612 KROOT_61 SETFILE INITMOD
set -eu
cache=$1 build=$2 kroot=$3 kroot61=$4 set=$5 bin=$6
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kroot/.ready")
work=$build/qemu-test
mkdir -p "$work"
work=$(cd "$work" && pwd)
# shellcheck source=tests/harness.sh
. "$here/../tests/harness.sh"

# shellcheck source=qemu-tests/testmods.sh
. "$here/testmods.sh"

image() {	# image ROOT KVER NAMES OUT
	"$here/../initramfs/mkinitramfs" -o "$4" -d "$1" -k "$2" --initmod "$bin" \
		--add-modules "$(echo $3 | tr ' ' ',')" --busybox \
		--extra "$here/guest/report:/bin/report" 2> /dev/null
}

boot() {	# boot KERNEL IMAGE LOG APPEND -> 0 when the report came back
	"$here/boot.sh" "$1" "$2" "$3" "init=/bin/report loglevel=3 $4" 240 2
}

load_list="tm_rec"
i=0
while [ $i -lt 40 ]; do load_list="$load_list,$(printf 'tm_%02d' $i)"; i=$((i + 1)); done
# the same modules again under other names: dashes, aliases, repeats
load_list="$load_list,tm-05,tm-alias-05,tm_05,tm-alias-17,tm_after_fail,tm_soft,tm_req,tm_param,tm_black"
append="modules_load=$load_list rd.driver.blacklist=tm_black tm_param.value=42 initmod.timeout=120"

# assertions over one boot's console log
assert_boot() {	# assert_boot TAG LOG
	tag=$1 log=$2
	rec=$work/$tag.rec
	sed -n 's/^REPORT-INIT //p' "$log" > "$rec"
	check "$tag.every_module_loaded_exactly_once" awk -v n=40 '
		$1 ~ /^tm_[0-9][0-9]$/ { seen++; if ($2 != 1) exit 1 }
		END { exit seen == n ? 0 : 1 }' "$rec"
	check "$tag.special_modules_loaded_once" awk '
		$1 ~ /^tm_(soft|soft_pre|soft_post|req|req_target|param)$/ { seen++; if ($2 != 1) exit 1 }
		END { exit seen == 6 ? 0 : 1 }' "$rec"
	check "$tag.no_init_before_its_dependencies_ended" awk '
		FNR == NR { b[$1] = $3; e[$1] = $4; next }
		$1 == "HARD" && ($3 in b) { if (!($2 in e) || b[$3] < e[$2]) exit 1 }' "$rec" "$mods/graph"
	check "$tag.softdep_order" awk '
		FNR == NR { b[$1] = $3; e[$1] = $4; next }
		$1 == "PRE" { if (b[$3] < e[$2]) exit 1 }
		$1 == "POST" { if (b[$3] < e[$2]) exit 1 }' "$rec" "$mods/graph"
	check "$tag.failing_module_reported" grep -q 'initmod: error: tm_fail: failed:.*tm_fail.ko[.a-z]*: no such device' "$log"
	check "$tag.dependent_of_failure_skipped" grep -q 'initmod: error: tm_after_fail: skipped: dependency tm_fail failed' "$log"
	check "$tag.dependent_of_failure_never_ran" sh -c "! grep -q '^tm_after_fail ' '$rec'"
	check "$tag.cmdline_parameter_applied" grep -q '^REPORT-PARAM tm_param value 42$' "$log"
	check "$tag.cmdline_parameter_seen_by_init" grep -q '^REPORT-NOTE tm_param value 42$' "$log"
	check "$tag.blacklist_honoured" sh -c "! grep -q '^REPORT-MOD tm_black$' '$log' && grep -q 'tm_black: skipped: blacklisted' '$log'"
	check "$tag.request_module_served_by_initmod" sh -c "grep -q '^REPORT-NOTE tm_req request_module 0$' '$log' && grep -q '^tm_req_target 1 ' '$rec'"
	check "$tag.summary_line" grep -q 'initmod: [0-9]* loaded, .* 1 failed, 2 skipped' "$log"
}

kver61=$(cat "$kroot61/.ready")
for kv in "6.12:$kroot:$kver:plain xz zstd" "6.1:$kroot61:$kver61:plain zstd"; do
	short=${kv%%:*} rest=${kv#*:}
	kr=${rest%%:*} rest=${rest#*:}
	k=${rest%%:*} variants=${rest#*:}
	mods=$(build_modules "$k") || { bad "$short.test_modules_built"; continue; }
	ok "$short.test_modules_built"
	names=$(ls "$mods"/*.ko | sed 's#.*/##; s/\.ko$//' | tr '\n' ' ')
	for variant in $variants; do
		tree "$work/root-$short-$variant" "$kr" "$k" "$mods" $variant
		image "$work/root-$short-$variant" "$k" "$names" "$work/$short-$variant.img"
		if boot "$kr/boot/vmlinuz-$k" "$work/$short-$variant.img" "$work/$short-$variant.log" "$append"; then
			ok "$short-$variant.boot_reached_next_stage"
			assert_boot "$short-$variant" "$work/$short-$variant.log"
		else
			bad "$short-$variant.boot_reached_next_stage" "see $work/$short-$variant.log"
		fi
	done
	# a hanging init: the deadline fires and the boot goes on
	if boot "$kr/boot/vmlinuz-$k" "$work/$short-plain.img" "$work/$short-hang.log" \
		"modules_load=tm_00,tm_hang,tm_01 initmod.timeout=8"; then
		ok "$short-hang.boot_reached_next_stage_after_deadline"
		check "$short-hang.deadline_reported" grep -q 'tm_hang: still loading at the deadline' "$work/$short-hang.log"
		check "$short-hang.others_loaded" grep -q '^REPORT-MOD tm_01$' "$work/$short-hang.log"
	else
		bad "$short-hang.boot_reached_next_stage_after_deadline" "see $work/$short-hang.log"
	fi
done

# hardening: bad input at boot still reaches the next stage, with a
# clear console message (the 6.12 test-module tree, image edited in place)
mutate() {	# mutate TAG SHELL-SNIPPET: $work/harden.img -> $work/TAG.img
	rm -rf "$work/$1.d" && mkdir -p "$work/$1.d"
	(cd "$work/$1.d" && cpio -id --quiet < "$work/harden.img" && d=lib/modules/$kver && eval "$2" &&
		find . | LC_ALL=C sort | cpio -o -H newc --quiet > "$work/$1.img")
	rm -rf "$work/$1.d"
}
harden() {	# harden TAG APPEND
	if boot "$kroot/boot/vmlinuz-$kver" "$work/$1.img" "$work/$1.log" "$2"; then
		ok "$1.boot_reached_next_stage"
	else
		bad "$1.boot_reached_next_stage" "see $work/$1.log"
	fi
}
mods=$(build_modules "$kver")
tree "$work/root-harden" "$kroot" "$kver" "$mods" xz
image "$work/root-harden" "$kver" "tm_rec tm_00 tm_01 tm_02 tm_05" "$work/harden.img"
mutate harden-truncated-dep-bin 'head -c 200 $d/modules.dep.bin > x && mv x $d/modules.dep.bin'
harden harden-truncated-dep-bin "modules_load=tm_05,tm_02"
check harden-truncated-dep-bin.says_corrupt_and_falls_back grep -q 'modules.dep.bin: corrupt index.*using the text index instead' "$work/harden-truncated-dep-bin.log"
check harden-truncated-dep-bin.modules_loaded grep -q '^REPORT-MOD tm_05$' "$work/harden-truncated-dep-bin.log"
mutate harden-missing-dep-bin 'rm $d/modules.dep.bin'
harden harden-missing-dep-bin "modules_load=tm_05,tm_02"
check harden-missing-dep-bin.text_fallback_loads grep -q '^REPORT-MOD tm_05$' "$work/harden-missing-dep-bin.log"
mutate harden-corrupt-ko-xz 'f=$d/extra/tm_02.ko.xz && head -c $(($(wc -c < $f) / 2)) $f > x && mv x $f'
harden harden-corrupt-ko-xz "modules_load=tm_02,tm_01"
check harden-corrupt-ko-xz.failure_named grep -q 'initmod: error: tm_02: failed: .*tm_02.ko.xz' "$work/harden-corrupt-ko-xz.log"
check harden-corrupt-ko-xz.others_loaded grep -q '^REPORT-MOD tm_01$' "$work/harden-corrupt-ko-xz.log"
cp "$work/harden.img" "$work/harden-malformed-cmdline.img"
harden harden-malformed-cmdline "modules_load=,,tm_01,, rd.modules_load= rd.driver.pre=,, rd.driver.post=,=, rd.driver.blacklist=,, module_blacklist== modprobe.blacklist=, initmod.timeout=abc initmod.verbose=x tm_00. .=1 =2 tm_01.=3"
check harden-malformed-cmdline.list_module_loaded grep -q '^REPORT-MOD tm_01$' "$work/harden-malformed-cmdline.log"
check harden-malformed-cmdline.bad_timeout_named grep -q 'ignoring initmod.timeout=abc' "$work/harden-malformed-cmdline.log"

# the real generic set: initmod and kmod's modprobe -a load the same modules
if "$here/demo.sh" "$kroot" "$kver" "$set" "$work/generic" > "$work/generic.out" 2>&1; then
	ok "6.12-generic.both_boots_reached_next_stage"
	sed -n 's/^REPORT-MOD //p' "$work/generic/initmod.log" | sort > "$work/g.initmod"
	sed -n 's/^REPORT-MOD //p' "$work/generic/kmod.log" | sort > "$work/g.kmod"
	check "6.12-generic.same_modules_as_kmod" cmp -s "$work/g.initmod" "$work/g.kmod"
	check "6.12-generic.no_failure" grep -q 'initmod: .* 0 failed, 0 skipped' "$work/generic/initmod.log"
	echo "   generic on 6.12: $(grep -ho 'initmod: [0-9].*' "$work/generic/initmod.log"); kmod: $(sed -n 's/^KMOD-SUMMARY //p' "$work/generic/kmod.log")"
else
	bad "6.12-generic.both_boots_reached_next_stage" "see $work/generic.out"
fi

# Debian 6.1: plain modules (no in-kernel decompression, no kernel dedup),
# and the same closure recompressed to zstd and to gzip (userspace path)
dir61=$(cd "$kroot61/lib/modules/$kver61" && pwd)
# shellcheck disable=SC2046
"$bin" -q -d "$kroot61" -S "$kver61" -C /dev/null --no-cmdline -a --show-depends \
	$(grep -v '^[#;]' "$set") | sed -n "s#^insmod $dir61/\([^ ]*\) .*#\1#p" | sort -u > "$work/closure61"
grep -v '^[#;]' "$set" > "$work/generic.conf"
for variant in plain zstd gzip; do
	r=$work/root61-$variant
	rm -rf "$r" && mkdir -p "$r/lib/modules/$kver61"
	while read -r f; do
		mkdir -p "$r/lib/modules/$kver61/$(dirname "$f")"
		cp "$dir61/$f" "$r/lib/modules/$kver61/$f"
		case $variant in
		zstd) zstd -q --rm "$r/lib/modules/$kver61/$f" ;;
		gzip) gzip -n "$r/lib/modules/$kver61/$f" ;;
		esac
	done < "$work/closure61"
	for f in modules.builtin modules.builtin.modinfo; do cp "$dir61/$f" "$r/lib/modules/$kver61/"; done
	if [ $variant = gzip ]; then
		# Debian's depmod (kmod 30, no zlib) cannot read .ko.gz: text
		# indexes from the plain tree, which initmod reads without .bin
		sed 's/\.ko\([: ]\|$\)/.ko.gz\1/g' "$dir61/modules.dep" > "$r/lib/modules/$kver61/modules.dep"
		for f in modules.alias modules.symbols modules.softdep; do cp "$dir61/$f" "$r/lib/modules/$kver61/"; done
	else
		mkdir "$r/.depmod.d"	# hermetic: not the host's depmod.d
		depmod -C "$r/.depmod.d" -b "$r" "$kver61" 2> /dev/null
		rmdir "$r/.depmod.d"
	fi
	"$here/../initramfs/mkinitramfs" -o "$work/61-$variant.img" -d "$r" -k "$kver61" --initmod "$bin" \
		--add-modules-file "$set" --modules-load "$work/generic.conf" --busybox \
		--extra "$here/guest/report:/bin/report" 2> /dev/null
	if "$here/boot.sh" "$kroot61/boot/vmlinuz-$kver61" "$work/61-$variant.img" "$work/61-$variant.log" \
		"init=/bin/report loglevel=3" 400 2; then
		ok "6.1-$variant.boot_reached_next_stage"
		# loaded + already present (a request_module() may win the race) = the closure
		check "6.1-$variant.whole_closure_loaded_without_failure" awk -v want="$(wc -l < "$work/closure61")" '
			match($0, /initmod: [0-9]+ loaded, [0-9]+ already present, 0 failed, 0 skipped/) {
				split(substr($0, RSTART), w, " "); if (w[2] + w[4] == want) ok = 1 }
			END { exit !ok }' "$work/61-$variant.log"
		echo "   generic on 6.1 ($variant): $(grep -ho 'initmod: [0-9].*' "$work/61-$variant.log")"
	else
		bad "6.1-$variant.boot_reached_next_stage" "see $work/61-$variant.log"
	fi
done

finish qemu
