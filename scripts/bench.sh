#!/usr/bin/env bash
# 'make bench': base vs global vs hashed, two measurement modes, raw JSON,
# tables with bootstrap intervals, the fast-path instruction diff, the
# model and plots.
# Usage: scripts/bench.sh [QUICK=1]
#   full:  icount mode (-icount shift=0,sleep=off, one vCPU: guest time is
#          an instruction count): the variants whose bench column in
#          tests/variants has icount, ICOUNT_REPS (2) boots each; then
#          wall-clock mode (TCG, SMP vCPUs, emulation): those with wall,
#          REPS (4) boots each.  Each round boots the variants in a random order
#          (seed BENCH_SEED, recorded).  Writes bench/results/*.json,
#          docs/RESULTS.md, docs/*.png.
#          The kernels are built with BUILD_CONFIGS=perf (BENCH_CONFIGS):
#          configs/perf.config over each variant's config, in
#          work/v/VARIANT/build-perf.
#   QUICK: (make check) two icount boots of base with small sizes; fails
#          if any workload's instructions per page differ between them by
#          more than ICOUNT_SPREAD_MAX percent (5); and the fast-path
#          instruction diff of base vs series vs mainline-port
#          (scripts/fastpath.py).
#          Writes work/bench-quick/ only.
# Env: SMP (wall-clock vCPUs, 2), REPS, ICOUNT_REPS, BENCH_SEED, MEM,
#      BENCH_MODES ("icount wall": which modes to boot), BENCH_APPEND=1
#      (keep the last run's records and seed, add this run's modes),
#      ICOUNT_SPREAD_MAX, REPORT_ONLY=1 (remake the reports from the last
#      run's raw records).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts
KTREE=${KERNEL_SRC:-$WORK/linux}
# shellcheck source=scripts/variant.sh
. "$ROOT/scripts/variant.sh"
ICOUNT="shift=0,sleep=off"

quick=0
[ "${1:-}" = QUICK=1 ] && quick=1
if [ "$quick" = 1 ]; then
	ic_vs=(base) ic_reps=2 ic_size=icount-quick wc_vs=() wc_reps=0
	mode=quick out=$WORK/bench-quick docs=$WORK/bench-quick
else
	mapfile -t ic_vs < <(variant_names icount)
	mapfile -t wc_vs < <(variant_names wall)
	ic_reps=${ICOUNT_REPS:-2} ic_size=icount wc_reps=${REPS:-4}
	mode=full out=$ROOT/bench/results docs=$ROOT/docs
	# mainline (BASE=7.3): stock 7.3 against the RFC, beside the 6.1 results
	[ "$BASE" = 7.3 ] && out=$ROOT/bench/results-7.3 docs=$ROOT/docs/bench-7.3
	# the performance config over every variant (configs/perf.config and
	# configs/perf-$BASE.config), each in its own build directory
	export BUILD_CONFIGS=${BENCH_CONFIGS-perf}
	# the icount boots count the kernel's atomics, barriers and
	# acquire/release accesses per timed window (bench/plugin/)
	export BENCH_PLUGIN=1
fi
need_tool python3
need_tool gnuplot
smp=${SMP:-2}
modes=${BENCH_MODES:-icount wall}
seed=${BENCH_SEED:-$(date +%s)}
raw=$WORK/bench-raw-$mode
mkdir -p "$out" "$docs"

# JSON fields that identify what a record measured.
meta() { # VARIANT MODE
	local qv commit cfg
	qv=$(qemu-system-aarch64 --version | sed -n 's/^QEMU emulator version \([^ ]*\).*/\1/p')
	commit=$(git -C "$KTREE" rev-parse --short=12 "v/$1")
	cfg=$(sha1sum "$(variant_build_dir "$1")/.config" | cut -c1-12)
	printf '"variant":"%s","mode":"%s","qemu":"%s","commit":"%s","config":"%s","icount":"%s"' \
		"$1" "$2" "$qv" "$commit" "$cfg" "$([ "$2" = icount ] && echo "$ICOUNT" || echo off)"
}

