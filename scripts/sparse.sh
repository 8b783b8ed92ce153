#!/usr/bin/env bash
# A sparse that the kernel tree accepts, for C=1 (scripts/matrix.sh).
# Usage: scripts/sparse.sh KTREE   prints the sparse binary to pass as CHECK=
#
# Kernels since 6.13 run scripts/checker-valid.sh before C=1 and skip
# sparse, with only a warning, when it cannot parse the kernel's headers:
# 7.3's use __typeof_unqual__, which bookworm's sparse 0.6.4 lacks.  When
# the tree's check rejects the installed sparse, this builds Debian sid's
# source package of sparse (0.6.5~rc1 when written; a tool built from
# source, nothing installed into the system) in $WORK/tools, fetched with a
# private apt source list like linux-source-7.3 (scripts/deps.sh): sid
# never enters this machine's apt sources.  Logs: $LOGS/sparse-build.log.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
KTREE=${1:?usage: scripts/sparse.sh KTREE}
need_tool sparse

# valid SPARSE: the tree's own test (prints 1), or, in trees without one
# (6.1), any sparse
valid() {
	local chk=$KTREE/scripts/checker-valid.sh
	[ -f "$chk" ] || return 0
	[ "$(sh -eu "$chk" "$1" 2>/dev/null)" = 1 ]
}
if valid sparse; then
	command -v sparse
	exit 0
fi
built=$WORK/tools/sparse/sparse
if [ -x "$built" ] && valid "$built"; then
	echo "$built"
	exit 0
fi
need_tool dpkg-source
need_tool make
A=$WORK/tools/apt
src=$WORK/tools/src
log "building sparse from sid's source package: the installed $(sparse --version) fails $KTREE/scripts/checker-valid.sh (log: $LOGS/sparse-build.log)" >&2
rm -rf "$src" "$WORK/tools/sparse"
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$src"
echo 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main' >"$A/sources.list"
aopt=(-o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache")
{
	apt-get "${aopt[@]}" -qq update &&
		(cd "$src" && apt-get "${aopt[@]}" -qq source --download-only sparse) &&
		(cd "$src" && dpkg-source -x ./*.dsc pkg)
} >"$LOGS/sparse-build.log" 2>&1 ||
	die "missing package: sparse source from sid (apt-get source through $A/sources.list failed, see $LOGS/sparse-build.log)"
# CC=gcc: Debian's use-gcc-16.patch names sid's compiler, which bookworm
# lacks (the kernel passes sparse its own -nostdinc include paths)
make -C "$src/pkg" -j"$(nproc)" CC=gcc sparse >>"$LOGS/sparse-build.log" 2>&1 ||
	die "sparse did not build (see $LOGS/sparse-build.log)"
mkdir -p "$WORK/tools/sparse"
install -m755 "$src/pkg/sparse" "$built"
ver=$(dpkg-parsechangelog -l "$src/pkg/debian/changelog" -S Version)
echo "$ver" >"$WORK/tools/sparse/version"
rm -rf "$src"
valid "$built" ||
	die "sparse from sid ($ver) still fails $KTREE/scripts/checker-valid.sh (log: $LOGS/sparse-build.log)"
# (sid's 0.6.5~rc1 still calls itself 0.6.4 in --version)
log "sparse from sid's source package $ver: $built" >&2
echo "$built"
