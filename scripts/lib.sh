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
	     TARBALL_DEFAULT=/usr/src/linux-source-6.1.tar.xz ;;
	7.3) WORK=${WORK:-$ROOT/work/7.3} PATCHDIR=$ROOT/upstream
	     TARBALL_DEFAULT=$WORK/pkg/usr/src/linux-source-7.3.tar.xz ;;
	*) printf 'ERROR: BASE=%s: the known bases are 6.1 (stable) and 7.3 (mainline)\n' "$BASE" >&2; exit 1 ;;
esac
TARBALL=${TARBALL:-$TARBALL_DEFAULT}
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
# BUILD_CONFIGS=NAME[,NAME] (make bench: perf): every variant is also built
# with configs/NAME.config and, if present, configs/NAME-$BASE.config, in a
# build directory of its own, work/v/VARIANT/build-NAME, so the release and
# debug builds of make check are not touched.
build_suffix() { [ -z "${BUILD_CONFIGS:-}" ] || echo "-${BUILD_CONFIGS//,/-}"; }
variant_build_dir() { echo "$WORK/v/$1/build$(build_suffix)"; }
# Debian's own arm64 config for this BASE (package linux-config-$BASE;
# for 7.3 unpacked into $WORK/pkg by scripts/deps.sh)
debian_config() {
	if [ "$BASE" = 7.3 ]; then
		echo "$WORK/pkg/usr/src/linux-config-7.3/config.arm64_none_arm64.xz"
	else
		echo "/usr/src/linux-config-$BASE/config.arm64_none_arm64.xz"
	fi
}

log() { printf '[%4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
need_tool() { command -v "$1" >/dev/null 2>&1 || die "missing tool: $1 (run 'make deps' or install it)"; }

# TAP output for the harness's own verdicts; counts for the final line.
# todo: an expected failure (TAP's TODO directive), not counted as failed.
TAP_N=0 TAP_PASS=0 TAP_FAIL=0 TAP_SKIP=0 TAP_TODO=0
# The first line of a TAP stream is its version line (TAP 13, as
# kselftest's run_kselftest.sh writes): tap_begin prints it once, at the
# start of a command that writes TAP, or the first tap line does;
# sub-scripts whose lines a parent forwards print theirs too, and the
# parent drops it (forward_tap).
TAP_BEGUN=0
tap_begin() { [ "$TAP_BEGUN" = 1 ] || { echo "TAP version 13"; TAP_BEGUN=1; }; }
tap() { # tap ok|fail|skip|todo DESCRIPTION [REASON]
	tap_begin
	TAP_N=$((TAP_N + 1))
	case "$1" in
		ok) TAP_PASS=$((TAP_PASS + 1)); echo "ok $TAP_N - $2" ;;
		skip) TAP_SKIP=$((TAP_SKIP + 1)); echo "ok $TAP_N - $2 # SKIP ${3:-}" ;;
		todo) TAP_TODO=$((TAP_TODO + 1)); echo "not ok $TAP_N - $2 # TODO ${3:-}" ;;
		*) TAP_FAIL=$((TAP_FAIL + 1)); echo "not ok $TAP_N - $2${3:+ # $3}" ;;
	esac
}
tap_summary() {
	tap_begin
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

# TAP lines of a sub-script, counted here: forward_tap PREFIX < output
forward_tap() {
	local line d
	while IFS= read -r line; do
		case "$line" in
			"ok "*" # SKIP "*) d=${line#ok * - }; tap skip "$1: ${d%% # SKIP *}" "${d#* # SKIP }" ;;
			"ok "*) tap ok "$1: ${line#ok * - }" ;;
			"not ok "*) tap fail "$1: ${line#not ok * - }" ;;
			[0-9]*" passed, "*|"1.."*|"TAP version "*) ;;
			*) echo "$line" ;;
		esac
	done
}

# The files of the tarball, relative to its top directory, sorted.
tarball_files() {
	tar -tf "$TARBALL" | sed -n "s|^linux-source-$BASE/||p" | grep -v -e '/$' -e '^$' | LC_ALL=C sort
}

