#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# CONFIG_DMABUF_SELFTESTS: the in-kernel dma-fence / fence-chain /
# fence-unwrap / dma-resv selftests in module dmabuf_selftests.  They run
# at load time, log "dma-buf: Running <test>" lines and make the load fail
# with the error code of the first failing test.  One KTAP case: the load
# succeeded and every top-level test was entered.
echo "KTAP version 1"
echo "1..1"
mod=dmabuf_selftests
if ! modinfo $mod >/dev/null 2>&1 &&
   [ -z "$(find /lib/modules/$(uname -r) -name "$mod.ko*" 2>/dev/null)" ]; then
	echo "not ok 1 $mod # module not built (CONFIG_DMABUF_SELFTESTS=m?)"
	exit 1
fi
dmesg -c >/dev/null
t0=$(date +%s)
modprobe $mod
rc=$?
t1=$(date +%s)
dmesg | sed -e 's/^\[[ 0-9.]*\] //' | grep -E 'dma-buf|selftest|fence|resv' | sed 's/^/# /'
ran=$(dmesg | grep -c 'dma-buf: Running [a-z_]*$')
echo "# modprobe $mod: status $rc after $((t1 - t0))s, $ran top-level tests entered"
rmmod $mod 2>/dev/null
# selftests.h lists 5: sanitycheck dma_fence dma_fence_chain dma_fence_unwrap dma_resv
if [ $rc = 0 ] && [ "$ran" -ge 5 ]; then
	echo "ok 1 $mod"
else
	echo "not ok 1 $mod # load status $rc, $ran of 5 tests entered"
fi
