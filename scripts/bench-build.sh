#!/usr/bin/env bash
# Cross-build the in-guest benchmark programs (static).  kvm_first_touch
# links the kernel's KVM selftest library built by scripts/selftests.sh.
# With BENCH_PLUGIN=1 (make bench), also the TCG plugin of its icount
# boots (bench/plugin/insn-classes.c, a host .so).
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

# The TCG plugin that counts the kernel's atomics, barriers and
# acquire/release accesses in the timed windows (bench/plugin/, host
# code).  It needs the plugin API header of the QEMU that runs the guests,
# include/qemu/qemu-plugin.h of the same version: Debian's source of the
# installed qemu-system-arm (its orig tarball, apt-get source
# --download-only through a private deb-src list under work/qemu-src), and
# glib's headers (libglib2.0-dev, scripts/deps.sh).
plugin_build() {
	local q=$WORK/qemu-src ver upver hdr=$WORK/qemu-src/include/qemu/qemu-plugin.h
	ver=$(dpkg-query -W -f='${Version}' qemu-system-arm 2>/dev/null) ||
		die "missing package: qemu-system-arm (run make deps)"
	upver=${ver#*:} upver=${upver%%-*}
	if [ ! -f "$hdr" ] || [ "$(cat "$q/version" 2>/dev/null)" != "$ver" ]; then
		rm -rf "$q"
		mkdir -p "$q/apt/lists/partial" "$q/apt/cache/archives/partial" "$q/dl"
		echo 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main' >"$q/apt/sources.list"
		local aopt=(-o "Dir::Etc::SourceList=$q/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
			    -o "Dir::State::Lists=$q/apt/lists" -o "Dir::Cache=$q/apt/cache")
		log "fetching the source of qemu $ver for its plugin header (log: $LOGS/apt-qemu-src.log)"
		apt-get "${aopt[@]}" -qq update >"$LOGS/apt-qemu-src.log" 2>&1 ||
			die "apt-get update of bookworm-backports' sources failed (log: $LOGS/apt-qemu-src.log)"
		# only the orig tarball is needed (the mirror may lack the .dsc of
		# a backport, and then apt-get source fails after fetching it)
		(cd "$q/dl" && apt-get "${aopt[@]}" -qq source --download-only "qemu=$ver" \
			>>"$LOGS/apt-qemu-src.log" 2>&1) || true
		[ -f "$q/dl/qemu_${upver}.orig.tar.xz" ] ||
			die "missing file: qemu_${upver}.orig.tar.xz (apt-get source qemu=$ver failed, log: $LOGS/apt-qemu-src.log)"
		mkdir -p "$q/include/qemu"
		tar -xJf "$q/dl/qemu_${upver}.orig.tar.xz" -O \
			"qemu-${upver%+ds}/include/qemu/qemu-plugin.h" >"$hdr" ||
			die "qemu_${upver}.orig.tar.xz has no include/qemu/qemu-plugin.h"
		rm -rf "$q/dl" "$q/apt"
		echo "$ver" >"$q/version"
	fi
	need_tool pkg-config
	pkg-config --exists glib-2.0 || die "missing package: libglib2.0-dev (run make deps)"
	# shellcheck disable=SC2046
	gcc -O2 -Wall -Werror -shared -fPIC -I"$q/include/qemu" $(pkg-config --cflags glib-2.0) \
		-o "$out/libinsn-classes.so" "$ROOT/bench/plugin/insn-classes.c"
	log "TCG plugin built: $out/libinsn-classes.so (qemu $ver's plugin API)"
}
# make bench (not its QUICK form in make check) sets BENCH_PLUGIN=1
[ "${BENCH_PLUGIN:-0}" = 1 ] && plugin_build
exit 0
