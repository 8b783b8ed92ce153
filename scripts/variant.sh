# Map a variant name to a commit in the kernel tree; sourced, not run.
# shellcheck shell=bash

# Print the commit a variant's patch level is built from.
variant_base_ref() {
	local v=${1%-debug} n=0 p
	case "$v" in
		base) echo base ;;
		series) echo "${SERIES_REF:-series}" ;;
		series-1bucket) echo series ;;
		matrix-*)
			case "${v##*-}" in
				base|series) variant_base_ref "${v##*-}" ;;
				*) git -C "$KTREE" rev-parse --verify -q "${v##*-}^{commit}" ;;
			esac ;;
		global)
			# the series up to and including the global-lock patch
			while read -r p; do
				case "$p" in ''|'#'*) continue ;; esac
				n=$((n + 1))
				case "$p" in *global*) break ;; esac
			done <"$ROOT/patches/series"
			git -C "$KTREE" rev-parse "base~0" >/dev/null
			git -C "$KTREE" rev-list --reverse base..series | sed -n "${n}p" ;;
		*) die "unknown variant: $1" ;;
	esac
}

# Check out branch v/VARIANT: the patch level, plus the test-only race
# window amplifier for -debug variants, plus a one-bucket table for
# series-1bucket.
variant_checkout() {
	local v=$1 ref
	ref=$(variant_base_ref "$v")
	[ -n "$ref" ] || die "variant $v: no such commit (is the series applied? run scripts/tree.sh)"
	git -C "$KTREE" checkout -q -f -B "v/$v" "$ref"
	case "$v" in
		*-debug)
			git -C "$KTREE" am -q --3way "$ROOT/tests/race-window.patch" >"$LOGS/am-race-window.log" 2>&1 || {
				git -C "$KTREE" am --abort >/dev/null 2>&1 || true
				die "tests/race-window.patch does not apply to $v (log: $LOGS/am-race-window.log)"
			} ;;
		series-1bucket)
			sed -i 's/^#define MTE_TAG_LOCK_BITS.*/#define MTE_TAG_LOCK_BITS\t0/' "$KTREE/arch/arm64/kernel/mte.c"
			grep -q 'MTE_TAG_LOCK_BITS	0' "$KTREE/arch/arm64/kernel/mte.c" ||
				die "series-1bucket: MTE_TAG_LOCK_BITS not found in mte.c"
			git -C "$KTREE" -c user.name=bench -c user.email=bench@localhost \
				commit -q -am "bench: one-bucket tag lock table" ;;
	esac
}
