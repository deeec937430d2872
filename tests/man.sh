#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# man.sh - `make check-man`: the manual pages are complete and clean.
# For man/initmod.8 and man/initmod-mkinitramfs.8:
#  - the first line is the SPDX comment;
#  - `man --warnings -l` (MANWIDTH=80) and `groff -ww -man -z` print no
#    warning, and lexgrog parses the NAME section;
#  - every option (long and short) that `initmod --help`, `initmod modprobe
#    --help` and `initmod depmod --help` print is in initmod.8, and every
#    option of `initramfs/mkinitramfs --help` is in initmod-mkinitramfs.8.
#    The page's roff source is searched with its comments dropped, `\-` read
#    as `-` and font escapes (\fB, \fI, \fR, \fP, ...) removed; an option
#    must stand alone (`-j` inside `--jobs` does not count).
# Self-checks: the option check must name the options deleted from a copy
# of a page, and the warning check must fail on a page with a bad macro, so
# that neither can pass by checking nothing.
# Needs man-db and groff-base (apt-get install man-db groff-base).
# usage: tests/man.sh ./initmod   (from the repository top)
set -u
bin=${1:?usage: tests/man.sh ./initmod}
top=$(cd "$(dirname "$0")/.." && pwd)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# shellcheck source=tests/harness.sh
. "$top/tests/harness.sh"
export LC_ALL=C MANWIDTH=80

# Options in a text: words of letters, digits and '-' starting with - or --.
options_of() {
	tr -c 'A-Za-z0-9-' '\n' | grep -E '^--?[A-Za-z][A-Za-z0-9-]*$' | sort -u
}

# The page's roff source as searchable text: no comments, \- as -, no font
# escapes or zero-width marks, a blank at each end of every line.
page_text() {
	sed -e '/^[.'\'']\\"/d' -e 's/\\".*//' \
		-e 's/\\-/-/g' -e 's/\\f[BIRP1-4]//g' -e 's/\\f([A-Za-z][A-Za-z]//g' \
		-e 's/\\f\[[^]]*\]//g' -e 's/\\[&%:]//g' -e 's/\\[~ ]/ /g' \
		-e 's/^/ /' -e 's/$/ /' "$1"
}

# The options of list $2 that text $1 lacks, one a line.
missing_options() {
	while read -r o; do
		grep -q -e "[^A-Za-z0-9-]${o}[^A-Za-z0-9-]" "$1" || echo "$o"
	done < "$2"
}

# Text $1 without option $2 wherever it stands alone.
delete_option() {
	sed -e ':a' -e "s/\\([^A-Za-z0-9-]\\)$2\\([^A-Za-z0-9-]\\)/\\1\\2/" -e 'ta' "$1"
}

# Warnings of man and groff on page $1, into $2; 0 when there are none.
render_warnings() {
	: > "$2"
	man --warnings -l "$1" > /dev/null 2>> "$2" || echo "man -l $1 failed" >> "$2"
	groff -ww -man -z "$1" 2>> "$2" || echo "groff $1 failed" >> "$2"
	[ ! -s "$2" ]
}

for tool in man groff lexgrog; do
	command -v $tool > /dev/null 2>&1 ||
		bad "tools.$tool" "missing: apt-get install --no-install-recommends man-db groff-base"
done

# The help texts: SOURCE is initmod, one of its modes (modprobe, depmod)
# or mkinitramfs; help_of SOURCE prints its --help, what_of SOURCE names it.
help_of() {
	case $1 in
	initmod) "$bin" --help ;;
	mkinitramfs) "$top/initramfs/mkinitramfs" --help ;;
	*) "$bin" "$1" --help ;;
	esac
}
what_of() {
	case $1 in
	initmod) echo "initmod --help" ;;
	mkinitramfs) echo "initramfs/mkinitramfs --help" ;;
	*) echo "initmod $1 --help" ;;
	esac
}
for src in initmod modprobe depmod mkinitramfs; do
	if help_of "$src" > "$d/help" 2>&1; then
		options_of < "$d/help" > "$d/opts.$src"
		n=$(wc -l < "$d/opts.$src")
		if [ "$n" -ge 5 ]; then
			ok "help.$src ($n options)"
		else
			bad "help.$src" "only $n options in '$(what_of "$src")'"
		fi
	else
		bad "help.$src" "'$(what_of "$src")' failed"
		: > "$d/opts.$src"
	fi
done

# page  help-sources
for spec in "initmod.8:initmod modprobe depmod" "initmod-mkinitramfs.8:mkinitramfs"; do
	page=${spec%%:*} srcs=${spec#*:}
	f=$top/man/$page
	if [ ! -f "$f" ]; then
		bad "$page" "no file man/$page"
		continue
	fi
	if [ "$(head -n 1 "$f")" = '.\" SPDX-License-Identifier: LGPL-2.1-or-later' ]; then
		ok "$page.spdx"
	else
		bad "$page.spdx" "the first line is not the SPDX comment"
	fi
	if render_warnings "$f" "$d/warn"; then
		ok "$page.no_warnings"
	else
		bad "$page.no_warnings"
		sed 's/^/    /' "$d/warn"
	fi
	if lexgrog "$f" > "$d/lexgrog" 2>&1 && grep -q ' - ' "$d/lexgrog"; then
		ok "$page.lexgrog $(cat "$d/lexgrog")"
	else
		bad "$page.lexgrog" "$(cat "$d/lexgrog")"
	fi
	page_text "$f" > "$d/text"
	for src in $srcs; do
		what=$(what_of "$src")
		missing_options "$d/text" "$d/opts.$src" > "$d/missing"
		if [ -s "$d/missing" ]; then
			while read -r o; do
				bad "$page.options" "$o (from $what) is not in the page"
			done < "$d/missing"
		else
			ok "$page.options" "the $(wc -l < "$d/opts.$src") options of $what"
		fi
	done

	# self-check: a copy without one long and one short option of the
	# help must be caught, naming exactly those two
	for src in $srcs; do cat "$d/opts.$src"; done | sort -u > "$d/all"
	long=$(grep -e '^--' "$d/all" | head -n 1)
	short=$(grep -v -e '^--' "$d/all" | head -n 1)
	if [ -z "$long" ] || [ -z "$short" ]; then
		bad "$page.selfcheck_options" "no long and short option to delete"
	else
		delete_option "$d/text" "$long" > "$d/t1"
		delete_option "$d/t1" "$short" > "$d/cut"
		missing_options "$d/cut" "$d/all" > "$d/gone"
		missing_options "$d/text" "$d/all" > "$d/before"
		printf '%s\n%s\n' "$long" "$short" | cat - "$d/before" | sort -u > "$d/want"
		if sort -u "$d/gone" | cmp -s - "$d/want"; then
			ok "$page.selfcheck_options" "$long and $short deleted are reported"
		else
			bad "$page.selfcheck_options" "deleting $long and $short reported: $(tr '\n' ' ' < "$d/gone")"
		fi
	fi
	# self-check: a bad macro must be a warning
	{ cat "$f"; echo '.NOSUCHMACRO'; } > "$d/$page"
	if render_warnings "$d/$page" "$d/warn2"; then
		bad "$page.selfcheck_warnings" "a page with an undefined macro passed"
	elif man --warnings -l "$d/$page" 2>&1 > /dev/null | grep -q NOSUCHMACRO; then
		ok "$page.selfcheck_warnings" "an undefined macro is caught"
	else
		bad "$page.selfcheck_warnings" "man did not name the undefined macro:"
		sed 's/^/    /' "$d/warn2"
	fi
done

finish man
