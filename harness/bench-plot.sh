#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# bench-plot.sh DIR: DIR/bench.png from DIR/results.csv (harness/bench.sh).
# Top: ours / original per operation, with the run's spread as error bars
# (1.0 is parity, below is faster) and, as a dot, the ratio against the
# floor timed after every round (bench-table.sh) and, as a square, the
# ratio of instruction counts.  Bottom: the growth curves, export and
# bufinfo cost against the number of live buffers, both cores.
set -euo pipefail
dir=$1
csv=$dir/results.csv
[ -f "$csv" ] || { echo "error: no $csv" >&2; exit 1; }

awk -F, 'NR > 1 { printf "%d \"%s\" %s %s %s %s %s\n", NR - 2, $1, $5, $5 * (1 - $6), $5 * (1 + $6), $7 == "" ? $5 : $7, $8 == "" ? "NaN" : $8 }' \
	"$csv" >"$dir/ratios.dat"
for g in export_close_live bufinfo_live; do
	awk -F, -v g="$g" 'index($1, g "_") == 1 { n = substr($1, length(g) + 2); print n, $3, $4 }' \
		"$csv" | sort -n >"$dir/$g.dat"
done
n=$(wc -l <"$dir/ratios.dat")

gnuplot <<GP
set terminal png size 1400,1000 font ",9" noenhanced
set output "$dir/bench.png"
set multiplot layout 2,1 title "dma-buf core: ours vs the tree's original (6.1), one run under qemu TCG"
set title "ours / original per operation (below 1 is faster; bars: spread over the passes)"
set ylabel "ratio"
set yrange [0.5:1.5]
set xrange [-1:$n]
set xtics rotate by 60 right nomirror
set grid ytics
set style fill solid 0.4
set boxwidth 0.7
plot "$dir/ratios.dat" using 1:3:xtic(2) with boxes lc rgb "#4a7ab5" notitle, \
     "" using 1:3:4:5 with yerrorbars lc rgb "black" pt 0 notitle, \
     "" using 1:6 with points lc rgb "#d08000" pt 7 ps 1.2 title "against the floor", \
     "" using 1:7 with points lc rgb "#208020" pt 5 ps 1.0 title "in instructions (qemu -icount)", \
     1 with lines lc rgb "red" dt 2 title "parity"
unset xrange
set yrange [*:*]
set xtics norotate
set logscale xy
set title "growth: cost against live buffers"
set xlabel "live buffers"
set ylabel "ns per operation (log)"
set key left top
plot "$dir/export_close_live.dat" using 1:2 with linespoints title "export+close, ours", \
     "" using 1:3 with linespoints title "export+close, original", \
     "$dir/bufinfo_live.dat" using 1:2 with linespoints title "bufinfo read, ours", \
     "" using 1:3 with linespoints title "bufinfo read, original"
unset multiplot
GP
