#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: every operation of this core side by side with the tree's
# original, in one run, as ratios.
#
# Both cores are built with one non-debug configuration (vm.config, then
# configs/vm-bench.config: no KASAN, lockdep, kmemleak, UBSAN, fault
# injection or DMABUF_DEBUG) and booted in the same VM, in turn,
# BENCH_PASSES times (default 3; the order alternates from pass to pass,
# since the host's load drifts over minutes).  Each boot runs the
# in-kernel benchmark module (bench/dma-buf-bench.c) and the userspace one
# (tests/userspace/bench-dmabuf.c), which print one median per operation.
#
# The table gives, per operation, the median over the passes of each
# core's medians, their ratio (ours / original: below 1 is faster) and
# the spread: the larger of the two cores' (max - min) / median over the
# passes.  Results go to $BENCH_OUT (default <cache>/bench/): results.csv,
# raw.txt (every pass) and bench.png (ratios with their spread, and the
# growth curves) when gnuplot is installed.
#
# Timings come from TCG on a shared host: slow in absolute terms, so only
# the ratios of one run mean anything.  BENCH_SCALE (percent of the
# default iterations, 100) and BENCH_ROUNDS (per boot, 5) trade time for
# precision.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

passes=${BENCH_PASSES:-3}
scale=${BENCH_SCALE:-100}
rounds=${BENCH_ROUNDS:-5}
export VM_FLAVOUR=bench

t_start=$(date +%s)
for impl in upstream ours; do
	IMPL=$impl "$here/tree.sh"
	IMPL=$impl "$here/vm-kernel.sh"
	IMPL=$impl "$here/initramfs.sh"
done

. "$here/lib.sh"
out=${BENCH_OUT:-$CACHE/bench}
mkdir -p "$out"
raw=$out/raw.txt
: >"$raw"

# One boot: IMPL and pass; appends "impl pass case median min max unit".
boot() {
	local impl=$1 pass=$2 vmdir n t0
	t0=$(date +%s)
	IMPL=$impl VM_APPEND="dmabuf.bench=$scale,$rounds" \
		"$here/vm-run.sh" bench >/dev/null || true
	vmdir=$(IMPL=$impl bash -c ". '$here/lib.sh'; echo \$VMDIR")
	n=$(tr -d '\r' <"$vmdir/bench/results.log" | awk -v impl="$impl" -v pass="$pass" '
		/^# BENCH / {
			for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			print impl, pass, $3, v["median"], v["min"], v["max"], v["unit"]
			n++
		}
		END { print n + 0 > "/dev/stderr" }' 2>&1 >>"$raw")
	if [ "$n" -lt 25 ]; then
		echo "error: the $impl boot of pass $pass gave $n results (at least 25 expected); see $vmdir/bench/" >&2
		tr -d '\r' <"$vmdir/bench/results.log" | grep -E '^not ok|^# .*(error|fail)' | head -n 10 >&2 || true
		exit 1
	fi
	note "pass $pass/$passes: $impl, $n operations in $(( $(date +%s) - t0 ))s"
}

stage "benchmark: $passes passes of both cores, scale ${scale}%, $rounds rounds per boot (results: $out/)"
for pass in $(seq "$passes"); do
	if [ $((pass % 2)) = 1 ]; then
		boot ours "$pass"; boot upstream "$pass"
	else
		boot upstream "$pass"; boot ours "$pass"
	fi
done

"$here/bench-table.sh" "$raw" "$out"

if command -v gnuplot >/dev/null; then
	"$here/bench-plot.sh" "$out" && note "plot: $out/bench.png"
else
	note "gnuplot not installed (make deps installs gnuplot-nox): no plot"
fi
note "results: $out/results.csv, every pass: $raw, $(( $(date +%s) - t_start ))s in all"
