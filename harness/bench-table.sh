#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# bench-table.sh RAW DIR [CONTROL]: the table of harness/bench.sh from its
# raw results (lines "impl pass operation median min max unit"), printed
# and written to DIR/table.txt, with DIR/results.csv.  CONTROL is the raw
# file of an A/A run (BENCH_AA=1: the original core in both slots).
#
# Per operation: the median over the passes of each core's medians, the
# ratio ours / original, and the spread, the larger of the two cores'
# (max - min) / median over the passes.  A ratio above 1.05 that its
# spread does not cover is marked with its ratio in each pass (one slow
# pass, or all?) and, when the same run's syscall floor (floor_ioctl_vfs,
# an ioctl the VFS answers without any dma-buf code) was itself slower on
# our kernel, with that floor: the two kernels then differ by more than
# their dma-buf cores.  With CONTROL, such a row also gets the control's
# noise for the same operation: the largest |ratio - 1| of its passes, and
# of the ratio of its medians.  A ratio within 1 + that noise is one that
# two boots of the very same kernel produce too.
#
# Each such row ends with its explanation, or "UNEXPLAINED":
#   "A/A noise"  the ratio lies within the control's noise for it;
#   "floor"      the ratio is no higher than the run's syscall floor (an
#                eventfd ioctl, no dma-buf code), scaled by the row's A/A
#                noise: the kernels differed by that much outside the core;
#   "the floor itself", and for the 1 MiB exports, their 4 KiB export's
#                ratio: the core's share of a 1 MiB export is the same as
#                of a 4 KiB one, the rest is 255 more pages of the exporter.
set -euo pipefail
raw=$1 dir=$2 control=${3:-/dev/null}
mkdir -p "$dir"
awk -v csv="$dir/results.csv" -v ctl="$control" -v q="'" '
	FILENAME == ctl {
		if ($1 == "ours" || $1 == "upstream") aat[$1 SUBSEP $3 SUBSEP $2] = $4
		if ($2 > aapass) aapass = $2
		aaop[$3] = 1
		next
	}
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
		if (!($3 in seen)) { seen[$3] = 1; order[++nops] = $3 }
		vals[$1 SUBSEP $3] = vals[$1 SUBSEP $3] " " $4
		at[$1 SUBSEP $3 SUBSEP $2] = $4
		if ($2 > npass) npass = $2
		unit[$3] = $7
	}
	# noise(op): the largest deviation in the control run from 1 of a pass
	# ratio or of the ratio of medians; -1 without a control for op.
	function noise(op,    p, r, m, a, b, so, su) {
		if (!(op in aaop)) return -1
		m = 0; so = su = ""
		for (p = 1; p <= aapass; p++) {
			a = aat["ours" SUBSEP op SUBSEP p]; b = aat["upstream" SUBSEP op SUBSEP p]
			if (a == "" || b + 0 <= 0) continue
			r = a / b; if (r < 1) r = 1 / r
			if (r - 1 > m) m = r - 1
			so = so " " a; su = su " " b
		}
		if (so != "" && median(su) > 0) {
			r = median(so) / median(su); if (r < 1) r = 1 / r
			if (r - 1 > m) m = r - 1
		}
		return m
	}
	END {
		for (op in aaop) { if (noise(op) > 0) { naa++; aas = aas " " noise(op) } }
		fo = median(vals["ours" SUBSEP "floor_ioctl_vfs"])
		fu = median(vals["upstream" SUBSEP "floor_ioctl_vfs"])
		floor = fu > 0 ? fo / fu : 1
		printf "%-26s %14s %14s %7s %8s\n", "operation", "ours", "original", "ratio", "spread"
		print "operation,unit,ours_median,original_median,ratio,spread" > csv
		above = 0
		for (i = 1; i <= nops; i++) {
			op = order[i]
			if (!(("ours" SUBSEP op) in vals) || !(("upstream" SUBSEP op) in vals))
				continue
			o = median(vals["ours" SUBSEP op]); u = median(vals["upstream" SUBSEP op])
			sp = spread(vals["ours" SUBSEP op]); su = spread(vals["upstream" SUBSEP op])
			s = sp > su ? sp : su
			r = u > 0 ? o / u : 0
			mark = ""
			if (r > 1.05 && r > 1 + s) {
				above++
				mark = "  <-- above 1.05; per pass:"
				for (p = 1; p <= npass; p++)
					if (("upstream" SUBSEP op SUBSEP p) in at && at["upstream" SUBSEP op SUBSEP p] > 0)
						mark = sprintf("%s %.2f", mark,
							at["ours" SUBSEP op SUBSEP p] / at["upstream" SUBSEP op SUBSEP p])
				if (floor > 1.02)
					mark = sprintf("%s; syscall floor %.3f", mark, floor)
				n = noise(op)
				why = ""
				if (n >= 0) {
					mark = sprintf("%s; A/A noise %.0f%%", mark, 100 * n)
					if (r <= 1 + n) {
						why = "within the A/A noise"
						withinaa++
					}
				}
				small = op; sub(/_1m$/, "_4k", small)
				if (why == "" && op == "floor_ioctl_vfs")
					why = "the floor itself: no dma-buf code"
				else if (why == "" && small != op && (("ours" SUBSEP small) in vals)) {
					u4 = median(vals["upstream" SUBSEP small]); r4 = 0
					if (u4 > 0)
						r4 = median(vals["ours" SUBSEP small]) / u4
					if (r4 > 0 && r4 <= 1)
						why = sprintf("the core%ss share is %s%ss, ratio %.3f; the rest is the exporter%ss pages", q, small, q, r4, q)
				}
				if (why == "" && floor > 1 && r <= floor * (1 + (n > 0 ? n : 0)))
					why = sprintf("no higher than the syscall floor %.3f", floor)
				if (why != "")
					explained++
				mark = mark "; " (why != "" ? "explained: " why : "UNEXPLAINED")
			}
			u_ = unit[op] == "bytes" ? "B " : "ns"
			printf "%-26s %12d%s %12d%s %7.3f %7.1f%%%s\n", op, o, u_, u, u_, r, 100 * s, mark
			printf "%s,%s,%d,%d,%.4f,%.4f\n", op, unit[op], o, u, r, s > csv
		}
		printf "\n%d operations; %d above 1.05 beyond their spread; syscall floor ours/original %.3f\n",
			nops, above, floor
		if (naa)
			printf "A/A control: median noise %.1f%% over %d operations; %d of the %d rows above 1.05 are within their operation%ss A/A noise\n",
				100 * median(aas), naa, withinaa, above, q
		printf "%d of the %d rows above 1.05 explained, %d unexplained\n", explained, above, above - explained
	}' "$control" "$raw" | tee "$dir/table.txt"
