# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# harness.sh - what every test script shares (sourced, POSIX sh): the QEMU
# tests (qemu-tests/*.sh, the end-to-end boots), the shell tests
# (tests/*.sh) and initramfs/test-image.sh. A case is one line:
#   ok NAME [NOTE]      "ok NAME", or "ok NAME: NOTE"; counted as passed
#   bad NAME [WHY]      "FAIL NAME", or "FAIL NAME: WHY"; counted as failed.
#                       A WHY of "see FILE" (a guest's console log) is
#                       followed by FILE's last lines: CI keeps only what
#                       the tests print, not their files
#   check NAME CMD...   runs CMD, its output dropped: ok NAME when it
#                       succeeds, bad NAME when it does not
#   finish SUITE        the last line, "SUITE: N passed, M failed" (CI sums
#                       these lines), and exit: 0 when none failed, else 1
# $pass and $fail hold the counts so far.
pass=0 fail=0

ok() {
	pass=$((pass + 1))
	echo "ok $1${2:+: $2}"
}

bad() {
	fail=$((fail + 1))
	echo "FAIL $1${2:+: $2}"
	case ${2:-} in "see "*)
		bad_tail "${2#see }"
	esac
}

# bad_tail FILE: its last 30 lines, each cut at 200 characters, the
# console's CRs dropped and other control characters (escapes) shown as
# '?', indented under the FAIL line
bad_tail() {
	[ -f "$1" ] || return 0
	tail -n 30 "$1" | tr -d '\r' | tr -c '[:print:]\n' '?' | cut -c1-200 | sed 's/^/   | /'
}

check() {
	ck_name=$1
	shift
	if "$@" > /dev/null 2>&1; then ok "$ck_name"; else bad "$ck_name"; fi
}

finish() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ] && exit 0
	exit 1
}
