#!/usr/bin/env bash
# Make the kernel git tree and apply the series.
# Inputs: $TARBALL (scripts/lib.sh: Debian's linux-source-$BASE; or
#         KERNEL_SRC=<git tree>), patches/series + patches/*.patch
#         (BASE=7.3: upstream/).
# Outputs: $KTREE (default work/linux) with tag 'base' (unpatched) and
#          branch 'series' (base + every patch), work/kernel-version.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

KTREE=${KERNEL_SRC:-$WORK/linux}
need_tool git

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
	# Debian's top-level .gitignore ends with a block ('/*' then
	# '!/debian/') that ignores every top-level path; new files would
	# never reach a commit.  Drop that block in the base commit.
	sed -i '/^# Debian/,$d' "$KTREE/.gitignore"
	grep -qx '/\*' "$KTREE/.gitignore" && die "Debian .gitignore block still present in $KTREE/.gitignore"
	log "creating base commit (about 80 s)"
	git -C "$KTREE" init -q
	git -C "$KTREE" add -A
	git -C "$KTREE" -c user.name=base -c user.email=base@localhost \
		commit -q -m "Debian linux-source-$BASE $(make -s -C "$KTREE" kernelversion)" \
		-m "Debian's trailing .gitignore block (which ignored every top-level path) removed."
	git -C "$KTREE" tag base
fi
make -s -C "$KTREE" kernelversion >"$WORK/kernel-version"
log "kernel $(cat "$WORK/kernel-version") at $KTREE"

# Apply the series on a fresh branch from base, unless branch 'series' was
# made from exactly these patches: re-applying would renew the mtimes of
# every file they touch and rebuild half of each kernel.
plist=()
[ -f "$PATCHDIR/series" ] && mapfile -t plist < <(grep -v -e '^#' -e '^$' "$PATCHDIR/series")
stamp=$(cd "$PATCHDIR" && cat series "${plist[@]}" 2>/dev/null | sha1sum | cut -d" " -f1)
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
