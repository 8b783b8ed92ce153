#!/usr/bin/env bash
# Export the kernel tree's commits (base..BRANCH) back into patches/ with
# git format-patch, so the files in git are exactly what the tree holds.
# The cover letter's subject and blurb come from docs/cover-letter.txt
# (first paragraph: subject), recipients from scripts/get_maintainer.pl.
# BASE=7.3: the mainline RFC into upstream/, cover letter from
# docs/cover-letter-upstream.txt.
# Usage: scripts/series.sh [BRANCH]   (default: series)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

KTREE=${KERNEL_SRC:-$WORK/linux}
br=${1:-series}
n=$(git -C "$KTREE" rev-list --count "base..$br")
[ "$n" -gt 0 ] || die "no commits on $br above base: nothing to export"

# The cover letter quotes icount figures only (docs/RESULTS.md): its TCG
# wall-clock runs are too noisy to carry a per-workload claim.
cover=$ROOT/docs/cover-letter.txt
[ "$BASE" = 6.1 ] || cover=$ROOT/docs/cover-letter-upstream.txt
# The base, named so that it resolves outside this machine: the Debian
# package and the kernel version (the base commit is a local one)
pkgver=$(cat "$WORK/pkg/version" 2>/dev/null ||
	dpkg-query -W -f='${Version}' "linux-source-$BASE" 2>/dev/null || echo unknown)
desc=$(cat "$cover"; printf '\nBase: Debian linux-source-%s %s (Linux %s), unmodified.\n' \
	"$BASE" "$pkgver" "$(make -s -C "$KTREE" kernelversion)")
git -C "$KTREE" config "branch.$br.description" "$desc"
# recipients: scripts/get_maintainer.pl on a diff or patch file, one per line;
# 6.1's MAINTAINERS still names kvmarm's old list, which is dead
recipients() {
	(cd "$KTREE" && ./scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback "$1" 2>/dev/null) |
		grep -v -e '^$' -e '@lists.cs.columbia.edu' || true
}
mkdir -p "$PATCHDIR"
rm -f "$PATCHDIR"/*.patch
# mainline gets the hashed locks as an RFC: they replace a merged design
prefix=PATCH
[ "$BASE" = 7.3 ] && prefix="RFC PATCH"
git -C "$KTREE" format-patch -q --cover-letter --cover-from-description=subject \
	--subject-prefix="$prefix" --zero-commit --no-signature -o "$PATCHDIR" "base..$br"
# Recipients per patch: each patch Cc's the maintainers and lists of the
# files it touches, the cover letter all of them.
diff=$(mktemp)
git -C "$KTREE" diff "base..$br" >"$diff"
ncc=0
for p in "$PATCHDIR"/[0-9]*.patch; do
	if [ "${p##*/}" = 0000-cover-letter.patch ]; then mapfile -t cc < <(recipients "$diff")
	else mapfile -t cc < <(recipients "$p"); fi
	[ "${#cc[@]}" = 0 ] && continue
	ncc=$((ncc + ${#cc[@]}))
	python3 - "$p" "${cc[@]}" <<-'PY'
	import sys
	path, cc = sys.argv[1], sys.argv[2:]
	text = open(path).read()
	head, sep, body = text.partition('\n\n')
	head += '\nCc: ' + ',\n    '.join(cc)
	open(path, 'w').write(head + sep + body)
	PY
done
rm -f "$diff"
{
	echo "# Apply in this order with 'git am' on Debian linux-source-$BASE (tag 'base')."
	echo "# Regenerate with 'make series'; the cover letter is not a patch."
	for p in "$PATCHDIR"/[0-9]*.patch; do
		case "${p##*/}" in 0000-cover-letter.patch) ;; *) echo "${p##*/}" ;; esac
	done
} >"$PATCHDIR/series"
log "exported $n patches from $br to ${PATCHDIR#"$ROOT"/}/ (+ cover letter; $ncc Cc lines, per patch)"
