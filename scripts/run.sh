#!/usr/bin/env bash
# 'make run': everything from a fresh machine to kselftest verdicts.
# Usage: scripts/run.sh [VARIANT]   (default series-debug)
# The series' kernel runs every selftest, then the race tests with the race
# window amplifier on; scripts/verdict.py judges the results channel against
# tests/expectations.  Known emulation failures (EXPECT env) are SKIPs
# here: 'make check' boots base as well and holds them to its verdict.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts
v=${1:-series-debug}

log "== stage: dependencies, kernel tree + series, selftests, initramfs"
"$S/prepare.sh"
if [ -n "${KERNEL_IMAGE:-}" ]; then
	log "== stage: kernel: KERNEL_IMAGE=$KERNEL_IMAGE (prebuilt, judged as $v)"
else
	log "== stage: kernel $v"
	"$S/prepare.sh" "$v"
fi
log "== stage: boot and test"
if "$S/boot.sh" "$v" check; then tap ok "$v: boots, finishes, no kernel report"
else tap fail "$v: boot/console (console: $LOGS/console-$v-check.log)"; fi
con=$(results_log "$v-check")
judge_consoles --run-id "$RUN_ID" --no-base --amplifier-optional "series=$v:$con"
console_summary "$con"
echo "results channel: $con; kernel console: $LOGS/console-$v-check.log; records: $WORK/results/$v.json"
tap_summary
