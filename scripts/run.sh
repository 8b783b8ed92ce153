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
for sect in all race; do
	while IFS=$'\t' read -r verdict name directive; do
		case "$verdict" in
			ok) tap ok "$name" ;;
			skip) tap skip "$name" "${directive#*# SKIP}" ;;
			*) tap fail "$name" "$directive" ;;
		esac
	done < <(ksft_verdicts "$con" "$sect")
done
tr -d '\r' <"$con" | grep -E '^# .*rounds [0-9]+ page-rounds|^harness: race' || true
[ "$TAP_N" -gt 0 ] || { tap fail "no selftest results (console: $con)"; rc=1; }
echo "console: $con"
tap_summary || rc=1
exit "$rc"
