#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dmabuf.mode=bench (harness/bench.sh): the in-kernel benchmark module,
# then the userspace one, each printing "# BENCH <case> median=..." lines
# (rel_permille=: the case's median ratio to the floor timed after each of
# its rounds).
# dmabuf.bench=SCALE,ROUNDS: percent of the default iterations, rounds.
scale=100
rounds=5
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	dmabuf.bench=*,*) v=${arg#*=}; scale=${v%%,*}; rounds=${v#*,} ;;
	esac
done
echo "# bench: kernel $(uname -r), scale ${scale}%, $rounds rounds, $(nproc) CPUs"
modprobe vgem 2>/dev/null
insmod /tests/modules/dma-buf-bench.ko iters=$((2000 * scale / 100)) rounds="$rounds" || exit 1
rmmod dma_buf_bench
dmesg | sed -n 's/.*dma_buf_bench: \([a-z0-9_]*\) median_ns=\([0-9]*\) min_ns=\([0-9]*\) max_ns=\([0-9]*\) floor_ns=\([0-9]*\) rel_permille=\([0-9]*\).*/# BENCH \1 median=\2 min=\3 max=\4 unit=ns floor=\5 rel_permille=\6/p'
dmesg | grep 'dma_buf_bench: done' | sed 's/^[^]]*] */# /'
BENCH_FULL=1 BENCH_SCALE=$scale BENCH_ROUNDS=$rounds /tests/bin/bench-dmabuf
