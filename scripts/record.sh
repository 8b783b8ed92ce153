#!/usr/bin/env bash
# Rewrite one record and its stamp alone: run the command that writes the
# record, and when it was green, stamp that record's section of
# docs/records.sha256 with the digests of its own inputs
# (scripts/records.py; docs/HARNESS.md, "The records").
# Usage: scripts/record.sh RECORD 'MAKE COMMAND' CMD [ARG...]
#   RECORD        docs/UPSTREAM.md, docs/MATRIX.md, docs/MATRIX-7.3.md or
#                 docs/COMPARISON.md
#   MAKE COMMAND  how a user runs it, for the record's header
#   CMD ARG...    what writes RECORD (exit status 0: green)
# Refused before the run when an input of RECORD is uncommitted (the stamp
# must describe what a commit carries), and not stamped when the run failed,
# an input changed during it, or a knob replaced a part of it
# (stamp_bypass).  A record that a failed run rewrote is put back as it was
# committed; the failed run's copy is kept under work/logs/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
[ $# -ge 3 ] || die "usage: scripts/record.sh RECORD 'MAKE COMMAND' CMD [ARG...]"
rec=$1 how=$2
shift 2
globs_txt=$(python3 "$ROOT/scripts/records.py" inputs "$rec" 2>/dev/null) ||
	die "$rec is not a record (the records: RECORDS in scripts/records.py)"
mapfile -t globs <<<"$globs_txt"
name=$(basename "$rec" .md)
# inside make check-all, check.sh stamps every record at its end
if [ "${CHECK_TIER:-}" = all ]; then exec "$@"; fi
mapfile -t dirty < <(git -C "$ROOT" status --porcelain -- "${globs[@]}" 2>/dev/null | cut -c4-)
if [ ${#dirty[@]} -gt 0 ]; then
	die "$how would not stamp $rec: uncommitted inputs (${dirty[*]:0:5}); commit them first"
fi
mapfile -t bypass < <(stamp_bypass)
snap=$LOGS/records-$name.snapshot
python3 "$ROOT/scripts/records.py" snapshot "$ROOT" "$snap"
log "== $how: writes $rec (run $RUN_ID)"
rc=0
"$@" || rc=$?
if [ "$rc" != 0 ]; then
	if ! git -C "$ROOT" diff --quiet -- "$rec" 2>/dev/null; then
		cp "$ROOT/$rec" "$LOGS/$name.failed-$RUN_ID.md"
		git -C "$ROOT" checkout -- "$rec"
		log "$rec put back as committed; the failed run's copy: $LOGS/$name.failed-$RUN_ID.md"
	fi
	die "$how failed (exit $rc): $rec not stamped"
fi
if [ ${#bypass[@]} -gt 0 ]; then
	die "$rec written but not stamped: ${bypass[*]} set (its command with its defaults stamps it); make check will call it edited until then"
fi
python3 "$ROOT/scripts/records.py" write --record "$rec" --run-id "$RUN_ID" \
	--snapshot "$snap" --command "$how" "$ROOT"
