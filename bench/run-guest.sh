#!/bin/sh
# Runs in the guest (harness.tests=bench): every benchmark workload once,
# one JSON object per line.  Usage: run-guest.sh quick|full
set -u
n=$(nproc)
if [ "${1:-full}" = quick ]; then pages=64; kpages=32; else pages=512; kpages=256; fi
B=/bench
p=1
while [ "$p" -le "$n" ]; do
	$B/mte_first_touch touch "$p" "$pages" 1
	$B/mte_first_touch notag "$p" "$pages" 1
	p=$((p * 2))
done
[ $((p / 2)) -eq "$n" ] || { $B/mte_first_touch touch "$n" "$pages" 1; $B/mte_first_touch notag "$n" "$pages" 1; }
$B/mte_first_touch refault "$n" "$pages" 1
$B/mte_first_touch mprotect $((pages * 4)) 1
if [ -e /dev/kvm ]; then
	for mode in private shared nomte; do
		$B/kvm_first_touch "$n" "$kpages" 1 "$mode"
	done
fi
