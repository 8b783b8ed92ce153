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
# mainline's KVM selftests name the architecture arm64, 6.1's aarch64; 6.1's
# library needs ucall_init() (KVM_UCALL_INIT), mainline's needs
# kvm_arch_vm_finalize_vcpus() and the sysreg definitions that the
# selftests' build generated
kd=aarch64 defs=(-DKVM_UCALL_INIT)
[ "$BASE" = 6.1 ] || kd=arm64 defs=(-I"$src/tools/arch/arm64/include/generated")
"$CC" -static -O2 -Wall -Werror -std=gnu99 -pthread "${defs[@]}" \
	-I"$S/kvm/include" -I"$S/kvm/include/$kd" -I"$S" -I"$src/tools/include" \
	-I"$src/tools/arch/arm64/include" -isystem "$O/usr/include" \
	"$ROOT/bench/kvm_first_touch.c" "$O"/kselftest/kvm/lib/*.o "$O/kselftest/kvm/lib/$kd"/*.o \
	-o "$out/kvm_first_touch"
install -m755 "$ROOT/bench/run-guest.sh" "$out/run-guest.sh"
log "bench programs built in $out"
