#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build three of the kernel's own selftest groups from the tree under test
# (never copied into this project) with their own Makefiles, as static
# programs against the uapi headers that tree exports, and stage them at
# /tests/selftests/ in the VM:
#   dmabuf-heap  tools/testing/selftests/dmabuf-heaps/
#   udmabuf      tools/testing/selftests/drivers/dma-buf/
#   sync_test    tools/testing/selftests/sync/
# They are run by tests/vm/suites.d/2[0-2]-selftests-*.sh.
. "$(dirname "$0")/clients-lib.inc"
clients_setup

ST=$KSRC/tools/testing/selftests
OUT=$CLIENTS_OUT/selftests
mkdir -p "$OUT" "$STAGE/tests/selftests"

mapfile -t hdrs < <(uapi_deps)
[ -f "$UAPI_INC/linux/dma-heap.h" ] || { echo "error: $UAPI_INC has no exported uapi headers" >&2; exit 1; }

# selftest_make DIR PROG: DIR's Makefile (and lib.mk) builds PROG in
# $OUT/DIR, linked statically, with KHDR_INCLUDES pointing at the exported
# headers.  make follows the sources; a change of the exported headers
# (another core's uapi) starts DIR over.
selftest_make() {
	local dir=$1 prog=$2 sum
	sum=$(inputs_sum "${hdrs[@]}")
	if [ "$(cat "$OUT/$dir.sum" 2>/dev/null)" != "$sum" ]; then
		rm -rf "${OUT:?}/$dir"
	fi
	mkdir -p "$OUT/$dir"
	run make -C "$ST/$dir" OUTPUT="$OUT/$dir" CC="gcc -static" \
		KHDR_INCLUDES="-isystem $UAPI_INC" "$OUT/$dir/$prog"
	echo "$sum" >"$OUT/$dir.sum"
	install -m 755 "$OUT/$dir/$prog" "$STAGE/tests/selftests/"
}

selftest_make dmabuf-heaps dmabuf-heap
selftest_make drivers/dma-buf udmabuf
selftest_make sync sync_test

echo "staged selftests: $(ls "$STAGE/tests/selftests" | tr '\n' ' ')"
