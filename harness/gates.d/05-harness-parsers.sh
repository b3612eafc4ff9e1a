#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: the harness's own result parsers (ktap_count, scan_kernel_log,
# kernel_log_suites and sum_results of harness/ktap.sh), which every other
# count of make check goes through, against the fixtures of harness/tests/
# (harness/tests/run.sh).  Each test case is a pass or a failure.  Needs no
# tree, build or VM: bash and awk.
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
out=$GSTATE/harness-parsers
mkdir -p "$out"
rc=0
bash "$PROJ/harness/tests/run.sh" >"$out/run.ktap" 2>&1 || rc=$?
cat "$out/run.ktap"
counts=$(sed -n -E 's/^harness-parsers: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$out/run.ktap" | tail -n1)
pass=0 fail=0
if [ -n "$counts" ]; then
	read -r pass fail <<<"$counts"
else
	echo "harness/tests/run.sh printed no closing line (exit status $rc)"
	fail=1
fi
[ "$rc" != 0 ] && [ "$fail" = 0 ] && fail=1
if [ "$fail" -gt 0 ]; then
	# The failed cases with their diagnostics, where the log's tail shows them.
	echo
	echo "failed:"
	awk '/^# / { d = d "    " $0 "\n"; next }
	     /^not ok / { printf "  %s\n%s", $0, d }
	     { d = "" }' "$out/run.ktap"
fi
gate_result harness-parsers "$pass" "$fail"
}
main "$@"
exit $?
