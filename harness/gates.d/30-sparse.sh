#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: sparse over our C files, in the x86_64 test kernel's build
# directory (BUILD_X86, made by `make vm-kernel`):
#     make C=2 CHECK=sparse drivers/dma-buf/dma-buf.o ... drivers/dma-buf/kunit/*.o
# C=2 runs sparse on the named objects whether or not they need compiling;
# naming only our objects keeps the tree's own fence/reservation/heap code
# out of it (drivers/dma-buf/ as a whole takes twice as long).  Same CC and
# HOSTCC as the harness, so nothing else in BUILD_X86 is rebuilt.
# Only warnings located in our files count (those in other kernel headers
# are shown as "not counted").
# (All in a function: bash reads a script as it runs it, so editing a
# running gate would otherwise derail it.)
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
require_fresh_tree
command -v sparse >/dev/null || apt_install sparse

if [ ! -f "$BUILD_X86/.config" ]; then
	echo "error: $BUILD_X86/.config is missing: build the test kernel first ('make vm-kernel')"
	gate_result sparse 0 1
	exit 1
fi
mapfile -t objs < <(our_objects)
log=$GSTATE/sparse.log
t0=$(date +%s)
rc=0
locked make -C "$KSRC" O="$BUILD_X86" ARCH=x86_64 CC="$KCC" HOSTCC="$KCC" -j"$JOBS" \
	C=2 CHECK=sparse "${objs[@]}" >"$log" 2>&1 || rc=$?
echo "sparse over ${#objs[@]} objects: $(since "$t0") (log: $log)"
count_diags "$log"
if [ $rc != 0 ]; then
	tail -n 20 "$log"
	echo "error: the build failed (exit status $rc)"
	DIAG_COUNT=$(( DIAG_COUNT + 1 ))
fi
gate_result sparse $(( ${#objs[@]} - DIAG_FILES )) "$DIAG_COUNT"
}
main "$@"
exit $?
