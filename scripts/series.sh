#!/usr/bin/env bash
# Export the kernel tree's commits (base..BRANCH) back into the patch sets
# of patches/ (BASE=7.3: upstream/) with git format-patch, so the files in
# git are exactly what the tree holds.  PATCHDIR/sets says how the commits
# split into sets, one directory each, in the order they apply: how many
# commits, what a set needs under it ('-': the unmodified base alone;
# 'all': every set before it), its cover letter's source (first paragraph:
# the subject; '-': none), 'set' (one numbered series) or 'each' (every
# patch on its own, as stable takes fixes), and the subject prefix.
# PATCHDIR/cc adds recipients to a patch by subject (the owners of what it
# fixes); PATCHDIR/notes puts text below a patch's '---' by subject.  Each
# patch Cc's scripts/get_maintainer.pl's recipients for the files it
# touches, a cover letter those of its set.  The base-commit: lines name
# tag base, a root commit that scripts/tree.sh makes the same on every
# machine from the same tarball.  PATCHDIR/series is the apply order.
# Usage: scripts/series.sh [BRANCH]   (default: series)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

KTREE=${KERNEL_SRC:-$WORK/linux}
br=${1:-series}
[ -f "$PATCHDIR/sets" ] || die "missing file: ${PATCHDIR#"$ROOT"/}/sets (how the commits split into patch sets)"
mapfile -t commits < <(git -C "$KTREE" rev-list --reverse "base..$br")
[ "${#commits[@]}" -gt 0 ] || die "no commits on $br above base: nothing to export"
want=$(patch_sets | awk '{ n += $2 } END { print n + 0 }')
[ "$want" = "${#commits[@]}" ] ||
	die "$br has ${#commits[@]} commits above base, ${PATCHDIR#"$ROOT"/}/sets splits $want"
baseid=$(git -C "$KTREE" rev-parse base)

# The base, named so that it resolves outside this machine: the Debian
# package and the kernel version
pkgver=$(cat "$WORK/pkg/version" 2>/dev/null ||
	dpkg-query -W -f='${Version}' "linux-source-$BASE" 2>/dev/null || echo unknown)
basetext=$(printf 'Base: Debian linux-source-%s %s (Linux %s), unmodified.\nbase-commit is a root commit of every file of that tarball, by\n"base <base@localhost>" at 2000-01-01T00:00:00Z.' \
	"$BASE" "$pkgver" "$(make -s -C "$KTREE" kernelversion)")
# recipients: scripts/get_maintainer.pl on a diff or patch file, one per line;
# 6.1's MAINTAINERS still names kvmarm's old list, which is dead
recipients() {
	(cd "$KTREE" && ./scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback "$1" 2>/dev/null) |
		grep -v -e '^$' -e '@lists.cs.columbia.edu' || true
}
# extra recipients of a patch by its subject (PATCHDIR/cc: SUBJECT<TAB>A, B)
extra_cc() {
	[ -f "$PATCHDIR/cc" ] || return 0
	awk -F '\t' -v s="$1" '!/^#/ && $1 == s { n = split($2, a, /, */); for (i = 1; i <= n; i++) print a[i] }' "$PATCHDIR/cc"
}
# the subject of a commit or patch file, without its [PREFIX]
subject_of() { git mailinfo /dev/null /dev/null <"$1" | sed -n 's/^Subject: //p'; }
# add Cc: lines, the notes below '---' and the base-commit line to a file
finish() { # FILE BASELINE RECIPIENT...
	python3 - "$ROOT" "$PATCHDIR" "$@" <<-'PY'
	import os, re, sys
	root, pdir, path, baseline, cc = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
	text = open(path).read()
	head, sep, body = text.partition('\n\n')
	seen = []
	for c in cc:
	    if c and c.lower() not in [s.lower() for s in seen]:
	        seen.append(c)
	if seen:
	    head += '\nCc: ' + ',\n    '.join(seen)
	subj = ''
	for line in re.sub(r'\n[ \t]+', ' ', head).split('\n'):
	    if line.startswith('Subject: '):
	        subj = line[len('Subject: '):].split('] ', 1)[-1]
	notes = os.path.join(pdir, 'notes')
	if os.path.exists(notes) and subj:
	    blocks, cur = {}, None
	    for line in open(notes).read().split('\n'):
	        if line.startswith('== '):
	            cur = line[3:].strip()
	            blocks[cur] = []
	        elif cur is not None and not line.startswith('#'):
	            blocks[cur].append(line)
	    # a subject folded over two header lines
	    key = next((k for k in blocks if k.replace(' ', '') == subj.replace('\n', '').replace(' ', '')), None)
	    if key:
	        note = '\n'.join(blocks[key]).strip('\n') + '\n'
	        i = body.find('\n---\n')
	        if i < 0:
	            sys.exit(f'{path}: no --- line for the notes of "{key}"')
	        body = body[:i + 5] + note + '\n' + body[i + 5:]
	if baseline:
	    body = body.rstrip('\n') + '\n\n' + baseline + '\n'
	open(path, 'w').write(head + sep + body)
	PY
}

