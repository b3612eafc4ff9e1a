#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build three of the kernel's own selftest groups from the tree under test
# (never copied into this project) as static programs, against the uapi
# headers that tree exports, and stage them at /tests/selftests/ in the VM:
#   dmabuf-heap  tools/testing/selftests/dmabuf-heaps/dmabuf-heap.c
#   udmabuf      tools/testing/selftests/drivers/dma-buf/udmabuf.c
#   sync_test    tools/testing/selftests/sync/*.c
# The flags follow each directory's Makefile, plus -static.  They are run
# by tests/vm/suites.d/2[0-2]-selftests-*.sh.
. "$(dirname "$0")/clients-lib.inc"

ST=$KSRC/tools/testing/selftests
OUT=$CLIENTS_OUT/selftests
mkdir -p "$OUT" "$STAGE/tests/selftests"

mapfile -t hdrs < <(uapi_deps)
[ -f "$UAPI_INC/linux/dma-heap.h" ] || { echo "error: $UAPI_INC has no exported uapi headers" >&2; exit 1; }

# dmabuf-heaps/Makefile: -static -O3 -Wl,-no-as-needed -Wall $(KHDR_INCLUDES)
src=$ST/dmabuf-heaps/dmabuf-heap.c
sum=$(inputs_sum "$src" "${hdrs[@]}")
if ! up_to_date "$OUT/dmabuf-heap.sum" "$sum" "$OUT/dmabuf-heap"; then
	run gcc -static -O3 -Wl,-no-as-needed -Wall -I"$UAPI_INC" -o "$OUT/dmabuf-heap" "$src"
	echo "$sum" >"$OUT/dmabuf-heap.sum"
fi

# drivers/dma-buf/Makefile: $(KHDR_INCLUDES) (lib.mk adds nothing else)
src=$ST/drivers/dma-buf/udmabuf.c
sum=$(inputs_sum "$src" "${hdrs[@]}")
if ! up_to_date "$OUT/udmabuf.sum" "$sum" "$OUT/udmabuf"; then
	run gcc -static -Wall -I"$UAPI_INC" -o "$OUT/udmabuf" "$src"
	echo "$sum" >"$OUT/udmabuf.sum"
fi

# sync/Makefile: sync_test.o and sync.o with -O2 -g -std=gnu89 -pthread
# -Wall -Wextra $(KHDR_INCLUDES); the test files with plain $(CC) -c; linked
# with the same CFLAGS and -pthread.
cflags=(-O2 -g -std=gnu89 -pthread -Wall -Wextra -I"$UAPI_INC" -I"$ST")
objs=(sync_test sync)
tests=(sync_alloc sync_fence sync_merge sync_wait sync_stress_parallelism
       sync_stress_consumer sync_stress_merge)
srcs=()
for n in "${objs[@]}" "${tests[@]}"; do srcs+=("$ST/sync/$n.c"); done
sum=$(inputs_sum "${srcs[@]}" "$ST/sync/"*.h "$ST/kselftest.h" "${hdrs[@]}")
if ! up_to_date "$OUT/sync_test.sum" "$sum" "$OUT/sync_test"; then
	mkdir -p "$OUT/sync"
	o=()
	for n in "${objs[@]}"; do
		run gcc -c "$ST/sync/$n.c" -o "$OUT/sync/$n.o" "${cflags[@]}"
		o+=("$OUT/sync/$n.o")
	done
	for n in "${tests[@]}"; do
		run gcc -c "$ST/sync/$n.c" -o "$OUT/sync/$n.o"
		o+=("$OUT/sync/$n.o")
	done
	run gcc -static -o "$OUT/sync_test" "${o[@]}" "${cflags[@]}" -pthread
	echo "$sum" >"$OUT/sync_test.sum"
fi

install -m 755 "$OUT/dmabuf-heap" "$OUT/udmabuf" "$OUT/sync_test" "$STAGE/tests/selftests/"
echo "staged selftests: $(ls "$STAGE/tests/selftests" | tr '\n' ' ')"
