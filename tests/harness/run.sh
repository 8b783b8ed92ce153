#!/usr/bin/env bash
# Tests of the evaluator itself (scripts/verdict.py, scripts/results.py):
# results files that must yield a given verdict, no boot; and of the
# variant table.  Each case checks one way in which 'make check' could stay
# green while something real broke, and is named after that hole.
#  - constructed files: good ones below, each case a mutation (sed) of one;
#  - real files: tests/harness/fixtures/*/ were captured from real boots
#    (README there); they must pass as they are, and mutations of them must
#    fail, so a change in the kernel's or the tests' output format shows.
# Every case goes through scripts/verdict.sh (the evaluator and the one TAP
# writer), and its final 'N passed, N failed' line must agree with its exit
# status.
# Usage: tests/harness/run.sh   (TAP; exit 1 on a failed case)
# Functions below are called indirectly (check_, judge).
# shellcheck disable=SC2317
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
expect=$root/tests/expectations

S1='MAP_SHARED mprotect(PROT_MTE) vs first touch, 64 pages'
S2='MAP_SHARED mprotect(PROT_MTE) vs first touch, shmem THP'
S3='MAP_SHARED tagged pages keep their tags across swap, two mms'
S4='anonymous THP split keeps the tags of its PROT_MTE half'
S5='anonymous THP split leaves its untagged half uninitialised'
K1='MAP_SHARED memfd memslot with KVM_CAP_ARM_MTE accepted'
K2='stage 2 first touch vs stage 1 first touch on a shared memslot'
K3='KVM_ARM_MTE_COPY_TAGS write vs first touch'
K4='KVM_ARM_MTE_COPY_TAGS bad arguments keep their errors'
K5='shared VMA that cannot hold tags gets -EINVAL (got -1, Invalid argument)'
K6='private VMA that cannot hold tags is still accepted (got 0, Success)'
K7='a KVM_ARM_MTE_COPY_TAGS write waiting for its tag buffer stalls no first touch'
Z1='stage 2 read of a never-written page leaves the zero page unflagged'
Z2='a private hugetlb page reused by a second MTE VM starts with zero tags'
Z3='a hugetlb page that stage 2 maps page by page starts with zero tags'
Z4='a KVM_ARM_MTE_COPY_TAGS write to one page of a hugetlb page leaves the others with zero tags'
P1='fork: CoW copies made by the parent and by the child keep every page'"'"'s tags'
P2='userfaultfd: UFFDIO_MOVE between PROT_MTE ranges keeps every page'"'"'s tags'
P3='swap: a large folio of 16 pages swapped out whole and in keeps every page'"'"'s tags'
P4='fork: CoW copies of a PROT_MTE hugetlb page keep every page'"'"'s tags'
P5='migration: MADV_SOFT_OFFLINE of a page of a large folio keeps every page'"'"'s tags'
ENV_TESTS='kvm:debug-exceptions kvm:memslot_perf_test kvm:rseq_test kvm:arch_timer'
# the same, escaped for sed -E and grep -E patterns
re() { sed 's/[][().*^$+?{}|\/]/\\&/g' <<<"$1"; }
E1=$(re "$S1") E2=$(re "$S2") E3=$(re "$S3") E7=$(re "$K7")
PR=400000	# page-rounds of a passing race subtest: above every minimum

# --- constructed results files, in the format of docs/RESULTS-FORMAT.md
up() { printf 'harness: guest up, 2 CPUs, kernel 6.1.192\nharness: race window amplifier %s\n' "$1"; }
done_() { printf 'harness: guest done\nharness: boot run=R1 variant=%s name=%s status=clean qemu_rc=0 seconds=9\n' "$1" "$2"; }
# sec NAME: a section around the tests on stdin, with run_kselftest.sh's plan
sec() {
	local body
	body=$(cat)
	printf 'harness: TAP begin %s\nTAP version 13\n1..%s\n%s\nharness: TAP end %s\n' "$1" \
		"$(grep -c -E '^(not )?ok [0-9]+ selftests: ' <<<"$body")" "$body" "$1"
}
# stage1 V1 L1 V2 L2 V3 [V4 L4]: the stage 1 race test (V: ok | not ok),
# then its two THP split subtests (V4 L4 the first; the second passes)
stage1() {
	local top=ok v4=${6:-ok} l4=${7:-0}
	[ "$1" = ok ] && [ "$3" = ok ] && [ "$5" = ok ] && [ "$v4" = ok ] || top="not ok"
	printf '# selftests: arm64: check_tag_init_race\n# TAP version 13\n# 1..5\n'
	printf '# # %s: rounds 6000 page-rounds %s lost %s time 1.0s\n# %s 1 %s\n' "$S1" "$PR" "$2" "$1" "$S1"
	printf '# # %s: rounds 800 page-rounds %s lost %s time 1.0s\n# %s 2 %s\n' "$S2" "$PR" "$4" "$3" "$S2"
	printf '# # %s: rounds 16 page-rounds 256 lost 0 time 1.0s\n' "$S3"
	printf '# # %s: 200 of 256 pages swapped out\n# %s 3 %s\n' "$S3" "$5" "$S3"
	printf '# # %s: rounds 1 page-rounds 256 lost %s\n# %s 4 %s\n' "$S4" "$l4" "$v4" "$S4"
	printf '# # %s: rounds 1 page-rounds 256 lost 0\n# ok 5 %s\n' "$S5" "$S5"
	printf '%s 1 selftests: arm64: check_tag_init_race%s\n' "$top" "$([ "$top" = ok ] || echo ' # exit=1')"
}
# stage2 V2 L2 V3 L3: the KVM race test (its COPY_TAGS stall case passes)
stage2() {
	local top=ok
	[ "$1" = ok ] && [ "$3" = ok ] || top="not ok"
	printf '# selftests: kvm: mte_shared_memslot\n# TAP version 13\n# 1..7\n# ok 1 %s\n' "$K1"
	printf '# # %s: rounds 3000 page-rounds %s lost %s + 0 time 1.0s\n# %s 2 %s\n' "$K2" "$PR" "$2" "$1" "$K2"
	printf '# # %s: rounds 3000 page-rounds %s lost %s time 1.0s\n# %s 3 %s\n' "$K3" "$PR" "$4" "$3" "$K3"
	printf '# ok 4 %s\n# ok 5 %s\n# ok 6 %s\n' "$K4" "$K5" "$K6"
	printf '# # %s: waited vcpu 40 ms, process 12 ms, bound 5000 ms\n# ok 7 %s\n' "$K7" "$K7"
	printf '%s 1 selftests: kvm: mte_shared_memslot%s\n' "$top" "$([ "$top" = ok ] || echo ' # exit=1')"
}
# tag_init V: mte_tag_init, every subtest V (ok | not ok)
tag_init() {
	printf '# selftests: kvm: mte_tag_init\n# TAP version 13\n# 1..4\n# %s 1 %s\n# %s 2 %s\n# %s 3 %s\n# %s 4 %s\n' \
		"$1" "$Z1" "$1" "$Z2" "$1" "$Z3" "$1" "$Z4"
	printf '%s 1 selftests: kvm: mte_tag_init%s\n' "$1" "$([ "$1" = ok ] || echo ' # exit=1')"
}
# check_tag_preservation, one subtest with its metric line
# (and, as 6.1 prints them, the SKIPs of the paths 6.1 lacks)
preserve() {
	printf '# selftests: arm64: check_tag_preservation\n# TAP version 13\n# 1..5\n'
	printf '# # %s: rounds 1 page-rounds 64 lost %s\n# %s 1 %s\n' "$P1" "$2" "$1" "$P1"
	printf '# ok 2 # SKIP %s: no UFFDIO_MOVE in this kernel (before 6.8)\n' "$P2"
	printf '# ok 3 # SKIP %s: no mTHP of 16 pages\n' "$P3"
	printf '# ok 4 # SKIP %s: PROT_MTE on hugetlb refused (before 6.13)\n' "$P4"
	printf '# ok 5 # SKIP %s: no mTHP of 16 pages\n' "$P5"
	printf '%s 1 selftests: arm64: check_tag_preservation%s\n' "$1" "$([ "$1" = ok ] || echo ' # exit=1')"
}
# the whole test skipped before its plan (ksft_exit_skip()); the captured
# fixtures/6.1/base.log has the older form, a SKIP subtest after a plan
base_skip() {
	printf '# selftests: kvm: mte_shared_memslot\n# TAP version 13\n'
	printf '# 1..0 # SKIP MAP_SHARED memslots with KVM_CAP_ARM_MTE refused (EINVAL)\n'
	printf 'ok 1 selftests: kvm: mte_shared_memslot # SKIP\n'
}
other() { # NAME VERDICT [DIRECTIVE]
	printf '# selftests: %s: %s\n%s 1 selftests: %s: %s%s\n' "${1%%:*}" "${1#*:}" "$2" "${1%%:*}" "${1#*:}" "${3:+ # $3}"
}
envs() { local t; for t in $ENV_TESTS; do other "$t" "$@"; done; }
win() { printf 'harness: race windows arm64:check_tag_init_race %s\nharness: race windows kvm:mte_shared_memslot %s\n' "$1" "$2"; }

