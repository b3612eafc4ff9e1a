#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Model-check model/dma-buf.pml with spin: every property of the correct
# model exhaustively, one pan run each, and every deliberately broken
# variant (-DBUG_...), each of which must make its property fail.
# See model/README.md.
#
#   model/check.sh [PATTERN...]     all checks, or those whose name matches
#                                   one of the shell patterns
#
# JOBS (default 2) runs go at a time.  pan is built in a temporary
# directory (mktemp -d), removed at the end.  One line per check, with the
# "states, stored" count of its run; the last line is "spin-model: N
# passed, N failed".  Exit status 1 if any check failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
model=$here/dma-buf.pml
JOBS=${JOBS:-2}
# A run that takes longer than this fails (the whole set takes ~40 s).
TIMEOUT=${SPIN_TIMEOUT:-100}

for t in spin gcc; do
	command -v $t >/dev/null || { echo "error: $t is missing (apt-get install spin gcc)"; echo "spin-model: 0 passed, 1 failed"; exit 1; }
done

# name | expected | spin -D flags | gcc flags | pan flags
# expected: pass (no error, complete search); or the kind of error a broken
# variant must produce: assert, endstate (deadlock), accept (LTL); or
#   run   the run of the correct model with every assertion on and invalid
#         end states checked: not a check of its own, the vehicle of the
#         "lazy" ones;
#   lazy  one safety property alone; when the all-assertions run found no
#         error the property holds (that run checked it), otherwise it runs
#         on its own, so that a failure names its property.
SAFE="-O1 -DSAFETY"
BUG="-O0 -DSAFETY"
CHECKS=(
	# The correct model.  Slowest first.
	"termination|pass|-DPROP=9|-O1 -DNP|-l"
	"eventually-freed|pass|-DPROP=9 -DLTL|-O1|-a"
	"all-safety|run|-DPROP=0|$SAFE|"
	"use-after-free|lazy|-DPROP=1|$SAFE|-E"
	"release-once|lazy|-DPROP=2|$SAFE|-E"
	"free-once|lazy|-DPROP=3|$SAFE|-E"
	"no-warn|lazy|-DPROP=4|$SAFE|-E"
	"one-callback|lazy|-DPROP=5|$SAFE|-E"
	"no-deadlock|lazy|-DPROP=9|$SAFE|"
	# The broken variants, each with the property it must violate.
	"BUG_POLL_NO_FILE_REF/no-warn|assert|-DPROP=4 -DBUG_POLL_NO_FILE_REF|$BUG|-E"
	"BUG_POLL_NO_FILE_REF/eventually-freed|accept|-DPROP=9 -DLTL -DBUG_POLL_NO_FILE_REF|-O0|-a"
	"BUG_EPOLL_NO_FGET/use-after-free|assert|-DPROP=1 -DBUG_EPOLL_NO_FGET|$BUG|-E"
	"BUG_SYSFS_NO_DRAIN/use-after-free|assert|-DPROP=1 -DBUG_SYSFS_NO_DRAIN|$BUG|-E"
	"BUG_SYSFS_ASYNC/use-after-free|assert|-DPROP=1 -DBUG_SYSFS_ASYNC|$BUG|-E"
	"BUG_LIST_UNLOCKED/use-after-free|assert|-DPROP=1 -DBUG_LIST_UNLOCKED|$BUG|-E"
	"BUG_RELEASE_IN_FOPS/use-after-free|assert|-DPROP=1 -DBUG_RELEASE_IN_FOPS|$BUG|-E"
	"BUG_EXTRA_PUT/use-after-free|assert|-DPROP=1 -DBUG_EXTRA_PUT|$BUG|-E"
	"BUG_EXPORT_EARLY_FSDATA/release-once|assert|-DPROP=2 -DBUG_EXPORT_EARLY_FSDATA|$BUG|-E"
	"BUG_EXPORT_EARLY_FSDATA/free-once|assert|-DPROP=3 -DBUG_EXPORT_EARLY_FSDATA|$BUG|-E"
	"BUG_POLL_REARM/one-callback|assert|-DPROP=5 -DBUG_POLL_REARM|$BUG|-E"
	"BUG_SYNC_FPUT_IN_CB/no-deadlock|endstate|-DPROP=9 -DBUG_SYNC_FPUT_IN_CB|$BUG|"
)
field() { local f; IFS='|' read -r -a f <<<"${CHECKS[$1]}"; echo "${f[$2]}"; }

# With no PATTERN: everything, the lazy checks through all-safety.  With
# patterns: the matching checks, each on its own.
selected=() combined="" lazy=()
for i in "${!CHECKS[@]}"; do
	name=$(field "$i" 0) expect=$(field "$i" 1)
	if [ $# -eq 0 ]; then
		case "$expect" in
		run) combined=$i; selected+=("$i") ;;
		lazy) lazy+=("$i") ;;
		*) selected+=("$i") ;;
		esac
		continue
	fi
	[ "$expect" = run ] && continue
	for pat in "$@"; do
		# shellcheck disable=SC2053
		[[ $name == $pat ]] && { selected+=("$i"); break; }
	done
