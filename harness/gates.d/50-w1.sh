#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: `make W=1` (gcc) of our C files, with the x86_64 test kernel's
# .config, in its own build directory $WORK/build-w1 (W=1 objects must not
# mix with the test kernel's).  Our objects are removed first so every one
# is compiled and its warnings shown; ccache replays unchanged ones in no
# time.  W=1 also runs kernel-doc over each compiled file.
# (All in a function: bash reads a script as it runs it, so editing a
# running gate would otherwise derail it.)
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
require_fresh_tree

B=$WORK/build-w1
mapfile -t objs < <(our_objects)
log=$GSTATE/w1.log
build() {
	gate_build_dir "$B" W=1 CC="$KCC" HOSTCC="$KCC" || return 1
	(cd "$B" && rm -f "${objs[@]}")
	make -C "$KSRC" O="$B" ARCH=x86_64 CC="$KCC" HOSTCC="$KCC" -j"$JOBS" W=1 "${objs[@]}"
}
t0=$(date +%s)
rc=0
locked build >"$log" 2>&1 || rc=$?
echo "W=1 build of ${#objs[@]} objects: $(since "$t0") (log: $log)"
count_diags "$log"
if [ $rc != 0 ]; then
	tail -n 20 "$log"
	echo "error: the build failed (exit status $rc)"
	DIAG_COUNT=$(( DIAG_COUNT + 1 ))
fi
gate_result w1 $(( ${#objs[@]} - DIAG_FILES )) "$DIAG_COUNT"
}
main "$@"
exit $?
