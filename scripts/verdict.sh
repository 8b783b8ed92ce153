#!/usr/bin/env bash
# Re-judge saved consoles without booting: TAP, work/results/*.json and the
# 'N passed, N failed, N skipped' line from scripts/verdict.py.
# Usage: scripts/verdict.sh [ROLE=VARIANT:CONSOLE ...] [--no-base]
#   default: the three consoles of the last 'make check'
#   e.g.     scripts/verdict.sh series=series-debug:work/logs/console-series-debug-check.log --no-base
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
if [ $# = 0 ]; then
	set -- "base=base:$LOGS/console-base-race-env.log" \
		"nolock=series-nolock-debug:$LOGS/console-series-nolock-debug-race.log" \
		"series=series-debug:$LOGS/console-series-debug-check.log"
fi
exec python3 "$ROOT/scripts/verdict.py" --tap --results "$WORK/results" \
	--check-list "$WORK/initramfs/harness/check-list" --min-windows "${MIN_WINDOWS:-5}" "$@"
