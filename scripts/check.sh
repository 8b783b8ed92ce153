#!/usr/bin/env bash
# The project's tests ('make check'):
#  1. host checks: shellcheck on every script, checkpatch.pl --strict on
#     every patch, the series applies to base;
#  2. the series-debug kernel (PROVE_LOCKING, DEBUG_VM, ...) runs every
#     installed selftest (arm64/mte, kvm) and then the race tests with the
#     window amplifier on: all must pass and the console must stay clean;
#  3. the base-debug kernel runs the race tests with the same amplifier and
#     must be caught: stage 1 loses tags, stage 2 refuses the memslot;
#  4. make bench QUICK=1;
#  5. the compile matrix (scripts/matrix.sh): touched objects with W=1 C=1
#     under ARM64_MTE=n, KVM=n, PROVE_LOCKING; every kernel patch builds.
# Prints TAP and a final 'N passed, N failed, N skipped' line.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts

log "== stage: dependencies"
"$S/deps.sh"
log "== stage: kernel tree and series"
npatches=$(grep -cv -e '^#' -e '^$' "$ROOT/patches/series" 2>/dev/null || true)
if "$S/tree.sh"; then tap ok "series applies to base (${npatches:-0} patches)"
else tap fail "series applies to base"; tap_summary; exit 1; fi

log "== stage: host checks"
mapfile -t shells < <(cd "$ROOT" && { ls scripts/*.sh guest/init guest/timeout guest/run-tests.sh .ci/run bench/*.sh 2>/dev/null; })
if (cd "$ROOT" && shellcheck -x "${shells[@]}") >"$LOGS/shellcheck.log" 2>&1; then
	tap ok "shellcheck: ${#shells[@]} scripts"
else
	tap fail "shellcheck (log: $LOGS/shellcheck.log)"; head -n 20 "$LOGS/shellcheck.log"
fi
KTREE=${KERNEL_SRC:-$WORK/linux}
for p in "$ROOT"/patches/[0-9]*.patch; do
	[ -e "$p" ] || continue
	case "${p##*/}" in 0000-cover-letter.patch) continue ;; esac
	# UNKNOWN_COMMIT_ID: the base is a tarball without upstream history, so
	# Fixes: ids cannot be looked up.  FILE_PATH_CHANGES: new selftests
	# fall under existing MAINTAINERS entries (see get_maintainer.pl in
	# the cover letter).
	# Run from the kernel tree, as checkpatch expects.
	# Debian's python3 first: the SPDX check needs python3-ply.
	if out=$(cd "$KTREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$p" 2>&1) && [ -z "$out" ]; then
		tap ok "checkpatch --strict: ${p##*/}"
	else
		tap fail "checkpatch --strict: ${p##*/}"; echo "$out" | head -n 20
	fi
done

log "== stage: selftests and initramfs"
"$S/selftests.sh"
"$S/initramfs.sh"

v=${VARIANT:-series-debug}
b=${BASE_VARIANT:-base-debug}
"$S/build.sh" "$v"
have_series=1
[ "${npatches:-0}" -gt 0 ] || have_series=0

# base-debug first: the race tests must catch the bug there, and the tests
# in tests/ksft-env-failures give the verdicts the series is held to.
declare -A base_verdict=()
load_env_failures
"$S/build.sh" "$b"
if "$S/boot.sh" "$b" race-env; then tap ok "$b: boots, no kernel report"
else tap fail "$b: boot/console (log: $LOGS/console-$b-race-env.log)"; fi
con=$LOGS/console-$b-race-env.log
while IFS=$'\t' read -r verdict name directive; do
	case "$verdict$directive" in
		# A test stopped at its time limit detected nothing: not a
		# detection (the unbounded waits in check_tag_init_race can hang
		# on base; see the README).
		"not ok"*"# TIMEOUT"*) tap skip "$b: $name" "did not finish on the unpatched kernel (${directive#" # "}): not counted as a detection" ;;
		"not ok"*) tap ok "$b: race detected by $name (the test fails on the unpatched kernel)" ;;
		*) tap fail "$b: $name did not detect the race on the unpatched kernel" "$verdict $directive" ;;
	esac
done < <(ksft_verdicts "$con" race)
[ "$have_series" = 0 ] || [ -n "$(ksft_verdicts "$con" race)" ] ||
	tap fail "$b: no race test results (console: $con)"
tr -d '\r' <"$con" | grep -E '^# .*(rounds [0-9]+ page-rounds|refused|not supported)' || true
while IFS=$'\t' read -r verdict name directive; do
	base_verdict[$name]=$verdict
done < <(ksft_verdicts "$con" env)

# series-debug: every selftest passes (or fails exactly as on base, for the
# listed emulation failures), then the race tests with the amplifier on.
if "$S/boot.sh" "$v" check; then tap ok "$v: boots, runs the selftests, no kernel report"
else tap fail "$v: boot/console (log: $LOGS/console-$v-check.log)"; fi
con=$LOGS/console-$v-check.log
# Listed emulation failures: SKIP if base failed as well, or if the entry
# is timing-dependent (it may pass or fail on either kernel from run to run).
env_failure() { # TAP-NAME TEST DIRECTIVE
	if [ -n "${env_reason[$2]:-}" ] &&
		{ [ "${base_verdict[$2]:-}" = "not ok" ] || [[ ${env_reason[$2]} == timing:* ]]; }; then
		tap skip "$1" "fails under emulation (on $b: ${base_verdict[$2]:-not run}): ${env_reason[$2]}"
	else
		tap fail "$1" "${3#" # "}"
	fi
}
for sect in all race; do
	KSFT_FAIL_HOOK=env_failure tap_ksft "$con" "$sect" "$v: "
	if [ "$KSFT_N" = 0 ]; then
		if [ "$sect" = race ] && [ "$have_series" = 0 ]; then
			tap skip "$v: race tests" "patches/ is empty: the race tests come with the series"
		else
			tap fail "$v: no selftest results in section '$sect' (console: $con)"
		fi
	fi
done
console_summary "$con"

if [ "$have_series" = 0 ]; then
	tap skip "make bench QUICK=1" "patches/ is empty: no global or hashed variant"
elif [ "${SKIP_BENCH:-0}" != 1 ]; then
	log "== stage: bench QUICK=1"
	if PREPARED=1 "$S/bench.sh" QUICK=1 >"$LOGS/bench-quick.log" 2>&1; then tap ok "make bench QUICK=1"
	else tap fail "make bench QUICK=1 (log: $LOGS/bench-quick.log)"; tail -n 15 "$LOGS/bench-quick.log"; fi
fi
log "== stage: compile matrix (W=1 C=1, MTE=n, KVM=n, lockdep; bisectability)"
if [ "$have_series" = 1 ]; then
	while IFS= read -r line; do
		case "$line" in
			"ok "*) tap ok "matrix: ${line#ok * - }" ;;
			"not ok "*) tap fail "matrix: ${line#not ok * - }" ;;
			*) echo "$line" ;;
		esac
	done < <("$S/matrix.sh" 2>&1 || true)
fi
log "== done"
tap_summary