good_base() {
	up absent
	{ stage1 "not ok" 3 ok 0 ok "not ok" 8192; base_skip; tag_init "not ok"; preserve ok 0; } | sec race
	{ envs "not ok" exit=254; } | sec env
	done_ base base-race-env
}
good_series() {
	up 'on: 3000us'
	{ other arm64:check_prctl ok; envs "not ok" exit=254; tag_init ok; } | sec all
	{ stage1 ok 0 ok 0 ok; win 40 40 | head -n 1; stage2 ok 0 ok 0; win 40 40 | tail -n 1; tag_init ok; preserve ok 0; } | sec race
	done_ series-debug series-debug-check
}
# the nolock file's windows lines sit between its two tests' runs
good_nolock() {
	up 'on: 3000us'
	printf 'harness: TAP begin race\nTAP version 13\n1..1\n'; stage1 "not ok" 5 "not ok" 2 ok
	printf 'harness: race windows arm64:check_tag_init_race 40\nTAP version 13\n1..1\n'
	stage2 "not ok" 4 "not ok" 7
	printf 'harness: race windows kvm:mte_shared_memslot 40\nTAP version 13\n1..1\n'
	tag_init ok
	printf 'harness: race windows kvm:mte_tag_init 0\nharness: TAP end race\n'
	done_ series-nolock-debug series-nolock-debug-race
}
printf 'arm64:check_prctl\nkvm:mte_tag_init\n' >"$tmp/check-list"
for t in $ENV_TESTS; do echo "$t"; done >>"$tmp/check-list"
mkdir "$tmp/good"
good_base >"$tmp/good/base.log"; good_nolock >"$tmp/good/nolock.log"; good_series >"$tmp/good/series.log"

