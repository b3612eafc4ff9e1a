#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Tests of the harness's result parsers (harness/ktap.sh, bench-table.sh),
# the way the kernel's tools/testing/kunit/kunit_tool_test.py tests
# kunit.py's parser: one behaviour per case, each case a named function,
# its input a file in fixtures/.
#
#   harness/tests/run.sh            every case
#   harness/tests/run.sh PATTERN    only the cases whose name contains PATTERN
#
# Output is KTAP: "TAP version 13", "1..N", then "ok N name" or "not ok N
# name" per case, each failed check's "# WHAT: expected ..., got ..." line
# just before its "not ok".  The last line is
# "harness-parsers: N passed, N failed"; exit status 0 only if every case
# passed.  Needs bash and awk only (no tree, no build, no VM); the gate
# harness/gates.d/05-harness-parsers.sh runs it.
#
# Cases run as ktap.sh's callers run it: harness/lib.sh and check.sh set
# -euo pipefail, so cases run with pipefail and nounset (not errexit, so
# that a check can look at a non-zero exit status).
#
# Adding a case
#   1. Put its input in fixtures/: KTAP/TAP as <producer>-<situation>.ktap
#      (a kernel log as <producer>-<situation>.log), a small excerpt of
#      real output: keep the lines that matter and a few around them.
#   2. Define a function test_<function>_<behaviour> in this file, next to
#      the cases of the same function, e.g.
#        test_scan_kernel_log_acknowledged_warning_is_dropped() {
#            # a misuse case asserted this report and said so after it
#            expect_eq "offending lines" "" \
#                "$(scan kunit-misuse-acked.log)"
#            expect_status "exit status" 1 \
#                scan_kernel_log "$FIXTURES/kunit-misuse-acked.log"
#        }
#      Every function whose name starts with test_ is a case (found with
#      declare -F, run in name order).  Each runs in a subshell of its own,
#      stdin /dev/null, with ktap.sh's functions defined, $FIXTURES (the
#      fixtures directory) and $TMP (an empty scratch directory of its
#      own).  Checks (each records a failure and goes on):
#        expect_eq WHAT EXPECTED GOT          the two strings are equal
#        expect_status WHAT EXPECTED CMD...   CMD exits with status EXPECTED
#      A case passes when it made at least one check and none failed.
#   3. Run harness/tests/run.sh <part of its name>, then the whole file.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIXTURES=$HERE/fixtures
# shellcheck source-path=SCRIPTDIR source=../ktap.sh
. "$HERE/../ktap.sh"

RUN_TMP=$(mktemp -d)
trap 'rm -rf "$RUN_TMP"' EXIT
TMP=$RUN_TMP
CHECKS=0 FAILS=0

# ---- checks ---------------------------------------------------------------

