#!/bin/sh
# Runs in the guest (harness.tests=bench): every benchmark workload,
# one JSON object per line.  Usage: run-guest.sh quick|full
set -u
n=$(nproc)
# r: runs per boot of each stage 1 workload (boots are the repetitions of
# 'make bench'; runs within a boot add samples)
if [ "${1:-full}" = quick ]; then pages=64 kpages=32 bpages=16 r=1
else pages=512 kpages=256 bpages=128 r=3; fi
# bucket/spread: PAGES per process such that the pool (512 pages per page
# picked) stays the same size whatever the vCPU count
bpages=$((bpages / n)); [ "$bpages" -ge 4 ] || bpages=4
B=/bench
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
		$B/kvm_first_touch "$n" "$kpages" 1 "$mode"
	done
fi
