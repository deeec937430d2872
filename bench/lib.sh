# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# lib.sh - the benchmarks' shared shell functions (sourced, POSIX sh):
#   median    the median of the numbers on stdin, one a line (of an even
#             count, the lower of the two in the middle)
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
