#!/usr/bin/env bash
# Tests of the evaluator itself (scripts/verdict.py): constructed consoles
# that must yield a given verdict, no boot; and of the variant table.  Each case checks one way in
# which 'make check' could stay green while something real broke.
# Usage: tests/harness/run.sh   (TAP; exit 1 on a failed case)
# The console builders below are called indirectly, through case_.
# shellcheck disable=SC2317
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0

S1='MAP_SHARED mprotect(PROT_MTE) vs first touch, 64 pages'
S2='MAP_SHARED mprotect(PROT_MTE) vs first touch, shmem THP'
S3='MAP_SHARED tagged pages keep their tags across swap, two mms'
K1='MAP_SHARED memfd memslot with KVM_CAP_ARM_MTE accepted'
K2='stage 2 first touch vs stage 1 first touch on a shared memslot'
K3='KVM_ARM_MTE_COPY_TAGS write vs first touch'
K4='KVM_ARM_MTE_COPY_TAGS bad arguments keep their errors'
K5='shared VMA that cannot hold tags gets -EINVAL (got -1, Invalid argument)'

# stage1 V1 L1 V2 L2 V3: the stage 1 race test's output (V: ok | not ok)
stage1() {
	local top=ok
	[ "$1" = ok ] && [ "$3" = ok ] && [ "$5" = ok ] || top="not ok"
	printf '# selftests: arm64: check_tag_init_race\n# TAP version 13\n# 1..3\n'
	printf '# # %s: rounds 10 page-rounds 640 lost %s time 1.0s\n# %s 1 %s\n' "$S1" "$2" "$1" "$S1"
	printf '# # %s: rounds 10 page-rounds 80 lost %s time 1.0s\n# %s 2 %s\n' "$S2" "$4" "$3" "$S2"
	printf '# # %s: rounds 16 page-rounds 256 lost 0 time 1.0s\n# %s 3 %s\n' "$S3" "$5" "$S3"
	printf '%s 1 selftests: arm64: check_tag_init_race%s\n' "$top" "$([ "$top" = ok ] || echo ' # exit=1')"
}
# stage2 V2 L2 V3 L3: the KVM race test's output
stage2() {
	local top=ok
	[ "$1" = ok ] && [ "$3" = ok ] || top="not ok"
	printf '# selftests: kvm: mte_shared_memslot\n# TAP version 13\n# 1..5\n# ok 1 %s\n' "$K1"
	printf '# # guest race: rounds 10 page-rounds 160 lost %s + 0 time 1.0s\n# %s 2 %s\n' "$2" "$1" "$K2"
	printf '# # COPY_TAGS race: rounds 10 page-rounds 160 lost %s time 1.0s\n# %s 3 %s\n' "$4" "$3" "$K3"
	printf '# ok 4 %s\n# ok 5 %s\n' "$K4" "$K5"
	printf '%s 2 selftests: kvm: mte_shared_memslot%s\n' "$top" "$([ "$top" = ok ] || echo ' # exit=1')"
}
base_skip() {
	printf '# selftests: kvm: mte_shared_memslot\n# TAP version 13\n# 1..5\n'
	printf '# ok 1 # SKIP this kernel refuses MAP_SHARED memslots with KVM_CAP_ARM_MTE (EINVAL)\n'
	printf 'ok 2 selftests: kvm: mte_shared_memslot # SKIP\n'
}
other() { # NAME VERDICT [DIRECTIVE]
	printf '# selftests: %s: %s\n%s 1 selftests: %s: %s%s\n' "${1%%:*}" "${1#*:}" "$2" "${1%%:*}" "${1#*:}" "${3:+ # $3}"
}
sec() { echo "harness: TAP begin $1"; cat; echo "harness: TAP end $1"; }

# the good run: every console as it should be
good_base() { { stage1 "not ok" 3 ok 0 ok; base_skip; } | sec race; echo 'harness: race windows opened: 0'; other kvm:arch_timer "not ok" exit=1 | sec env; }
good_nolock() { { stage1 "not ok" 5 "not ok" 2 ok; stage2 "not ok" 4 "not ok" 7; } | sec race; echo 'harness: race windows opened: 40'; }
good_series() { { other arm64:check_prctl ok; other kvm:arch_timer "not ok" exit=1; } | sec all
	{ stage1 ok 0 ok 0 ok; stage2 ok 0 ok 0; } | sec race; echo 'harness: race windows opened: 40'; }
printf 'arm64:check_prctl\nkvm:arch_timer\n' >"$tmp/check-list"
# the real rules, after fixture rules (first match wins) that treat THP as
# a working race subtest, as it would be where shmem THP is allocated
{ printf 'series\tarm64:check_tag_init_race\t%s\tpass\tfixture\n' "$S2"
  printf 'nolock\tarm64:check_tag_init_race\t%s\tdetect\tfixture\n' "$S2"
  printf 'base\tarm64:check_tag_init_race\t%s\tany\tfixture\n' "$S2"
  grep -v -e '^# ---' -e $'\tenv\t' "$root/tests/expectations"
  printf 'series\tkvm:arch_timer\t-\tenv\ttest fixture\n'; } >"$tmp/expect"

