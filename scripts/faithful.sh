#!/usr/bin/env bash
# Is the benchmarks' performance config faithful to Debian's?  Builds the
# objects whose fast paths the last 'make bench' counted (its fastpath.json)
# again, from each variant's source, under Debian's own arm64 config (in
# the compile matrix's Debian build directory, work/v/matrix/build-debian,
# shared by the variants), and compares the paths instruction by
# instruction (scripts/faithful.py).
# Usage: make faithful   (BASE=7.3 make faithful; after make bench)
# Output: docs/FAITHFUL.md (6.1) or docs/bench-7.3/FAITHFUL.md (7.3);
#         the Debian objects in work/faithful/VARIANT/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
KTREE=${KERNEL_SRC:-$WORK/linux}
# shellcheck source=scripts/variant.sh
. "$ROOT/scripts/variant.sh"
S=$ROOT/scripts
unset BUILD_CONFIGS

perf=$WORK/bench-raw-full/fastpath.json
[ -s "$perf" ] || die "no $perf: run 'make bench' (BASE=$BASE) first: faithful.sh compares the paths it counted"
cfg=$(debian_config)
[ -f "$cfg" ] || die "no $cfg: install linux-config-$BASE:arm64 (make deps)"
docs=$ROOT/docs
[ "$BASE" = 7.3 ] && docs=$ROOT/docs/bench-7.3
out=$WORK/faithful
build=$WORK/v/matrix/build-debian
log "== faithful: the fast paths of $perf under $(basename "$cfg")"

# VARIANT OBJECT... : each variant and the objects its paths lie in
mapfile -t plan < <(python3 "$S/faithful.py" --perf "$perf" --plan)
[ ${#plan[@]} -gt 0 ] || die "no paths in $perf"
args=()
for line in "${plan[@]}"; do
	read -ra w <<<"$line"
	v=${w[0]} objs=("${w[@]:1}")
	variant_row "$v"
	log "[$v] ${objs[*]} under Debian's config (log: $LOGS/build-faithful-$v.log)"
	# the shared build directory: remove the objects first, so that each
	# variant's are compiled from its own source
	for o in "${objs[@]}"; do rm -f "$build/$o"; done
	VARIANT_SPEC="$V_SOURCE $V_PATCHES -" VARIANT_TREE=matrix VARIANT_BUILD=build-debian \
		BASECONFIG=$cfg TARGETS="${objs[*]}" "$S/build.sh" "faithful-$v" >"$LOGS/faithful-$v.out" 2>&1 ||
		die "[$v] build under Debian's config failed (log: $LOGS/build-faithful-$v.log)"
	rm -rf "${out:?}/$v"
	for o in "${objs[@]}" arch/arm64/include/generated/asm/cpucap-defs.h arch/arm64/include/generated/asm/cpucaps.h; do
		[ -f "$build/$o" ] || continue
		mkdir -p "$out/$v/$(dirname "$o")"
		cp "$build/$o" "$out/$v/$o"
	done
	args+=(--debian "$v=$out/$v")
done
python3 "$S/faithful.py" --perf "$perf" "${args[@]}" --out "$docs/FAITHFUL.md" \
	--cmd "$([ "$BASE" = 7.3 ] && echo "BASE=7.3 ")make faithful"
