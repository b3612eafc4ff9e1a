#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The sharing demo (demo/share.c) as one test: two processes, one dma-buf.
echo "KTAP version 1"
echo "1..1"
if [ ! -x /demo/share ]; then
	echo "ok 1 demo_share # SKIP demo not built"
	exit 0
fi
/demo/share >/tmp/demo.out 2>&1
rc=$?
sed 's/^/# /' /tmp/demo.out
if [ $rc = 0 ] && grep -qx PASS /tmp/demo.out; then
	echo "ok 1 demo_share"
else
	echo "not ok 1 demo_share"
fi
