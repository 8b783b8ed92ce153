# Ratios to base with 95% bootstrap intervals, one plot per mode: run by
# scripts/bench.sh in docs/ (ratios-MODE.dat from bench/report.py).
set terminal pngcairo size 1400,640 noenhanced
set style fill solid 0.4
set boxwidth 0.6
set yrange [0:*]
set ylabel 'variant / base (median over boots), 95% interval'
set xtics rotate by -45 font ",8"
set grid ytics
set key off
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2
do for [m in "icount wall"] {
	f = 'ratios-'.m.'.dat'
	if (system('test -s '.f.' && echo 1') eq '1') {
		set output 'ratios-'.m.'.png'
		set title (m eq 'icount' ? 'Instructions per page relative to base (QEMU -icount, 1 vCPU)' : 'Wall clock per page relative to base (QEMU TCG emulation, 2 vCPUs)')
		plot f using 0:2:xticlabels(1) with boxes, '' using 0:2:3:4 with yerrorbars pt 7 ps 0.5
	}
}
