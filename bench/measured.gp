# Measured stage 1 first touch per page: run by scripts/bench.sh in docs/.
set terminal pngcairo size 800,500 noenhanced
set output 'measured.png'
set title 'Stage 1 first touch of PROT_MTE MAP_SHARED pages (median, QEMU TCG)'
set xlabel 'processes'
set ylabel 'ns per page (wall time of the slowest process / all pages)'
set key bottom left autotitle columnhead
set yrange [0:*]
set xtics 1
set style data linespoints
stats 'measured.dat' using 1 skip 1 nooutput
plot for [i=2:STATS_columns] 'measured.dat' using 1:i
