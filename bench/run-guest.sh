#!/bin/sh
# Runs in the guest (harness.tests=bench): every benchmark workload,
# one JSON object per line.
# Usage: run-guest.sh quick|icount-quick|icount|full[-warm]
set -u
n=$(nproc)
# r: runs per boot of each workload (boots are the repetitions of
# 'make bench'; runs within a boot add samples)
case "${1:-full}" in
	quick*) pages=64 kpages=32 bpages=16 r=1 warm=4096 ;;
	# under -icount (instruction counts, one vCPU): 3 runs per boot, for
	# the within-boot spread; icount-quick with small sizes (make check)
	icount-quick*) pages=64 kpages=32 bpages=16 r=3 warm=4096 ;;
	*) pages=512 kpages=256 bpages=128 r=3
	   # 60% of free memory, in 4 KiB pages
	   warm=$(awk '/^MemFree:/ { print int($2 / 4 * 0.6) }' /proc/meminfo) ;;
esac
B=/bench
# Warm-up (untimed; on with "-warm" in the mode, WARMUP=1 make bench): tag
# most of the free memory once.  Under QEMU TCG the first tagging of memory
# that has never held tags in this boot is several times slower than later
# ones, outside the kernel's lock; without the warm-up that cost falls on
# whichever timed run first gets such memory (bucket n=2, run 2).  The
# warm-up removes that, but makes whole runs bimodal from boot to boot
# (notag as well), so it is off by default: see docs/experiments/.
case "${1:-full}" in
	*-warm) BENCH_NO_WINDOW=1 $B/mte_first_touch touch 1 "$warm" 1 >/dev/null &&
		echo "bench: warm-up tagged $warm pages" ;;
esac
# bucket/spread: PAGES per process such that the pool (512 pages per page
# picked) stays the same size whatever the vCPU count
bpages=$((bpages / n)); [ "$bpages" -ge 4 ] || bpages=4
p=1
while [ "$p" -le "$n" ]; do
	$B/mte_first_touch touch "$p" "$pages" "$r"
	$B/mte_first_touch notag "$p" "$pages" "$r"
	p=$((p * 2))
done
[ $((p / 2)) -eq "$n" ] || { $B/mte_first_touch touch "$n" "$pages" "$r"; $B/mte_first_touch notag "$n" "$pages" "$r"; }
for p in 1 "$n"; do
	$B/mte_first_touch bucket "$p" "$bpages" "$r"
	$B/mte_first_touch spread "$p" "$bpages" "$r"
done
$B/mte_first_touch refault "$n" "$pages" "$r"
$B/mte_first_touch mprotect $((pages * 16)) "$r"
if [ -e /dev/kvm ]; then
	for mode in private shared nomte; do
		# r runs, as for stage 1: a boot's icount value is its
		# minimum run, and one run alone varied by 5-20% between boots
		$B/kvm_first_touch "$n" "$kpages" "$r" "$mode"
	done
fi
