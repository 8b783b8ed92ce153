#!/usr/bin/env bash
# The project's tests, in two tiers:
#   make check      (CHECK_TIER=check, what CI runs; its time on a new
#                   2-core machine: docs/HARNESS.md): what catches a
#                   regression of a change within minutes;
#   make check-all  (CHECK_TIER=all): everything, and the records.
#  1. host checks: shellcheck on every script, the evaluator's own tests
#     (tests/harness/), checkpatch.pl --strict and the trailers of every
#     patch set (upstream/: with 7.3's checkpatch, in scripts/upstream.sh),
#     the series applies to base with git am and with quilt;
#  2. boots under QEMU 10 (MTE, EL2/KVM), each of which must end with
#     a clean console (no WARN, BUG, lockdep report, OOM, RCU stall, hang):
#       base                 unpatched, release config: no amplifier code
#                            at all; the race tests, then the tests that
#                            tests/expectations marks env
#       series-nolock-debug  the race tests, amplifier on (negative control)
#       series-debug         every selftest, then the race tests, amplifier on
#     check-all only: the series on other kernel shapes, the race tests
#     with the amplifier on ($SHAPE_VARIANTS, default series-16k-debug
#     series-kasan: 16K pages; KASAN_HW_TAGS with CONFIG_PREEMPT; '' for
#     none), and mainline's own fix ported to 6.1.192 with its negative
#     control (mainline-port-debug, mainline-port-nolock-debug; PORT=0:
#     not);
#     one evaluator (scripts/verdict.py) judges every test and subtest
#     of the results channels (work/logs/results-*.log, a virtio-serial
#     port; the consoles keep the kernel's messages) against
#     tests/expectations: the stage 1 race must lose tags on base with no
#     amplifier, every race subtest must lose tags on the negative control,
#     and every race subtest must run and lose nothing on the series;
#  3. mainline (scripts/upstream.sh, BASE=7.3; MAINLINE=0 skips it):
#     check: upstream/ applies to Debian's linux-source-7.3, is checkpatch
#     clean with real trailers, the 6.1 selftests are upstream/'s plus
#     tests/selftests-6.1.diff (scripts/selftests-sync.py), and the touched
#     objects build with no new W=1 warnings;
#     check-all: also the RFC's race subtests on the RFC (debug config) and
#     on stock 7.3 (the PG_mte_lock bit lock) must pass, on the negative
#     control of each (rfc-nolock, mainline-nolock) they must lose tags
#     (docs/UPSTREAM.md);
#  4. make bench QUICK=1;
#  5. the compile matrix (scripts/matrix.sh): touched objects with W=1 C=1
#     in the default config and under ARM64_MTE=n and KVM=n; every kernel
#     patch builds; check-all: also PROVE_LOCKING, 16K and 64K pages and
#     Debian's own arm64 config (docs/MATRIX.md), 7.3's matrix
#     (docs/MATRIX-7.3.md) and docs/COMPARISON.md;
#  6. records: check-all, when every check above passed and no knob
#     (MAINLINE=0, PORT=0, SKIP_BENCH=1, another VARIANT...) replaced a part
#     of it, stamps every record with the digests of its own inputs
#     (scripts/records.py write --all, docs/records.sha256); each record's
#     own command (make upstream, make matrix MATRIX_DOC=1, ...) stamps it
#     alone.  Both tiers then check every record against today's inputs
#     (make check-records): an edited or missing record fails; a stale one
#     (an input of it changed since its run) is a SKIP that names the input
#     and the command that refreshes it in make check, and a failure at the
#     end of make check-all (STRICT=1).
# Prints TAP and a final 'N passed, N failed, N skipped' line.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts
tap_begin
CHECK_TIER=${CHECK_TIER:-check}
case "$CHECK_TIER" in check|all) ;; *) die "CHECK_TIER=$CHECK_TIER: the tiers are check (make check) and all (make check-all)" ;; esac
log "== make $([ "$CHECK_TIER" = all ] && echo check-all || echo check) (CHECK_TIER=$CHECK_TIER)"
if [ "$CHECK_TIER" = all ]; then
	# a run with a knob that replaces a part of it does not stamp
	mapfile -t bypass < <(stamp_bypass)
	# what the records will be stamped against: refused at the end if an
	# input changed on disk while the run used it
	python3 "$S/records.py" snapshot "$ROOT" "$LOGS/records.snapshot"
fi

