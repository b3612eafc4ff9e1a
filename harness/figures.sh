#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The figures of the hardening suites of the last VM run and of the spin
# gate, one line each, for the end of make check:
#   kernel reports, kmemleak leaks, faults injected and wrong errnos,
#   fuzz operations, trinity calls, stress operations, model states.
# Prints what it finds; a figure whose suite did not run is "n/a".
. "$(dirname "$0")/lib.sh"
harness_setup
res=$VMDIR/test/results.log
con=$VMDIR/test/console.log
spin=$LOGDIR/gate-spin-model.log

pick() {	# pick FILE SED-EXPRESSION: the last match, or n/a
	local v
	v=$([ -f "$1" ] && sed -n "$2" "$1" | tail -n1)
	echo "${v:-n/a}"
}

reports=n/a
if [ -f "$con" ]; then
	. "$PROJ/harness/ktap.sh"
	reports=$(scan_kernel_log "$con" | grep -c -a -E 'BUG:|KASAN|UBSAN|WARNING:|circular|refcount_t:' || true)
fi
echo "   figures: kernel reports $reports (warnings KUnit cases asserted and known foreign reports excluded)"
echo "   figures: kmemleak $(pick "$res" 's/^# kmemleak: \([0-9]*\) unreferenced.*/\1 unreferenced objects/p')"
echo "   figures: fault injection (userspace) $(pick "$res" 's/^# fault-injection total injected=\([0-9]*\) wrong_errno=\([0-9]*\).*/\1 faults injected, \2 wrong errnos/p')"
echo "   figures: fault injection (KUnit export) $(pick "$res" 's/.*export_each_allocation_fails_cleanly: \([0-9]*\) allocations failed, \([0-9]*\) of them.*/\1 faults injected, \2 calls refused cleanly/p')"
echo "   figures: fuzzer $(pick "$res" 's/^# ops all phases total=\([0-9]*\).*anomalies=\([0-9]*\).*/\1 operations, \2 anomalies/p'), seed $(pick "$res" 's/^# seed=\([0-9]*\)$/\1/p')"
echo "   figures: trinity $(pick "$res" 's/^# fuzz operations: \([0-9]*\) syscalls/\1 syscalls/p') on dma-buf fds ($(pick "$res" 's/^# dma-buf fds given to trinity: //p'))"
echo "   figures: stress $(pick "$res" 's/^# ops total=\([0-9]*\) (\([0-9]*\)\/s)$/\1 operations (\2\/s)/p')"
echo "   figures: online CPUs $(pick "$res" 's/^# online CPUs: .*(\([0-9]*\)), asked for \([0-9]*\)/\1 of \2/p')"
echo "   figures: spin model $(pick "$spin" 's/.*all-safety.*no error: \([0-9]*\) states, stored.*/\1 states (safety)/p'), $(pick "$spin" 's/.*spin-model: \([0-9]* passed, [0-9]* failed\)/\1/p')"
