#!/usr/bin/env bash
# 'make check-records': do make check-all's records match today's inputs?
# (scripts/records.py check; no build, no boot).  TAP and the final
# 'N passed, N failed, N skipped' line; exit 1 on a stale or edited record.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
judge_records
tap_summary