# case NAME WANT(pass|fail) GREP-FOR-A-FAILING-RECORD -- consoles from functions
case_() {
	local name=$1 want=$2 pat=$3 b=$4 l=$5 s=$6 rc=0 out
	n=$((n + 1))
	"$b" >"$tmp/b.log"; "$l" >"$tmp/l.log"; "$s" >"$tmp/s.log"
	out=$(python3 "$root/scripts/verdict.py" --expectations "$tmp/expect" --check-list "$tmp/check-list" \
		--min-windows 5 base=base-debug:"$tmp/b.log" nolock=series-nolock-debug:"$tmp/l.log" \
		series=series-debug:"$tmp/s.log") || rc=$?
	if [ "$want" = pass ] && [ "$rc" = 0 ]; then echo "ok $n - $name"
	elif [ "$want" = fail ] && [ "$rc" = 1 ] && grep -P "^fail\t.*$pat" <<<"$out" >/dev/null; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (rc $rc)"; printf '%s\n' "$out" | grep -v '^ok' | sed 's/^/#   /'; bad=1
	fi
}

case_ "good consoles pass" pass "" good_base good_nolock good_series
# 1. a SKIP on the series fails
skip_series() { { other arm64:check_prctl ok; other kvm:arch_timer "not ok" exit=1; } | sec all
	{ stage1 ok 0 ok 0 ok; printf '# selftests: kvm: mte_shared_memslot\n# ok 1 # SKIP KVM_CAP_ARM_MTE missing\nok 2 selftests: kvm: mte_shared_memslot # SKIP\n'; } | sec race
	echo 'harness: race windows opened: 40'; }
case_ "1. race test SKIP on the series fails" fail "missing: expected pass" good_base good_nolock skip_series
thp_skip_series() { { other arm64:check_prctl ok; other kvm:arch_timer "not ok" exit=1; } | sec all
	{ stage1 ok 0 ok 0 ok | sed "s/^# ok 2 .*/# ok 2 # SKIP $S2/"; stage2 ok 0 ok 0; } | sec race
	echo 'harness: race windows opened: 40'; }
case_ "1. race subtest SKIP (6.1's \"ok N # SKIP description\") on the series fails" fail "shmem THP.*expected pass" good_base good_nolock thp_skip_series
# 2. known failures are per subtest: a new failing subtest is visible
sub_series() { { other arm64:check_prctl ok; other kvm:arch_timer "not ok" exit=1
	printf '# selftests: arm64: check_mmap_options\n# ok 1 old case\n# not ok 2 new MAP_SHARED case\nnot ok 3 selftests: arm64: check_mmap_options # exit=1\n'; } | sec all
	{ stage1 ok 0 ok 0 ok; stage2 ok 0 ok 0; } | sec race; echo 'harness: race windows opened: 40'; }
case_ "2. a failing subtest of a test with a passing sibling fails" fail "new MAP_SHARED case" good_base good_nolock sub_series
# 3. a listed (env) failure that passes on base fails
base_ok() { { stage1 "not ok" 3 ok 0 ok; base_skip; } | sec race; other kvm:arch_timer ok | sec env; }
case_ "3. listed failure that passed on base fails" fail "on base it was pass" base_ok good_nolock good_series
# 4. detection means lost tags: a crash, a timeout, a refusal are failures
base_crash() { { stage1 "not ok" 0 ok 0 ok; base_skip; } | sec race; other kvm:arch_timer "not ok" exit=1 | sec env; }
case_ "4. not ok without lost tags on base is not a detection" fail "without reporting a lost tag" base_crash good_nolock good_series
base_timeout() { { printf '# selftests: arm64: check_tag_init_race\n# 1..3\nnot ok 1 selftests: arm64: check_tag_init_race # TIMEOUT 300 seconds\n'; base_skip; } | sec race
	other kvm:arch_timer "not ok" exit=1 | sec env; }
case_ "4. a timeout on base is a failure, not a detection" fail "TIMEOUT|missing" base_timeout good_nolock good_series
nolock_miss() { { stage1 "not ok" 5 "not ok" 2 ok; stage2 ok 0 "not ok" 7; } | sec race; echo 'harness: race windows opened: 40'; }
case_ "4. the negative control must lose tags in every race subtest" fail "stage 2 first touch.*not detected" good_base nolock_miss good_series
# 5. counts: a missing test, too few windows
short_series() { other arm64:check_prctl ok | sec all; { stage1 ok 0 ok 0 ok; stage2 ok 0 ok 0; } | sec race; echo 'harness: race windows opened: 40'; }
case_ "5. a test of the check list that did not report fails" fail "every selftest reported" good_base good_nolock short_series
few_windows() { { other arm64:check_prctl ok; other kvm:arch_timer "not ok" exit=1; } | sec all
	{ stage1 ok 0 ok 0 ok; stage2 ok 0 ok 0; } | sec race; echo 'harness: race windows opened: 2'; }
