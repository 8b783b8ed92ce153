#!/usr/bin/env bash
# Re-judge saved results files (the boots' results channels) without
# booting: TAP, work/results/*.json and the 'N passed, N failed, N skipped'
# line, through the one evaluator (scripts/verdict.py) and the one TAP
# writer (scripts/lib.sh).
# Usage: scripts/verdict.sh [ROLE=VARIANT:RESULTS ... [verdict.py options]]
#   default: the boots of the last 'make check' (work/logs/check.runs),
#            held to its run id (work/logs/check.run-id)
#   e.g.     scripts/verdict.sh series=series-debug:work/logs/results-series-debug-check.log --no-base
#   a board: scripts/verdict.sh --plain --no-base series=board:run_kselftest.log (docs/HARDWARE.md)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
if [ $# = 0 ]; then
	[ -s "$LOGS/check.run-id" ] || die "no make check run on record ($LOGS/check.run-id): run 'make check' first, or name the results files"
	[ -s "$LOGS/check.runs" ] || die "no list of the last make check's boots ($LOGS/check.runs): run 'make check' first, or name the results files"
	mapfile -t runs <"$LOGS/check.runs"
	set -- --run-id "$(cat "$LOGS/check.run-id")" "${runs[@]}"
fi
judge_consoles "$@"
tap_summary
