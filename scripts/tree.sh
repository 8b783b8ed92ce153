#!/usr/bin/env bash
# Make the kernel git tree and apply the series.
# Inputs: /usr/src/linux-source-6.1.tar.xz (or KERNEL_SRC=<6.1.y git tree>),
#         patches/series + patches/*.patch.
# Outputs: $KTREE (default work/linux) with tag 'base' (unpatched) and
#          branch 'series' (base + every patch), work/kernel-version.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

KTREE=${KERNEL_SRC:-$WORK/linux}
TARBALL=${TARBALL:-/usr/src/linux-source-6.1.tar.xz}
need_tool git

if [ -n "${KERNEL_SRC:-}" ]; then
	if [ ! -f "$KTREE/Makefile" ] || ! git -C "$KTREE" rev-parse HEAD >/dev/null 2>&1; then
		die "KERNEL_SRC=$KTREE is not a kernel git tree"
	fi
	git -C "$KTREE" rev-parse -q --verify refs/tags/base >/dev/null ||
		git -C "$KTREE" tag base HEAD
elif ! git -C "$KTREE" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
	[ -f "$TARBALL" ] || die "missing file: $TARBALL (install linux-source-6.1 or set KERNEL_SRC)"
	log "unpacking $(basename "$TARBALL")"
	rm -rf "$KTREE" "$KTREE.tmp"
	mkdir -p "$KTREE.tmp"
	tar -C "$KTREE.tmp" -xf "$TARBALL"
	mv "$KTREE.tmp"/linux-source-6.1 "$KTREE"
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
		commit -q -m "Debian linux-source-6.1 $(make -s -C "$KTREE" kernelversion)" \
		-m "Debian's trailing .gitignore block (which ignored every top-level path) removed."
	git -C "$KTREE" tag base
fi
make -s -C "$KTREE" kernelversion >"$WORK/kernel-version"
log "kernel $(cat "$WORK/kernel-version") at $KTREE"

# Apply the series on a fresh branch from base, unless branch 'series' was
# made from exactly these patches: re-applying would renew the mtimes of
# every file they touch and rebuild half of each kernel.
plist=()
[ -f "$ROOT/patches/series" ] && mapfile -t plist < <(grep -v -e '^#' -e '^$' "$ROOT/patches/series")
stamp=$(cd "$ROOT/patches" && cat series "${plist[@]}" 2>/dev/null | sha1sum | cut -d" " -f1)
if [ "$(git -C "$KTREE" config harness.seriesStamp 2>/dev/null)" = "$stamp" ] &&
	[ "$(git -C "$KTREE" config harness.seriesHead 2>/dev/null)" = "$(git -C "$KTREE" rev-parse -q --verify series 2>/dev/null)" ]; then
	log "series unchanged (stamp $stamp): branch series kept, nothing re-applied"
	exit 0
fi
git -C "$KTREE" am --abort >/dev/null 2>&1 || true
git -C "$KTREE" checkout -q -f -B series base
n=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	[ -f "$ROOT/patches/$p" ] || die "patches/series names $p, which is not in patches/"
	if ! git -C "$KTREE" am -q --3way "$ROOT/patches/$p" >"$LOGS/am.log" 2>&1; then
		printf 'ERROR: patch does not apply: patches/%s\n' "$p" >&2
		grep -E 'error:|patch failed|does not apply|conflict' "$LOGS/am.log" | head -n 10 >&2
		git -C "$KTREE" am --abort >/dev/null 2>&1 || true
		die "git am failed on patches/$p (log: $LOGS/am.log)"
	fi
	n=$((n + 1))
done < <(if [ -f "$ROOT/patches/series" ]; then cat "$ROOT/patches/series"; fi)
log "applied $n patches on branch series"
git -C "$KTREE" config harness.seriesStamp "$stamp"
git -C "$KTREE" config harness.seriesHead "$(git -C "$KTREE" rev-parse series)"
