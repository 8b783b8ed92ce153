# Model projection: run by scripts/bench.sh in the docs directory.
# model.dat: cpus, then the efficiency for each bucket count (1 = global).
set terminal pngcairo size 800,500 noenhanced
set output 'model.png'
stats 'model.dat' using 1 skip 1 nooutput
set title 'First-touch throughput vs contention-free (MVA model, measured H and F)'
set xlabel 'CPUs'
set ylabel 'efficiency'
set logscale x 2
set yrange [0:1.05]
set key bottom left autotitle columnhead
set style data linespoints
plot for [i=2:STATS_columns] 'model.dat' using 1:i
