#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The demos as tests: demo/share.c (two processes, one dma-buf) and
# demo/pipeline.c (make demo's camera -> gpu -> viewer pipeline).
echo "KTAP version 1"
echo "1..2"
n=0
for d in share pipeline; do
	n=$((n + 1))
	if [ ! -x /demo/$d ]; then
		echo "not ok $n demo_$d # /demo/$d not built"
		continue
	fi
	/demo/$d >/tmp/demo-$d.out 2>&1
	rc=$?
	# the PNG's base64 lines are of no use in a log
	sed '/^#### PNG-BEGIN/,/^#### PNG-END/d; s/^/# /' /tmp/demo-$d.out
	if [ $rc = 0 ] && grep -qx PASS /tmp/demo-$d.out; then
		echo "ok $n demo_$d"
	else
		echo "not ok $n demo_$d"
	fi
done
