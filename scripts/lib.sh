# Shared helpers for the scripts; sourced, not run.
# shellcheck shell=bash
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
WORK=${WORK:-$ROOT/work}
LOGS=$WORK/logs
mkdir -p "$LOGS"
T0=${T0:-$(date +%s)}
export T0

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

# Kselftest verdicts from a console log: one line per test,
# "ok|not ok|skip<TAB>collection:test<TAB>directive", between two markers.
ksft_verdicts() { # LOG BEGIN-MARKER END-MARKER
	tr -d '\r' <"$1" | sed -n "/^harness: TAP begin $2\$/,/^harness: TAP end $2\$/p" |
		sed -n -E 's/^(not ok|ok) [0-9]+ selftests: ([^:]+): ([^ ]+)(.*)$/\1\t\2:\3\t\4/p' |
		awk -F'\t' '{ v = $1; if (v == "ok" && $3 ~ /# SKIP/) v = "skip"; print v "\t" $2 "\t" $3 }'
}

# tests/ksft-env-failures: the existing selftests that fail under this
# harness's emulation on the unpatched kernel too, with the reason.
declare -A env_reason=()
# shellcheck disable=SC2034 # env_reason is read by the sourcing scripts
load_env_failures() {
	local t reason
	while IFS=$'\t' read -r t reason; do
		case "$t" in ''|'#'*) continue ;; esac
		env_reason[$t]=$reason
	done <"$ROOT/tests/ksft-env-failures"
}

# One TAP line per kselftest verdict in a console section (ksft_verdicts),
# each named PREFIX + collection:test.  A failing test goes to the function
# named by KSFT_FAIL_HOOK (arguments: TAP-NAME TEST DIRECTIVE; default
# ksft_fail, a plain failure).  Sets KSFT_N to the number of verdicts.
ksft_fail() { tap fail "$1" "${3#" # "}"; }
tap_ksft() { # LOG SECTION [PREFIX]
	local verdict name directive
	KSFT_N=0
	while IFS=$'\t' read -r verdict name directive; do
		KSFT_N=$((KSFT_N + 1))
		case "$verdict" in
			ok) tap ok "${3:-}$name" ;;
			skip) tap skip "${3:-}$name" "${directive#*# SKIP}" ;;
			*) "${KSFT_FAIL_HOOK:-ksft_fail}" "${3:-}$name" "$name" "$directive" ;;
		esac
	done < <(ksft_verdicts "$1" "$2")
}

# The race tests' round counts and the amplifier's lines, and the tests
# that used more than half of their time limit (guest/timeout's lines).
console_summary() { # LOG
	tr -d '\r' <"$1" | grep -E '^# .*rounds [0-9]+ page-rounds|^harness: race' || true
	tr -d '\r' <"$1" | awk '$2 == "harness:" && $4 == "took" && $6 == "(limit" {
		t = $5 + 0; l = $7 + 0
		if (t * 2 > l) print "note: " $3 " took " t " s of its " l " s limit" }'
}
