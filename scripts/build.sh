#!/usr/bin/env bash
# Build one kernel variant out of tree, incrementally, through ccache.
# Usage: scripts/build.sh VARIANT   (env: TARGETS, default Image; KBUILD_EXTRA;
#        BASECONFIG: a whole .config, or .config.xz, to start from instead
#        of tinyconfig + configs/base.config, as scripts/matrix.sh does with
#        Debian's own arm64 config)
# The variants, their sources, test-only patches and config fragments are
# in tests/variants ('make variants').  VARIANT_SPEC="SOURCE PATCHES CONFIGS"
# builds a variant that is not in the table, VARIANT_TREE=T in worktree
# work/v/T/src and VARIANT_BUILD=B in work/v/T/B (scripts/matrix.sh).
# Inputs: the kernel tree from scripts/tree.sh, configs/*.config.
# Outputs: work/v/VARIANT/build/arch/arm64/boot/Image,
#          log work/logs/build-VARIANT.log
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

v=${1:?usage: build.sh VARIANT}
KTREE=${KERNEL_SRC:-$WORK/linux}
tree=$WORK/v/${VARIANT_TREE:-$v}
src=$tree/src
O=$tree/${VARIANT_BUILD:-build$(build_suffix)}
blog=$LOGS/build-$v$(build_suffix).log
read -ra targets <<<"${TARGETS:-Image}"
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
# Relative paths and no source-path options in the hash, so that objects are
# shared between variants and between clones of this repo at other paths:
# every variant has the same layout (work/v/NAME/{src,build}), so the
# compiler sees ../src/... from every build directory.
export CCACHE_BASEDIR=$tree
export CCACHE_IGNOREOPTIONS="-fmacro-prefix-map=*" CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
need_tool aarch64-linux-gnu-gcc
need_tool ccache

# shellcheck source=scripts/variant.sh
. "$ROOT/scripts/variant.sh"
# the variant's row (V_* variables) and its source in its worktree
variant_checkout "$v" "$src"
KTREE=$src

mkdir -p "$O"
# frags: the fragments requested over the starting config, each option of
# which must survive olddefconfig; a whole BASECONFIG is only the start
frags=() start=tinyconfig whole=()
if [ -n "${BASECONFIG:-}" ]; then
	[ -f "$BASECONFIG" ] || die "BASECONFIG=$BASECONFIG: no such file"
	start=${BASECONFIG##*/}
	case "$BASECONFIG" in
		*.xz) xz -dc "$BASECONFIG" ;;
		*) cat "$BASECONFIG" ;;
	esac >"$O/.baseconfig"
	whole=("$O/.baseconfig")
else
	frags+=("$ROOT/configs/base.config")
	# kernel-version differences stay in data: configs/$BASE.config, if any
	[ -f "$ROOT/configs/$BASE.config" ] && frags+=("$ROOT/configs/$BASE.config")
fi
if [ "$V_CONFIGS" != - ]; then
	inline=$O/.variant.config
	: >"$inline"
	for c in ${V_CONFIGS//,/ }; do
		case "$c" in
			CONFIG_*=*) echo "$c" >>"$inline" ;;
			*) [ -f "$ROOT/configs/$c.config" ] || die "variant $v: no configs/$c.config"
			   frags+=("$ROOT/configs/$c.config") ;;
		esac
	done
	[ -s "$inline" ] && frags+=("$inline")
fi
for c in ${BUILD_CONFIGS:+${BUILD_CONFIGS//,/ }}; do
	[ -f "$ROOT/configs/$c.config" ] || die "BUILD_CONFIGS: no configs/$c.config"
	frags+=("$ROOT/configs/$c.config")
	[ -f "$ROOT/configs/$c-$BASE.config" ] && frags+=("$ROOT/configs/$c-$BASE.config")
done

stamp=$O/.config-inputs
want=$(cat "${whole[@]}" "${frags[@]}" /dev/null | sha1sum)
if [ ! -f "$O/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	log "[$v] config: $start${frags[*]:+ + ${frags[*]##*/}}"
	{
		if [ ${#whole[@]} -gt 0 ]; then cp "${whole[0]}" "$O/.config"
		else make -C "$KTREE" O="$O" tinyconfig; fi
		[ ${#frags[@]} -eq 0 ] ||
			"$KTREE/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" "${frags[@]}"
		make -C "$KTREE" O="$O" olddefconfig
	} >"$LOGS/config-$v$(build_suffix).log" 2>&1 || die "[$v] config failed (log: $LOGS/config-$v$(build_suffix).log)"
	# Every requested option must survive olddefconfig; a later fragment
	# overrides an earlier one.
	declare -A want_opt=()
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) want_opt[${line%%=*}]=${line#*=} ;; esac
	done < <(cat /dev/null "${frags[@]}")
	bad=0
	for opt in "${!want_opt[@]}"; do
		val=${want_opt[$opt]}
		if [ "$val" = n ]; then
			if grep -q "^$opt=" "$O/.config"; then
				echo "ERROR: requested $opt=n but olddefconfig set it: $(grep "^$opt=" "$O/.config")" >&2
				bad=1
			fi
		elif ! grep -qx "$opt=$val" "$O/.config"; then
			echo "ERROR: requested option dropped by olddefconfig: $opt=$val (now: $(grep -E "^(# )?${opt}[= ]" "$O/.config" || echo absent))" >&2
			bad=1
		fi
	done
	[ "$bad" = 0 ] || die "[$v] config validation failed: fix configs/*.config (a dependency is missing)"
	echo "$want" >"$stamp"
fi

read -ra extra <<<"${KBUILD_EXTRA:-}"
log "[$v] building ${targets[*]} (log: $blog)"
t=$(date +%s)
if ! make -C "$KTREE" O="$O" CC="ccache ${CROSS_COMPILE}gcc" -j"$(($(nproc) + 1))" \
	"${extra[@]}" "${targets[@]}" >"$blog" 2>&1; then
	grep -E 'error:|Error [0-9]' "$blog" | head -n 20 >&2
	die "[$v] kernel build failed (log: $blog)"
fi
warn=$(grep -c 'warning:' "$blog" || true)
log "[$v] ${targets[*]} built in $(($(date +%s) - t))s, $(grep -c '^  CC' "$blog" || true) objects compiled, $warn warnings"
