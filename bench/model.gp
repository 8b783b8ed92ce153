# Model projection: run by scripts/bench.sh in the docs directory.
set terminal pngcairo size 800,500 noenhanced
set output 'model.png'
set title 'First-touch throughput vs contention-free (MVA model)'
set xlabel 'CPUs'
set ylabel 'efficiency'
set logscale x 2
set yrange [0:1.05]
set key bottom left
plot 'model.dat' using 1:2 with linespoints title 'global tag_sync_lock', \
     'model.dat' using 1:3 with linespoints title 'hashed, 256 buckets'