case_ "5. an amplified run that opened too few windows fails" fail "opened >= 5" good_base good_nolock few_windows
died() { { other arm64:check_prctl ok; other kvm:arch_timer "not ok" exit=1; } | sec all
	{ stage1 ok 0 ok 0 ok; printf '# selftests: kvm: mte_shared_memslot\n# ok 1 %s\nnot ok 2 selftests: kvm: mte_shared_memslot # exit=139\n' "$K1"; } | sec race; }
case_ "5. a runner or test that died fails" fail "died|missing" good_base good_nolock died
# 6. a selftest that does not build fails without an allowlist entry
stub_series() { { other arm64:check_prctl ok; other kvm:arch_timer "not ok" exit=1
	printf '# selftests: kvm: new_test\n# # SKIP: kvm/new_test does not build on this kernel: x.c: error\nok 3 selftests: kvm: new_test # SKIP\n'; } | sec all
	{ stage1 ok 0 ok 0 ok; stage2 ok 0 ok 0; } | sec race; echo 'harness: race windows opened: 40'; }
case_ "6. a SKIP stub for a test that does not build fails" fail "does not build" good_base good_nolock stub_series
# 7. timing flakes: one more try, and that try is judged
flake_series() { { other arm64:check_prctl "not ok" exit=1; other kvm:arch_timer "not ok" exit=1; } | sec all
	other arm64:check_prctl ok | sec rerun
	{ stage1 ok 0 ok 0 ok; stage2 ok 0 ok 0; } | sec race; echo 'harness: race windows opened: 40'; }
case_ "7. a test that fails once and passes its re-run passes" pass "" good_base good_nolock flake_series
flake2_series() { { other arm64:check_prctl "not ok" exit=1; other kvm:arch_timer "not ok" exit=1; } | sec all
	other arm64:check_prctl "not ok" exit=1 | sec rerun
	{ stage1 ok 0 ok 0 ok; stage2 ok 0 ok 0; } | sec race; echo 'harness: race windows opened: 40'; }
case_ "7. a test that fails its re-run too fails" fail "check_prctl	failed with no" good_base good_nolock flake2_series
base_flake() { { stage1 "not ok" 3 ok 0 ok; base_skip; } | sec race; other kvm:arch_timer ok | sec env
	other kvm:arch_timer "not ok" exit=1 | sec rerun; }
case_ "7. a listed failure is accepted when base fails in one of its two tries" pass "" base_flake good_nolock good_series
# The variant table (tests/variants, scripts/variant.sh): every row names
# test patches and config fragments that exist, and a name that is not in
# the table is refused with a message that says where the table is.
check_() { # NAME COMMAND...: the command must succeed
	n=$((n + 1))
	if out=$("${@:2}" 2>&1); then echo "ok $n - $1"
	else echo "not ok $n - $1"; printf '%s\n' "$out" | sed 's/^/#   /'; bad=1; fi
}
table_ok() {
	local name kernel source patches configs _bench purpose p c rc=0
	while read -r name kernel source patches configs _bench purpose; do
		case "$name" in ''|'#'*) continue ;; esac
		[ -n "$purpose" ] || { echo "$name: no purpose"; rc=1; }
		case "$kernel" in any|6.1|6.12) ;; *) echo "$name: kernel $kernel"; rc=1 ;; esac
		case "$source" in base|series|series:[0-9]*) ;; *) echo "$name: source $source"; rc=1 ;; esac
		for p in ${patches//,/ }; do
			[ "$p" = - ] || [ -f "$root/tests/$p.patch" ] || { echo "$name: no tests/$p.patch"; rc=1; }
		done
		for c in ${configs//,/ }; do
			case "$c" in -|CONFIG_*=*) ;; *) [ -f "$root/configs/$c.config" ] || { echo "$name: no configs/$c.config"; rc=1; } ;; esac
		done
	done <"$root/tests/variants"
	return "$rc"
}
unknown_refused() {
	local out
	out=$(cd "$tmp" && ROOT=$root WORK=$tmp/w bash -c '. "$ROOT/scripts/lib.sh"; . "$ROOT/scripts/variant.sh"; variant_row no-such-variant' 2>&1) && return 1
	grep -q 'unknown variant: no-such-variant.*tests/variants' <<<"$out"
}
bench_list() {
	local got
	got=$(ROOT=$root WORK=$tmp/w bash -c '. "$ROOT/scripts/lib.sh"; . "$ROOT/scripts/variant.sh"; variant_names wall' | tr '\n' ' ')
	if [ "$got" != "$(awk '!/^#/ && NF >= 7 && $6 ~ /(^|,)wall(,|$)/ { printf "%s ", $1 }' "$root/tests/variants")" ] ||
		! grep -qw base <<<"$got" || ! grep -qw series <<<"$got"; then
		echo "wall variants: $got"
		return 1
	fi
}
check_ "variants: every row's patches and config fragments exist" table_ok
check_ "variants: an unknown variant is refused, naming tests/variants" unknown_refused
check_ "variants: the bench lists come from the table's bench column" bench_list
echo "1..$n"
exit "$bad"
