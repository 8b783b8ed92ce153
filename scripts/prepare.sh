#!/usr/bin/env bash
# The one preparation step of run, check and bench.
# Usage: scripts/prepare.sh            deps, kernel tree + series (not
#                                      re-applied when unchanged), selftests,
#                                      initramfs
#        scripts/prepare.sh VARIANT... build those kernels (incremental)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
S=$ROOT/scripts

if [ $# = 0 ]; then
	"$S/deps.sh"
	"$S/tree.sh"
	"$S/selftests.sh"
	"$S/initramfs.sh"
	exit 0
fi
for v in "$@"; do
	"$S/build.sh" "$v"
done