# Tag base of KTREE holds exactly the tarball's files (scripts/tree.sh
# makes it so; this proves it for the tree at hand): one TAP line.  The
# list is kept in WORK for as long as the tarball's size and mtime hold.
check_base() { # KTREE
	local list=$WORK/tarball-files stamp n
	if [ -n "${KERNEL_SRC:-}" ]; then
		tap skip "base commit holds the tarball's files" "KERNEL_SRC=$KERNEL_SRC: the base is that tree's commit"
		return
	fi
	stamp=$(stat -c '%s %Y' "$TARBALL")
	if [ "$(cat "$list.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -s "$list" ]; then
		tarball_files >"$list"
		echo "$stamp" >"$list.stamp"
	fi
	n=$(wc -l <"$list")
	if git -C "$1" -c core.quotepath=off ls-tree -r --name-only base | LC_ALL=C sort | cmp -s - "$list"; then
		tap ok "tag base holds exactly the $n files of $(basename "$TARBALL")"
	else
		tap fail "tag base is not the files of $(basename "$TARBALL")" \
			"compare: git -C $1 ls-tree -r --name-only base | sort | diff - $list"
	fi
}

# The patch sets of PATCHDIR (patches/ or upstream/), from PATCHDIR/sets:
# one line per set, in the order they apply, fields DIR COMMITS NEEDS
# COVER MODE PREFIX... (docs/SENDING.md, "Layout").  Prints the lines
# without comments.
patch_sets() { grep -v -e '^#' -e '^[[:space:]]*$' "$PATCHDIR/sets"; }

# The patch files of PATCHDIR in the order they apply (PATCHDIR/series),
# full paths, cover letters excluded.
series_patches() {
	local p
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		echo "$PATCHDIR/$p"
	done <"$PATCHDIR/series"
}

# Each patch set applies to its base as a maintainer takes it: a set whose
# NEEDS is '-' to the unmodified base alone (each of its patches alone in
# MODE each), a set that needs 'all' after every set before it.  git
# apply --cached on a scratch index of KTREE's tag base: no checkout.  One
# TAP line per set.
check_sets() { # KTREE
	local ktree=$1 dir n needs _cover mode prefix f files before=() p
	local ix=$LOGS/sets.index
	while read -r dir n needs _cover mode prefix; do
		mapfile -t files < <(series_patches | grep "/$dir/" || true)
		if [ "${#files[@]}" != "$n" ]; then
			tap fail "set $dir: series lists ${#files[@]} patches, sets says $n"
			before+=("${files[@]}"); continue
		fi
		local ok=1 why=
		if [ "$mode" = each ]; then
			for f in "${files[@]}"; do
				rm -f "$ix"
				if ! { GIT_INDEX_FILE=$ix git -C "$ktree" read-tree base &&
					GIT_INDEX_FILE=$ix git -C "$ktree" apply --cached "$f" >"$LOGS/sets-$dir.log" 2>&1; }; then
					ok=0 why+="${f##*/} does not apply alone (log: $LOGS/sets-$dir.log); "
				fi
			done
		else
			p=()
			[ "$needs" = all ] && p=("${before[@]}")
			rm -f "$ix"
			if ! { GIT_INDEX_FILE=$ix git -C "$ktree" read-tree base &&
				GIT_INDEX_FILE=$ix git -C "$ktree" apply --cached "${p[@]}" "${files[@]}" >"$LOGS/sets-$dir.log" 2>&1; }; then
				ok=0 why="log: $LOGS/sets-$dir.log"
			fi
		fi
		rm -f "$ix"
		local on="to base alone"
		[ "$mode" = each ] && on="each to base alone"
		[ "$needs" = all ] && on="to base after the sets before it"
		if [ "$ok" = 1 ]; then tap ok "set ${PATCHDIR##*/}/$dir ($n, [$prefix]) applies $on"
		else tap fail "set ${PATCHDIR##*/}/$dir applies $on" "$why"; fi
		before+=("${files[@]}")
	done < <(patch_sets)
}

# checkpatch.pl --strict of KTREE on each patch file, one TAP line each.
# UNKNOWN_COMMIT_ID: the base is a tarball without upstream history, so
# Fixes: ids cannot be looked up.  FILE_PATH_CHANGES: new selftests fall
# under existing MAINTAINERS entries (see get_maintainer.pl in the cover
# letters).  Test-only patches (tests/) carry no sign-off.
# tests/mainline-port.patch carries mainline's lines verbatim (the
# comparison must be mainline's fix, not our restyling of it): the
# IF_HAVE_PG_ARCH_X table of include/trace/events/mmflags.h, whose ',{...}'
# fragments checkpatch reads as bad spacing and unbracketed macros, and
# asm/mte.h's stubs without blank lines between them.
check_patches() { # KTREE PATCH...
	local ktree=$1 p ignore out
	shift
	for p in "$@"; do
		[ -e "$p" ] || continue
		case "${p##*/}" in 0000-cover-letter.patch) continue ;; esac
		ignore=UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES
		case "$p" in */tests/*) ignore+=,MISSING_SIGN_OFF ;; esac
		case "$p" in */tests/mainline-port.patch)
			ignore+=,SPACING,COMPLEX_MACRO,MACRO_ARG_PRECEDENCE,LINE_SPACING ;; esac
		# from the kernel tree, as checkpatch expects; Debian's python3
		# first: the SPDX check needs python3-ply
		if out=$(cd "$ktree" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q \
			--ignore "$ignore" "$p" 2>&1) && [ -z "$out" ]; then
			tap ok "checkpatch --strict: ${p#"$ROOT"/}"
		else
			tap fail "checkpatch --strict: ${p#"$ROOT"/}"; echo "$out" | head -n 20
		fi
	done
}

