# Variants as data: look a variant up in tests/variants and check out its
# source in its own git worktree.  Sourced, not run; needs $KTREE.
# shellcheck shell=bash

VARIANTS=$ROOT/tests/variants

# variant_row NAME: sets V_KERNEL V_SOURCE V_PATCHES V_CONFIGS V_BENCH
# V_PURPOSE from the table (for the scripts that source this), or dies.
# VARIANT_SPEC="SOURCE PATCHES CONFIGS" describes a variant that is not
# in the table (scripts/matrix.sh's).
# shellcheck disable=SC2034
variant_row() {
	local name kernel source patches configs bench purpose
	if [ -n "${VARIANT_SPEC:-}" ]; then
		read -r V_SOURCE V_PATCHES V_CONFIGS <<<"$VARIANT_SPEC"
		V_KERNEL=any V_BENCH=- V_PURPOSE="VARIANT_SPEC=$VARIANT_SPEC"
		return
	fi
	while read -r name kernel source patches configs bench purpose; do
		case "$name" in ''|'#'*) continue ;; esac
		[ "$name" = "$1" ] || continue
		case "$kernel" in any|"$BASE") ;; *) die "variant $1 is for BASE=$kernel (now BASE=$BASE)" ;; esac
		V_KERNEL=$kernel V_SOURCE=$source V_PATCHES=$patches V_CONFIGS=$configs
		V_BENCH=$bench V_PURPOSE=$purpose
		return
	done <"$VARIANTS"
	die "unknown variant: $1 (the variants are in tests/variants; 'make variants' lists them)"
}

# variant_names [BENCH_MODE]: every variant of this BASE, or those that
# 'make bench' boots in BENCH_MODE, in table order.
variant_names() {
	awk -v base="$BASE" -v mode="${1:-}" '
		/^#/ || NF < 7 { next }
		$2 != "any" && $2 != base { next }
		mode != "" && ("," $6 ",") !~ ("," mode ",") { next }
		{ print $1 }' "$VARIANTS"
}

# The commit a source spec names: base, series, series:N (the first N
# patches), series:SET (every patch up to the end of that set of
# PATCHDIR/sets).
variant_source_ref() {
	local n
	case "$1" in
		series:[0-9]*)
			n=${1#series:}
			git -C "$KTREE" rev-list --reverse base..series | sed -n "${n}p" ;;
		series:*)
			n=$(patch_sets | awk -v s="${1#series:}" '{ n += $2 } $1 == s { print n; f = 1; exit } END { if (!f) print 0 }')
			[ "$n" -gt 0 ] || return 0
			git -C "$KTREE" rev-list --reverse base..series | sed -n "${n}p" ;;
		*) git -C "$KTREE" rev-parse --verify -q "$1^{commit}" ;;
	esac
}

# Apply tests/NAME.patch in worktree SRC, or die naming it and the hunk.
apply_test_patch() { # NAME SRC VARIANT
	local alog=$LOGS/am-$3-$1.log
	git -C "$2" am -q --3way "$ROOT/tests/$1.patch" >"$alog" 2>&1 && return
	git -C "$2" am --abort >/dev/null 2>&1 || true
	grep -E 'error:|patch failed|does not apply|conflict' "$alog" | head -n 5 >&2
	die "tests/$1.patch does not apply to $3 (log: $alog)"
}

# new_worktree SRC REF LOG: SRC becomes a new worktree of $KTREE.  A
# checkout of the whole tree from git's objects takes 8-34 s here (34 s
# with a cold page cache), one per variant; when the main tree $KTREE is clean, SRC instead starts as hard
# links to the main tree's tracked files with a copy of its index, at its
# HEAD, and the checkout of REF that follows (variant_checkout) writes only
# the files that differ.  No tool writes through such a link into another
# tree: git replaces a file by unlinking it and writing a new one (checkout,
# am, apply), and the kernel builds write only under O=.  So a variant's
# source is edited through git (or after 'rm' of the file), never in place.
# A link changes its inode's ctime, so the kernel repository ignores ctime
# (core.trustctime false): the copied index then matches the links by inode,
# mtime and size, and no file is hashed again.  Otherwise, or when linking
# fails, a full checkout of REF.
new_worktree() {
	local src=$1 ref=$2 wlog=$3 head
	rm -rf "$src"
	git -C "$KTREE" worktree prune
	head=$(git -C "$KTREE" rev-parse -q --verify HEAD) || head=
	git -C "$KTREE" config core.trustctime false
	if [ -n "$head" ] && [ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] &&
		git -C "$KTREE" worktree add -q -f --no-checkout --detach "$src" "$head" >"$wlog" 2>&1 &&
		(cd "$KTREE" && git ls-files -z | cpio -0 -p -d -l -m --quiet "$src") >>"$wlog" 2>&1 &&
		cp "$(git -C "$KTREE" rev-parse --path-format=absolute --git-path index)" \
			"$(git -C "$src" rev-parse --path-format=absolute --git-path index)" &&
		git -C "$src" update-index -q --refresh >>"$wlog" 2>&1 &&
		[ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
		log "new worktree $src: hard links to $KTREE at ${head:0:12}"
		return
	fi
	log "new worktree $src: a full checkout of $ref"
	rm -rf "$src"
	git -C "$KTREE" worktree prune
	git -C "$KTREE" worktree add -q -f --detach "$src" "$ref" >>"$wlog" 2>&1
}

# variant_checkout NAME SRC: SRC becomes a worktree of $KTREE on branch
# v/NAME at the variant's source plus its test-only patches.  Nothing is
# touched (no mtime renewed, nothing rebuilt) when SRC already holds
# exactly that: a stamp of the source tree and the patch contents.
variant_checkout() {
	local v=$1 src=$2 ref stamp p
	variant_row "$v"
	ref=$(variant_source_ref "$V_SOURCE")
	[ -n "$ref" ] || die "variant $v: source $V_SOURCE has no commit (is the series applied? run scripts/tree.sh)"
	# the source's tree, not its commit: a reworded series changes no file
	stamp=$(git -C "$KTREE" rev-parse "$ref^{tree}")
	if [ "$V_PATCHES" != - ]; then
		for p in ${V_PATCHES//,/ }; do
			[ -f "$ROOT/tests/$p.patch" ] || die "variant $v: no tests/$p.patch"
			stamp+=" $p:$(sha1sum <"$ROOT/tests/$p.patch" | cut -c1-12)"
		done
	fi
	if [ -f "$src/.git" ] && [ "$(cat "$src/../source-stamp" 2>/dev/null)" = "$stamp" ] &&
		[ "$(git -C "$src" rev-parse HEAD)" = "$(cat "$src/../source-head" 2>/dev/null)" ] &&
		[ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
		log "[$v] source unchanged ($V_SOURCE$([ "$V_PATCHES" = - ] || echo " + $V_PATCHES")): worktree $src kept"
		return
	fi
	rm -f "$src/../source-stamp"
	if [ ! -f "$src/.git" ]; then
		new_worktree "$src" "$ref" "$LOGS/worktree-$v.log" ||
			die "[$v] new worktree failed (log: $LOGS/worktree-$v.log)"
	fi
	git -C "$src" am --abort >/dev/null 2>&1 || true
	# only the files that differ from the worktree's last state are written
	git -C "$src" checkout -q -f -B "v/$v" "$ref"
	if [ "$V_PATCHES" != - ]; then
		for p in ${V_PATCHES//,/ }; do apply_test_patch "$p" "$src" "$v"; done
	fi
	echo "$stamp" >"$src/../source-stamp"
	git -C "$src" rev-parse HEAD >"$src/../source-head"
}
