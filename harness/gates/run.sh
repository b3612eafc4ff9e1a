#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the quality gates on their own, as `make check` runs them at its end:
#
#   harness/gates/run.sh              every gate
#   harness/gates/run.sh sparse docs  only these (names without the NN-)
#
# Brings the tree up to date first (harness/tree.sh).  sparse, W=1 and clang
# need the x86_64 test kernel's build directory: `make vm-kernel` once.
# Each gate's output goes to <impl>/logs/gate-NAME.log; a summary with each
# gate's time follows.  Exit status non-zero if any gate failed.
. "$(dirname "$0")/../lib.sh"
harness_setup
[ "$IMPL" = ours ] || die "the gates judge the project's own code: IMPL=ours only"
# Hold this tree's lock, as make check does, so no other run rewrites the
# tree under the gates.
if declare -F work_lock >/dev/null; then work_lock; fi
"$PROJ/harness/tree.sh" >/dev/null

want=("$@")
failed=0 total_p=0 total_f=0 t_all=$(date +%s)
for g in "$PROJ"/harness/gates.d/*.sh; do
	[ -f "$g" ] || continue
	name=$(basename "$g" .sh); name=${name#[0-9][0-9]-}
	if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx -- "$name"; then
		continue
	fi
	glog=$LOGDIR/gate-$name.log
	t0=$(date +%s)
	rc=0
	(cd "$PROJ" && export PROJ KSRC WORK CACHE IMPL LOGDIR BUILD_X86 BUILD_UML KCC &&
		bash "$g") >"$glog" 2>&1 || rc=$?
	counts=$(grep -a -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed' "$glog" | tail -n1 |
		sed -E 's/^[A-Za-z0-9_-]+: //' || true)
	p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"${counts:-0 passed}")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${counts:-, 0 failed}")
	[ $rc != 0 ] && [ "$f" = 0 ] && f=1
	total_p=$(( total_p + p )) total_f=$(( total_f + f ))
	printf '%-12s %4d passed %4d failed  %5ss   %s\n' "$name" "$p" "$f" "$(( $(date +%s) - t0 ))" "$glog"
	if [ "$f" -gt 0 ]; then
		failed=1
		grep -a -v -E '^\s*$|passed, [0-9]+ failed|finding\(s\)$' "$glog" | head -n 15 | sed 's/^/      /'
	fi
done
echo "gates: $(( $(date +%s) - t_all ))s"
echo "$total_p passed, $total_f failed"
exit $failed
