#!/usr/bin/env bash
# The project's tests ('make check'):
#  1. host checks: shellcheck on every script, the evaluator's own tests
#     (tests/harness/), checkpatch.pl --strict on every patch, the series
#     applies to base;
#  2. boots under QEMU 10 (MTE, EL2/KVM), each of which must end with
#     a clean console (no WARN, BUG, lockdep report, OOM, RCU stall, hang):
#       base                 unpatched, release config: no amplifier code
#                            at all; the race tests, then the tests that
#                            tests/expectations marks env
#       series-nolock-debug  the race tests, amplifier on (negative control)
#       series-debug         every selftest, then the race tests, amplifier on
#     then the series on other kernel shapes, the race tests with the
#     amplifier on ($SHAPE_VARIANTS, default series-16k-debug series-kasan:
#     16K pages; KASAN_HW_TAGS with CONFIG_PREEMPT; '' for none), and
#     mainline's own fix ported to 6.1.192 with its negative control
#     (mainline-port-debug, mainline-port-nolock-debug; PORT=0: not),
#     and one evaluator (scripts/verdict.py) judges every test and subtest
#     of the three results channels (work/logs/results-*.log, a
#     virtio-serial port; the consoles keep the kernel's messages) against
#     tests/expectations: the stage 1 race
#     must lose tags on base with no amplifier, every race subtest must lose
#     tags on the negative control, and every race subtest must run and lose
#     nothing on the series;
#  3. mainline (scripts/upstream.sh, BASE=7.3; MAINLINE=0 skips it): the
#     RFC in upstream/ on Debian's linux-source-7.3, its race subtests on
#     the RFC (debug config) and on stock 7.3 (the PG_mte_lock bit lock)
#     must pass, on the negative control of each (rfc-nolock,
#     mainline-nolock) they must lose tags; the 6.1 selftests must be
#     upstream/'s plus tests/selftests-6.1.diff (scripts/selftests-sync.py);
#  4. make bench QUICK=1;
#  5. the compile matrix (scripts/matrix.sh): touched objects with W=1 C=1
#     under ARM64_MTE=n, KVM=n, PROVE_LOCKING, 16K and 64K pages and Debian's
#     own arm64 config; every kernel patch builds.
# Prints TAP and a final 'N passed, N failed, N skipped' line.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts

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
for p in "$ROOT"/patches/[0-9]*.patch "$ROOT"/upstream/[0-9]*.patch "$ROOT"/tests/*.patch; do
	[ -e "$p" ] || continue
	case "${p##*/}" in 0000-cover-letter.patch) continue ;; esac
	# UNKNOWN_COMMIT_ID: the base is a tarball without upstream history, so
	# Fixes: ids cannot be looked up.  FILE_PATH_CHANGES: new selftests
	# fall under existing MAINTAINERS entries (see get_maintainer.pl in
	# the cover letter).  Test-only patches (tests/) carry no sign-off.
	ignore=UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES
	case "$p" in */tests/*) ignore+=,MISSING_SIGN_OFF ;; esac
	# tests/mainline-port.patch carries mainline's lines verbatim (the
	# comparison must be mainline's fix, not our restyling of it): the
	# IF_HAVE_PG_ARCH_X table of include/trace/events/mmflags.h, whose
	# ',{...}' fragments checkpatch reads as bad spacing and unbracketed
	# macros, and asm/mte.h's stubs without blank lines between them
	case "$p" in */tests/mainline-port.patch)
		ignore+=,SPACING,COMPLEX_MACRO,MACRO_ARG_PRECEDENCE,LINE_SPACING ;; esac
	# Run from the kernel tree, as checkpatch expects.
	# Debian's python3 first: the SPDX check needs python3-ply.
	if out=$(cd "$KTREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q \
		--ignore "$ignore" "$p" 2>&1) && [ -z "$out" ]; then
		tap ok "checkpatch --strict: ${p#"$ROOT"/}"
	else
		tap fail "checkpatch --strict: ${p#"$ROOT"/}"; echo "$out" | head -n 20
	fi
done

# Stable tooling reads Fixes: and Cc: stable only as trailers, and git
# history never sees this harness: every patch whose message names a fix
# must carry both as parsed trailers (git interpret-trailers --parse), and
# no message may cite a path of this harness that the kernel lacks.
for p in "$PATCHDIR"/[0-9]*.patch; do
	case "${p##*/}" in 0000-cover-letter.patch) continue ;; esac
	git mailinfo "$LOGS/msg" "$LOGS/msg.diff" <"$p" >/dev/null
	msg=$(cat "$LOGS/msg")
	trailers=$(git interpret-trailers --parse <<<"$msg")
	why=""
	if grep -q -i -E '^(Fixes|Cc: *stable)' <<<"$msg" &&
		! { grep -q '^Fixes: [0-9a-f]\{12\} ("' <<<"$trailers" &&
		    grep -q '^Cc: stable@vger.kernel.org' <<<"$trailers"; }; then
		why="Fixes:/Cc: stable are not both parsed trailers"
	fi
	while read -r tok; do
		if [ -e "$ROOT/$tok" ] && [ ! -e "$KTREE/$tok" ]; then why+="${why:+; }cites harness path $tok"; fi
	done < <(grep -o -E '[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+' <<<"$msg" | sort -u)
	if [ -z "$why" ]; then tap ok "trailers and citations: ${p#"$ROOT"/}"
	else tap fail "trailers and citations: ${p#"$ROOT"/}" "$why"; fi
