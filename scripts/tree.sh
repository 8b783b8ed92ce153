#!/usr/bin/env bash
# Make the kernel git tree and apply the series.
# Inputs: $TARBALL (scripts/lib.sh: Debian's linux-source-$BASE; or
#         KERNEL_SRC=<git tree>), patches/series + patches/*.patch
#         (BASE=7.3: upstream/).
# Outputs: $KTREE (default work/linux) with tag 'base' (the tarball, every
#          file of it) and
#          branch 'series' (base + every patch), work/kernel-version.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

KTREE=${KERNEL_SRC:-$WORK/linux}
need_tool git

# The base commit holds exactly the tarball's files, ignored ones included
# (the kernel's .gitignore files, tools/testing/selftests/arm64/tags/), so
# that a patch can change any of them.  Its author, committer and dates
# are fixed: the same tarball gives the same commit id on every machine,
# which the patches name in their 'base-commit:' lines (docs/SENDING.md).
# A tree made by another format of this rule is remade (harness.baseFormat).
BASE_FORMAT=tarball-1
base_commit() {
	log "creating the base commit (80-180 s)"
	[ -s "$WORK/base-files" ] || tarball_files >"$WORK/base-files"
	GIT_LITERAL_PATHSPECS=1 git -C "$KTREE" add -f --pathspec-from-file="$WORK/base-files"
	# check: the commit holds the tarball's files, no more and no fewer
	git -C "$KTREE" -c core.quotepath=off ls-files | LC_ALL=C sort >"$WORK/base-tracked"
	if ! cmp -s "$WORK/base-files" "$WORK/base-tracked"; then
		diff "$WORK/base-files" "$WORK/base-tracked" | head -n 5 >&2
		die "the base commit's index is not the tarball's file list (lists: $WORK/base-files, $WORK/base-tracked)"
	fi
	# a root commit (no parent, also when an older base is remade)
	id=$(GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
		GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
		git -C "$KTREE" commit-tree "$(git -C "$KTREE" write-tree)" \
		-m "Debian linux-source-$BASE $(make -s -C "$KTREE" kernelversion)" \
		-m "Every file of $(basename "$TARBALL"), unmodified.")
	git -C "$KTREE" reset -q "$id"
	git -C "$KTREE" tag -f base "$id" >/dev/null
	git -C "$KTREE" config harness.baseFormat "$BASE_FORMAT"
	rm -f "$WORK/base-files" "$WORK/base-tracked" "$WORK/base-missing"
}

