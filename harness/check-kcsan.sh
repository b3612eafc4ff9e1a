#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check-kcsan (not part of make check): the x86_64 test kernel with
# KCSAN instead of KASAN (harness/configs/vm-kcsan.config), booted on two
# vCPUs to run the KUnit suites and the concurrent userspace suites.  A
# data race report whose stacks name a function of the dma-buf core
# (dma_buf_*, dmabuf_*, or any frame in drivers/dma-buf/) is a failure;
# races KCSAN finds elsewhere in the kernel are counted and listed, not
# failed.  Ends with "N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export VM_FLAVOUR=kcsan
"$here/tree.sh"
"$here/vm-kernel.sh"
. "$here/lib.sh"
harness_setup
suites=${KCSAN_SUITES:-kunit,userspace/dmabuf-fence,userspace/dmabuf-regressions,userspace/dmabuf-sysfs,userspace/dmabuf-sysfs-promise,userspace/dmabuf-fuzz}
VM_APPEND="dmabuf.only=$suites ${VM_APPEND:-}" "$here/vm-test.sh" || true
log=$VMDIR/test/console.log
[ -f "$log" ] || die "no console log at $log"
# One report per "BUG: KCSAN:" line up to the next "====" rule.
awk '
	/BUG: KCSAN:/ { inrep = 1; rep = $0 "\n"; next }
	inrep && /^.*={20,}/ { n++; if (rep ~ /dma_buf|dmabuf|drivers\/dma-buf/) { core++; print rep > "/dev/stderr" } inrep = 0; next }
	inrep { rep = rep $0 "\n" }
	END { printf "%d %d\n", n, core }' "$log" 2>"$LOGDIR/kcsan-core-reports.log" >"$LOGDIR/kcsan-counts"
read -r total core <"$LOGDIR/kcsan-counts"
note "KCSAN: $total race reports in the whole kernel, $core involving the dma-buf core (those: $LOGDIR/kcsan-core-reports.log)"
res=$WORK/results/vm
pass=$(awk '{ p += $2 } END { print p + 0 }' "$res")
fail=$(awk '{ f += $3 } END { print f + 0 }' "$res")
# The generic kernel-log scan fails every suite a KCSAN report came
# during; only reports about the core count here.
fail=$((fail - $(grep -c '^vm/kernel-log/' "$res" || true)))
[ "$core" -eq 0 ] && pass=$((pass + 1)) || fail=$((fail + 1))
echo "kcsan: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
