# Map a variant name to a commit in the kernel tree; sourced, not run.
# shellcheck shell=bash

# Print the commit a variant's patch level is built from.
variant_base_ref() {
	local v=${1%-debug}
	case "$v" in
		base) echo base ;;
		series) echo "${SERIES_REF:-series}" ;;
		series-b[0-9]*|series-nolock|series-nest) echo series ;;
		matrix-*)
			case "${v##*-}" in
				base|series) variant_base_ref "${v##*-}" ;;
				*) git -C "$KTREE" rev-parse --verify -q "${v##*-}^{commit}" ;;
			esac ;;
		global) echo base ;;
		mainline-nolock)
			[ "$BASE" = 6.12 ] || die "variant $1 needs BASE=6.12"
			echo base ;;
		*) die "unknown variant: $1" ;;
	esac
}

# Apply tests/NAME.patch on the checked-out variant branch, or die naming it.
apply_test_patch() { # NAME VARIANT
	git -C "$KTREE" am -q --3way "$ROOT/tests/$1.patch" >"$LOGS/am-$1.log" 2>&1 && return
	git -C "$KTREE" am --abort >/dev/null 2>&1 || true
	grep -E 'error:|patch failed|does not apply|conflict' "$LOGS/am-$1.log" | head -n 5 >&2
	die "tests/$1.patch does not apply to $2 (log: $LOGS/am-$1.log)"
}

# Check out branch v/VARIANT: the patch level, plus the test-only race
# window amplifier for -debug variants, plus a 2^N-bucket lock table for
# series-bN (the bucket-count sweep of 'make bench'; the series has N=8).
variant_checkout() {
	local v=$1 ref bits mte_c
	ref=$(variant_base_ref "$v")
	[ -n "$ref" ] || die "variant $v: no such commit (is the series applied? run scripts/tree.sh)"
	git -C "$KTREE" checkout -q -f -B "v/$v" "$ref"
	case "$v" in
		global*)
			# the 2021 proposal (v14): one global tag_sync_lock on the
			# stage 1 and swap paths, for the benchmarks
			apply_test_patch global-lock "$v" ;;
		mainline-nolock)
			# mainline's negative control: no PG_mte_lock (BASE=6.12)
			apply_test_patch mainline-nolock "$v" ;;
		series-nolock*)
			# the negative control: the series without its bucket lock
			apply_test_patch series-nolock "$v" ;;
		series-nest*)
			# two buckets nested once at boot: what lockdep reports
			apply_test_patch lockdep-nest "$v" ;;
	esac
	case "$v" in
		*-debug)
			apply_test_patch race-window "$v" ;;
		series-b[0-9]*)
			bits=${v#series-b}
			mte_c=$KTREE/arch/arm64/kernel/mte.c
			case "$bits" in *[!0-9]*) die "variant $v: bucket bits must be a number" ;; esac
			grep -q '^#define MTE_TAG_LOCK_BITS' "$mte_c" || die "$v: MTE_TAG_LOCK_BITS not found in $mte_c"
			sed -i "s/^#define MTE_TAG_LOCK_BITS.*/#define MTE_TAG_LOCK_BITS\t$bits/" "$mte_c"
			if [ "$bits" = 0 ]; then
				# hash_long(x, 0) would shift a u64 by 64: one bucket is index 0
				sed -i 's/hash_long(page_to_pfn(page), MTE_TAG_LOCK_BITS)/0/' "$mte_c"
				grep -q 'unsigned long idx = 0;' "$mte_c" || die "$v: bucket hash not found in $mte_c"
			fi
			git -C "$KTREE" -c user.name=bench -c user.email=bench@localhost \
				commit -q -am "bench: $((1 << bits))-bucket tag lock table" ;;
	esac
}