if [ -n "${KERNEL_SRC:-}" ]; then
	if [ ! -f "$KTREE/Makefile" ] || ! git -C "$KTREE" rev-parse HEAD >/dev/null 2>&1; then
		die "KERNEL_SRC=$KTREE is not a kernel git tree"
	fi
	# the harness checks out branches with -f: refuse to throw work away
	if [ -n "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ]; then
		die "KERNEL_SRC=$KTREE has uncommitted changes: commit or stash them first (git -C $KTREE status)"
	fi
	git -C "$KTREE" rev-parse -q --verify refs/tags/base >/dev/null ||
		git -C "$KTREE" tag base HEAD
elif ! git -C "$KTREE" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
	[ -f "$TARBALL" ] || die "missing file: $TARBALL (install linux-source-$BASE or set KERNEL_SRC)"
	log "unpacking $(basename "$TARBALL")"
	rm -rf "$KTREE" "$KTREE.tmp"
	mkdir -p "$KTREE.tmp"
	tar -C "$KTREE.tmp" -xf "$TARBALL"
	mv "$KTREE.tmp/linux-source-$BASE" "$KTREE"
	rmdir "$KTREE.tmp"
	git -C "$KTREE" init -q
	base_commit
elif [ "$(git -C "$KTREE" config harness.baseFormat 2>/dev/null)" != "$BASE_FORMAT" ]; then
	# a base commit made by an older harness ('git add -A' under the
	# kernel's ignore rules, without Debian's .gitignore block): add the
	# files it left out, from the tarball, and commit the base again.
	# Only those files and .gitignore are written; nothing is rebuilt.
	[ -f "$TARBALL" ] || die "missing file: $TARBALL (install linux-source-$BASE or set KERNEL_SRC)"
	log "remaking the base commit of $KTREE with every file of $(basename "$TARBALL")"
	git -C "$KTREE" am --abort >/dev/null 2>&1 || true
	git -C "$KTREE" checkout -q -f --detach base
	tarball_files >"$WORK/base-files"
	git -C "$KTREE" -c core.quotepath=off ls-files | LC_ALL=C sort >"$WORK/base-tracked"
	LC_ALL=C comm -23 "$WORK/base-files" "$WORK/base-tracked" | sed "s|^|linux-source-$BASE/|" >"$WORK/base-missing"
	rm -rf "$KTREE.tmp" && mkdir -p "$KTREE.tmp"
	tar -C "$KTREE.tmp" -xf "$TARBALL" -T "$WORK/base-missing" ||
		die "could not extract the missing files from $TARBALL (list: $WORK/base-missing)"
	tar -C "$KTREE.tmp" -xf "$TARBALL" "linux-source-$BASE/.gitignore"
	cp -a "$KTREE.tmp/linux-source-$BASE/." "$KTREE/"
	rm -rf "$KTREE.tmp"
	base_commit
fi
make -s -C "$KTREE" kernelversion >"$WORK/kernel-version"
log "kernel $(cat "$WORK/kernel-version") at $KTREE"

# Apply the series on a fresh branch from base, unless branch 'series' was
# made from exactly these patches: re-applying would renew the mtimes of
# every file they touch and rebuild half of each kernel.
plist=()
[ -f "$PATCHDIR/series" ] && mapfile -t plist < <(grep -v -e '^#' -e '^$' "$PATCHDIR/series")
stamp=$( (git -C "$KTREE" rev-parse base; cd "$PATCHDIR" && cat series "${plist[@]}" 2>/dev/null) | sha1sum | cut -d" " -f1)
if [ "$(git -C "$KTREE" config harness.seriesStamp 2>/dev/null)" = "$stamp" ] &&
	[ "$(git -C "$KTREE" config harness.seriesHead 2>/dev/null)" = "$(git -C "$KTREE" rev-parse -q --verify series 2>/dev/null)" ]; then
	log "series unchanged (stamp $stamp): branch series kept, nothing re-applied"
	# the tree stays on branch series (older harnesses left a variant
	# branch checked out here); only files that differ are written
	[ "$(git -C "$KTREE" symbolic-ref -q --short HEAD)" = series ] ||
		git -C "$KTREE" checkout -q -f series
	exit 0
fi
git -C "$KTREE" am --abort >/dev/null 2>&1 || true
git -C "$KTREE" checkout -q -f -B series base
n=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	[ -f "$PATCHDIR/$p" ] || die "${PATCHDIR##*/}/series names $p, which is not in ${PATCHDIR##*/}/"
	if ! git -C "$KTREE" am -q --3way "$PATCHDIR/$p" >"$LOGS/am.log" 2>&1; then
		printf 'ERROR: patch does not apply: %s/%s\n' "${PATCHDIR##*/}" "$p" >&2
		grep -E 'error:|patch failed|does not apply|conflict' "$LOGS/am.log" | head -n 10 >&2
		git -C "$KTREE" am --abort >/dev/null 2>&1 || true
		die "git am failed on ${PATCHDIR##*/}/$p (log: $LOGS/am.log)"
	fi
	n=$((n + 1))
done < <(if [ -f "$PATCHDIR/series" ]; then cat "$PATCHDIR/series"; fi)
log "applied $n patches on branch series"
git -C "$KTREE" config harness.seriesStamp "$stamp"
git -C "$KTREE" config harness.seriesHead "$(git -C "$KTREE" rev-parse series)"
