#!/usr/bin/env bash
# 'make bench': base vs global vs hashed, interleaved boots, raw JSON,
# tables, the model and plots.
# Usage: scripts/bench.sh [QUICK=1]
#   full:  variants base global series (release config), REPS (5)
#          repetitions interleaved A B C A B C ..., plus the bucket-count
#          sweep series-bN for N in SWEEP ("0 4 12"; the series is N=8)
#          in the same rounds for the first SWEEP_REPS (REPS) of them;
#          writes bench/results/*.json, docs/RESULTS.md, docs/*.png
#   QUICK: base, global and series-debug (amplifier off), one
#          repetition, small sizes; writes work/bench-quick/ only
# Env: SMP (vCPUs, default 2), REPS, SWEEP, SWEEP_REPS, MEM, WARMUP (1: the
#      guest tags most of its free memory once before the workloads, see
#      bench/run-guest.sh; 0, the default: off);
#      REPORT_ONLY=1 remakes the reports from the last run's raw records.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts

quick=0
[ "${1:-}" = QUICK=1 ] && quick=1
if [ "$quick" = 1 ]; then
	# the kernels make check has built (base, series-debug) plus global,
	# which shares all but one object with base: no cold debug build of
	# its own
	variants=(base global series-debug)
	reps=${REPS:-1} mode=quick out=$WORK/bench-quick docs=$WORK/bench-quick
	sweep=() sweep_reps=0
else
	variants=(base global series)
	reps=${REPS:-5} mode=full out=$ROOT/bench/results docs=$ROOT/docs
	read -ra sweep <<<"${SWEEP-0 4 12}"
	sweep=("${sweep[@]/#/series-b}")
	sweep_reps=${SWEEP_REPS:-$reps}
fi
need_tool python3
need_tool gnuplot
export SMP=${SMP:-2}
warmup=${WARMUP:-0}

log "== bench: $mode, ${variants[*]}, $reps reps; sweep ${sweep[*]:-none}, $sweep_reps reps; -smp $SMP"
raw=$WORK/bench-raw-$mode
mkdir -p "$out" "$docs"

# Build every variant, boot each REPS times interleaved, collect the records
# and the lock table sizes into $raw.
measure() {
	local r v name round
	# the shared preparation step (a no-op where nothing changed)
	"$S/prepare.sh"
	"$S/bench-build.sh"
	"$S/initramfs.sh"
	"$S/prepare.sh" "${variants[@]}" "${sweep[@]}"
	rm -rf "$raw"
	mkdir -p "$raw"
	echo "$reps" >"$raw/reps"
	echo "$warmup" >"$raw/warmup"
	for ((r = 1; r <= reps; r++)); do
		round=("${variants[@]}")
		[ "$r" -le "$sweep_reps" ] && round+=("${sweep[@]}")
		for v in "${round[@]}"; do
			name=bench-$mode-$v-$r
			APPEND="harness.bench=$mode$([ "$warmup" = 0 ] || echo -warm)" "$S/boot.sh" "$v" bench "$name" ||
				die "bench boot failed: $v rep $r (console: $LOGS/console-$name.log)"
			tr -d '\r' <"$LOGS/console-$name.log" | grep '^{' |
				sed "s/^{/{\"variant\":\"$v\",\"boot\":$r,\"smp\":$SMP,/" >>"$raw/$v.jsonl"
			log "[$v rep $r] $(wc -l <"$raw/$v.jsonl") records so far"
		done
	done
	for v in "${variants[@]}" "${sweep[@]}"; do
		aarch64-linux-gnu-nm -S -t d "$WORK/build/$v/vmlinux" |
			awk -v v="$v" '$4 ~ /^(mte_tag_locks|tag_sync_lock)$/ {
				printf "{\"variant\":\"%s\",\"symbol\":\"%s\",\"bytes\":%d}\n", v, $4, $2 + 0 }'
	done >"$raw/symbols.jsonl"
}

if [ "${REPORT_ONLY:-0}" = 1 ]; then
	# Remake the tables, model and plots from the last run's records.
	[ -s "$raw/symbols.jsonl" ] || die "REPORT_ONLY=1: no records of a $mode run in $raw"
	reps=$(cat "$raw/reps")
	warmup=$(cat "$raw/warmup" 2>/dev/null || echo 0)
else
	measure
fi

python3 "$ROOT/bench/report.py" --raw "$raw" --out "$out" --docs "$docs" --mode "$mode" \
	--cmd "$( [ "$quick" = 1 ] && echo "make bench QUICK=1" || echo "make bench") (SMP=$SMP REPS=$reps WARMUP=$warmup)" \
	--warmup "$warmup"
(cd "$docs" && for g in "$ROOT"/bench/*.gp; do gnuplot "$g"; done)
log "== bench done: $docs/RESULTS.md"
