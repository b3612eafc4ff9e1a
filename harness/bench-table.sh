#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# bench-table.sh RAW DIR [CONTROL]: the table of harness/bench.sh from its
# raw results (lines "impl pass operation median min max unit rel"), printed
# and written to DIR/table.txt, with DIR/results.csv.  CONTROL is the raw
# file of an A/A run (BENCH_AA=1: the original core in both slots).
#
# Per operation: the median over the passes of each core's medians, their
# ratio ours / original, the spread, the larger of the two cores'
# (max - min) / median over the passes, and "vs floor", the ratio against
# the floor: each timed operation is followed, round by round, by a floor
# that runs no dma-buf code (fget+fput in the kernel, an ioctl the VFS
# answers in userspace), and rel is the median of the operation's ratios
# to it; "vs floor" is the median over the passes of rel(ours) /
# rel(original).  TCG on a shared host runs a whole boot, or a minute of
# it, faster or slower than another, by up to two thirds here; the floor,
# timed a moment later, is slowed as much and cancels it.
#
# "insns" is ours / original in guest instructions per operation, from the
# boots under qemu -icount (lines "IMPL-icount 0 ..."): the same in every
# run.  A row above 1.05 there does more work than the original, and no
# other explanation below applies to it but the 1 MiB one.
#
# A row whose ratio, ratio against the floor or insns is above 1.05 is marked
# with its ratio in each pass and ends with its explanation, or
# "UNEXPLAINED":
#   "boot speed"  its ratio against the floor is at most 1.05: the boots
#                 differed, not the cores;
#   "A/A noise"   with CONTROL, the raw file of an A/A run (BENCH_AA=1:
#                 the original core in both slots): the ratio lies within
#                 the largest |ratio - 1| the control saw for the same
#                 operation, pass by pass or of its medians;
#   "TCG time, not work"  the icount boots (harness/bench.sh) counted at
#                 most 1.05 of the original's guest instructions for it:
#                 the cores do the same work and the time is the
#                 emulator's (code layout, translation);
#   "the floor itself", and for the 1 MiB exports, their 4 KiB export's
#                 ratio: the core's share of a 1 MiB export is the same as
#                 of a 4 KiB one, the rest is 255 more pages of the
#                 exporter.
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
		if ($8 != "" && $8 != "-") rel[$1 SUBSEP $3 SUBSEP $2] = $8
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
	# vsfloor(op): per pass, the ratio of rel(ours) to rel(original), the
	# median over the passes; the plain ratio r where there is no rel.
	function vsfloor(op, r,    p, a, b, s) {
		s = ""
		for (p = 1; p <= npass; p++) {
			a = rel["ours" SUBSEP op SUBSEP p]; b = rel["upstream" SUBSEP op SUBSEP p]
			if (a > 0 && b > 0)
				s = s " " a / b
		}
		return s == "" ? r : median(s)
	}
	# insns(op): ours / original in guest instructions per operation, from
	# the icount boots; -1 where there are none, or where the operation is
	# not a time (slab bytes) or needs two vCPUs (the thread rows).
	function insns(op,    a, b) {
		if (unit[op] != "ns" || op ~ /^export_threads_/) return -1
		if (!(("ours-icount" SUBSEP op) in vals) || !(("upstream-icount" SUBSEP op) in vals)) return -1
		a = median(vals["ours-icount" SUBSEP op]); b = median(vals["upstream-icount" SUBSEP op])
		return b > 0 ? a / b : -1
	}
	function isfloor(op) {
		return op ~ /^(k_)?floor_/
	}
	END {
		for (op in aaop) { if (noise(op) > 0) { naa++; aas = aas " " noise(op) } }
		fo = median(vals["ours" SUBSEP "floor_ioctl_vfs"])
		fu = median(vals["upstream" SUBSEP "floor_ioctl_vfs"])
		floor = fu > 0 ? fo / fu : 1
		printf "%-26s %14s %14s %7s %8s %9s %7s\n", "operation", "ours", "original", "ratio", "spread", "vs floor", "insns"
		print "operation,unit,ours_median,original_median,ratio,spread,ratio_vs_floor,ratio_insns" > csv
		above = above1 = 0
		ni = ni1 = ni5 = 0; imax = 0
		for (i = 1; i <= nops; i++) {
			op = order[i]
			if (!(("ours" SUBSEP op) in vals) || !(("upstream" SUBSEP op) in vals))
				continue
			o = median(vals["ours" SUBSEP op]); u = median(vals["upstream" SUBSEP op])
			sp = spread(vals["ours" SUBSEP op]); su = spread(vals["upstream" SUBSEP op])
			s = sp > su ? sp : su
			r = u > 0 ? o / u : 0
			vf = vsfloor(op, r)
			ins = insns(op)
			if (vf > 1.00)
				above1++
			if (ins >= 0) {
				ni++
				if (ins > 1.00) ni1++
				if (ins > 1.05) ni5++
				if (ins > imax) { imax = ins; imaxop = op }
			}
			mark = ""
			if (r > 1.05 || vf > 1.05 || ins > 1.05) {
				above++
				mark = "  <-- above 1.05; per pass:"
				for (p = 1; p <= npass; p++)
					if (("upstream" SUBSEP op SUBSEP p) in at && at["upstream" SUBSEP op SUBSEP p] > 0)
						mark = sprintf("%s %.2f", mark,
							at["ours" SUBSEP op SUBSEP p] / at["upstream" SUBSEP op SUBSEP p])
				n = noise(op)
				why = ""
				if (n >= 0)
					mark = sprintf("%s; A/A noise %.0f%%", mark, 100 * n)
				if (ins > 1.05) {
					# more work: nothing about the boots explains it
					mark = sprintf("%s; %.3f of the original%ss instructions", mark, ins, q)
				} else if (vf <= 1.05 && !isfloor(op)) {
					why = sprintf("boot speed, %.3f against its boot%ss floor", vf, q)
				} else if (n >= 0 && r <= 1 + n && vf <= 1 + n) {
					why = "within the A/A noise"
					withinaa++
				} else if (ins >= 0 && !isfloor(op)) {
					why = sprintf("TCG time, not work: %.3f of the original%ss instructions", ins, q)
				}
				small = op; sub(/_1m$/, "_4k", small)
				if (why == "" && isfloor(op))
					why = "the floor itself: no dma-buf code"
				else if (why == "" && small != op && (("ours" SUBSEP small) in vals)) {
					u4 = median(vals["upstream" SUBSEP small]); r4 = 0
					if (u4 > 0)
						r4 = median(vals["ours" SUBSEP small]) / u4
					if (r4 > 0 && r4 <= 1)
						why = sprintf("the core%ss share is %s%ss, ratio %.3f; the rest is the exporter%ss pages", q, small, q, r4, q)
				}
				if (why != "")
					explained++
				mark = mark "; " (why != "" ? "explained: " why : "UNEXPLAINED")
			}
			u_ = unit[op] == "bytes" ? "B " : "ns"
			is_ = ins >= 0 ? sprintf("%7.3f", ins) : sprintf("%7s", "-")
			printf "%-26s %12d%s %12d%s %7.3f %7.1f%% %9.3f %s%s\n", op, o, u_, u, u_, r, 100 * s, vf, is_, mark
			printf "%s,%s,%d,%d,%.4f,%.4f,%.4f,%s\n", op, unit[op], o, u, r, s, vf, (ins >= 0 ? sprintf("%.4f", ins) : "") > csv
		}
		printf "\n%d operations; %d above 1.00 against their boot%ss floor, %d above 1.05 (ratio, against the floor or in instructions); syscall floor ours/original %.3f\n",
			nops, above1, q, above, floor
		if (ni)
			printf "instruction counts (qemu -icount): %d operations, %d above 1.00, %d above 1.05, highest %.3f (%s)\n",
				ni, ni1, ni5, imax, imaxop
		if (naa)
			printf "A/A control: median noise %.1f%% over %d operations; %d of the %d rows above 1.05 are within their operation%ss A/A noise\n",
				100 * median(aas), naa, withinaa, above, q
		printf "%d of the %d rows above 1.05 explained, %d unexplained\n", explained, above, above - explained
	}' "$control" "$raw" | tee "$dir/table.txt"