rm -f "$PATCHDIR"/*.patch "$PATCHDIR"/*/*.patch
series=()
ncc=0 idx=0
while read -r dir n needs cover mode prefix; do
	case "$needs" in -|all) ;; *) die "sets: $dir: NEEDS is '-' or 'all', not '$needs'" ;; esac
	case "$mode" in set|each) ;; *) die "sets: $dir: MODE is 'set' or 'each', not '$mode'" ;; esac
	out=$PATCHDIR/$dir
	mkdir -p "$out"
	start=$baseid
	[ "$idx" -gt 0 ] && start=${commits[idx - 1]}
	end=${commits[idx + n - 1]}
	opts=(-q --zero-commit --no-signature --subject-prefix="$prefix" -o "$out")
	# base-commit: git's own lines where the set sits on the sets before it
	# (with their prerequisite-patch-ids); the base alone otherwise
	baseline="$basetext"$'\n\n'"base-commit: $baseid"
	if [ "$needs" = all ]; then opts+=(--base="$baseid"); baseline=; fi
	# a cover letter carries the Base: paragraph in its blurb
	[ "$cover" != - ] && [ "$mode" = set ] && [ -n "$baseline" ] && baseline="base-commit: $baseid"
	if [ "$mode" = each ]; then
		k=0
		for c in "${commits[@]:idx:n}"; do
			k=$((k + 1))
			git -C "$KTREE" format-patch "${opts[@]}" --start-number "$k" -1 "$c"
		done
	elif [ "$cover" = - ]; then
		git -C "$KTREE" format-patch "${opts[@]}" "$start..$end"
	else
		[ -f "$ROOT/$cover" ] || die "sets: $dir: missing cover letter source $cover"
		tmpbr=harness-set-$dir
		git -C "$KTREE" branch -f "$tmpbr" "$end"
		git -C "$KTREE" config "branch.$tmpbr.description" "$(cat "$ROOT/$cover"; printf '\n%s\n' "$basetext")"
		git -C "$KTREE" format-patch "${opts[@]}" --cover-letter --cover-from-description=subject "$start..$tmpbr"
		git -C "$KTREE" branch -q -D "$tmpbr"
		# the cover letter's date is its set's last commit's, not the
		# time of the export: the same tree exports the same files
		sed -i "0,/^Date: /s/^Date: .*/Date: $(git -C "$KTREE" log -1 --format=%aD "$end")/" \
			"$out/0000-cover-letter.patch"
	fi
	diff=$(mktemp)
	git -C "$KTREE" diff "$start..$end" >"$diff"
	setcc=()
	first=1
	for p in "$out"/[0-9]*.patch; do
		[ "${p##*/}" = 0000-cover-letter.patch ] && continue
		mapfile -t cc < <(recipients "$p"; extra_cc "$(subject_of "$p")")
		setcc+=("${cc[@]}")
		ncc=$((ncc + ${#cc[@]}))
		# the base-commit line: on each patch sent alone, on the first patch
		# of a set without a cover letter, on the cover letter otherwise
		b=
		if [ "$mode" = each ] || { [ "$cover" = - ] && [ "$first" = 1 ]; }; then b=$baseline; fi
		finish "$p" "$b" "${cc[@]}"
		first=0
		series+=("$dir/${p##*/}")
	done
	if [ -f "$out/0000-cover-letter.patch" ]; then
		mapfile -t cc < <(recipients "$diff")
		finish "$out/0000-cover-letter.patch" "$baseline" "${cc[@]}" "${setcc[@]}"
	fi
	rm -f "$diff"
	log "exported ${PATCHDIR#"$ROOT"/}/$dir: $n patches [$prefix]$([ -f "$out/0000-cover-letter.patch" ] && echo ' + cover letter')"
	idx=$((idx + n))
done < <(patch_sets)
{
	echo "# Apply in this order with 'git am' on Debian linux-source-$BASE (tag 'base');"
	echo "# the sets and what each needs under it: sets.  Regenerate with 'make series'."
	printf '%s\n' "${series[@]}"
} >"$PATCHDIR/series"
log "exported ${#commits[@]} patches from $br to ${PATCHDIR#"$ROOT"/}/ ($ncc Cc lines, per patch)"
