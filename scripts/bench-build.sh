#!/usr/bin/env bash
# Cross-build the in-guest benchmark programs (static).  kvm_first_touch
# links the kernel's KVM selftest library built by scripts/selftests.sh.
# Output: work/bench-bin/
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

src=$WORK/linux-tests
S=$src/tools/testing/selftests
O=$WORK/build/kselftest
out=$WORK/bench-bin
CC=aarch64-linux-gnu-gcc
need_tool "$CC"
[ -d "$O/kselftest/kvm/lib" ] || die "missing KVM selftest library in $O (run scripts/selftests.sh)"
mkdir -p "$out"
"$CC" -static -O2 -Wall -Wextra -Werror -o "$out/mte_first_touch" "$ROOT/bench/mte_first_touch.c"
"$CC" -static -O2 -Wall -Werror -std=gnu99 -pthread \
	-I"$S/kvm/include" -I"$S/kvm/include/aarch64" -I"$S" -I"$src/tools/include" \
	-I"$src/tools/arch/arm64/include" -isystem "$O/usr/include" \
	"$ROOT/bench/kvm_first_touch.c" "$O"/kselftest/kvm/lib/*.o "$O"/kselftest/kvm/lib/aarch64/*.o \
	-o "$out/kvm_first_touch"
install -m755 "$ROOT/bench/run-guest.sh" "$out/run-guest.sh"
log "bench programs built in $out"