log "== stage: host checks"
mapfile -t shells < <(cd "$ROOT" && { ls scripts/*.sh guest/init guest/timeout guest/run-tests.sh .ci/run bench/*.sh tests/harness/*.sh 2>/dev/null; })
"$S/deps.sh"
if (cd "$ROOT" && shellcheck -x "${shells[@]}") >"$LOGS/shellcheck.log" 2>&1; then
	tap ok "shellcheck: ${#shells[@]} scripts"
else
	tap fail "shellcheck (log: $LOGS/shellcheck.log)"; head -n 20 "$LOGS/shellcheck.log"
fi
if "$ROOT/tests/harness/run.sh" >"$LOGS/test-harness.log" 2>&1; then
	tap ok "evaluator tests: $(grep -c '^ok' "$LOGS/test-harness.log") cases (tests/harness)"
else
	tap fail "evaluator tests (log: $LOGS/test-harness.log)"; grep '^not ok' "$LOGS/test-harness.log" | head
fi
prepare_or_fail() {
	if ! "$S/prepare.sh" "$@"; then
		tap fail "prepare $* (logs: $LOGS)"; tap_summary; exit 1
	fi
}
log "== stage: kernel tree, series, selftests, initramfs"
prepare_or_fail
npatches=$(grep -cv -e '^#' -e '^$' "$ROOT/patches/series")
tap ok "series applies to base with git am ($npatches patches)"
# The same files as a quilt series (patches/series is one) on the unpacked
# tarball, as a Debian kernel package carries patches in debian/patches.
qdir=$WORK/quilt
rm -rf "$qdir" && mkdir -p "$qdir"
if tar -C "$qdir" -xf "${TARBALL:-/usr/src/linux-source-$BASE.tar.xz}" &&
	(cd "$qdir"/linux-source-* && QUILT_PATCHES=$ROOT/patches quilt push -a -q) >"$LOGS/quilt.log" 2>&1; then
	tap ok "quilt push -a on the unpacked linux-source-$BASE tarball: $(grep -c '^Applying patch' "$LOGS/quilt.log") patches"
else
	tap fail "quilt push -a on the unpacked tarball (log: $LOGS/quilt.log)"; tail -n 5 "$LOGS/quilt.log"
fi
rm -rf "$qdir"
KTREE=${KERNEL_SRC:-$WORK/linux}
# the stable series and the test-only patches with 6.1's checkpatch;
# upstream/ is checked against the 7.3 tree by scripts/upstream.sh
mapfile -t plist < <(series_patches)
check_base "$KTREE"
check_sets "$KTREE"
check_patches "$KTREE" "${plist[@]}" "$ROOT"/tests/*.patch
check_trailers "$KTREE" "${plist[@]}"

# make check's stages come first, in make check's order, in both tiers (so
# the time at which check-all ends them is a make check's time); check-all
# then adds its own.
# The three kernels: base and the negative control first, then the series.
b=${BASE_VARIANT:-base}
n=${NOLOCK_VARIANT:-series-nolock-debug}
v=${VARIANT:-series-debug}
log "== stage: kernels $b $n $v"
for k in "$b" "$n" "$v"; do prepare_or_fail "$k"; done

boot() { # VARIANT TESTS NAME [APPEND]
	if APPEND="${4:-}" "$S/boot.sh" "$1" "$2" "$3"; then tap ok "$3: boots, finishes, no kernel report"
	else tap fail "$3: boot/console (console: $LOGS/console-$3.log, results: $(results_log "$3"))"; fi
}
# one run id for every boot: the evaluator refuses results files of
# another run (make verdict reads it back from work/logs/check.run-id)
echo "$RUN_ID" >"$LOGS/check.run-id"
log "== stage: boot $b (race tests, no amplifier; env tests), run $RUN_ID"
boot "$b" race-env "$b-race-env" harness.window_us=0
log "== stage: boot $n (race tests, amplifier on)"
boot "$n" race "$n-race"
log "== stage: boot $v (every selftest, then the race tests, amplifier on)"
boot "$v" check "$v-check"

log "== stage: verdicts (scripts/verdict.py, tests/expectations)"
runs=("base=$b:$(results_log "$b-race-env")" "nolock=$n:$(results_log "$n-race")"
	"series=$v:$(results_log "$v-check")")
# make verdict re-judges exactly these (scripts/verdict.sh)
printf '%s\n' "${runs[@]}" >"$LOGS/check.runs"
judge_consoles --run-id "$RUN_ID" "${runs[@]}"
for c in "$b-race-env" "$n-race" "$v-check"; do
	console_summary "$(results_log "$c")" | sed "s/^/$c: /"
done

if [ "${MAINLINE:-1}" != 0 ]; then
	log "== stage: mainline 7.3 (scripts/upstream.sh QUICK=1: the RFC applies, checkpatch, trailers, selftests in one source, touched objects with W=1)"
	forward_tap "mainline 7.3" < <("$S/upstream.sh" QUICK=1 2>&1 || echo "not ok 0 - upstream.sh exited with status $?")
fi
if [ "${SKIP_BENCH:-0}" != 1 ]; then
	log "== stage: bench QUICK=1"
	if "$S/bench.sh" QUICK=1 >"$LOGS/bench-quick.log" 2>&1; then tap ok "make bench QUICK=1"
	else tap fail "make bench QUICK=1 (log: $LOGS/bench-quick.log)"; tail -n 15 "$LOGS/bench-quick.log"; fi
fi
# make check: the configs whose #ifdefs a patch change breaks first
# (check-all builds all seven and writes docs/MATRIX.md)
log "== stage: compile matrix (W=1 C=1: default, MTE=n, KVM=n; every patch alone)"
forward_tap matrix < <(MATRIX_CONFIGS="default mte-off kvm-off" "$S/matrix.sh" 2>&1 ||
	echo "not ok 0 - matrix.sh exited with status $?")
log "== make check's stages done"

if [ "$CHECK_TIER" = all ]; then
	# the series on other kernel shapes (16K pages; KASAN_HW_TAGS + PREEMPT;
	# SHAPE_VARIANTS='' for none), mainline's fix ported to 6.1.192 and its
	# negative control (the stable comparison; PORT=0 skips them)
	read -r -a shapes <<<"${SHAPE_VARIANTS-series-16k-debug series-kasan}"
	ports=()
	[ "${PORT:-1}" = 0 ] || ports=(mainline-port-debug mainline-port-nolock-debug)
	log "== stage (check-all): kernels ${shapes[*]} ${ports[*]}"
	for k in "${shapes[@]}" "${ports[@]}"; do prepare_or_fail "$k"; done
	more=()
	for k in "${shapes[@]}"; do
		log "== stage (check-all): boot $k (kernel shape: the race tests, amplifier on)"
		boot "$k" race "$k-race"
		more+=("shape=$k:$(results_log "$k-race")")
	done
	if [ ${#ports[@]} -gt 0 ]; then
		log "== stage (check-all): boot ${ports[0]} (mainline's fix on 6.1.192: the race tests, amplifier on)"
		boot "${ports[0]}" race "${ports[0]}-race"
		log "== stage (check-all): boot ${ports[1]} (its negative control: the race tests, amplifier on)"
		boot "${ports[1]}" race "${ports[1]}-race"
		more+=("port=${ports[0]}:$(results_log "${ports[0]}-race")"
			"port-nolock=${ports[1]}:$(results_log "${ports[1]}-race")")
	fi
	if [ ${#more[@]} -gt 0 ]; then
		log "== stage (check-all): verdicts of the shapes and the port"
		printf '%s\n' "${more[@]}" >>"$LOGS/check.runs"
		judge_consoles --run-id "$RUN_ID" "${more[@]}"
		for r in "${more[@]}"; do
			console_summary "${r#*:}" | sed "s/^/${r%%:*}: /"
		done
	fi
	if [ "${MAINLINE:-1}" != 0 ]; then
		log "== stage (check-all): mainline 7.3 (scripts/upstream.sh: stock 7.3, the RFC, their negative controls -> docs/UPSTREAM.md)"
		forward_tap "mainline 7.3 boots" < <(UPSTREAM_DOC=1 "$S/upstream.sh" 2>&1 ||
			echo "not ok 0 - upstream.sh exited with status $?")
	fi
	# after the shape boots: docs/MATRIX.md's shapes table reads their records
	log "== stage (check-all): compile matrix with its shapes table (-> docs/MATRIX.md)"
	forward_tap "matrix (doc)" < <(MATRIX_DOC=1 "$S/matrix.sh" 2>&1 || echo "not ok 0 - matrix.sh exited with status $?")
	log "== stage (check-all): compile matrix, mainline 7.3 (-> docs/MATRIX-7.3.md)"
	forward_tap "matrix 7.3" < <(BASE=7.3 MATRIX_DOC=1 "$S/matrix.sh" 2>&1 ||
		echo "not ok 0 - BASE=7.3 matrix.sh exited with status $?")
	log "== stage (check-all): the series against the mainline port (scripts/compare.py -> docs/COMPARISON.md)"
	if python3 "$S/compare.py" "$ROOT" "$WORK" >"$WORK/COMPARISON.md" 2>"$LOGS/compare.log"; then
		cp "$WORK/COMPARISON.md" "$ROOT/docs/COMPARISON.md"; tap ok "docs/COMPARISON.md written"
	else
		tap fail "compare.py (log: $LOGS/compare.log)"; tail -n 5 "$LOGS/compare.log"
	fi
	# the records carry the digests of their inputs only when every check
	# of this run passed: a record is only ever written by a green run
	if [ ${#bypass[@]} -gt 0 ]; then
		tap fail "records not stamped: ${bypass[*]} set (a check-all with its defaults stamps them)"
	elif [ "$TAP_FAIL" = 0 ]; then
		log "== stage (check-all): records (scripts/records.py write -> docs/records.sha256)"
		if python3 "$S/records.py" write --all --run-id "$RUN_ID" --snapshot "$LOGS/records.snapshot" \
			--command "make check-all" "$ROOT" >"$LOGS/records.log" 2>&1; then
			tap ok "records stamped: $(wc -l <"$LOGS/records.log") records, run $RUN_ID"
		else
			tap fail "records.py write (log: $LOGS/records.log)"; tail -n 5 "$LOGS/records.log"
		fi
	else
		tap fail "records not stamped: $TAP_FAIL checks of this run failed"
	fi
fi
log "== stage: records match their inputs (scripts/records.py check$([ "$CHECK_TIER" = all ] && echo ' --strict'))"
if [ "$CHECK_TIER" = all ]; then STRICT=1 judge_records; else judge_records; fi
log "== done"
tap_summary
