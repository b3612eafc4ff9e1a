#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The quality gates, on their own or as the last step of make check (the
# only loop over harness/gates.d/):
#
#   harness/gates/run.sh              every gate
#   harness/gates/run.sh sparse docs  only these (names without the NN-)
#
# Brings the tree up to date first (harness/tree.sh).  sparse, W=1 and clang
# need the x86_64 test kernel's build directory: `make vm-kernel` once.
# Each gate's output goes to <impl>/logs/gate-NAME.log; its last
# "[name: ]N passed, N failed[, N skipped]" line gives its counts (without
# one, the gate counts as 1 passed or 1 failed by its exit status).
# GATES_RESULTS=FILE appends "gate/NAME passed failed skipped" lines to
# FILE for make check's total; otherwise a total line closes the run.
# Exit status non-zero if any gate failed.
. "$(dirname "$0")/../lib.sh"
harness_setup
[ "$IMPL" = ours ] || die "the gates judge the project's own code: IMPL=ours only"
# Hold this tree's lock, as make check does, so no other run rewrites the
# tree under the gates.
work_lock
"$PROJ/harness/tree.sh" >/dev/null

# gate_counts LOG RC: "passed failed skipped" of a gate's log and status.
gate_counts() {
	local counts p f s
	counts=$(grep -a -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1 |
		sed -E 's/^[A-Za-z0-9_-]+: //; s/ passed, / /; s/ failed(, ([0-9]+) skipped)?.*/ \2/' || true)
	read -r p f s <<<"${counts:-}"
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ -z "$counts" ]; then
		if [ "$2" = 0 ]; then p=1; else f=1; fi
	fi
	[ "$2" != 0 ] && [ "$f" = 0 ] && f=1
	echo "$p $f $s"
}

want=("$@")
total_p=0 total_f=0 t_all=$(date +%s)
for g in "$PROJ"/harness/gates.d/*.sh; do
	[ -f "$g" ] || continue
	name=$(basename "$g" .sh); name=${name#[0-9][0-9]-}
	if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx -- "$name"; then
		continue
	fi
	glog=$LOGDIR/gate-$name.log
	stage "gate $name (log: $glog)"
	t0=$(date +%s)
	rc=0
	(cd "$PROJ" && export PROJ IMPL KDIR DMABUF_CACHE="$CACHE" && bash "$g") >"$glog" 2>&1 || rc=$?
	read -r p f s < <(gate_counts "$glog" "$rc")
	total_p=$(( total_p + p )) total_f=$(( total_f + f ))
	note "$(printf '%-28s %4d passed %3d failed  (%ds)' "$name" "$p" "$f" "$(( $(date +%s) - t0 ))")"
	if [ "$f" -gt 0 ]; then
		grep -a -v -E '^\s*$' "$glog" | tail -n 15 | sed 's/^/      /' >&2 || true
		echo "      full log: $glog" >&2
	fi
	[ -z "${GATES_RESULTS:-}" ] || echo "gate/$name $p $f $s" >>"$GATES_RESULTS"
done
note "gates: $(elapsed "$t_all")"
[ -n "${GATES_RESULTS:-}" ] || echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
