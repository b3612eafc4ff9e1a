#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The in-kernel benchmark module (bench/dma-buf-bench.c), run with a few
# calls per case: not a measurement, a check that it builds, loads, runs
# every case without an error and unloads (make bench does the measuring).
ko=/tests/modules/dma-buf-bench.ko
echo "KTAP version 1"
echo "1..1"
if [ ! -f $ko ]; then
	echo "not ok 1 bench_module_runs # $ko missing"
	exit 1
fi
if ! insmod $ko iters=3 rounds=1; then
	echo "not ok 1 bench_module_runs # insmod failed"
	exit 1
fi
rmmod dma_buf_bench
dmesg | grep 'dma_buf_bench: ' | sed 's/^[^]]*] */# /'
done=$(dmesg | grep 'dma_buf_bench: done' | tail -n 1)
case "$done" in
*" errors=0 "*) echo "ok 1 bench_module_runs" ;;
*) echo "not ok 1 bench_module_runs # ${done:-no summary line}"; exit 1 ;;
esac
