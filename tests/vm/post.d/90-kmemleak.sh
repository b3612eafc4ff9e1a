#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# After every suite: an explicit kmemleak scan.  Every unreferenced object
# is a failure.  run-suites cleared the objects left from boot before the
# first suite, so what is reported was allocated while the tests ran.
#
# Known false positives, each with its reason, matched against the
# object's backtrace (none so far):
known=''

k=/sys/kernel/debug/kmemleak
echo "KTAP version 1"
if [ ! -e $k ]; then
	echo "1..0 # SKIP no $k (CONFIG_DEBUG_KMEMLEAK off)"
	exit 0
fi
echo "1..1"
# An object must look unreferenced for a while (5 s) before it is
# reported; scan twice so that freshly freed objects settle.
echo scan > $k
sleep 6
echo scan > $k
report=$(cat $k)
if [ -n "$known" ] && [ -n "$report" ]; then
	report=$(echo "$report" | awk -v known="$known" '
		/^unreferenced object/ { if (blk != "" && blk !~ known) printf "%s", blk; blk = "" }
		{ blk = blk $0 "\n" }
		END { if (blk != "" && blk !~ known) printf "%s", blk }')
fi
n=$(echo "$report" | grep -c '^unreferenced object')
echo "# kmemleak: $n unreferenced objects"
if [ "$n" -eq 0 ]; then
	echo "ok 1 kmemleak_no_leaks"
else
	echo "$report" | sed 's/^/# /'
	echo "not ok 1 kmemleak_no_leaks"
	exit 1
fi
