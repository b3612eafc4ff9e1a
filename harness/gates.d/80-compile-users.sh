#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: every in-tree user of the dma-buf API that x86_64 builds (DRM core
# and PRIME drivers, videobuf2, udmabuf and heaps, tee, xen, RDMA, fastrpc,
# ...) compiled against our include/linux/dma-buf.h, on every kernel line
# of the run (GATE_LINES, which make check sets to its lines; otherwise
# LINUX's alone); see harness/compile-users.sh, which `make compile-users`
# runs on its own.  About 1 minute a line once ccache is warm, a few
# minutes cold.
set -u
p=0 f=0 rc=0
tmp=$(mktemp)
for line in ${GATE_LINES:-${LINUX:-6.1}}; do
	echo "== line $line"
	LINUX=$line bash "$PROJ/harness/compile-users.sh" >"$tmp" 2>&1 || rc=1
	cat "$tmp"
	read -r lp lf < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' \
		"$tmp" | tail -n1)
	[ -n "${lp:-}" ] || { lp=0 lf=1; }
	p=$((p + lp)) f=$((f + lf))
done
rm -f "$tmp"
[ $rc = 0 ] || [ $f -gt 0 ] || f=1
echo "$p passed, $f failed"
[ $f = 0 ]
