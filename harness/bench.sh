#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: every operation of this core side by side with the tree's
# original, in one run, as ratios.
#
# Both cores are built with one non-debug configuration (vm.config, then
# configs/vm-bench.config: no KASAN, lockdep, kmemleak, UBSAN, fault
# injection or DMABUF_DEBUG) and booted in the same VM, in turn,
# BENCH_PASSES times (default 5; the order alternates from pass to pass,
# since the host's load drifts over minutes).  Each boot runs the
# in-kernel benchmark module (bench/dma-buf-bench.c) and the userspace one
# (tests/userspace/bench-dmabuf.c), which print one median per operation.
#
# The table gives, per operation, the median over the passes of each
# core's medians, their ratio (ours / original: below 1 is faster) and
# the spread: the larger of the two cores' (max - min) / median over the
# passes, the ratio against the floor and the ratio of instruction counts
# (see bench-table.sh).  Results go to $BENCH_OUT (default <cache>/bench/):
# results.csv, raw.txt (every pass) and bench.png (ratios with their
# spread, and the growth curves) when gnuplot is installed.
#
# BENCH_AA=1 is the control: both slots boot the original core (results in
# <cache>/bench-aa/), so every ratio it prints is noise: boot to boot, pass
# to pass, on this host.  A later make bench reads that run and marks each
# row above 1.05 with the control's noise for the same operation.
#
# After the timed passes one more boot of each core runs under qemu
# -icount shift=0 (BENCH_ICOUNT=0 skips it), where the guest clock advances
# one nanosecond per guest instruction: its "times" are instruction counts
# per operation, the same in every run, that no host load or TCG code
# layout moves.  The table gives their ratio as "insns".  They run on one
# vCPU at BENCH_ICOUNT_SCALE percent (default 20) of the iterations.
#
# Timings come from TCG on a shared host: slow in absolute terms, so only
# the ratios of one run mean anything.  BENCH_SCALE (percent of the
# default iterations, 100) and BENCH_ROUNDS (per boot, 5) trade time for
# precision.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

passes=${BENCH_PASSES:-5}
scale=${BENCH_SCALE:-100}
rounds=${BENCH_ROUNDS:-5}
aa=${BENCH_AA:-0}
icount=${BENCH_ICOUNT:-1}
icount_scale=${BENCH_ICOUNT_SCALE:-20}
export VM_FLAVOUR=bench
# The core booted for a slot: in the control both are the original.
core_of() { if [ "$aa" = 1 ]; then echo upstream; else echo "$1"; fi; }

t_start=$(date +%s)
impls="upstream ours"
[ "$aa" = 1 ] && impls=upstream
for impl in $impls; do
	IMPL=$impl "$here/tree.sh"
	IMPL=$impl "$here/vm-kernel.sh"
	IMPL=$impl "$here/initramfs.sh"
done

. "$here/lib.sh"
harness_setup
if [ "$aa" = 1 ]; then out=${BENCH_OUT:-$CACHE/bench-aa}; else out=${BENCH_OUT:-$CACHE/bench}; fi
mkdir -p "$out"
raw=$out/raw.txt
: >"$raw"

# One boot: IMPL and pass; appends "impl pass case median min max unit rel",
# rel being the case's median ratio to its floor ("-" where there is none).
# With a third argument, icount, the boot counts instructions instead
# (VM_ICOUNT=1 in vm-run.sh) and its lines are "IMPL-icount 0 ...".
boot() {
	local impl=$1 pass=$2 mode=${3:-} core vmdir n t0 label=$1 what
	core=$(core_of "$impl")
	t0=$(date +%s)
	if [ "$mode" = icount ]; then
		label=$impl-icount pass=0 what="instruction count, $impl slot"
		IMPL=$core VM_ICOUNT=1 VM_APPEND="dmabuf.bench=$icount_scale,3" \
			"$here/vm-run.sh" bench >/dev/null || true
	else
		what="pass $pass/$passes: $impl slot"
		IMPL=$core VM_APPEND="dmabuf.bench=$scale,$rounds" \
			"$here/vm-run.sh" bench >/dev/null || true
	fi
	vmdir=$(IMPL=$core bash -c ". '$here/lib.sh'; echo \$VMDIR")
	n=$(tr -d '\r' <"$vmdir/bench/results.log" | awk -v impl="$label" -v pass="$pass" '
		/^# BENCH / {
			for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			rel = ("rel_permille" in v) ? v["rel_permille"] / 1000 : "-"
			print impl, pass, $3, v["median"], v["min"], v["max"], v["unit"], rel
			delete v
			n++
		}
		END { print n + 0 > "/dev/stderr" }' 2>&1 >>"$raw")
	if [ "$n" -lt 25 ]; then
		echo "error: the boot of $what gave $n results (at least 25 expected); see $vmdir/bench/" >&2
		tr -d '\r' <"$vmdir/bench/results.log" | grep -E '^not ok|^# .*(error|fail)' | head -n 10 >&2 || true
		exit 1
	fi
	note "$what ($core core), $n operations in $(( $(date +%s) - t0 ))s"
}

if [ "$aa" = 1 ]; then
	stage "benchmark control (A/A): $passes passes of the original core in both slots, scale ${scale}%, $rounds rounds per boot (results: $out/)"
else
	stage "benchmark: $passes passes of both cores, scale ${scale}%, $rounds rounds per boot (results: $out/)"
fi
for pass in $(seq "$passes"); do
	if [ $((pass % 2)) = 1 ]; then
		boot ours "$pass"; boot upstream "$pass"
	else
		boot upstream "$pass"; boot ours "$pass"
	fi
done
if [ "$icount" = 1 ]; then
	stage "instruction counts: one boot of each core under qemu -icount, scale ${icount_scale}%"
	boot ours 0 icount; boot upstream 0 icount
fi

control=""
if [ "$aa" = 1 ]; then
	note "control run: both columns are the original core; every ratio is noise"
elif [ -s "$CACHE/bench-aa/raw.txt" ]; then
	control=$CACHE/bench-aa/raw.txt
	note "noise from the control run $control ($(date -r "$control" '+%F %R'))"
else
	note "no control run yet (BENCH_AA=1 make bench): rows above 1.05 are not compared with noise"
fi
"$here/bench-table.sh" "$raw" "$out" $control

if command -v gnuplot >/dev/null; then
	"$here/bench-plot.sh" "$out" && note "plot: $out/bench.png"
else
	note "gnuplot not installed (make deps installs gnuplot-nox): no plot"
fi
note "results: $out/results.csv, every pass: $raw, $(( $(date +%s) - t_start ))s in all"
