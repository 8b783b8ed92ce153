#!/bin/sh
# Runs in the guest.  Reads harness.* from the kernel command line.
#   harness.tests=check  every installed kselftest, then the race tests
#                        with the race window amplifier switched on
#   harness.tests=race   only the race tests, amplifier on
#   harness.tests=race-env  the race tests, then (amplifier off) the tests
#                        marked env in tests/expectations
#   harness.tests=bench  the benchmarks (bench/run-guest.sh)
#   harness.tests=arm64|kvm|C:T[,C:T...]  one collection or some tests,
#                        window off
#   harness.bench=quick|full
#   harness.window_us=N  amplifier window for the race tests (default 3000)
tests=check
window=3000
bench_args=
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in
		harness.tests=*) tests=${arg#harness.tests=} ;;
		harness.window_us=*) window=${arg#harness.window_us=} ;;
		harness.bench=*) bench_args=${arg#harness.bench=} ;;
	esac
done

if [ -e /sys/block/zram0/disksize ]; then
	echo lzo > /sys/block/zram0/comp_algorithm 2>/dev/null
	echo 64M > /sys/block/zram0/disksize
	mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 && echo "harness: zram swap on"
fi

knob=/sys/module/kernel/parameters/mte_race_window_us
count=/sys/module/kernel/parameters/mte_race_windows
# The race tests one at a time (and mte_tag_init, the tag state a new page
# of an MTE guest starts in, and check_tag_preservation, the tags of pages
# across the mm paths), each followed by the windows the amplifier
# opened during it: "harness: race windows C:T N" (docs/RESULTS-FORMAT.md;
# only on a kernel with tests/race-window.patch).
run_race_tests() {
	for t in arm64:check_tag_init_race kvm:mte_shared_memslot kvm:mte_tag_init \
		arm64:check_tag_preservation; do
		w0=0
		[ -r "$count" ] && w0=$(cat "$count")
		./run_kselftest.sh -t "$t"
		[ -r "$count" ] && echo "harness: race windows $t $(($(cat "$count") - w0))"
	done
}

race_on() {
	if [ -w "$knob" ] && [ "$window" = 0 ]; then
		echo 0 > "$knob"
		echo "harness: race window amplifier off (harness.window_us=0)"
	elif [ -w "$knob" ]; then
		echo "$window" > "$knob"
		echo "harness: race window amplifier on: ${window}us"
	else
		echo "harness: race window amplifier absent (kernel without tests/race-window.patch)"
	fi
}
race_off() { [ -w "$knob" ] && echo 0 > "$knob"; }

# rerun VERDICT TAP: run once more, in section "rerun", every test whose
# top-level verdict in TAP was VERDICT ("not ok", or "ok"), but for SKIPs
# and timeouts (a test that never finishes here is no flake)
rerun() {
	sed -n "s/^$1 [0-9]* selftests: \([^:]*\): \([^ ]*\)\( # .*\)\{0,1\}\$/\1:\2\3/p" "$2" 2>/dev/null |
		grep -v -e ' # SKIP' -e ' # TIMEOUT' | cut -d' ' -f1 >/tmp/rerun.list
	set --
	while read -r t; do set -- "$@" -t "$t"; done </tmp/rerun.list
	[ $# = 0 ] && return
	echo "harness: TAP begin rerun"
	./run_kselftest.sh "$@"
	echo "harness: TAP end rerun"
}

# shellcheck source=guest/ksft-args
. /harness/ksft-args
cd /kselftest || exit 1
case "$tests" in
	check)
		echo "harness: TAP begin all"
		race_off
		set --
		while read -r t; do set -- "$@" -t "$t"; done </harness/check-list
		./run_kselftest.sh "$@" | tee /tmp/all.tap
		echo "harness: TAP end all"
		# timing flakes: every failed test gets one more try, and the
		# evaluator judges that try (scripts/verdict.py)
		rerun "not ok" /tmp/all.tap
		race_on
		echo "harness: TAP begin race"
		run_race_tests
		echo "harness: TAP end race" ;;
	race|race-env)
		race_on
		echo "harness: TAP begin race"
		run_race_tests
		echo "harness: TAP end race"
		race_off
		if [ "$tests" = race-env ]; then
			# the tests listed marked env in tests/expectations, for comparison
			set --
			while read -r t; do set -- "$@" -t "$t"; done </harness/env-list
			echo "harness: TAP begin env"
			# an empty list would make run_kselftest.sh run everything
			[ $# = 0 ] || ./run_kselftest.sh "$@" | tee /tmp/env.tap
			echo "harness: TAP end env"
			# base gets the same two tries: a passing test one more
			rerun "ok" /tmp/env.tap
		fi ;;
	arm64|kvm)
		race_off
		echo "harness: TAP begin all"
		./run_kselftest.sh -c "$tests"
		echo "harness: TAP end all" ;;
	*:*)
		race_off
		set --
		for t in $(echo "$tests" | tr , ' '); do set -- "$@" -t "$t"; done
		echo "harness: TAP begin all"
		./run_kselftest.sh "$@"
		echo "harness: TAP end all" ;;
	bench)
		echo "harness: BENCH begin"
		# Held in a file until the end: under -icount with one vCPU,
		# the process that forwards output to the results port would
		# run inside the next measurement (measured: +1300 instructions
		# per page on a 32-page KVM run when the lines went out live).
		sh /bench/run-guest.sh "${bench_args:-full}" >/tmp/bench.out 2>&1
		cat /tmp/bench.out
		echo "harness: BENCH end" ;;
esac
