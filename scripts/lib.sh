# Shared helpers for the scripts; sourced, not run.
# shellcheck shell=bash
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# BASE picks the kernel the pipeline works on.  6.1 (default): Debian's
# linux-source-6.1 (bookworm) and patches/ (the stable series).  7.3:
# mainline, Debian's linux-source-7.3 from trixie-backports (fetched by
# scripts/deps.sh into work/7.3/pkg with a private apt source list, never
# added to the machine's sources) and upstream/ (the RFC); its tree, builds
# and results live in work/7.3/.
BASE=${BASE:-6.1}
case "$BASE" in
	6.1) WORK=${WORK:-$ROOT/work} PATCHDIR=$ROOT/patches
	     TARBALL=${TARBALL:-/usr/src/linux-source-6.1.tar.xz} ;;
	7.3) WORK=${WORK:-$ROOT/work/7.3} PATCHDIR=$ROOT/upstream
	     TARBALL=${TARBALL:-$WORK/pkg/usr/src/linux-source-7.3.tar.xz} ;;
	*) printf 'ERROR: BASE=%s: the known bases are 6.1 (stable) and 7.3 (mainline)\n' "$BASE" >&2; exit 1 ;;
esac
BUSYBOX=$ROOT/work/busybox
export BASE PATCHDIR BUSYBOX

LOGS=$WORK/logs
mkdir -p "$LOGS"
T0=${T0:-$(date +%s)}
# The run every boot of this command belongs to (docs/RESULTS-FORMAT.md).
RUN_ID=${RUN_ID:-$(date -u +%Y%m%dT%H%M%SZ)-$$}
export T0 RUN_ID

# The results channel of boot NAME (scripts/boot.sh).
results_log() { echo "$LOGS/results-$1.log"; }

# A table variant's build directory (scripts/build.sh, tests/variants).
variant_build_dir() { echo "$WORK/v/$1/build"; }

log() { printf '[%4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
need_tool() { command -v "$1" >/dev/null 2>&1 || die "missing tool: $1 (run 'make deps' or install it)"; }

# TAP output for the harness's own verdicts; counts for the final line.
# todo: an expected failure (TAP's TODO directive), not counted as failed.
TAP_N=0 TAP_PASS=0 TAP_FAIL=0 TAP_SKIP=0 TAP_TODO=0
tap() { # tap ok|fail|skip|todo DESCRIPTION [REASON]
	TAP_N=$((TAP_N + 1))
	case "$1" in
		ok) TAP_PASS=$((TAP_PASS + 1)); echo "ok $TAP_N - $2" ;;
		skip) TAP_SKIP=$((TAP_SKIP + 1)); echo "ok $TAP_N - $2 # SKIP ${3:-}" ;;
		todo) TAP_TODO=$((TAP_TODO + 1)); echo "not ok $TAP_N - $2 # TODO ${3:-}" ;;
		*) TAP_FAIL=$((TAP_FAIL + 1)); echo "not ok $TAP_N - $2${3:+ # $3}" ;;
	esac
}
tap_summary() {
	echo "1..$TAP_N"
	echo "$TAP_PASS passed, $TAP_FAIL failed, $TAP_SKIP skipped$([ "$TAP_TODO" = 0 ] ||
		echo ", $TAP_TODO known failures (TODO)")"
	[ "$TAP_FAIL" = 0 ]
}

# Judge saved results files with the one evaluator (scripts/verdict.py, rules
# in tests/expectations) and turn its records into TAP lines here, the
# project's one TAP writer.  Writes work/results/VARIANT.json.
# Arguments: ROLE=VARIANT:FILE ... [verdict.py options]
judge_consoles() {
	local res name reason out
	out=$(python3 "$ROOT/scripts/verdict.py" --results "$WORK/results" \
		--check-list "$WORK/initramfs/harness/check-list" --min-windows "${MIN_WINDOWS:-5}" "$@") || true
	[ -n "$out" ] || { tap fail "verdict.py produced no records for: $*"; return; }
	while IFS=$'\t' read -r res name reason; do
		case "$res" in
			ok) tap ok "$name${reason:+ ($reason)}" ;;
			skip) tap skip "$name" "$reason" ;;
			*) tap fail "$name" "$reason" ;;
		esac
	done <<<"$out"
}

# The race tests' metrics and windows, and the tests that used more than
# half of their time limit (scripts/results.py summary).  A missing file
# is said, not fatal: the verdicts have already failed it.
console_summary() { # RESULTS-FILE
	if [ -f "$1" ]; then python3 "$ROOT/scripts/results.py" summary "$1"
	else echo "no results file $1"; fi
}
