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
	local s=$(date +%s) rc=0
	"$@" || rc=$?
	echo "$(basename "$1" .sh) $(( $(date +%s) - s ))" >>"$R/times"
	return $rc
}

step "$H/kunit-uml.sh" || true
[ -f "$R/kunit-uml" ] || echo "kunit-uml 0 1 0" >"$R/kunit-uml"

if step "$H/vm-kernel.sh"; then
	step "$H/vm-test.sh" || true
	[ -s "$R/vm" ] || echo "vm 0 1 0" >"$R/vm"
else
	echo "vm-kernel 0 1 0" >"$R/vm"
fi

# Gates: harness/gates.d/*.sh (for IMPL=ours: they judge the project's own
# code).  Each exits non-zero on failure; its last "N passed, N failed" line,
# if any, gives its counts.
if [ "$IMPL" = ours ]; then
	for g in "$H"/gates.d/*.sh; do
		[ -f "$g" ] || continue
		name=$(basename "$g" .sh); name=${name#[0-9][0-9]-}
		glog=$LOGDIR/gate-$name.log
		stage "gate $name (log: $glog)"
		rc=0
		(cd "$PROJ" && export PROJ KSRC WORK CACHE IMPL LOGDIR BUILD_X86 BUILD_UML KCC &&
			bash "$g") >"$glog" 2>&1 || rc=$?
		counts=$(grep -a -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed' "$glog" | tail -n1 |
			sed -E 's/^[A-Za-z0-9_-]+: //; s/ passed, / /; s/ failed(, ([0-9]+) skipped)?.*/ \2/' || true)
		read -r p f s <<<"${counts:-}"
		p=${p:-0} f=${f:-0} s=${s:-0}
		if [ -z "$counts" ]; then
			if [ $rc = 0 ]; then p=1; else f=1; fi
		fi
		[ $rc != 0 ] && [ "$f" = 0 ] && f=1
		note "$(printf '%-28s %4d passed %3d failed' "$name" "$p" "$f")"
		if [ "$f" -gt 0 ]; then
			grep -a -v '^\s*$' "$glog" | tail -n 15 | sed 's/^/      /' >&2 || true
			echo "      full log: $glog" >&2
		fi
		echo "gate/$name $p $f $s" >>"$R/gates"
	done
fi

# The hardening suites' figures (reports, leaks, faults, fuzzing, model);
# they only inform, the counts above decide.
if [ "$IMPL" = ours ]; then
	stage "figures of this run"
	"$H/figures.sh" || true
fi

stage "check IMPL=$IMPL${KDIR:+ KDIR=$KDIR} finished in $(elapsed "$t0") (logs: $LOGDIR)"
sum_results "$R/kunit-uml" "$R/vm" "$R/gates"
