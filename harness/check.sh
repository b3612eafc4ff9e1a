#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: every test, on every kernel line the core drops into
# (CHECK_LINES, default "6.1 6.12"; with KDIR, that tree's line only):
#   deps -> per line: tree, KUnit on UML, x86_64 kernel and VM suites
#   (check-line.sh; the VM part for CHECK_VM_LINES, default all) -> the
#   gates -> the hardening figures
# and one closing line "N passed, N failed[, N skipped]" summing them all.
# Exit status is non-zero if anything failed.
set -euo pipefail
t0=$(date +%s)
H=$(cd "$(dirname "$0")" && pwd)
. "$H/lib.sh"
lines=${CHECK_LINES:-$LINES}
[ -n "$KDIR" ] && lines=$LINUX
# The lines whose x86_64 kernel and VM suites run too (the others: KUnit
# on UML only): every line of the run unless CHECK_VM_LINES says less.
export CHECK_VM_LINES=${CHECK_VM_LINES:-$lines}
[ -n "$KDIR" ] && CHECK_VM_LINES=$LINUX
for line in $lines; do
	# deps first: harness_setup picks the compiler (ccache) from what is
	# installed
	LINUX=$line "$H/deps.sh"
done
harness_setup
. "$H/ktap.sh"

results=()
for line in $lines; do
	stage "line $line"
	LINUX=$line "$H/check-line.sh" || true
	r=$(LINUX=$line bash -c '. "$1/lib.sh"; echo "$WORK/results"' _ "$H")
	results+=("$r/kunit-uml" "$r/vm")
done

# Gates (for IMPL=ours: they judge the project's own code), in the first
# line's tree.
first=${lines%% *}
if [ "$IMPL" = ours ]; then
	g=$(LINUX=$first bash -c '. "$1/lib.sh"; echo "$WORK/results/gates"' _ "$H")
	rm -f "$g"
	# (compile-users builds the users of every line of the run)
	LINUX=$first GATE_LINES=$lines GATES_RESULTS=$g "$H/gates/run.sh" || true
	results+=("$g")
fi

# The hardening suites' figures (reports, leaks, faults, fuzzing, model);
# they only inform, the counts above decide.
if [ "$IMPL" = ours ]; then
	for line in $CHECK_VM_LINES; do
		stage "figures of this run, line $line"
		LINUX=$line "$H/figures.sh" || true
	done
fi

stage "check IMPL=$IMPL${KDIR:+ KDIR=$KDIR} on $lines finished in $(elapsed "$t0")"
sum_results "${results[@]}"
