#!/usr/bin/env bash
# Mainline (make upstream, and the mainline stage of make check): the RFC
# and the selftests on Debian's linux-source-7.3 (BASE=7.3, upstream/),
# held against stock 7.3, whose PG_mte_lock bit lock is mainline's fix.
# Builds and boots under QEMU 10, the race tests on each (no amplifier:
# 7.3 has none):
#   base             stock 7.3 (the bit lock)               role mainline
#   rfc-debug        the RFC, debug config (lockdep)        role rfc
#   rfc-nolock       the RFC without its bucket lock        role rfc-nolock
#   mainline-nolock  stock 7.3 with try_page_mte_tagging()
#                    unlocked                               role mainline-nolock
#   mainline-nocopy  stock 7.3 whose copy_highpage() and
#                    mte_restore_tags() give no tags: the
#                    negative control of check_tag_preservation  role nocopy
# judges all five with scripts/verdict.py (tests/expectations), prints TAP
# and a final 'N passed, N failed, N skipped' line, and writes the report:
# docs/UPSTREAM.md with UPSTREAM_DOC=1 (make upstream), else
# work/7.3/UPSTREAM.md.  The same-kernel comparison (footprint, fast-path
# instructions, make bench's records when present) comes from
# scripts/compare.py --base 7.3.
# Usage: scripts/upstream.sh [QUICK=1]
#   QUICK=1 (make check): upstream/ applies, checkpatch --strict (7.3's)
#   and the trailers of every patch, the selftests in one source, and the
#   touched objects build with no new W=1 warnings (scripts/matrix.sh
#   QUICK=1); no kernel is booted and no report is written.
# Outputs: work/7.3/{linux,v,logs,results}/, the report.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export BASE=7.3
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts
tap_begin
times=$WORK/times.tsv
report=$WORK/UPSTREAM.md
[ "${UPSTREAM_DOC:-0}" = 1 ] && report=$ROOT/docs/UPSTREAM.md

stage() { # NAME COMMAND... : run one stage, record its time
	local name=$1 t rc=0
	shift
	log "== mainline: $name"
	t=$(date +%s)
	"$@" || rc=$?
	printf '%s\t%s\n' "$name" "$(($(date +%s) - t))" >>"$times"
	return "$rc"
}

# role=variant:boot-name, in the order they boot
runs=(mainline=base:upstream-base rfc=rfc-debug:upstream-rfc
      rfc-nolock=rfc-nolock:upstream-rfc-nolock
      mainline-nolock=mainline-nolock:upstream-mainline-nolock
      nocopy=mainline-nocopy:upstream-nocopy)
: >"$times"
if ! stage prepare "$S/prepare.sh"; then
	tap fail "prepare (deps, tree, selftests, initramfs; logs: $LOGS)"
	tap_summary; exit 1
fi
npatches=$(grep -cv -e '^#' -e '^$' "$PATCHDIR/series")
tap ok "upstream/ applies to linux-source-7.3 with git am ($npatches patches)"
mapfile -t plist < <(series_patches)
check_base "$WORK/linux"
check_sets "$WORK/linux"
check_patches "$WORK/linux" "${plist[@]}"
check_trailers "$WORK/linux" "${plist[@]}"
if python3 "$S/selftests-sync.py" check >"$LOGS/selftests-sync.log" 2>&1; then
	tap ok "$(tail -n 1 "$LOGS/selftests-sync.log")"
else
	tap fail "the 6.1 selftests are not upstream/'s + tests/selftests-6.1.diff (log: $LOGS/selftests-sync.log)"
	head -n 20 "$LOGS/selftests-sync.log"
fi
if [ "${1:-}" = QUICK=1 ]; then
	stage "matrix QUICK=1" forward_tap "W=1" < <("$S/matrix.sh" QUICK=1 2>&1 ||
		echo "not ok 0 - matrix.sh QUICK=1 exited with status $?")
	tap_summary
	exit
fi
echo "$RUN_ID" >"$LOGS/upstream.run-id"
# every kernel first (rfc, the release build of the RFC, is only measured:
# its page flags, its lock table, its fast path), then the boots
built=()
for v in base rfc rfc-debug rfc-nolock mainline-nolock mainline-nocopy; do
	if stage "build $v" "$S/build.sh" "$v"; then
		tap ok "build $v"; built+=("$v")
	else
		tap fail "build $v (log: $LOGS/build-$v.log)"
	fi
done
judged=()
for r in "${runs[@]}"; do
	role=${r%%=*} rest=${r#*=}
	v=${rest%%:*} name=${rest#*:}
	case " ${built[*]} " in *" $v "*) ;; *) continue ;; esac
	if stage "boot $v" "$S/boot.sh" "$v" race "$name"; then
		tap ok "$name: boots, finishes, no kernel report"
	else
		tap fail "$name: boot/console (console: $LOGS/console-$name.log, results: $(results_log "$name"))"
	fi
	judged+=("$role=$v:$(results_log "$name")")
done
printf '%s\n' "${judged[@]}" >"$LOGS/upstream.runs"

log "== mainline: verdicts"
mkdir -p "$WORK/results"
tapfile=$WORK/results/upstream.tap
rc=0
{
	judge_consoles --run-id "$RUN_ID" "${judged[@]}"
	for r in "${judged[@]}"; do
		f=${r#*:}
		console_summary "$f" | sed "s/^/${r%%:*}: /"
	done
	tap_summary
} | tee "$tapfile"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
# The tagged fast path of the changed call sites that have a function of
# their own (sanitise_mte_tags() is inlined into user_mem_abort() in both)
fp=()
for v in base rfc; do
	o=$(variant_build_dir "$v")
	fp+=("$v=$o/arch/arm64/kernel/mte.o:mte_sync_tags" "$v=$o/arch/arm64/mm/mteswap.o:mte_restore_tags")
done
# a failure here is a failed check (a TAP line), not only a message: the
# report would otherwise go out without its fast-path or comparison rows
if python3 "$S/fastpath.py" --json "$WORK/fastpath.json" "${fp[@]}" >"$LOGS/fastpath.log" 2>&1; then
	tap ok "fast path of the tag sync call sites (scripts/fastpath.py)"
else
	tap fail "fastpath.py (log: $LOGS/fastpath.log)"; tail -n 5 "$LOGS/fastpath.log"
	rm -f "$WORK/fastpath.json"; rc=1
fi
cmp=$WORK/compare.md
if python3 "$S/compare.py" --base 7.3 "$ROOT" "$WORK" >"$cmp" 2>"$LOGS/compare.log"; then
	tap ok "same-kernel comparison (scripts/compare.py --base 7.3)"
else
	tap fail "compare.py --base 7.3 (log: $LOGS/compare.log)"; tail -n 5 "$LOGS/compare.log"
	rm -f "$cmp"; rc=1
fi
cols=(--run "base=stock 7.3 (PG_mte_lock)" --run "rfc-debug=7.3 + RFC (debug config)"
      --run "rfc-nolock=7.3 + RFC, no bucket lock" --run "mainline-nolock=stock 7.3, no PG_mte_lock"
      --run "mainline-nocopy=stock 7.3, no tag copy or restore")
python3 "$S/upstream-report.py" --work "$WORK" --out "$report" --tap "$tapfile" \
	--times "$times" --compare "$cmp" "${cols[@]}" || rc=1
log "${report#"$ROOT"/} written (results: $LOGS/results-upstream-*.log)"
exit "$rc"
