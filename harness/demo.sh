#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the test kernel and run demo/share.c in it; print its transcript.
# Exit status 0 only if the demo printed PASS, the VM ran to its end and the
# kernel log has no complaints.
. "$(dirname "$0")/lib.sh"
work_lock
. "$PROJ/harness/ktap.sh"

"$PROJ/harness/initramfs.sh"
ok=1
"$PROJ/harness/vm-run.sh" demo || ok=0
out=$VMDIR/demo

echo "---------------------------------------------------------------- transcript (IMPL=$IMPL)"
grep -v '^#### ' "$out/results.log" || true
echo "----------------------------------------------------------------"
grep -q -x 'PASS' "$out/results.log" || ok=0
grep -q '^#### VM-DONE rc=0$' "$out/results.log" || ok=0
if scan_kernel_log "$out/console.log" >"$out/kernel-problems.txt"; then
	echo "error: kernel problems on the VM console (log: $out/console.log):" >&2
	head -n 15 "$out/kernel-problems.txt" | sed 's/^/      /' >&2
	ok=0
fi
if [ $ok = 1 ]; then
	echo "demo: PASS (kernel log: $out/console.log)"
else
	echo "demo: FAIL (transcript: $out/results.log, kernel log: $out/console.log)"
	exit 1
fi
