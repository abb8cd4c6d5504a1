# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# scaling.gp: benchmark 5's figure (bench/scaling.sh copies it beside its
# scaling.dat and runs it there). Two panels against the step, one line per
# series (workers, clients, pool threads per worker): the BPF program time per
# connection, and the % throughput overhead of tracing; points are medians,
# bars [min, max] over the rounds. scaling.dat: one block per series, rows
# "x bpf_med bpf_min bpf_max ovh_med ovh_min ovh_max"; pool threads 0 (no
# pool) sits at x = 0.5 on the log axis.
#   gnuplot scaling.gp                      -> scaling.svg
#   gnuplot -e "format='pdf'" scaling.gp    -> scaling.pdf (or 'png')
if (!exists("format")) format = 'svg'
set encoding utf8
if (format eq 'pdf') {
    set terminal pdfcairo size 6.5in,6.5in noenhanced font 'Sans,9' linewidth 1.5
} else { if (format eq 'png') {
    set terminal pngcairo size 1300,1300 noenhanced font 'Sans,18' linewidth 2 background rgb 'white'
} else {
    set terminal svg size 650,650 noenhanced font 'Sans,12' linewidth 1.5 background rgb 'white'
} }
set output 'scaling.'.format
# Okabe-Ito colours, the report figures' style; dash and point types tell
# the lines apart in grey
set linetype 1 lc rgb '#0072B2' dt 1 pt 7 ps 0.8
set linetype 2 lc rgb '#E69F00' dt 2 pt 5 ps 0.8
set linetype 3 lc rgb '#009E73' dt 3 pt 9 ps 0.9
set border lw 1
set lmargin 10

set logscale x 2
set xrange [0.4:90]
set xtics ('0' 0.5, 1, 2, 4, 8, 16, 32, 64)
set grid ytics lc rgb '#dddddd' lw 0.5 dt 1
set key top left reverse Left samplen 3 nobox
series(i) = i == 0 ? "workers (8 clients)" : i == 1 ? "clients (2 workers)" : "pool threads (2 workers, 8 clients; 0 = no pool)"

set multiplot layout 2,1 title "testbed tracer cost on shared-epoll (median, bars [min, max])"
set ylabel 'BPF ns per connection'
set yrange [0:*]
set offsets 0, 0, graph 0.3, 0   # room for the key
plot for [i=0:2] 'scaling.dat' index i using 1:2:3:4 with yerrorlines lt i+1 title series(i)
set ylabel 'throughput overhead %'
set yrange [*:*]
set offsets 0, 0, graph 0.05, graph 0.05
set xlabel 'step: workers, clients or pool threads per worker (log scale)'
unset key
plot for [i=0:2] 'scaling.dat' index i using 1:5:6:7 with yerrorlines lt i+1 notitle, \
     0 with lines lc rgb '#888888' dt 1 lw 0.5 notitle
unset multiplot
unset output
