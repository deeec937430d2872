#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# e2e-roots.sh - `make e2e-roots`: only the roots of `make e2e` (the
# cases of e2e/roots-cases.sh: part, lvm, luks-keyfile, luks-passphrase,
# luks-usbkbd, raid1, raid1-degraded, btrfs, xfs, resume, through a, b,
# x, c and d), without its main matrix. Prints one "ok" / "FAIL" line per
# case and "e2e-roots: N passed, N failed". Needs root.
# usage: e2e-roots.sh CACHE BUILD
# environment: E2E_ROOTS, E2E_ROOTS_VARIANTS, E2E_ROOTS_TYPES, E2E_TIMEOUT
# (roots-cases.sh), E2E_VERBOSE (initmod.verbose=, 1)
set -eu
[ $# -eq 2 ] || { sed -n '3,10p' "$0" >&2; exit 2; }
cache=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
E2E_LIB=$here/e2e/lib.sh
# shellcheck source=qemu-tests/e2e/lib.sh
. "$E2E_LIB"
# shellcheck source=tests/harness.sh
. "$here/../tests/harness.sh"
# shellcheck source=qemu-tests/e2e/roots-cases.sh
. "$here/e2e/roots-cases.sh"
mkdir -p "$cache/e2e" "$build/e2e/roots"
cache=$(cd "$cache" && pwd)
deb=
for f in "$build"/deb/initmod_*_amd64.deb; do [ -f "$f" ] && deb=$f; done
[ -n "$deb" ] || { bad deb_built "no initmod .deb in $build/deb (make deb)"; finish e2e-roots; }
roots_cases "$cache" "$(cd "$build/e2e/roots" && pwd)" "$deb"
finish e2e-roots
