#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: an LLVM=1 build (clang 14, with W=1 as well) of our C files, with the
# x86_64 test kernel's .config (olddefconfig adapts the compiler-dependent
# options), in its own build directory $WORK/build-clang.  clang, lld and
# llvm are installed from Debian when missing.  Objects are removed first so
# every file is compiled (ccache replays unchanged ones).
# (All in a function: bash reads a script as it runs it, so editing a
# running gate would otherwise derail it.)
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
require_fresh_tree
for t in clang ld.lld llvm-ar llvm-nm llvm-objcopy; do
	command -v $t >/dev/null || { apt_install clang lld llvm; break; }
done

B=$WORK/build-clang
cc=clang
[ "$KCC" != gcc ] && command -v ccache >/dev/null && cc="ccache clang"
mapfile -t objs < <(our_objects)
log=$GSTATE/clang.log
build() {
	clang --version | head -n1
	gate_build_dir "$B" LLVM=1 W=1 CC="$cc" HOSTCC="$cc" || return 1
	(cd "$B" && rm -f "${objs[@]}")
	make -C "$KSRC" O="$B" ARCH=x86_64 LLVM=1 CC="$cc" HOSTCC="$cc" -j"$JOBS" W=1 "${objs[@]}"
}
t0=$(date +%s)
rc=0
locked build >"$log" 2>&1 || rc=$?
echo "LLVM=1 W=1 build of ${#objs[@]} objects: $(since "$t0"), $(head -n1 "$log") (log: $log)"
count_diags "$log"
if [ $rc != 0 ]; then
	tail -n 20 "$log"
	echo "error: the build failed (exit status $rc)"
	DIAG_COUNT=$(( DIAG_COUNT + 1 ))
fi
gate_result clang $(( ${#objs[@]} - DIAG_FILES )) "$DIAG_COUNT"
}
main "$@"
exit $?
