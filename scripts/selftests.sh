#!/usr/bin/env bash
# Cross-build the kselftests (arm64/mte and kvm) statically from the series
# branch and install them with the kernel's own 'make install'.  Tests that
# cannot build on this kernel are installed as stubs that report SKIP with
# the reason, so run_kselftest.sh lists them.
# Inputs: kernel tree (scripts/tree.sh), branch 'series'.
# Outputs: work/kselftest-install/, log work/logs/selftests.log
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

KTREE=${KERNEL_SRC:-$WORK/linux}
src=$WORK/linux-tests
O=$WORK/build/kselftest
inst=$WORK/kselftest-install
slog=$LOGS/selftests.log
need_tool aarch64-linux-gnu-gcc

# A worktree of the series branch, so kernel builds of other variants can
# use the main tree meanwhile.
if [ ! -e "$src/.git" ]; then
	rm -rf "$src"
	git -C "$KTREE" worktree prune
	git -C "$KTREE" worktree add -q --detach "$src" series
fi
git -C "$src" checkout -q -f --detach series
# Test only: the race sides' task names that the amplifier of the debug
# kernels steers by (tests/race-hooks.patch); the submitted selftests do
# not carry them.  Mainline (BASE=7.3) has no amplifier and needs none.
if [ "$BASE" = 6.1 ] && ! git -C "$src" apply "$ROOT/tests/race-hooks.patch" 2>>"$LOGS/selftests-hooks.log"; then
	die "tests/race-hooks.patch does not apply to the series' selftests (log: $LOGS/selftests-hooks.log)"
fi

mk=(make -C "$src/tools/testing/selftests" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
    "CC=aarch64-linux-gnu-gcc -static" O="$O" TARGETS="arm64 kvm" ARM64_SUBTARGETS=mte)
log "selftests: headers + build (log: $slog)"
make -C "$src" ARCH=arm64 O="$O" headers >"$slog" 2>&1 ||
	die "kernel headers for the selftests failed (log: $slog)"
# Stubs from an earlier run would hide a failure (or a fix): rebuild them.
{ grep -rl 'does not build on this kernel' "$O/kselftest" 2>/dev/null || true; } | xargs -r rm -f
"${mk[@]}" -k -j"$(($(nproc) + 1))" all >>"$slog" 2>&1 || true

# Targets that failed to build: make prints "make[N]: *** [...: PATH] Error".
mapfile -t failed < <(sed -n 's/^make\[[0-9]*\]: \*\*\* \[[^]]*: \(\/[^]]*\)\] Error.*/\1/p' "$slog" | sort -u)
skips=()
for f in "${failed[@]}"; do
	[ -n "$f" ] || continue
	name=${f#"$O"/kselftest/}
	# the first compiler or linker error that names the test's source
	reason=$(grep -F "${name##*/}.c:" "$slog" | grep -m1 -E 'error:|undefined reference' || echo "build failed")
	reason=${reason##*/}
	reason=${reason//[\`\'\"]/}
	printf '#!/bin/sh\necho "# SKIP: %s does not build on this kernel: %s"\nexit 4\n' \
		"$name" "$reason" >"$f"
	chmod +x "$f"
	skips+=(-o "$f")
	echo "selftest $name does not build: $reason" >&2
done
rm -rf "$inst"
"${mk[@]}" "${skips[@]}" INSTALL_PATH="$inst" install >>"$slog" 2>&1 ||
	die "kselftest install failed (log: $slog)"
[ -x "$inst/arm64/check_tag_init_race" ] || [ -x "$inst/arm64/mte/check_tag_init_race" ] ||
	echo "note: the series' stage 1 race test is not in $inst" >&2
mapfile -t stubs < <(grep -rl 'does not build on this kernel' "$inst" || true)
for f in "${stubs[@]}"; do echo "SKIP stub: ${f#"$inst"/} ($(sed -n 's/^echo "# SKIP: //p' "$f" | tr -d '"'))"; done
log "selftests: $(wc -l <"$inst/kselftest-list.txt") installed, ${#stubs[@]} of them SKIP stubs"
