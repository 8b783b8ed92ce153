#!/usr/bin/env bash
# Re-judge saved results (the boots' results channels) without booting: TAP, work/results/*.json and the
# 'N passed, N failed, N skipped' line from scripts/verdict.py.
# Usage: scripts/verdict.sh [ROLE=VARIANT:RESULTS ...] [--no-base]
#   default: the three boots of the last 'make check'
#   e.g.     scripts/verdict.sh series=series-debug:work/logs/results-series-debug-check.log --no-base
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
if [ $# = 0 ]; then
	set -- "base=base:$(results_log base-race-env)" \
		"nolock=series-nolock-debug:$(results_log series-nolock-debug-race)" \
		"series=series-debug:$(results_log series-debug-check)"
fi
exec python3 "$ROOT/scripts/verdict.py" --tap --results "$WORK/results" \
	--check-list "$WORK/initramfs/harness/check-list" --min-windows "${MIN_WINDOWS:-5}" "$@"
