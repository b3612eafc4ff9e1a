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

# The table and the CSV.  Operations keep the order the programs print.
awk -v csv="$out/results.csv" '
	function median(s,    a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function spread(s,    a, n, i, lo, hi, m) {
		n = split(s, a, " "); lo = hi = a[1] + 0
		for (i = 2; i <= n; i++) {
			if (a[i] + 0 < lo) lo = a[i] + 0
			if (a[i] + 0 > hi) hi = a[i] + 0
		}
		m = median(s)
		return m > 0 ? (hi - lo) / m : 0
	}
	{
		if (!(($3) in seen)) { seen[$3] = 1; order[++nops] = $3 }
		vals[$1, $3] = vals[$1, $3] " " $4
		unit[$3] = $7
	}
	END {
		printf "%-28s %12s %12s %7s %8s\n", "operation", "ours", "original", "ratio", "spread"
		print "operation,unit,ours_median,original_median,ratio,spread" > csv
		for (i = 1; i <= nops; i++) {
			op = order[i]
			if (!((("ours", op)) in vals) || !((("upstream", op)) in vals))
				continue
			o = median(vals["ours", op]); u = median(vals["upstream", op])
			sp = spread(vals["ours", op]); su = spread(vals["upstream", op])
			s = sp > su ? sp : su
			r = u > 0 ? o / u : 0
			flag = r > 1.05 && r > 1 + s ? "  <-- above 1.05" : ""
			printf "%-28s %10d%-2s %10d%-2s %7.3f %7.1f%%%s\n", op, o,
				unit[op] == "bytes" ? " B" : "ns", u,
				unit[op] == "bytes" ? " B" : "ns", r, 100 * s, flag
			printf "%s,%s,%d,%d,%.4f,%.4f\n", op, unit[op], o, u, r, s > csv
		}
	}' "$raw" | tee "$out/table.txt"

if command -v gnuplot >/dev/null; then
	"$here/bench-plot.sh" "$out" && note "plot: $out/bench.png"
else
	note "gnuplot not installed (make deps installs gnuplot-nox): no plot"
fi
note "results: $out/results.csv, every pass: $raw, $(( $(date +%s) - t_start ))s in all"