done

# The three kernels: base and the negative control first, then the series.
b=${BASE_VARIANT:-base}
n=${NOLOCK_VARIANT:-series-nolock-debug}
v=${VARIANT:-series-debug}
# the series on other kernel shapes (16K pages; KASAN_HW_TAGS + PREEMPT)
read -r -a shapes <<<"${SHAPE_VARIANTS-series-16k-debug series-kasan}"
# mainline's fix ported to 6.1.192 and its negative control (the stable
# comparison); PORT=0 skips them
ports=()
[ "${PORT:-1}" = 0 ] || ports=(mainline-port-debug mainline-port-nolock-debug)
log "== stage: kernels $b $n $v ${shapes[*]} ${ports[*]}"
for k in "$b" "$n" "$v" "${shapes[@]}" "${ports[@]}"; do prepare_or_fail "$k"; done

boot() { # VARIANT TESTS NAME [APPEND]
	if APPEND="${4:-}" "$S/boot.sh" "$1" "$2" "$3"; then tap ok "$3: boots, finishes, no kernel report"
	else tap fail "$3: boot/console (console: $LOGS/console-$3.log, results: $(results_log "$3"))"; fi
}
# one run id for the three boots: the evaluator refuses results files of
# another run (make verdict reads it back from work/logs/check.run-id)
echo "$RUN_ID" >"$LOGS/check.run-id"
log "== stage: boot $b (race tests, no amplifier; env tests), run $RUN_ID"
boot "$b" race-env "$b-race-env" harness.window_us=0
log "== stage: boot $n (race tests, amplifier on)"
boot "$n" race "$n-race"
log "== stage: boot $v (every selftest, then the race tests, amplifier on)"
boot "$v" check "$v-check"
shape_runs=() shape_logs=()
for k in "${shapes[@]}"; do
	log "== stage: boot $k (kernel shape: the race tests, amplifier on)"
	boot "$k" race "$k-race"
	shape_runs+=("shape=$k:$(results_log "$k-race")") shape_logs+=("$k-race")
done
if [ ${#ports[@]} -gt 0 ]; then
	log "== stage: boot ${ports[0]} (mainline's fix on 6.1.192: the race tests, amplifier on)"
	boot "${ports[0]}" race "${ports[0]}-race"
	log "== stage: boot ${ports[1]} (its negative control: the race tests, amplifier on)"
	boot "${ports[1]}" race "${ports[1]}-race"
	shape_runs+=("port=${ports[0]}:$(results_log "${ports[0]}-race")"
		"port-nolock=${ports[1]}:$(results_log "${ports[1]}-race")")
	shape_logs+=("${ports[0]}-race" "${ports[1]}-race")
fi

log "== stage: verdicts (scripts/verdict.py, tests/expectations)"
runs=("base=$b:$(results_log "$b-race-env")" "nolock=$n:$(results_log "$n-race")"
	"series=$v:$(results_log "$v-check")" "${shape_runs[@]}")
# make verdict re-judges exactly these (scripts/verdict.sh)
printf '%s\n' "${runs[@]}" >"$LOGS/check.runs"
judge_consoles --run-id "$RUN_ID" "${runs[@]}"
for c in "$b-race-env" "$n-race" "$v-check" "${shape_logs[@]}"; do
	console_summary "$(results_log "$c")" | sed "s/^/$c: /"
done

# TAP lines of a sub-script, counted here: forward PREFIX < output
forward_tap() {
	local line d
	while IFS= read -r line; do
		case "$line" in
			"ok "*" # SKIP "*) d=${line#ok * - }; tap skip "$1: ${d%% # SKIP *}" "${d#* # SKIP }" ;;
			"ok "*) tap ok "$1: ${line#ok * - }" ;;
			"not ok "*) tap fail "$1: ${line#not ok * - }" ;;
			[0-9]*" passed, "*|"1.."*) ;;
			*) echo "$line" ;;
		esac
	done
}
if [ "${MAINLINE:-1}" != 0 ]; then
	log "== stage: mainline 7.3 (scripts/upstream.sh: stock 7.3, the RFC, their negative controls)"
	forward_tap "mainline 7.3" < <("$S/upstream.sh" 2>&1 || echo "not ok 0 - upstream.sh exited with status $?")
fi
if [ "${SKIP_BENCH:-0}" != 1 ]; then
	log "== stage: bench QUICK=1"
	if "$S/bench.sh" QUICK=1 >"$LOGS/bench-quick.log" 2>&1; then tap ok "make bench QUICK=1"
	else tap fail "make bench QUICK=1 (log: $LOGS/bench-quick.log)"; tail -n 15 "$LOGS/bench-quick.log"; fi
fi
log "== stage: compile matrix (W=1 C=1, MTE=n, KVM=n, lockdep, 16K/64K, debian; bisectability)"
forward_tap matrix < <("$S/matrix.sh" 2>&1 || echo "not ok 0 - matrix.sh exited with status $?")
log "== done"
tap_summary