done
if [ ${#selected[@]} -eq 0 ]; then
	echo "error: no check matches: $*"
	echo "spin-model: 0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmabuf-spin.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# What a pan run found: "none", "assert", "endstate", "accept", "np",
# or "incomplete" (search cut short: depth, memory, time).
verdict() {
	local log=$1 rc=$2
	if [ "$rc" = 124 ]; then echo incomplete; return; fi
	if grep -q 'errors: [1-9]' "$log"; then
		local first
		first=$(grep -m1 '^pan:1:' "$log" || true)
		case "$first" in
		*"assertion violated"*) echo assert ;;
		*"invalid end state"*) echo endstate ;;
		*"acceptance cycle"*) echo accept ;;
		*"non-progress cycle"*) echo np ;;
		*) echo other ;;
		esac
		return
	fi
	if ! grep -q 'errors: 0' "$log" || grep -q -E 'max search depth too small|out of memory|aborting' "$log"; then
		echo incomplete
		return
	fi
	echo none
}

# run_one INDEX: build and run one check; writes $tmp/INDEX.res
run_one() {
	local i=$1 name expect sflags cflags pflags d rc t0 t1 t found states msg ok
	IFS='|' read -r name expect sflags cflags pflags <<<"${CHECKS[$i]}"
	d=$tmp/$i
	mkdir -p "$d"
	cp "$model" "$d/dma-buf.pml"
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	if ! (cd "$d" && spin $sflags -a dma-buf.pml >spin.log 2>&1); then
		{ echo "FAIL"; echo "FAIL $name: spin -a failed:"; sed 's/^/      /' "$d/spin.log" | tail -n 20; } >"$tmp/$i.res"
		return
	fi
	# shellcheck disable=SC2086
	if ! (cd "$d" && gcc $cflags -w -o pan pan.c >gcc.log 2>&1); then
		{ echo "FAIL"; echo "FAIL $name: gcc failed:"; sed 's/^/      /' "$d/gcc.log" | tail -n 20; } >"$tmp/$i.res"
		return
	fi
	rc=0
	# shellcheck disable=SC2086
	(cd "$d" && timeout "$TIMEOUT" ./pan -m100000 $pflags >pan.log 2>&1) || rc=$?
	t1=$(date +%s%N)
	found=$(verdict "$d/pan.log" "$rc")
	states=$(grep -m1 'states, stored' "$d/pan.log" | sed -E 's/^ +//' || true)
	[ -n "$states" ] || states="no states count"
	t=$(( (t1 - t0) / 100000000 ))
	t="$(( t / 10 )).$(( t % 10 ))s"
	if [ "$expect" = pass ] || [ "$expect" = lazy ] || [ "$expect" = run ]; then
		if [ "$found" = none ]; then
			ok=ok msg="holds: $states, $t"
		else
			ok=FAIL msg="violated ($found): $(grep -m1 -E '^pan:1:|max search depth|out of memory' "$d/pan.log" || echo "exit status $rc"); $states, $t"
		fi
	else
		if [ "$found" = "$expect" ]; then
			ok=ok msg="caught: $(grep -m1 '^pan:1:' "$d/pan.log" | sed 's/^pan:1: //'); $states, $t"
		else
			ok=FAIL msg="expected an error ($expect), found $found: $states, $t"
		fi
	fi
	{
		echo "$ok"
		if [ "$expect" = run ]; then
			printf '%-4s %-42s %s\n' "run" "$name" "${msg/holds:/no error:}"
		else
			printf '%-4s %-42s %s\n' "$ok" "$name" "$msg"
		fi
		if [ "$ok" = FAIL ] && [ -f "$d/dma-buf.pml.trail" ]; then
			echo "      the error trail (spin $sflags -t -p dma-buf.pml):"
			# shellcheck disable=SC2086
			(cd "$d" && spin $sflags -t -p dma-buf.pml 2>&1) | grep -v -E '^\s*$' | head -n 200 | sed 's/^/      /'
		fi
	} >"$tmp/$i.res"
}

# run_all INDEX...: JOBS at a time
run_all() {
	local i
	for i in "$@"; do
		run_one "$i" &
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
			wait -n || true
		done
	done
	wait
}

echo "$(spin -V 2>&1 | head -n1); model: ${model#"$PWD"/}; $JOBS runs at a time"
t_all=$(date +%s)
run_all "${selected[@]}"
if [ -n "$combined" ]; then
	if [ "$(head -n1 "$tmp/$combined.res" 2>/dev/null)" = ok ]; then
		for i in "${lazy[@]}"; do
			{ echo ok; printf '%-4s %-42s %s\n' ok "$(field "$i" 0)" "holds (checked by the all-safety run)"; } >"$tmp/$i.res"
		done
	else
		echo "the all-safety run failed: each safety property on its own"
		run_all "${lazy[@]}"
	fi
fi

passed=0 failed=0
for i in "${!CHECKS[@]}"; do
	[ -f "$tmp/$i.res" ] || continue
	tail -n +2 "$tmp/$i.res"
	[ "$(field "$i" 1)" = run ] && continue
	if [ "$(head -n1 "$tmp/$i.res")" = ok ]; then
		passed=$(( passed + 1 ))
	else
		failed=$(( failed + 1 ))
	fi
done
for i in "${selected[@]}" "${lazy[@]}"; do
	if [ ! -f "$tmp/$i.res" ]; then
		echo "FAIL $(field "$i" 0): no result"
		failed=$(( failed + 1 ))
	fi
done
echo "spin: $(( $(date +%s) - t_all ))s"
echo
echo "spin-model: $failed finding(s)"
echo "spin-model: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
