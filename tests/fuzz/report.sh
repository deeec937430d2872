#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# report.sh - sum up a `make fuzz` run: executions, corpus, coverage, the
# slowest input and findings per target, into DIR/report.md (and stdout).
# usage: report.sh DIR TARGET...
set -eu
dir=$1
shift
out=$dir/report.md
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }
{
	echo "| target | executions | exec/s | coverage (edges) | corpus | slowest input | findings | exit |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	total=0 bad=0
	for t in "$@"; do
		log=$dir/fuzz-$t.log
		runs=$(stat number_of_executed_units "$log")
		rate=$(stat average_exec_per_sec "$log")
		cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
		slow=$(sed -n 's/^Slowest unit: \([0-9]*\) s.*/\1 s/p' "$log" | tail -n 1)
		nfind=$(find "$dir/findings/$t" -type f 2>/dev/null | wc -l)
		ncorp=$(find "$dir/corpus/$t" -type f 2>/dev/null | wc -l)
		rc=$(sed -n 's/^fuzz: .* exit //p' "$log" | tail -n 1)
		total=$((total + ${runs:-0}))
		[ "$nfind" -eq 0 ] && [ "${rc:-1}" = 0 ] || bad=$((bad + 1))
		echo "| $t | ${runs:-?} | ${rate:-?} | ${cov:-?} | $ncorp | ${slow:-< 1 s} | $nfind | ${rc:-?} |"
	done
	echo
	echo "Total: $total executions; targets with findings or a failed run: $bad."
} | tee "$out"
