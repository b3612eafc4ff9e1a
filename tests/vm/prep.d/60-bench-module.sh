#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build bench/dma-buf-bench.ko out of tree against the kernel being staged
# and put it at /tests/modules/ in the VM: make bench loads it, and in the
# test VM suites.d/60-bench-module.sh runs it briefly, so that every make
# check builds it on both cores.
set -euo pipefail
: "${KSRC:?}" "${B:?}" "${STAGE:?}" "${WORK:?}" "${PROJ:?}"

# kbuild writes next to the sources: a copy outside the clone, one per
# kernel build directory, refreshed only where a file changed.
out=$WORK/bench-module-$(basename "$B")
mkdir -p "$out"
for f in "$PROJ"/bench/*; do
	cmp -s "$f" "$out/$(basename "$f")" || cp "$f" "$out/"
done
cc="gcc"
command -v ccache >/dev/null && cc="ccache gcc"
make -C "$KSRC" O="$B" M="$out" CC="$cc" W=1 KCFLAGS=-Werror modules
mkdir -p "$STAGE/tests/modules"
cp "$out/dma-buf-bench.ko" "$STAGE/tests/modules/"
echo "staged dma-buf-bench.ko"