# judge [verdict.py options] FILES...: TAP from scripts/verdict.sh in $out,
# its exit status in $rc; fails the case when the final line and the exit
# status disagree
judge() {
	rc=0
	out=$(WORK=$tmp/w "$root/scripts/verdict.sh" --expectations "$expect" \
		--check-list "$tmp/check-list" "$@" 2>&1) || rc=$?
	local failed
	failed=$(sed -n -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\2/p' <<<"$out")
	if [ -z "$failed" ] || { [ "$failed" = 0 ] && [ "$rc" != 0 ]; } || { [ "$failed" != 0 ] && [ "$rc" = 0 ]; }; then
		echo "# final line '$(tail -n 1 <<<"$out")' disagrees with exit status $rc"
		return 1
	fi
}
report() { # NAME OK?
	if [ "$2" = 0 ]; then echo "ok $n - $1"
	else echo "not ok $n - $1 (rc $rc)"; grep -v '^ok' <<<"$out" | head -n 15 | sed 's/^/#   /'; bad=1; fi
}
# mutate NAME WANT(pass|fail) PATTERN ROLE SED DIR [verdict.py options]:
# DIR's base.log, nolock.log and series.log (each judged as the variant its
# boot line names), ROLE's (base|nolock|series, or -) mutated by the sed
# script SED; a fail must have a failing record that matches PATTERN
mutate() {
	local name=$1 want=$2 pat=$3 role=$4 script=$5 dir=$6 r v ok=1 specs=()
	shift 6
	n=$((n + 1))
	for r in base nolock series; do
		cp "$dir/$r.log" "$tmp/$r.log"
		v=$(sed -n -E 's/^harness: boot .*variant=(\S+).*/\1/p' "$dir/$r.log")
		specs+=("$r=$v:$tmp/$r.log")
	done
	[ "$role" = - ] || sed -i -E -e "$script" "$tmp/$role.log"
	if judge "$@" "${specs[@]}"; then
		if [ "$want" = pass ] && [ "$rc" = 0 ]; then ok=0
		elif [ "$want" = fail ] && [ "$rc" = 1 ] && grep -E "^not ok .*($pat)" <<<"$out" >/dev/null; then ok=0; fi
	fi
	report "$name" "$ok"
}
# case_ NAME WANT PATTERN ROLE SED [verdict.py options]: the good files
case_() { mutate "$1" "$2" "$3" "$4" "$5" "$tmp/good" "${@:6}"; }

case_ "good files pass" pass "" - ""
# --- kept from the first evaluator
case_ "a race test SKIP on the series fails" fail "$K2.*missing" series \
	"/# selftests: kvm: mte_shared_memslot/,/^ok 1 selftests: kvm: mte/c\\# selftests: kvm: mte_shared_memslot\\n# ok 1 # SKIP KVM_CAP_ARM_MTE missing\\nok 1 selftests: kvm: mte_shared_memslot # SKIP"
case_ "a race subtest SKIP (6.1's \"ok N # SKIP description\") on the series fails" fail "shmem THP.*expected pass" series \
	"s/^# ok 2 $E2/# ok 2 # SKIP $E2/"
case_ "a failing subtest of a test with a passing sibling fails" fail "new MAP_SHARED case" series \
	"s/^ok 1 selftests: arm64: check_prctl/# 1..2\\n# ok 1 old case\\n# not ok 2 new MAP_SHARED case\\nnot ok 1 selftests: arm64: check_prctl # exit=1/"
case_ "a listed failure that passed on base fails" fail "on the reference kernel it was pass" base \
	"s/^not ok 1 selftests: kvm: arch_timer # exit=254/ok 1 selftests: kvm: arch_timer/"
case_ "not ok without lost tags on base is not a detection" fail "without losing a tag" base \
	"s/^(# # $E1: .*) lost 3/\\1 lost 0/"
case_ "a timeout on base is a failure, not a detection" fail "not exit=1" base \
	"s/^not ok 1 selftests: arm64: check_tag_init_race # exit=1/not ok 1 selftests: arm64: check_tag_init_race # TIMEOUT 300 seconds/"
case_ "exit 4 (KSFT_SKIP) on base's race test is no detection" fail "not exit=1" base \
	"s/^not ok 1 selftests: arm64: check_tag_init_race # exit=1/not ok 1 selftests: arm64: check_tag_init_race # exit=4/"
case_ "the negative control must lose tags in every race subtest" fail "$K2.*not detected" nolock \
	"s/^(# # $K2: .*) lost 4/\\1 lost 0/; s/^# not ok 2 $K2/# ok 2 $K2/"
case_ "a test of the check list that did not report fails" fail "every selftest reported" series \
	"/^# selftests: arm64: check_prctl/d; /^ok 1 selftests: arm64: check_prctl/d; s/^1\\.\\.5$/1..4/"
case_ "a SKIP stub for a test that does not build fails" fail "does not build" series \
	"s/^ok 1 selftests: arm64: check_prctl/# # SKIP: arm64\\/check_prctl does not build on this kernel: x.c: error\\nok 1 selftests: arm64: check_prctl # SKIP/"
case_ "a base THP loss in another subtest is no 4K detection" fail "$E1.*without losing" base \
	"s/^(# # $E1: .*) lost 3/\\1 lost 0/; s/^(# # $E2: .*) lost 0/\\1 lost 3/; s/^# ok 2 $E2/# not ok 2 $E2/"
case_ "a renamed race subtest is missing" fail "$E1.*missing" series \
	"s/64 pages/64 pagez/g"
case_ "a duplicate subtest that fails is judged" fail "$K4.*failed|$K4" series \
	"s/^# ok 7 ($E7)/# ok 7 \\1\\n# not ok 8 $K4/; s/^# 1\\.\\.7$/# 1..8/"
case_ "a truncated file fails" fail "never ended|guest done|missing" series \
	"/^# # $K3:/,\$d"
case_ "a timing test that fails its first try and passes its re-run passes" pass "" series \
	"s/^(not ok 1 selftests: kvm: arch_timer # exit=254)/\\1/; /^harness: TAP end all/a harness: TAP begin rerun\\nTAP version 13\\n1..1\\n# selftests: kvm: arch_timer\\nok 1 selftests: kvm: arch_timer\\nharness: TAP end rerun"
case_ "a listed failure is accepted when base failed the same way in one of its two tries" pass "" base \
	"s/^not ok 1 selftests: kvm: arch_timer # exit=254/ok 1 selftests: kvm: arch_timer/; /^harness: TAP end env/a harness: TAP begin rerun\\nTAP version 13\\n1..1\\n# selftests: kvm: arch_timer\\nnot ok 1 selftests: kvm: arch_timer # exit=254\\nharness: TAP end rerun"

# --- issue: the verdict forgave (each case is one hole, numbered as filed)
case_ "hole 1: a crash (exit=139) on base is no detection" fail "not exit=1" base \
	"s/^(not ok 1 selftests: arm64: check_tag_init_race) # exit=1/\\1 # exit=139/"
case_ "hole 1: exit=137 on the negative control is no detection" fail "not exit=1" nolock \
	"s/^(not ok 1 selftests: kvm: mte_shared_memslot) # exit=1/\\1 # exit=137/"
case_ "hole 1: the negative control's KVM test dying after subtest 4 fails" fail "planned 6|missing|died" nolock \
	"/^# ok 5 /d; /^# ok 6 /d; s/^(not ok 1 selftests: kvm: mte_shared_memslot) # exit=1/\\1 # exit=134/"
case_ "hole 2: a glob subtest missing on the series fails" fail "cannot hold tags gets -EINVAL.*missing" series \
	"/^# ok 5 shared VMA/d; s/^# 1\\.\\.6$/# 1..5/"
case_ "hole 2: a glob subtest that SKIPs (cannot mount ramfs) fails" fail "cannot hold tags.*expected pass" series \
	"s/^# ok 5 shared VMA.*/# ok 5 # SKIP shared VMA that cannot hold tags: cannot mount ramfs: ENODEV/; s/^# ok 6 private VMA.*/# ok 6 # SKIP private VMA that cannot hold tags: cannot mount ramfs/"
case_ "hole 3: a pass with 1 page-round fails its minimum exposure" fail "below its minimum" series \
	"s/^(# # $E1:) rounds [0-9]+ page-rounds [0-9]+/\\1 rounds 1 page-rounds 1/"
case_ "hole 3: a pass without its metric line fails" fail "no metric line" series \
	"/^# # $K3:/d"
case_ "hole 3: a metric line without a lost field fails" fail "no metric line" series \
	"s/^(# # $E1: rounds [0-9]+ page-rounds [0-9]+) lost 0/\\1/"
case_ "hole 3: ok with lost 5 fails" fail "lost 5" series \
	"s/^(# # $E1: .*) lost 0/\\1 lost 5/"
case_ "hole 3: an unrelated later metric line cannot make base detect" fail "junk|without losing" base \
	"s/^(# # $E1: .*) lost 3/\\1 lost 0/; s/^# ok 3 ($E3)/# ok 3 \\1\\n# # junk: rounds 1 page-rounds 1 lost 9/"
case_ "hole 4: an env failure must fail the same way on base (exit=139 vs exit=254)" fail "listed failure \\(exit=139\\)" series \
	"s/^not ok 1 selftests: kvm: rseq_test # exit=254/not ok 1 selftests: kvm: rseq_test # exit=139/"
case_ "hole 4: an env TIMEOUT is not base's exit=254" fail "listed failure \\(TIMEOUT\\)" series \
	"s/^not ok 1 selftests: kvm: rseq_test # exit=254/not ok 1 selftests: kvm: rseq_test # TIMEOUT 120 seconds/"
case_ "hole 5: a first-try segfault with a passing re-run fails" fail "check_prctl.*died" series \
	"s/^ok 1 selftests: arm64: check_prctl/not ok 1 selftests: arm64: check_prctl # exit=139/; /^harness: TAP end all/a harness: TAP begin rerun\\nTAP version 13\\n1..1\\n# selftests: arm64: check_prctl\\nok 1 selftests: arm64: check_prctl\\nharness: TAP end rerun"
case_ "hole 5: a first-try tag loss with a passing re-run fails" fail "tag lost" series \
	"s/^ok 1 selftests: arm64: check_prctl/# 1..1\\n# not ok 1 tag lost\\nnot ok 1 selftests: arm64: check_prctl # exit=1/; /^harness: TAP end all/a harness: TAP begin rerun\\nTAP version 13\\n1..1\\n# selftests: arm64: check_prctl\\nok 1 selftests: arm64: check_prctl\\nharness: TAP end rerun"
case_ "hole 5: a retry test that lost a tag on its first try fails" fail "never re-run into a pass" series \
	"s/^not ok 1 selftests: kvm: arch_timer # exit=254/# 1..1\\n# # $K2: rounds 1 page-rounds 32 lost 1 + 0 time 1.0s\\n# not ok 1 $K2\\nnot ok 1 selftests: kvm: arch_timer # exit=1/; /^harness: TAP end all/a harness: TAP begin rerun\\nTAP version 13\\n1..1\\n# selftests: kvm: arch_timer\\nok 1 selftests: kvm: arch_timer\\nharness: TAP end rerun"
case_ "hole 6: a section named env in a series file is judged" fail "check_prctl \\(env\\)" series \
	"/^harness: TAP end all/a harness: TAP begin env\\nTAP version 13\\n1..1\\n# selftests: arm64: check_prctl\\nnot ok 1 selftests: arm64: check_prctl # exit=139\\nharness: TAP end env"
n=$((n + 1))
judge base=base:"$tmp/good/base.log" nolock=series-nolock-debug:"$tmp/good/nolock.log" \
	series=series-debug:"$tmp/good/series.log" --check-list "$tmp/no-such-list" || true
[ "$rc" = 1 ] && grep -q '^not ok .*every selftest reported.*no check list' <<<"$out"; report "hole 7: a missing check list fails" $?
case_ "hole 8: an unknown role fails" fail "unknown role 'serie'" - "" serie=series-debug:"$tmp/good/series.log"
case_ "hole 9: no 'harness: guest done' fails" fail "guest done" nolock "/^harness: guest done/d"
case_ "hole 9: no boot line (not from scripts/boot.sh) fails" fail "harness: boot" series "/^harness: boot /d"
case_ "hole 9: an amplified base is not natural detection" fail "amplifier" base \
	"s/^harness: race window amplifier absent/harness: race window amplifier on: 3000us/"
case_ "hole 9: results files of two runs are refused" fail "different runs" nolock "s/ run=R1 / run=R0 /"
case_ "hole 9: a stale file (not this run's id) is refused, naming it" fail "stale.*series.log" - "" --run-id R2
case_ "hole 9: a file of another variant is refused" fail "boot of 'series'" series "s/ variant=series-debug / variant=series /"
case_ "hole 10: a detecting race test needs one window of its own, not five" pass "" nolock \
	"s/^harness: race windows kvm:mte_shared_memslot 40/harness: race windows kvm:mte_shared_memslot 3/"
case_ "hole 10: a detecting race test that opened no window fails" fail "mte_shared_memslot: race windows >= 1" nolock \
	"s/^harness: race windows kvm:mte_shared_memslot 40/harness: race windows kvm:mte_shared_memslot 0/"
case_ "hole 10: one race test that opened no window fails" fail "mte_shared_memslot: race windows" series \
	"s/^harness: race windows kvm:mte_shared_memslot 40/harness: race windows kvm:mte_shared_memslot 0/; s/^harness: race windows arm64:check_tag_init_race 40/harness: race windows arm64:check_tag_init_race 80/"
case_ "hole 10: a functional check's metric ('rounds 1') in the race section needs no window" pass "" series \
	"s/^# ok 3 ($Z3)\$/# # \\1: rounds 1 page-rounds 512 lost 0\\n# ok 3 \\1/"
case_ "tag conformance: a subtest that lost tags on the series fails" fail "check_tag_preservation" series \
	"s/^(# # fork: .*) lost 0\$/\\1 lost 3/; s/^# ok 1 (fork: .*)\$/# not ok 1 \\1/; s/^ok 1 selftests: arm64: check_tag_preservation\$/not ok 1 selftests: arm64: check_tag_preservation # exit=1/"
case_ "tag conformance: a subtest SKIP on base fails (the harness provides the setup)" fail "check_tag_preservation" base \
	"s/^# ok 1 (fork: .*)\$/# ok 1 \\1 # SKIP no active swap/; /^# # fork: .*lost 0\$/d"
case_ "hole 11: a kernel report in the boot's status fails make verdict" fail "boot.*WARNING" series \
	"s/^(harness: boot .*)status=clean/harness: boot report: 812:WARNING: CPU: 1 PID: 90 at arch\\/arm64\\/kernel\\/mte.c:52\\n\\1status=report/"
n=$((n + 1))
rc=0
printf 'x\n[ 1.0] rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { 1-... } 21003 jiffies s: 89 root: 0x2/.\n[ 2.0] rcu_tasks detected stalls on tasks:\n[ 3.0] INFO: task kworker/0:1:12 blocked for more than 120 seconds.\n[ 4.0] sh invoked oom-killer: gfp_mask=0x140cca\n[ 5.0] Out of memory: Killed process 7\nok\n' >"$tmp/console"
out=$(python3 "$root/scripts/results.py" scan "$tmp/console") || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 5 ]; report "hole 11: the console scan finds every RCU stall form, hung tasks and the OOM killer" $?
n=$((n + 1))
rc=0
# one line of each kernel report form (docs/RESULTS-FORMAT.md, "Kernel reports")
cat >"$tmp/console" <<'EOF2'
[ 1.0] INFO: trying to register non-static key.
[ 1.1] turning off the locking correctness validator.
[ 2.0] ==================================================================
[ 2.1] BUG: KASAN: invalid-access in mte_sync_tags+0x4c/0x120
[ 3.0] BUG: KFENCE: out-of-bounds read in test_alloc+0x10/0x20
[ 4.0] UBSAN: shift-out-of-bounds in arch/arm64/kernel/mte.c:40:3
[ 5.0] kworker/u4:1: page allocation failure: order:9, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null)
[ 6.0] list_add corruption. prev->next should be next (ffff0000c1d0e0c8), but was 0000000000000000.
[ 7.0] BUG: Bad page state in process kcompactd0  pfn:4d0c3
[ 8.0] BUG: Bad page map in process sh  pte:68000048400fc3 pmd:4a2e9003
[ 9.0] INFO: task kworker/0:1:12 blocked for more than 120 seconds.
[10.0] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [mte_shared_mems:90]
[11.0] rcu: INFO: rcu_preempt self-detected stall on CPU
[12.0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
[13.0] rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { 1-... } 21003 jiffies s: 89 root: 0x2/.
[14.0] INFO: rcu_tasks detected stalls on tasks:
[15.0] rcu: rcu_preempt kthread starved for 2102 jiffies! g4493 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=1
[16.0] kernel BUG at mm/huge_memory.c:2425!
[17.0] WARNING: possible circular locking dependency detected
[18.0] BUG: workqueue lockup - pool cpus=1 node=0 flags=0x0 nice=0 stuck for 31s!
[19.0] Out of memory: Killed process 7
EOF2
forms=$(grep -c . "$tmp/console")
# what is not a kernel report (documented exceptions): a user fault that a
# tag check test provokes on purpose, and the hung-task hint line
printf '[20.0] check_tag_init_[97]: unhandled exception: tag check fault at 0x0f00ffff9e000000\n[21.0] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.\n' >>"$tmp/console"
out=$(python3 "$root/scripts/results.py" scan "$tmp/console") || rc=$?
got=$(grep -c . <<<"$out")
# the hint line matches hung_task and rides with its report: one extra line
[ "$rc" = 1 ] && [ "$got" = $((forms - 1 + 1)) ] && ! grep -q 'unhandled exception' <<<"$out" && ! grep -q '^3:.*====' <<<"$out"
report "hole 15: the console scan finds lockdep's non-static key, KASAN, KFENCE, UBSAN, allocation failures, list corruption, bad pages, hung tasks, lockups and every RCU stall ($forms forms)" $?
case_ "hole 12: base's KVM SKIP for a missing capability fails" fail "expected reason" base \
	"s/^# 1..0 # SKIP MAP_SHARED memslots with KVM_CAP_ARM_MTE refused \\(EINVAL\\)/# 1..0 # SKIP - Requirement not met: kvm_has_cap(KVM_CAP_ARM_MTE)/"
case_ "plans: a test that reports fewer subtests than it planned fails" fail "planned 5 subtests, 4" series \
	"/^# # $E3: 200 of/,/^# ok 3 /d"
case_ "plans: a section that reports fewer tests than planned fails" fail "planned 6 tests, 5" series \
	"/^# selftests: arm64: check_prctl/d; /^ok 1 selftests: arm64: check_prctl/d"
case_ "fail: a base that passes the zero page test does not have the bug" fail "expected to fail" base \
	"s/^# not ok 1 $Z1/# ok 1 $Z1/"
case_ "fail: a base that crashes in mte_tag_init is not the expected failure" fail "not exit=1" base \
	"s/^not ok 1 selftests: kvm: mte_tag_init # exit=1/not ok 1 selftests: kvm: mte_tag_init # exit=139/"
case_ "fail: the series failing the hugetlb reuse test fails" fail "hugetlb page reused.*expected pass" series \
	"0,/^# ok 2 $Z2/s//# not ok 2 $Z2/"
case_ "fail: the series failing the hugetlb page-by-page test fails" fail "page by page.*expected pass" series \
	"0,/^# ok 3 $Z3/s//# not ok 3 $Z3/"
case_ "fail: a base that passes the hugetlb page-by-page test does not have the bug" fail "expected to fail" base \
	"s/^# not ok 3 $Z3/# ok 3 $Z3/"
case_ "fail: the series failing the hugetlb COPY_TAGS write test fails" fail "COPY_TAGS write to one page.*expected pass" series \
	"0,/^# ok 4 $Z4/s//# not ok 4 $Z4/"
case_ "fail: a base that passes the hugetlb COPY_TAGS write test does not have the bug" fail "expected to fail" base \
	"s/^# not ok 4 $Z4/# ok 4 $Z4/"
case_ "exposure: a swap subtest that swapped too few pages fails" fail "pages swapped out, below" series \
	"s/^(# # $E3:) 200 of 256/\\1 1 of 256/"

case_ "exposure: a stall subtest that passed without its waited line fails" fail "$E7.*waited" series \
	"/^# # $E7: waited/d"
case_ "exposure: a stall subtest that passed with a wait at its bound fails" fail "$E7.*at or above its bound" series \
	"s/^(# # $E7: waited vcpu) 40 ms/\\1 5000 ms/"
# fail,stall: the expected failure of a kernel with the stall (stock 7.3),
# on a role of its own whose one rule is that
stall_role() { # NAME WANT PATTERN WAITED-LINE (none: no such line)
	local f=$tmp/stall.log
	n=$((n + 1))
	printf 'role\tst\tany\t-\tthe stall option\nsections\tst\trace\n' >"$tmp/stall.exp"
	printf 'st\tkvm:mte_shared_memslot\t%s\tfail,stall\tthe stall\n' "$K7" >>"$tmp/stall.exp"
	{ up absent
	  { printf '# selftests: kvm: mte_shared_memslot\n# TAP version 13\n# 1..1\n'
	    [ "$4" = none ] || printf '# # %s: %s\n' "$K7" "$4"
	    printf '# not ok 1 %s\nnot ok 1 selftests: kvm: mte_shared_memslot # exit=1\n' "$K7"; } | sec race
	  done_ base stall; } >"$f"
	local ok=1 saved=$expect
	expect=$tmp/stall.exp
	if judge "st=base:$f"; then
		if [ "$2" = pass ] && [ "$rc" = 0 ]; then ok=0
		elif [ "$2" = fail ] && [ "$rc" = 1 ] && grep -E "^not ok .*($3)" <<<"$out" >/dev/null; then ok=0; fi
	fi
	expect=$saved
	report "$1" "$ok"
}
stall_role "stall: fail,stall takes a failure by a wait at or above the bound" pass "" \
	"waited vcpu 9997 ms, process 5001 ms, bound 5000 ms"
stall_role "stall: fail,stall refuses a failure without its waited line" fail "not by a stall.*no \"waited" none
stall_role "stall: fail,stall refuses a failure whose waits were all under the bound" fail "every wait under its bound" \
	"waited vcpu 12 ms, process 9 ms, bound 5000 ms"

# --- real results files, captured from boots (tests/harness/fixtures)
for d in "$root"/tests/harness/fixtures/*/; do
	[ -f "$d/series.log" ] || continue
	k=$(basename "$d")
	real() { mutate "real $k: $1" "$2" "$3" "$4" "$5" "$d" --check-list "$d/check-list"; }
	real "the captured files pass" pass "" - ""
	real "base without its loss is no detection" fail "without losing|not detected" base \
		"s/^(# # $E1: .*) lost [0-9]+/\\1 lost 0/"
	real "the negative control without its KVM losses fails" fail "$K3.*(not detected|without losing)" nolock \
		"s/^(# # $K3: .*) lost [0-9]+/\\1 lost 0/"
	real "the series with a lost tag fails" fail "lost 1" series \
		"0,/^(# # $K2: .*) lost 0/s//\\1 lost 1/"
	real "the series cut short fails" fail "planned|missing|never ended|guest done" series \
		"/^# selftests: kvm: mte_shared_memslot/,\$d"
	# --- issue 41: results files that the evaluator passed and must fail,
	# each a one-line mutation of the real files (holes 13-19; 15, the console scan, is above)
	real "hole 13: a series file whose tests ran outside an all section is still held to the check list" fail "section all.*missing|every selftest reported" series \
		"s/^harness: TAP (begin|end) all$/harness: TAP \\1 env/"
	real "hole 14: a retry test's first try that died by a signal (exit=139) is not forgiven" fail "arch_timer.*listed failure \\(exit=139\\)" series \
		"0,/^not ok ([0-9]+) selftests: kvm: arch_timer # exit=254/s//not ok \\1 selftests: kvm: arch_timer # exit=139/"
	real "hole 16: an amplifier line 'on' before base's 'absent' is no natural detection" fail "amplifier is absent, but an earlier line said on" base \
		"s/^(harness: race window amplifier absent)/harness: race window amplifier on: 3000us\\n\\1/"
	real "hole 16: race windows opened on base (amplifier off) fail" fail "race windows were opened" base \
		"s/^(harness: TAP end race)/harness: race windows arm64:check_tag_init_race 7\\n\\1/"
	real "hole 17: a SKIP reason is matched against the SKIP's own reason, not another message" fail "mte_shared_memslot.*expected reason" base \
		"s/^# 1\\.\\.0 # SKIP MAP_SHARED memslots with KVM_CAP_ARM_MTE refused \\(EINVAL\\)/# # MAP_SHARED memslots with KVM_CAP_ARM_MTE refused (EINVAL)\\n# 1..0 # SKIP - Requirement not met: kvm_has_cap(KVM_CAP_ARM_MTE)/"
	real "hole 18: an XFAIL race subtest is not a pass" fail "64 pages.*expected pass" series \
		"0,/^# ok ([0-9]+) ($E1)$/s//# ok \\1 \\2 # XFAIL known/"
	real "hole 18: a lowercase '# skip' subtest is a SKIP, not a pass" fail "cannot hold tags gets -EINVAL.*expected pass" series \
		"0,/^# ok ([0-9]+) (shared VMA that cannot hold tags gets -EINVAL.*)$/s//# ok \\1 \\2 # skip ramfs missing/"
	real "hole 18: a race subtest with rounds 0 does not meet its exposure" fail "rounds 0|page-rounds [0-9]+ from 0 rounds" series \
		"0,/^(# # $E1:) rounds [0-9]+/s//\\1 rounds 0/"
	real "hole 18: a wrapped page-round count (2^64-1) is malformed" fail "more than [0-9]+ pages a round" series \
		"0,/^(# # $E1: rounds [0-9]+) page-rounds [0-9]+/s//\\1 page-rounds 18446744073709551615/"
	real "hole 19: a race test missing from base's race section is not found in its env section" fail "mte_shared_memslot: -.*missing" base \
		"s/^(# selftests: kvm:|ok 1 selftests: kvm:) mte_shared_memslot\\b/\\1 mte_shared_memslot_gone/; s/^(harness: TAP begin env)$/\\1\\nTAP version 13\\n1..1\\n# selftests: kvm: mte_shared_memslot\\nnot ok 1 selftests: kvm: mte_shared_memslot # exit=139/"
	# a plain run_kselftest.sh log, as from a board: the series' race
	# section without the harness's lines (docs/HARDWARE.md)
	n=$((n + 1))
	sed -n '/^harness: TAP begin race/,/^harness: TAP end race/p' "$d/series.log" | grep -v '^harness: ' >"$tmp/board.log"
	judge --plain --no-base board=board:"$tmp/board.log" || true
	[ "$rc" = 0 ]; report "real $k: a plain kselftest log (the race section, no harness lines) passes as a board" $?
	n=$((n + 1))
	sed -E -i "0,/^(# # $E1: .*) lost 0/s//\\1 lost 2/" "$tmp/board.log"
	judge --plain --no-base board=board:"$tmp/board.log" || true
	[ "$rc" = 1 ]; report "real $k: a plain kselftest log with a lost tag fails" $?
done

# --- the variant table (tests/variants, scripts/variant.sh): every row
# names test patches and config fragments that exist, and a name that is
# not in the table is refused with a message that says where the table is.
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
		case "$kernel" in any|6.1|7.3) ;; *) echo "$name: kernel $kernel"; rc=1 ;; esac
		case "$source" in
			base|series|series:[0-9]*) ;;
			series:*)
				# a set of the kernel's patch directory (patches/sets, upstream/sets)
				local sets=$root/patches/sets
				[ "$kernel" = 7.3 ] && sets=$root/upstream/sets
				awk -v s="${source#series:}" '!/^#/ && $1 == s { f = 1 } END { exit !f }' "$sets" ||
					{ echo "$name: source $source: no set ${source#series:} in ${sets#"$root"/}"; rc=1; } ;;
			*) echo "$name: source $source"; rc=1 ;;
		esac
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
	if [ "$got" != "$(awk '!/^#/ && NF >= 7 && ($2 == "any" || $2 == "6.1") && $6 ~ /(^|,)wall(,|$)/ { printf "%s ", $1 }' "$root/tests/variants")" ] ||
		! grep -qw base <<<"$got" || ! grep -qw series <<<"$got"; then
		echo "wall variants: $got"
		return 1
	fi
}
check_ "variants: every row's patches and config fragments exist" table_ok
check_ "variants: an unknown variant is refused, naming tests/variants" unknown_refused
check_ "variants: the bench lists come from the table's bench column" bench_list
# --- the records (scripts/records.py): a fake project tree with every
# record and an input or two of each
records_tree() {
	rm -rf "$tmp/rec" && mkdir -p "$tmp/rec"/{docs,patches,upstream,tests,scripts}
	local f
	for f in UPSTREAM MATRIX MATRIX-7.3 COMPARISON; do printf '# %s\n\nbody\n' "$f" >"$tmp/rec/docs/$f.md"; done
	echo 'patch 1' >"$tmp/rec/upstream/0001-a.patch"
	echo 'patch 2' >"$tmp/rec/patches/0001-b.patch"
	echo 'role x' >"$tmp/rec/tests/expectations"
	cp "$root/scripts/records.py" "$root/scripts/lib.sh" "$tmp/rec/scripts/"
	python3 "$root/scripts/records.py" write --all --run-id R1 "$tmp/rec" >/dev/null
}
records() { python3 "$root/scripts/records.py" check "$@" "$tmp/rec"; }
# make check's TAP lines for the records, and its exit status
# shellcheck disable=SC2016 # expanded by the inner bash
records_tap() {
	ROOT=$tmp/rec WORK=$tmp/rec/work bash -c '. "$1/scripts/lib.sh"; judge_records; tap_summary' _ "$tmp/rec"
}
records_fresh_pass() { records_tree; records && records_tap | grep -q '^4 passed, 0 failed, 0 skipped'; }
# shellcheck disable=SC2016 # literal backquotes and $1 of sh -c
records_header() { # each record names its run, its commit and its date
	records_tree
	grep -q '^> Record of run R1 on commit unknown, 20[0-9-]*T[0-9:]*Z (`make upstream`' "$tmp/rec/docs/UPSTREAM.md"
}
records_byte_stale() { # one byte of an upstream/ patch: its records stale (a SKIP), the others fresh
	local out
	records_tree
	sed -i 's/1/2/' "$tmp/rec/upstream/0001-a.patch"
	out=$(records) || return 1
	grep -q $'^skip\trecords: docs/UPSTREAM.md\tstale: upstream/0001-a.patch changed since run R1 .*(make upstream refreshes it)' <<<"$out" &&
		grep -q $'^skip\trecords: docs/MATRIX-7.3.md\tstale: upstream/0001-a.patch changed' <<<"$out" &&
		grep -q $'^ok\trecords: docs/MATRIX.md\tfresh' <<<"$out" &&
		grep -q $'^ok\trecords: docs/COMPARISON.md\tfresh' <<<"$out" &&
		out=$(records_tap) &&
		grep -q '^ok [0-9]* - records: docs/UPSTREAM.md # SKIP stale: upstream/0001-a.patch changed' <<<"$out" &&
		grep -q '^2 passed, 0 failed, 2 skipped' <<<"$out"
}
records_strict_fails() { # make check-records STRICT=1, and make check-all's end: stale fails
	local out
	records_tree
	sed -i 's/1/2/' "$tmp/rec/upstream/0001-a.patch"
	out=$(records --strict) && return 1
	grep -q $'^fail\trecords: docs/UPSTREAM.md\tstale: upstream/0001-a.patch' <<<"$out" &&
		[ "$(grep -c '^fail' <<<"$out")" = 2 ] &&
		! STRICT=1 records_tap >/dev/null
}
records_new_input_stale() {
	local out
	records_tree
	echo 'patch 3' >"$tmp/rec/upstream/0002-c.patch"
	out=$(records) || return 1
	grep -q $'^skip\trecords: docs/UPSTREAM.md\tstale: upstream/0002-c.patch is new' <<<"$out"
}
records_prose_not_stale() { # README, docs prose, a script that decides no record: nothing stale
	local out
	records_tree
	echo 'better prose' >"$tmp/rec/README.md"
	echo 'prose' >"$tmp/rec/docs/TESTS.md"
	echo 'echo help' >"$tmp/rec/Makefile"
	echo 'echo' >"$tmp/rec/scripts/run.sh"
	echo 'cover letter prose' >"$tmp/rec/upstream/0000-cover-letter.patch"
	out=$(records) && ! grep -qv $'^ok\t' <<<"$out"
}
records_edit_fails() { # a record edited by hand after the run fails, naming it
	local out
	records_tree
	echo 'better figure' >>"$tmp/rec/docs/MATRIX.md"
	out=$(records) && return 1
	grep -q $'^fail\trecords: docs/MATRIX.md\tedited' <<<"$out" &&
		grep -q $'^ok\trecords: docs/UPSTREAM.md' <<<"$out" &&
		! records_tap >/dev/null
}
records_missing_fails() {
	local out
	records_tree
	rm "$tmp/rec/docs/COMPARISON.md"
	out=$(records) && return 1
	grep -q $'^fail\trecords: docs/COMPARISON.md\tmissing; run make compare' <<<"$out"
}
records_unstamped_fails() {
	local out
	records_tree
	rm "$tmp/rec/docs/records.sha256"
	out=$(records) && return 1
	grep -q 'not stamped' <<<"$out"
}
# shellcheck disable=SC2016 # literal backquotes and $1 of sh -c
records_one_restamped() { # a record's own command stamps it alone
	local out m
	records_tree
	sed -i 's/1/2/' "$tmp/rec/upstream/0001-a.patch"
	cp -a "$tmp/rec/docs" "$tmp/rec.docs"
	echo 'new figures' >>"$tmp/rec/docs/UPSTREAM.md"
	python3 "$root/scripts/records.py" write --record docs/UPSTREAM.md --run-id R2 \
		--command 'make upstream' "$tmp/rec" >/dev/null || return 1
	out=$(records) || return 1
	grep -q $'^ok\trecords: docs/UPSTREAM.md\tfresh: .*run R2' <<<"$out" &&
		grep -q $'^skip\trecords: docs/MATRIX-7.3.md\tstale: .*run R1' <<<"$out" &&
		grep -q '^> Record of run R2 .*(`make upstream`' "$tmp/rec/docs/UPSTREAM.md" || return 1
	for m in MATRIX MATRIX-7.3 COMPARISON; do cmp -s "$tmp/rec/docs/$m.md" "$tmp/rec.docs/$m.md" || return 1; done
	# the other records' sections of the manifest are untouched
	diff <(sed -n '/^\[docs\/MATRIX.md\]/,$p' "$tmp/rec.docs/records.sha256") \
			<(sed -n '/^\[docs\/MATRIX.md\]/,$p' "$tmp/rec/docs/records.sha256") >/dev/null
}
record_sh() { # scripts/record.sh in the fake tree, run id RX
	ROOT=$tmp/rec WORK=$tmp/rec/work RUN_ID=RX "$root/scripts/record.sh" "$@"
}
# shellcheck disable=SC2016 # literal backquotes and $1 of sh -c
record_sh_cases() { # make upstream's wrapper: stamps a green run, puts back a red one, refuses uncommitted inputs
	local r=$tmp/rec/docs/UPSTREAM.md
	records_tree
	git -C "$tmp/rec" init -q && git -C "$tmp/rec" add -A &&
		git -C "$tmp/rec" -c user.name=t -c user.email=t@t commit -qm t || return 1
	record_sh docs/UPSTREAM.md 'make upstream' sh -c 'echo new figures >>"$1"' _ "$r" >/dev/null 2>&1 &&
		records | grep -q $'^ok\trecords: docs/UPSTREAM.md\tfresh: .*run RX' || return 1
	git -C "$tmp/rec" add -A && git -C "$tmp/rec" -c user.name=t -c user.email=t@t commit -qm t2 || return 1
	! record_sh docs/UPSTREAM.md 'make upstream' sh -c 'echo bad >>"$1"; exit 3' _ "$r" 2>"$tmp/rec.err" &&
		grep -q 'make upstream failed (exit 3): docs/UPSTREAM.md not stamped' "$tmp/rec.err" &&
		git -C "$tmp/rec" diff --quiet -- docs/UPSTREAM.md && grep -q bad "$tmp/rec/work/logs/UPSTREAM.failed-RX.md" || return 1
	echo 'patch 9' >>"$tmp/rec/upstream/0001-a.patch"
	! record_sh docs/UPSTREAM.md 'make upstream' touch "$tmp/rec/ran" 2>"$tmp/rec.err" &&
		grep -q 'uncommitted inputs (upstream/0001-a.patch)' "$tmp/rec.err" && [ ! -e "$tmp/rec/ran" ]
}
bypass() { # stamp_bypass as check.sh sees it, under the environment given
	# shellcheck disable=SC2016 # expanded by the inner bash
	env -u TARBALL -u SMP -u MEM "$@" bash -c '. "$1/scripts/lib.sh"; stamp_bypass' _ "$root"
}
bypass_defaults_stamp() { # make check-all as the Makefile runs it: SMP= MEM= exported empty
	[ -z "$(bypass SMP= MEM=)" ] && [ -z "$(bypass)" ] &&
		[ -z "$(bypass SMP=2 MEM=2048 TARBALL=/usr/src/linux-source-6.1.tar.xz)" ]
}
bypass_knob_refused() { # a knob that replaces a part of the run: named, no stamp
	[ "$(bypass SMP= MEM=4096)" = MEM=4096 ] &&
		[ "$(bypass MAINLINE=0 TARBALL=/tmp/x.tar.xz | sort | tr '\n' ' ')" = 'MAINLINE=0 TARBALL=/tmp/x.tar.xz ' ]
}
records_moved_refused() { # an input changed while the run used it: no stamp
	local out
	records_tree
	python3 "$root/scripts/records.py" snapshot "$tmp/rec" "$tmp/rec.snap"
	sed -i 's/2/3/' "$tmp/rec/patches/0001-b.patch"
	! python3 "$root/scripts/records.py" write --all --run-id R3 --snapshot "$tmp/rec.snap" "$tmp/rec" 2>"$tmp/rec.err" &&
		grep -q 'inputs of docs/MATRIX.md changed during the run (patches/0001-b.patch)' "$tmp/rec.err" || return 1
	out=$(records) || return 1
	grep -q 'stale: patches/0001-b.patch changed since run R1 ' <<<"$out"
}
records_uncommitted_refused() { # the stamp must describe what a commit carries
	records_tree
	git -C "$tmp/rec" init -q && git -C "$tmp/rec" add -A &&
		git -C "$tmp/rec" -c user.name=t -c user.email=t@t commit -qm t || return 1
	echo 'patch 4' >"$tmp/rec/upstream/0004-d.patch"
	! python3 "$root/scripts/records.py" write --record docs/MATRIX-7.3.md --run-id R4 "$tmp/rec" 2>"$tmp/rec.err" &&
		grep -q 'uncommitted inputs of docs/MATRIX-7.3.md (upstream/0004-d.patch)' "$tmp/rec.err" &&
		python3 "$root/scripts/records.py" write --record docs/MATRIX.md --run-id R4 "$tmp/rec" >/dev/null
}
check_ "records: freshly stamped records pass" records_fresh_pass
check_ "records: each record's header names its run, commit and date" records_header
check_ "records: one byte of an upstream/ patch stales its records only, a SKIP naming the patch" records_byte_stale
check_ "records: STRICT=1 fails a stale record" records_strict_fails
check_ "records: a new input file stales the records it decides" records_new_input_stale
check_ "records: README, docs prose, a cover letter, the Makefile, other scripts stale nothing" records_prose_not_stale
check_ "records: a record edited after its run fails, naming it" records_edit_fails
check_ "records: a missing record fails, naming its command" records_missing_fails
check_ "records: no manifest fails" records_unstamped_fails
check_ "records: a record's own command restamps it alone" records_one_restamped
check_ "records: an input changed during the run refuses the stamp" records_moved_refused
check_ "records: scripts/record.sh stamps a green run, puts back a failed one, refuses uncommitted inputs" record_sh_cases
check_ "records: check-all with its defaults (SMP= MEM= from the Makefile) stamps" bypass_defaults_stamp
check_ "records: a knob that replaces a part of check-all is named and refuses the stamp" bypass_knob_refused
check_ "records: an uncommitted input refuses the stamp" records_uncommitted_refused
echo "1..$n"
exit "$bad"
