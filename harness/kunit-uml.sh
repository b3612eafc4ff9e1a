#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build a UML kernel with the project's .kunitconfig and run its KUnit
# suites with the kernel's own tool, from the tree root:
#   tools/testing/kunit/kunit.py run --kunitconfig=drivers/dma-buf
# Writes "suite-result" lines to $WORK/results/kunit-uml.
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock
. "$PROJ/harness/ktap.sh"
require_tree

log=$LOGDIR/kunit-uml.log
res=$WORK/results/kunit-uml
mkdir -p "$WORK/results"
rm -f "$res"

# KUNITCONFIG overrides the suite selection (a file, or a directory with a
# .kunitconfig, relative to the tree root or absolute).
kconf=${KUNITCONFIG:-drivers/dma-buf}
kfile=$kconf
[ -d "$KSRC/$kconf" ] || [ -d "$kconf" ] && kfile=$kconf/.kunitconfig
case "$kfile" in /*) ;; *) kfile=$KSRC/$kfile ;; esac
[ -f "$kfile" ] || die "no kunitconfig at $kfile (the project's .kunitconfig is missing?)"

# PROVE_LOCKING and friends depend on DEBUG_KERNEL, which UML's default
# config leaves off; add it if the .kunitconfig does not ask for it.
extra=()
grep -q '^CONFIG_DEBUG_KERNEL=y' "$kfile" ||
	extra+=(--kconfig_add=CONFIG_DEBUG_KERNEL=y)
# (Against the original core the cases that 6.1 answers with BUG() are
# skipped by its Kconfig: CONFIG_DMABUF_KUNIT_BEYOND_UPSTREAM defaults to
# n there, see harness/overlay.sh.)

has_suites=1
[ -f "$PROJ/kunit/Makefile" ] || has_suites=0

stage "KUnit on UML IMPL=$IMPL: building + running (log: $log)"
t0=$(date +%s)
set +e
(cd "$KSRC" && locked python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$kconf" \
	--build_dir="$BUILD_UML" \
	--make_options="CC=$KCC" \
	--make_options="HOSTCC=$KCC" \
	--jobs="$JOBS" "${extra[@]}" \
	--timeout="${KUNIT_TIMEOUT:-900}" \
	--json="$WORK/results/kunit-uml.json") >"$log" 2>&1
rc=$?
set -e

summary=$(grep -a 'Testing complete\.' "$log" | tail -n1 | sed 's/.*Testing complete\. //' || true)
pass=$(echo "$summary" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
fail=$(echo "$summary" | sed -n 's/.*failed: \([0-9]*\).*/\1/p')
crash=$(echo "$summary" | sed -n 's/.*crashed: \([0-9]*\).*/\1/p')
skip=$(echo "$summary" | sed -n 's/.*skipped: \([0-9]*\).*/\1/p')
pass=${pass:-0} fail=$(( ${fail:-0} + ${crash:-0} )) skip=${skip:-0}

if [ -z "$summary" ]; then
	# kunit.py stopped before running anything: a config or build error.
	echo "---- last lines of $log ----" >&2
	grep -av '^\s*$' "$log" | tail -n 30 >&2 || true
	echo "---- full log: $log ----" >&2
	if missing=$(grep -a '^Missing: ' "$log"); then
		echo "error: $kfile asks for options the UML kernel did not take (${missing#Missing: }); fix the .kunitconfig (UML has no PREEMPT, so no DEBUG_ATOMIC_SLEEP; PROVE_LOCKING/DEBUG_OBJECTS need CONFIG_DEBUG_KERNEL=y)" >&2
	else
		echo "error: KUnit UML build/config failed (IMPL=$IMPL); see $log" >&2
	fi
	echo "kunit-uml 0 1 0" >"$res"
	exit 1
fi

if [ "$has_suites" = 0 ] && [ "$pass$fail" = 00 ]; then
	note "no kunit/ suites in the project yet: UML kernel built, nothing to run"
	echo "kunit-uml 0 0 0" >"$res"
	exit 0
fi

# The counts are ktap_count's, as for every other KTAP the harness reads;
# kunit.py's own summary must agree with them.
if [ -f "$BUILD_UML/test.log" ]; then
	read -r kp kf ks < <(ktap_count <"$BUILD_UML/test.log")
	if [ "$kp $kf $ks" != "$pass $fail $skip" ]; then
		echo "error: ktap_count of $BUILD_UML/test.log says $kp passed, $kf failed, $ks skipped; kunit.py says $pass, $fail, $skip" >&2
		kf=$((kf + 1))
	fi
	pass=$kp fail=$kf skip=$ks
fi

# Kernel complaints in the UML run fail it even when every case passed.
bad=0
if [ -f "$BUILD_UML/test.log" ] && scan_kernel_log "$BUILD_UML/test.log" >"$LOGDIR/kunit-uml.bad"; then
	bad=1
	echo "kernel problems in the UML run ($BUILD_UML/test.log):" >&2
	head -n 20 "$LOGDIR/kunit-uml.bad" >&2
fi

[ "$fail" -gt 0 ] && grep -a -E 'not ok|FAILED|CRASHED|# .*:[0-9]+' "$log" | head -n 40 >&2 || true
fail=$(( fail + bad ))
echo "kunit-uml $pass $fail $skip" >"$res"
note "$(printf '%-28s %4d passed %3d failed %3d skipped  (%s)' "KUnit on UML" "$pass" "$fail" "$skip" "$(elapsed "$t0")")"
if [ "$fail" -gt 0 ] || [ "$rc" -ne 0 ]; then
	echo "error: KUnit on UML failed (IMPL=$IMPL); full log: $log" >&2
	exit 1
fi
