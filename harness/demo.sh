#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the test kernel and run demo/pipeline.c in it; print its transcript
# and turn the frame it sent back (base64 between "#### PNG-BEGIN" and
# "#### PNG-END") into a PNG on the host.  Exit status 0 only if the demo
# printed PASS, the PNG arrived, the VM ran to its end and the kernel log
# has no complaints.
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock
. "$PROJ/harness/ktap.sh"

"$PROJ/harness/initramfs.sh"
ok=1
"$PROJ/harness/vm-run.sh" demo || ok=0
out=$VMDIR/demo

echo "---------------------------------------------------------------- transcript (IMPL=$IMPL)"
tr -d '\r' <"$out/results.log" | sed '/^#### PNG-BEGIN/,/^#### PNG-END/d; /^#### /d' || true
echo "----------------------------------------------------------------"
grep -q -x 'PASS' <(tr -d '\r' <"$out/results.log") || ok=0
png=$out/frame.png
rm -f "$png"
if tr -d '\r' <"$out/results.log" | sed -n '/^#### PNG-BEGIN/,/^#### PNG-END/{/^####/d;p}' |
	base64 -d >"$png" 2>/dev/null && [ -s "$png" ] &&
	[ "$(head -c 4 "$png" | od -An -c | tr -d ' ')" = '211PNG' ]; then
	echo "demo: the frame that travelled through the buffers: $png"
else
	rm -f "$png"
	echo "error: the demo sent no PNG back" >&2
	ok=0
fi
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