# show VALUE: VALUE quoted on one line (newlines as \n).
show() {
	local v=${1//$'\r'/\\r}
	printf '"%s"' "${v//$'\n'/\\n}"
}

# expect_eq WHAT EXPECTED GOT
expect_eq() {
	CHECKS=$((CHECKS + 1))
	[ "$2" = "$3" ] && return 0
	FAILS=$((FAILS + 1))
	echo "# $1: expected $(show "$2"), got $(show "$3")"
	return 1
}

# expect_status WHAT EXPECTED CMD...: CMD's output is discarded.
expect_status() {
	local what=$1 want=$2 rc=0
	shift 2
	"$@" >/dev/null 2>&1 || rc=$?
	expect_eq "$what" "$want" "$rc"
}

# counts FIXTURE: ktap_count of a fixture.
counts() {
	ktap_count <"$FIXTURES/$1"
}

# ---- ktap_count ----------------------------------------------------------

test_ktap_count_nested_suite_counts_leaves_only() {
	# kunit.py's UML log (build-uml/test.log, 6.1): two suites, the second
	# with a parameterised case of three parameters and a skipped case.
	# Suite and case lines that sum up their subtests are not tests.
	expect_eq "passed failed skipped" "7 0 1" "$(counts kunit-uml-nested.ktap)"
}

test_ktap_count_lines_other_than_results_do_not_count() {
	# The same log with only its result lines: boot messages, the WARNING
	# backtrace, "# Subtest:", plans and "# Totals" change nothing.
	local only
	only=$(grep -E '^[[:space:]]*(not )?ok( |$)' "$FIXTURES/kunit-uml-nested.ktap" | ktap_count)
	expect_eq "counts of the full log vs its result lines" \
		"$only" "$(counts kunit-uml-nested.ktap)"
}

test_ktap_count_failed_param_is_not_counted_again_by_its_case_and_suite() {
	# One failed parameter: its case and its suite are "not ok" because of
	# it, and that is one failure, not three.
	expect_eq "passed failed skipped" "3 1 0" "$(counts kunit-param-failed.ktap)"
}

test_ktap_count_failed_parent_without_failed_child_counts_one_failure() {
	# A suite killed after two of its four cases: "not ok" with no failed
	# case is one failure; the next suite counts as usual.
	expect_eq "passed failed skipped" "4 1 0" "$(counts crashed-suite.ktap)"
}

test_ktap_count_failed_suite_without_cases_counts_one_failure() {
	# KUnit 6.1 when suite_init() fails: "# failed to initialize (-12)" and
	# the suite's "not ok", with no header and no case.
	expect_eq "passed failed skipped" "3 1 0" "$(counts kunit-suite-init-failed.ktap)"
}

test_ktap_count_skip_directive_counts_skipped() {
	# kselftest_harness.h: "ok 2 # SKIP reason" (no test name), a failed
	# test; its "#      SKIP" and "#            OK" lines are comments.
	expect_eq "passed failed skipped" "2 1 1" "$(counts kselftest-harness-skip.ktap)"
}

test_ktap_count_skip_is_case_insensitive() {
	# TAP producers that write "# skip" and "# Skip:".
	expect_eq "passed failed skipped" "1 0 2" "$(counts tap-skip-lowercase.ktap)"
}

test_ktap_count_bail_out_counts_one_failure() {
	# kselftest's ksft_exit_fail_msg(): "Bail out! ..." after one result,
	# the rest of the plan never printed.
	expect_eq "passed failed skipped" "1 1 0" "$(counts kselftest-bail-out.ktap)"
}

test_ktap_count_crlf_line_endings() {
	# Raw output of a serial port (ONLCR: every line ends in \r\n), nested.
	expect_eq "passed failed skipped" "2 1 1" "$(counts crlf.ktap)"
	expect_eq "counts with CRLF vs LF" \
		"$(tr -d '\r' <"$FIXTURES/crlf.ktap" | ktap_count)" "$(counts crlf.ktap)"
}

test_ktap_count_tab_indent_is_one_level() {
	# Older KUnit (TAP version 14) indented subtests with a tab.
	expect_eq "passed failed skipped" "1 1 1" "$(counts kunit-tab-indent.ktap)"
}

test_ktap_count_hash_prefixed_subtest_output_is_not_counted() {
	# kselftest's run_kselftest.sh prefixes each program's own TAP with
	# "# ": only its own "not ok 1 selftests: ..." line is a result.
	expect_eq "passed failed skipped" "0 1 0" "$(counts kselftest-runner-prefixed.ktap)"
}

test_ktap_count_skipped_plan_alone_counts_nothing() {
	# "1..0 # SKIP reason" (tests/vm/suites.d/10-kunit.sh without modules)
	# is a plan, not a result; vm-test.sh counts it as one skip itself.
	expect_eq "passed failed skipped" "0 0 0" "$(counts kunit-no-modules.ktap)"
}

test_ktap_count_empty_input_counts_nothing() {
	# A suite that printed nothing: vm-test.sh reports "printed no results"
	# on all three counts being zero.
	expect_eq "passed failed skipped" "0 0 0" "$(ktap_count </dev/null)"
}

# ---- kernel_log_suites ---------------------------------------------------

test_kernel_log_suites_blames_the_running_suite() {
	# a report before the first suite, one between two, two during one
	local problems=$TMP/problems
	scan_kernel_log "$FIXTURES/vm-console-suites.log" >"$problems" || :
	expect_eq "suites" "(boot) 1
(between suites) 1
userspace/dmabuf-fuzz 2" \
		"$(kernel_log_suites "$problems" "$FIXTURES/vm-console-suites.log")"
}

test_kernel_log_suites_nothing_for_no_problems() {
	expect_eq "suites" "" \
		"$(kernel_log_suites /dev/null "$FIXTURES/vm-console-suites.log")"
}

# ---- sum_results ---------------------------------------------------------

test_sum_results_adds_every_file() {
	# $WORK/results/{kunit-uml,vm,gates} of a passing make check.
	local R=$FIXTURES/results-pass
	expect_eq "closing line" "492 passed, 0 failed, 26 skipped" \
		"$(sum_results "$R/kunit-uml" "$R/vm" "$R/gates")"
}

test_sum_results_exit_status_0_when_none_failed() {
	local R=$FIXTURES/results-pass
	expect_status "exit status" 0 sum_results "$R/kunit-uml" "$R/vm" "$R/gates"
}

test_sum_results_exit_status_1_when_any_failed() {
	local R=$FIXTURES/results-fail
	expect_status "exit status" 1 sum_results "$R/kunit-uml" "$R/vm"
}

test_sum_results_no_skipped_part_when_none_skipped() {
	local R=$FIXTURES/results-fail
	expect_eq "closing line" "427 passed, 3 failed" \
		"$(sum_results "$R/kunit-uml" "$R/vm")"
}

test_sum_results_missing_file_is_ignored() {
	# check.sh (set -euo pipefail) ends with
	#   sum_results "$R/kunit-uml" "$R/vm" "$R/gates"
	# and writes $R/gates only for IMPL=ours: with IMPL=upstream the file
	# does not exist, which must change neither the line nor the status.
	set -o pipefail
	local R=$FIXTURES/results-pass out rc=0
	out=$(sum_results "$R/kunit-uml" "$R/vm" "$R/no-such-file") || rc=$?
	expect_eq "closing line" "455 passed, 0 failed, 26 skipped" "$out"
	expect_eq "exit status" 0 "$rc"
}

# ---- scan_kernel_log -----------------------------------------------------

# scan FIXTURE: the offending lines scan_kernel_log prints for FIXTURE.
scan() {
	scan_kernel_log "$FIXTURES/$1" || :
}

test_scan_kernel_log_acknowledged_warning_is_dropped() {
	# a misuse case asserted this report and said so after it
	expect_eq "offending lines" "" "$(scan kunit-misuse-acked.log)"
	expect_status "exit status" 1 \
		scan_kernel_log "$FIXTURES/kunit-misuse-acked.log"
}

test_scan_kernel_log_unacknowledged_warning_in_misuse_suite_counts() {
	# same report, same suite, but no case asserted it
	expect_eq "offending lines" \
		"4:WARNING: CPU: 0 PID: 355 at ../src/drivers/dma-buf/dma-buf.c:628 put_without_buffer_ignored+0x12/0x30
6:Call Trace:" "$(scan kunit-misuse-unacked.log)"
}

test_scan_kernel_log_one_acknowledgment_drops_one_report() {
	# the same location warned twice; the case asserted one warning
	expect_eq "offending lines" \
		"10:[   41.202400] WARNING: CPU: 1 PID: 212 at drivers/dma-buf/dma-buf.c:473 dma_buf_export+0x7c/0x400
11:[   41.202500] Call Trace:" "$(scan vm-ack-once-two-reports.log)"
}

test_scan_kernel_log_acknowledged_block_with_lockdep_counts() {
	# an asserted WARNING does not excuse a lockdep report in its block
	expect_eq "offending lines" \
		"2:[   41.201500] WARNING: CPU: 1 PID: 212 at drivers/dma-buf/dma-buf.c:473 dma_buf_export+0x7c/0x400
3:[   41.201600] WARNING: possible circular locking dependency detected
4:[   41.201720] Call Trace:" "$(scan vm-acked-with-lockdep.log)"
}

test_scan_kernel_log_acknowledgment_alone_is_clean() {
	# the acknowledgment line itself is no report
	expect_eq "offending lines" "" "$(scan vm-clean.log)"
}

test_scan_kernel_log_crlf_acknowledgment_matches() {
	expect_eq "offending lines" "" "$(scan vm-crlf-acked.log)"
}

test_scan_kernel_log_foreign_frame_dropped_ours_kept() {
	# vivid's UBSAN frame is known and foreign; one in dma-buf.c is not
	expect_eq "offending lines" \
		"7:[  302.000100] UBSAN: array-index-out-of-bounds in drivers/dma-buf/dma-buf.c:700:3
8:[  302.000200] Call Trace:" "$(scan vm-foreign-ubsan.log)"
}

test_scan_kernel_log_benign_block_dropped_rest_kept() {
	# UML's virt-pci warning block goes; a BUG after it does not
	expect_eq "offending lines" \
		"6:BUG: kernel NULL pointer dereference, address: 0000000000000008" \
		"$(scan uml-benign-virt-pci.log)"
}

# ---- bench-table.sh ------------------------------------------------------

# table OPERATION: the row bench-table.sh prints for OPERATION from the
# fixture bench-icount.raw: one timed pass of each core (median, min, max,
# ratio to the floor) and their boots under qemu -icount (pass 0).
table() {
	"$HERE/../bench-table.sh" "$FIXTURES/bench-icount.raw" "$TMP/out" |
		awk -v op="$1" '$1 == op'
}

test_bench_table_same_instructions_explain_a_slow_row() {
	# 1.30 in time and against the floor, the same instruction count
	local row
	row=$(table k_slow_same_work)
	expect_eq "insns column" "1.000" "$(awk '{ print $7 }' <<<"$row")"
	expect_eq "verdict" "explained: TCG time, not work" \
		"$(grep -o 'explained: TCG time, not work' <<<"$row")"
}

test_bench_table_more_instructions_are_never_boot_speed() {
	# equal in time, 1.10 in instructions: flagged, and the floor cannot
	# excuse it
	local row
	row=$(table k_more_work)
	expect_eq "verdict" "UNEXPLAINED" "$(grep -o 'UNEXPLAINED' <<<"$row")"
	expect_eq "instructions named" "1.100 of the original's instructions" \
		"$(grep -o "1.100 of the original's instructions" <<<"$row")"
}

test_bench_table_slow_boot_is_still_explained_by_its_floor() {
	# 1.50 in time, 1.00 against the floor: the boot, not the core
	expect_eq "verdict" "explained: boot speed" \
		"$(table k_slow_boot | grep -o 'explained: boot speed')"
}

test_bench_table_summary_counts_instruction_rows() {
	"$HERE/../bench-table.sh" "$FIXTURES/bench-icount.raw" "$TMP/out" >"$TMP/t"
	expect_eq "icount summary" \
		"instruction counts (qemu -icount): 4 operations, 1 above 1.00, 1 above 1.05, highest 1.100 (k_more_work)" \
		"$(grep '^instruction counts' "$TMP/t")"
	expect_eq "csv ratio_insns of k_more_work" "1.1000" \
		"$(awk -F, '$1 == "k_more_work" { print $8 }' "$TMP/out/results.csv")"
}

# ---- runner --------------------------------------------------------------

pattern=${1:-}
cases=()
while read -r _ _ name; do
	[[ $name == test_* && $name == *"$pattern"* ]] && cases+=("$name")
done < <(declare -F)
if [ ${#cases[@]} -eq 0 ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no case matches '$pattern'"
	echo "harness-parsers: 0 passed, 0 failed"
	exit 1
fi

echo "TAP version 13"
echo "1..${#cases[@]}"
n=0 passed=0 failed=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	mkdir -p "$RUN_TMP/$c"
	rc=0
	(
		TMP=$RUN_TMP/$c
		CHECKS=0 FAILS=0
		cd "$TMP" || exit 1
		"$c"
		if [ "$CHECKS" = 0 ]; then
			echo "# $c made no check"
			exit 1
		fi
		[ "$FAILS" = 0 ]
	) </dev/null >"$RUN_TMP/$c.out" 2>&1 || rc=$?
	# Anything a case printed becomes a diagnostic line.
	sed 's/^\([^#]\)/# \1/; s/^$/#/' "$RUN_TMP/$c.out"
	if [ "$rc" = 0 ]; then
		echo "ok $n $c"
		passed=$((passed + 1))
	else
		echo "not ok $n $c"
		failed=$((failed + 1))
	fi
done
echo "harness-parsers: $passed passed, $failed failed"
[ "$failed" = 0 ]