# Stable tooling reads Fixes: and Cc: stable only as trailers, and git
# history never sees this harness: a Fixes: or Cc: stable line in a
# message must be a parsed trailer (git interpret-trailers --parse; a
# patch for a distribution, not stable, carries Fixes: alone), and
# no message may cite a path of this harness that the kernel (KTREE) lacks.
check_trailers() { # KTREE PATCH...
	local ktree=$1 p msg trailers why tok
	shift
	for p in "$@"; do
		case "${p##*/}" in 0000-cover-letter.patch) continue ;; esac
		git mailinfo "$LOGS/msg" "$LOGS/msg.diff" <"$p" >/dev/null
		msg=$(cat "$LOGS/msg")
		trailers=$(git interpret-trailers --parse <<<"$msg")
		why=""
		if grep -q -i -E '^Fixes' <<<"$msg" && ! grep -q '^Fixes: [0-9a-f]\{12\} ("' <<<"$trailers"; then
			why="Fixes: is not a parsed trailer"
		fi
		if grep -q -i -E '^Cc: *stable' <<<"$msg" && ! grep -q '^Cc: stable@vger.kernel.org' <<<"$trailers"; then
			why+="${why:+; }Cc: stable is not a parsed trailer"
		fi
		while read -r tok; do
			if [ -e "$ROOT/$tok" ] && [ ! -e "$ktree/$tok" ]; then why+="${why:+; }cites harness path $tok"; fi
		done < <(grep -o -E '[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+' <<<"$msg" | sort -u)
		if [ -z "$why" ]; then tap ok "trailers and citations: ${p#"$ROOT"/}"
		else tap fail "trailers and citations: ${p#"$ROOT"/}" "$why"; fi
	done
}

# Every record against today's inputs (scripts/records.py check), as TAP
# lines: fresh passes; stale (an input of that record changed since its
# run) is a SKIP that names the input and the command that refreshes it,
# or a failure with STRICT=1 (make check-all's end, make check-records
# STRICT=1); edited or missing fails.
judge_records() {
	local res name reason out strict=()
	[ "${STRICT:-0}" = 1 ] && strict=(--strict)
	out=$(python3 "$ROOT/scripts/records.py" check "${strict[@]}" "$ROOT") || true
	[ -n "$out" ] || { tap fail "records.py check produced no lines"; return; }
	while IFS=$'\t' read -r res name reason; do
		case "$res" in
			ok) tap ok "$name ($reason)" ;;
			skip) tap skip "$name" "$reason" ;;
			*) tap fail "$name" "$reason" ;;
		esac
	done <<<"$out"
}

# The knobs (with their defaults) that skip or replace what writes or
# decides a make check-all record: a run with any of them set is a run of
# something else, and check.sh does not stamp it.  Prints each one that is
# set as K=V.  Empty counts as unset: the Makefile exports SMP and MEM
# whether or not they were given, and TARBALL is compared with the default
# this file gives it for the BASE.
stamp_bypass() {
	local kv k
	for kv in MAINLINE=1 PORT=1 SKIP_BENCH=0 VARIANT=series-debug \
		NOLOCK_VARIANT=series-nolock-debug BASE_VARIANT=base MIN_WINDOWS=5 \
		"SHAPE_VARIANTS=series-16k-debug series-kasan" SMP=2 MEM=2048 \
		MATRIX_CONFIGS= KERNEL_SRC= KERNEL_IMAGE= KERNEL_CONFIG= \
		"TARBALL=$TARBALL_DEFAULT"; do
		k=${kv%%=*}
		if [ -n "${!k:-}" ] && [ "${!k}" != "${kv#*=}" ]; then
			printf '%s=%s\n' "$k" "${!k}"
		fi
	done
}
