#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# fetch.sh - scripts/fetch-source.sh against a stand-in apt-get/apt-cache
# serving small source packages built here: the pinned version first, the
# newest never needed while the pin fetches, a gone pin replaced by the
# newest version that fetches, verifies and unpacks (epochs ordered as
# dpkg orders them), a wrong .dsc checksum and a corrupt tarball skipped,
# and every version failing: a message naming each with apt's own error,
# exit 1, nothing half-unpacked left behind.
#
# usage: tests/fetch.sh   (from the repository top; needs dpkg-dev)
# shellcheck disable=SC2317 # (the functions run through check are reached)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
fetch=$top/scripts/fetch-source.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/harness.sh
. "$top/tests/harness.sh"

# --- a small archive: source package foo at several versions -------------
archive=$tmp/archive
mkdir -p "$archive"
# make_version VERSION: foo_UPSTREAM.orig.tar.gz + debian tarball + .dsc
make_version() {
	v=$1 noepoch=${1#*:}
	up=${noepoch%-*}
	d=$tmp/build/$noepoch/foo-$up
	mkdir -p "$d/debian/source" "$archive/$noepoch"
	echo "foo $v" > "$d/VERSION"
	(cd "$tmp/build/$noepoch" && tar czf "foo_$up.orig.tar.gz" "foo-$up")
	echo "3.0 (quilt)" > "$d/debian/source/format"
	printf 'Source: foo\nMaintainer: T <t@example.org>\n\nPackage: foo\nArchitecture: all\nDescription: test\n test\n' \
		> "$d/debian/control"
	printf 'foo (%s) unstable; urgency=low\n\n  * t\n\n -- T <t@example.org>  Mon, 07 Dec 2026 00:00:00 +0000\n' \
		"$v" > "$d/debian/changelog"
	(cd "$tmp/build/$noepoch" && dpkg-source -b "foo-$up" > /dev/null 2>&1) ||
		{ echo "cannot build the fixture foo $v"; exit 1; }
	cp "$tmp/build/$noepoch"/foo_* "$archive/$noepoch/"
}
for v in 1.0-1 1.0-1+deb12u1 1.0-0.1 0.9-1 1:0.5-1; do
	make_version "$v"
done

# the stand-ins: apt-cache showsrc lists $archive/listed; apt-get source
# --download-only foo=V copies $archive/V/* or says what apt says
bin=$tmp/bin
mkdir -p "$bin"
cat > "$bin/apt-cache" <<'EOF'
#!/bin/sh
[ "$1" = showsrc ] || exit 100
while read -r v; do printf 'Package: foo\nBinary: foo\nVersion: %s\n\n' "$v"; done < "$ARCHIVE/listed"
printf 'Package: other\nVersion: 9.9-9\n\n'
EOF
cat > "$bin/apt-get" <<'EOF'
#!/bin/sh
[ "$1 $2 $3" = "source --download-only -q" ] || { echo "E: unexpected: $*"; exit 100; }
v=${4#foo=}
echo "$v" >> "$ARCHIVE/asked"
grep -qxF "$v" "$ARCHIVE/listed" || { echo "E: Can not find version '$v' of package 'foo'"; exit 100; }
if [ -e "$ARCHIVE/${v#*:}/GONE" ]; then
	echo "Err:1 http://deb.example/pool/foo_${v#*:}.dsc"
	echo "  404  Not Found [IP: 192.0.2.1 80]"
	echo "E: Failed to fetch http://deb.example/pool/foo_${v#*:}.dsc  404  Not Found [IP: 192.0.2.1 80]"
	echo "E: Failed to fetch some archives."
	exit 100
fi
cp "$ARCHIVE/${v#*:}"/foo_* .
EOF
chmod +x "$bin/apt-cache" "$bin/apt-get"
export ARCHIVE="$archive" APT_GET="$bin/apt-get" APT_CACHE="$bin/apt-cache"

sha() { sha256sum "$archive/${1#*:}/foo_${1#*:}.dsc" | cut -d' ' -f1; }
lock=$tmp/deps-sources
export INITMOD_DEPS_SOURCES="$lock"
pin() { printf '# test\nfoo\t%s\t%s\n' "$1" "${2:-$(sha "$1")}" > "$lock"; }
listed() { printf '%s\n' "$@" > "$archive/listed"; }
gone() { for v; do touch "$archive/${v#*:}/GONE"; done; }
reset() { rm -f "$archive"/*/GONE "$archive/asked"; rm -rf "$tmp/src"; }
run() { "$fetch" foo "$tmp/src" > "$tmp/out" 2> "$tmp/err"; echo $? > "$tmp/rc"; }
rc_is() { [ "$(cat "$tmp/rc")" = "$1" ]; }
out_is() { [ "$(cat "$tmp/out")" = "  FETCH foo $1" ]; }
tree_is() { [ "$(cat "$tmp/src/foo/VERSION" 2> /dev/null)" = "foo $1" ] &&
	grep -qx "version=$1" "$tmp/src/foo/.initmod-source"; }
asked() { [ "$(tr '\n' ' ' < "$archive/asked" 2> /dev/null)" = "$* " ]; }
clean_cache() { [ -z "$(find "$tmp/src" -mindepth 1 -maxdepth 1 ! -name foo 2> /dev/null)" ]; }
err_has() { grep -qF -- "$1" "$tmp/err"; }

# 1. the pin fetches: it is used, and the newer security update is never asked
reset; pin 1.0-1; listed 1.0-1 1.0-1+deb12u1; gone 1.0-1+deb12u1
run
check pinned_version_used rc_is 0
check pinned_says_why out_is "1.0-1 (pinned)"
check pinned_tree_unpacked tree_is 1.0-1
check pinned_only_asked asked 1.0-1
check pinned_debian_patches_applied test -f "$tmp/src/foo/debian/control"

# 2. a second run finds the tree of the same pin and asks apt nothing
rm -f "$archive/asked"; run
check same_pin_not_fetched_again sh -c "[ ! -e '$archive/asked' ] && [ ! -s '$tmp/out' ]"
check same_pin_rc rc_is 0

# 3. the pin moves: the tree is replaced
rm -f "$archive/asked"; listed 1.0-1 1.0-0.1; pin 1.0-0.1; run
check moved_pin_fetched tree_is 1.0-0.1
check moved_pin_says out_is "1.0-0.1 (pinned)"

# 4. the pin is gone from the archive: every other version, newest first
#    (the epoch makes 1:0.5-1 newest); the failing ones are named
reset; pin 1.0-1; listed 0.9-1 1.0-0.1 1:0.5-1 1.0-1+deb12u1; gone 1:0.5-1 1.0-1+deb12u1
run
check gone_pin_falls_back rc_is 0
check gone_pin_newest_first asked 1.0-1 1:0.5-1 1.0-1+deb12u1 1.0-0.1
check gone_pin_tree tree_is 1.0-0.1
check gone_pin_says_why out_is "1.0-0.1 (1.0-1 (pinned): source not fetchable; 1:0.5-1: source not fetchable; 1.0-1+deb12u1: source not fetchable)"
check gone_pin_marker_keeps_pin grep -qx "pin=1.0-1" "$tmp/src/foo/.initmod-source"

# 5. the pin's .dsc does not match the checksum written down: not used
reset; pin 1.0-1 0000000000000000000000000000000000000000000000000000000000000000
listed 1.0-1 0.9-1; run
check bad_checksum_skipped tree_is 0.9-1
check bad_checksum_named sh -c "grep -q 'SHA-256' '$tmp/out'"

# 6. a corrupt tarball (the .dsc's checksum fails in dpkg-source): next one
reset; pin 1.0-1; listed 1.0-1 0.9-1
cp "$archive/1.0-1/foo_1.0.orig.tar.gz" "$tmp/orig.save"
echo garbage >> "$archive/1.0-1/foo_1.0.orig.tar.gz"
run
cp "$tmp/orig.save" "$archive/1.0-1/foo_1.0.orig.tar.gz"
check corrupt_tarball_skipped tree_is 0.9-1
check corrupt_tarball_named sh -c "grep -q 'dpkg-source -x failed' '$tmp/out'"

# 7. every version fails: exit 1, each version and apt's words, nothing left
reset; pin 1.0-1; listed 1.0-1+deb12u1 0.9-1; gone 1.0-1+deb12u1 0.9-1
mkdir -p "$tmp/src"
run
check all_fail_exit_1 rc_is 1
check all_fail_names_pin err_has "1.0-1 (pinned): source not fetchable: E: Can not find version '1.0-1' of package 'foo'"
check all_fail_names_each err_has "1.0-1+deb12u1: source not fetchable: E: Failed to fetch http://deb.example/pool/foo_1.0-1+deb12u1.dsc  404  Not Found"
check all_fail_names_last err_has "0.9-1: source not fetchable"
check all_fail_no_tree test ! -e "$tmp/src/foo"
check all_fail_nothing_half_unpacked sh -c "[ -z \"\$(ls -A '$tmp/src')\" ]"
check all_fail_no_stdout sh -c "[ ! -s '$tmp/out' ]"

# 8. apt knows no version at all (no deb-src): said so, not a guess
reset; pin 1.0-1; : > "$archive/listed"; run
check no_sources_exit_1 rc_is 1
check no_sources_said err_has "lists no other version"

# 9. interrupted while unpacking: the tree of the old pin stays whole or is
#    replaced whole; no work directory is left
reset; pin 1.0-1; listed 1.0-1; run
pin 0.9-1; listed 1.0-1 0.9-1
APT_GET="$bin/apt-get-slow"
printf '#!/bin/sh\n"%s" "$@"; sleep 2\n' "$bin/apt-get" > "$APT_GET"; chmod +x "$APT_GET"
export APT_GET
"$fetch" foo "$tmp/src" > /dev/null 2>&1 &
k=$!
i=0; while [ ! -s "$archive/asked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $k; wait $k 2> /dev/null
APT_GET="$bin/apt-get"
check interrupted_old_tree_whole tree_is 1.0-1
check interrupted_nothing_left clean_cache

# 10. a name that is not pinned is refused
"$fetch" bar "$tmp/src" > /dev/null 2> "$tmp/err"; echo $? > "$tmp/rc"
check unpinned_name_refused rc_is 1
check unpinned_name_said err_has "bar is not pinned"

# 11. the repository's own lock file pins the three libraries, with checksums
check lock_pins_three sh -c "awk '!/^#/ && NF == 3 && length(\$3) == 64' '$top/mk/deps-sources' | cut -f1 | sort | tr '\n' ' ' | grep -qx 'libzstd xz-utils zlib '"

finish fetch
