#!/usr/bin/env bash
# Build one kernel variant out of tree, incrementally, through ccache.
# Usage: scripts/build.sh VARIANT   (env: TARGETS, default Image; KBUILD_EXTRA)
#   base          unpatched (tag 'base'), release config
#   global        base + tests/global-lock.patch (the 2021 global lock), release
#   series        full series, release
#   base-debug    base + tests/race-window.patch, debug config
#   series-debug  series + tests/race-window.patch, debug config
#   series-bN     full series with a 2^N-bucket table (MTE_TAG_LOCK_BITS=N; b0: one)
#   series-nolock[-debug]  series + tests/series-nolock.patch (negative control)
#   series-nest-debug  series + tests/lockdep-nest.patch (lockdep's report)
#   mainline-nolock (BASE=6.12) 6.12 + tests/mainline-nolock.patch
#   matrix-CFG-TREE TREE (base|series) with configs/CFG.config (scripts/matrix.sh)
# SERIES_REF=<commit> builds 'series' from a prefix of the series (bisect).
# Inputs: the kernel tree from scripts/tree.sh, configs/*.config.
# Outputs: work/build/VARIANT/arch/arm64/boot/Image, log work/logs/build-VARIANT.log
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

v=${1:?usage: build.sh VARIANT}
KTREE=${KERNEL_SRC:-$WORK/linux}
O=$WORK/build/$v
blog=$LOGS/build-$v.log
read -ra targets <<<"${TARGETS:-Image}"
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
# Relative paths and no source-path options in the hash, so that objects are
# shared between variants and between clones of this repo at other paths.
export CCACHE_BASEDIR
CCACHE_BASEDIR=$(dirname "$KTREE")
export CCACHE_IGNOREOPTIONS="-fmacro-prefix-map=*" CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
need_tool aarch64-linux-gnu-gcc
need_tool ccache

frags=("$ROOT/configs/base.config")
# kernel-version differences stay in data: configs/$BASE.config, if any
[ -f "$ROOT/configs/$BASE.config" ] && frags+=("$ROOT/configs/$BASE.config")
case "$v" in
	*-debug) frags+=("$ROOT/configs/debug.config") ;;
	matrix-*)
		# matrix-CFG-TREE: configs/CFG.config over base; one build dir
		# per CFG, shared by the trees (see scripts/matrix.sh)
		cfg=${v#matrix-}
		cfg=${cfg%-*}
		frags+=("$ROOT/configs/$cfg.config")
		O=$WORK/build/matrix-$cfg ;;
esac

# The source for a variant is a branch v/VARIANT in the one kernel tree, so
# that ccache (with CCACHE_BASEDIR) shares objects between variants.
# shellcheck source=scripts/variant.sh
. "$ROOT/scripts/variant.sh"
variant_checkout "$v"

mkdir -p "$O"
stamp=$O/.config-inputs
want=$(cat "${frags[@]}" | sha1sum)
if [ ! -f "$O/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	log "[$v] config: tinyconfig + ${frags[*]##*/}"
	{
		make -C "$KTREE" O="$O" tinyconfig
		"$KTREE/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" "${frags[@]}"
		make -C "$KTREE" O="$O" olddefconfig
	} >"$LOGS/config-$v.log" 2>&1 || die "[$v] config failed (log: $LOGS/config-$v.log)"
	# Every requested option must survive olddefconfig; a later fragment
	# overrides an earlier one.
	declare -A want_opt=()
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) want_opt[${line%%=*}]=${line#*=} ;; esac
	done < <(cat "${frags[@]}")
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
