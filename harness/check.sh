#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: every test, in order
#   deps -> tree -> KUnit on UML -> x86_64 kernel -> VM suites -> gates
# and one closing line "N passed, N failed[, N skipped]" summing them all.
# A failed step is counted and reported; later steps that do not need it
# still run.  Exit status is non-zero if anything failed.
set -euo pipefail
t0=$(date +%s)
# deps first: harness_setup picks the compiler (ccache) from what is
# installed
"$(dirname "$0")/deps.sh"
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock
. "$PROJ/harness/ktap.sh"
R=$WORK/results
H=$PROJ/harness

"$H/tree.sh"
rm -rf "$R"; mkdir -p "$R"

step() {	# step NAME CMD...: run a step, log its time
	local name=$1 s=$(date +%s) rc=0
	shift
	"$@" || rc=$?
	echo "$name $(( $(date +%s) - s ))" >>"$R/times"
	return $rc
}

step kunit-uml "$H/kunit-uml.sh" || true
[ -f "$R/kunit-uml" ] || echo "kunit-uml 0 1 0" >"$R/kunit-uml"

if step vm-kernel "$H/vm-kernel.sh"; then
	step vm-test "$H/vm-test.sh" || true
	[ -s "$R/vm" ] || echo "vm 0 1 0" >"$R/vm"
else
	echo "vm-kernel 0 1 0" >"$R/vm"
fi

# Gates (for IMPL=ours: they judge the project's own code).
if [ "$IMPL" = ours ]; then
	GATES_RESULTS=$R/gates step gates "$H/gates/run.sh" || true
fi

# The hardening suites' figures (reports, leaks, faults, fuzzing, model);
# they only inform, the counts above decide.
if [ "$IMPL" = ours ]; then
	stage "figures of this run"
	"$H/figures.sh" || true
fi

stage "check IMPL=$IMPL${KDIR:+ KDIR=$KDIR} finished in $(elapsed "$t0") (logs: $LOGDIR)"
sum_results "$R/kunit-uml" "$R/vm" "$R/gates"
