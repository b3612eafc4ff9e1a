#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# One kernel line's part of make check (LINUX=6.1|6.12, or KDIR's line):
#   tree -> KUnit on UML -> x86_64 kernel -> VM suites
# Results go to $WORK/results/{kunit-uml,vm} ("name passed failed skipped"
# lines); step times to $WORK/results/times.  A failed step is counted and
# reported; later steps that do not need it still run.
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock
R=$WORK/results
H=$PROJ/harness

"$H/tree.sh"
rm -rf "$R"; mkdir -p "$R"

step() {	# step NAME CMD...: run a step, log its time
	local name=$1 s rc=0
	s=$(date +%s)
	shift
	"$@" || rc=$?
	echo "$name $(( $(date +%s) - s ))" >>"$R/times"
	return $rc
}

step kunit-uml "$H/kunit-uml.sh" || true
[ -f "$R/kunit-uml" ] || echo "kunit-uml 0 1 0" >"$R/kunit-uml"

# The VM suites run for the lines of CHECK_VM_LINES (check.sh's default:
# every line of the run; CHECK_VM_LINES=6.1 keeps 6.12 to KUnit on UML).
if [ -n "${CHECK_VM_LINES+set}" ] && [[ " $CHECK_VM_LINES " != *" $LINUX "* ]]; then
	note "line $LINUX: VM suites not in this run (CHECK_VM_LINES=$CHECK_VM_LINES)"
	: >"$R/vm"
elif step vm-kernel "$H/vm-kernel.sh"; then
	step vm-test "$H/vm-test.sh" || true
	[ -s "$R/vm" ] || echo "vm 0 1 0" >"$R/vm"
else
	echo "vm-kernel 0 1 0" >"$R/vm"
fi