# boot_round MODE ROUND VARIANT...: one boot of each variant, in a random
# order drawn from the seed; records to $raw/MODE-VARIANT.jsonl
boot_round() {
	local m=$1 r=$2 v name pos=0 fields
	shift 2
	read -ra order < <(python3 -c 'import random, sys
r = random.Random(sys.argv[1]); v = sys.argv[2:]; r.shuffle(v); print(*v)' "$seed-$m-$r" "$@")
	echo "$m $r ${order[*]}" >>"$raw/order"
	for v in "${order[@]}"; do
		pos=$((pos + 1))
		name=bench-$mode-$m-$v-$r
		if [ "$m" = icount ]; then
			plug=()
			[ "${BENCH_PLUGIN:-0}" = 1 ] && rm -f "$LOGS/plugin-$name.log" &&
				plug=(-plugin "$WORK/bench-bin/libinsn-classes.so" -d plugin -D "$LOGS/plugin-$name.log")
			SMP=1 QEMU_ARGS="-icount $ICOUNT ${plug[*]}" APPEND="harness.bench=$ic_size" \
				"$S/boot.sh" "$v" bench "$name" ||
				die "bench boot failed: $v (console: $LOGS/console-$name.log, results: $(results_log "$name"))"
		else
			SMP=$smp APPEND="harness.bench=full" "$S/boot.sh" "$v" bench "$name" ||
				die "bench boot failed: $v (console: $LOGS/console-$name.log, results: $(results_log "$name"))"
		fi
		fields="$(meta "$v" "$m"),\"boot\":$r,\"pos\":$pos,\"smp\":$([ "$m" = icount ] && echo 1 || echo "$smp"),"
		# the records: the JSON lines between BENCH begin and end on the
		# results channel, each parsed (a torn line fails the run), with
		# the plugin's counts of each timed window (scripts/results.py)
		python3 "$S/results.py" bench "$(results_log "$name")" "{${fields%,}}" "$LOGS/plugin-$name.log" \
			>>"$raw/$m-$v.jsonl" ||
			die "bench boot $name: bad or missing records in $(results_log "$name")"
		log "[$m round $r, $pos/${#order[@]}: $v] $(wc -l <"$raw/$m-$v.jsonl") records so far"
	done
}

measure() {
	local r
	"$S/prepare.sh"
	"$S/bench-build.sh"
	"$S/initramfs.sh"
	# shellcheck disable=SC2046
	"$S/prepare.sh" $(printf '%s\n' "${ic_vs[@]}" "${wc_vs[@]}" | sort -u)
	# BENCH_APPEND=1: add this run's modes to the last run's records (one
	# mode booted at a time, say icount while the host is busy)
	if [ "${BENCH_APPEND:-0}" = 1 ] && [ -s "$raw/seed" ]; then
		seed=$(cat "$raw/seed")
	else
		rm -rf "$raw"
		mkdir -p "$raw"
		echo "$seed" >"$raw/seed"
	fi
	echo "$cmdline" >>"$raw/commands"
	case " $modes " in *" icount "*) ;; *) ic_reps=0 ;; esac
	case " $modes " in *" wall "*) ;; *) wc_reps=0 ;; esac
	for ((r = 1; r <= ic_reps; r++)); do boot_round icount "$r" "${ic_vs[@]}"; done
	for ((r = 1; r <= wc_reps; r++)); do boot_round wall "$r" "${wc_vs[@]}"; done
	for v in "${ic_vs[@]}" "${wc_vs[@]}"; do
		aarch64-linux-gnu-nm -S -t d "$(variant_build_dir "$v")/vmlinux" |
			awk -v v="$v" '$4 ~ /^(mte_tag_locks|tag_sync_lock)$/ {
				printf "{\"variant\":\"%s\",\"symbol\":\"%s\",\"bytes\":%d}\n", v, $4, $2 + 0 }'
	done | sort -u >"$raw/symbols.jsonl"
}

# The tagged-page fast path, base vs series, from the release objects.
# mainline-port: mainline's fix ported to 6.1.192, the stable comparison
fast_path() {
	local b s m o=() v d f
	b=$(variant_build_dir base) s=$(variant_build_dir series) m=$(variant_build_dir mainline-port)
	if [ "$BASE" = 7.3 ]; then
		# stock 7.3, the bit lock with an acquire pre-check, the RFC and
		# the trimmed RFC; sanitise_mte_tags() is inlined into
		# user_mem_abort() in each, so the stage 2 path is counted in the
		# running guest only (the kvm-* workloads)
		"$S/build.sh" base >/dev/null
		for v in precheck rfc rfc-trim; do
			TARGETS="arch/arm64/kernel/mte.o arch/arm64/mm/mteswap.o" "$S/build.sh" "$v" >/dev/null
		done
		for f in kernel/mte.o:mte_sync_tags mm/mteswap.o:mte_restore_tags; do
			for v in base precheck rfc rfc-trim; do
				d=$(variant_build_dir "$v")
				o+=("$v=$d/arch/arm64/$f")
			done
		done
	else
		"$S/build.sh" base >/dev/null
		TARGETS="arch/arm64/kernel/mte.o arch/arm64/kvm/mmu.o" "$S/build.sh" series >/dev/null
		TARGETS="arch/arm64/kernel/mte.o arch/arm64/kvm/mmu.o" "$S/build.sh" mainline-port >/dev/null
		o=("base=$b/arch/arm64/kernel/mte.o:mte_sync_tags"
			"series=$s/arch/arm64/kernel/mte.o:mte_sync_tags"
			"mainline-port=$m/arch/arm64/kernel/mte.o:mte_sync_tags"
			"base=$b/arch/arm64/kvm/mmu.o:sanitise_mte_tags"
			"series=$s/arch/arm64/kvm/mmu.o:sanitise_mte_tags,$s/arch/arm64/kernel/mte.o:mte_init_page_tags")
	fi
	python3 "$S/fastpath.py" --listing --json "$raw/fastpath.json" "${o[@]}"
	# (mainline-port's sanitise_mte_tags() returns void and is inlined into
	# user_mem_abort(): there is no function of its own to count)
}

append=
[ "${BENCH_APPEND:-0}" = 1 ] && append=" BENCH_APPEND=1"
cmdline="$([ "$quick" = 1 ] && echo "make bench QUICK=1" || echo "make bench") (SMP=$smp REPS=$wc_reps ICOUNT_REPS=$ic_reps BENCH_MODES=\"$modes\"$append)"
if [ "${REPORT_ONLY:-0}" = 1 ]; then
	[ -s "$raw/seed" ] || die "REPORT_ONLY=1: no records of a $mode run in $raw"
else
	log "== bench ($mode): icount ${ic_vs[*]} x $ic_reps; wall-clock ${wc_vs[*]:-none} x $wc_reps (-smp $smp); seed $seed"
	measure
	log "== fast path (scripts/fastpath.py)"
	fast_path
fi

python3 "$ROOT/bench/report.py" --raw "$raw" --out "$out" --docs "$docs" --mode "$mode" \
	--spread-max "${ICOUNT_SPREAD_MAX:-5}" \
	--cmd "$(paste -sd';' "$raw/commands" 2>/dev/null || echo "$cmdline"), BENCH_SEED=$(cat "$raw/seed")"
if [ "$quick" = 0 ]; then
	(cd "$docs" && for g in "$ROOT"/bench/*.gp; do gnuplot "$g"; done)
fi
log "== bench done: $docs/RESULTS.md"
