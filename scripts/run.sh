#!/usr/bin/env bash
# 'make run': everything from a fresh machine to kselftest verdicts.
# Usage: scripts/run.sh [VARIANT]   (default series-debug)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts
v=${1:-series-debug}

log "== stage: dependencies"; "$S/deps.sh"
log "== stage: kernel tree + series"; "$S/tree.sh"
log "== stage: selftests"; "$S/selftests.sh"; "$S/initramfs.sh"
log "== stage: kernel $v"; "$S/build.sh" "$v"
log "== stage: boot and test"
rc=0
"$S/boot.sh" "$v" check || rc=1
con=$LOGS/console-$v-check.log
tap_ksft "$con" all
tap_ksft "$con" race
console_summary "$con"
[ "$TAP_N" -gt 0 ] || { tap fail "no selftest results (console: $con)"; rc=1; }
echo "console: $con"
tap_summary || rc=1
exit "$rc"
