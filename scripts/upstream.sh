#!/usr/bin/env bash
# Hold the selftests against mainline's own fix (make upstream).
# BASE=6.12: Debian's linux-source-6.12 plus the upstream/ selftest series;
# build the unmodified kernel ('base', role mainline) and its negative
# control ('mainline-nolock': tests/mainline-nolock.patch, no PG_mte_lock),
# boot each under QEMU 10 with the race tests, judge both with
# scripts/verdict.py (tests/expectations, roles mainline and
# mainline-nolock) and write docs/UPSTREAM.md.  No amplifier exists on 6.12.
# Outputs: work/6.12/{linux,v,logs,results}/, docs/UPSTREAM.md
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export BASE=6.12
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts
times=$WORK/times.tsv

stage() { # NAME COMMAND... : run one stage, record its time
	local name=$1 t
	shift
	log "== $name"
	t=$(date +%s)
	"$@"
	printf '%s\t%s\n' "$name" "$(($(date +%s) - t))" >>"$times"
}

: >"$times"
stage prepare "$S/prepare.sh"
stage "build base" "$S/build.sh" base
stage "build mainline-nolock" "$S/build.sh" mainline-nolock
rc=0
stage "boot base" "$S/boot.sh" base race upstream-base || rc=1
stage "boot mainline-nolock" "$S/boot.sh" mainline-nolock race upstream-nolock || rc=1

log "== verdicts"
mkdir -p "$WORK/results"
{
	judge_consoles --run-id "$RUN_ID" \
		"mainline=base:$(results_log upstream-base)" \
		"mainline-nolock=mainline-nolock:$(results_log upstream-nolock)"
	tap_summary
} | tee "$WORK/results/upstream.tap"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
python3 "$S/upstream-report.py" --work "$WORK" --out "$ROOT/docs/UPSTREAM.md" \
	--tap "$WORK/results/upstream.tap" --times "$times" || rc=1
log "docs/UPSTREAM.md written (results: $LOGS/results-upstream-*.log)"
exit "$rc"
