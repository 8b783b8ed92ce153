#!/usr/bin/env bash
# Boot one kernel variant under QEMU (MTE + EL2) and run the guest's tests.
# Usage: scripts/boot.sh VARIANT TESTS [NAME]
#   TESTS: check | race | bench (see guest/run-tests.sh)
#   NAME:  log name, default VARIANT-TESTS
# Env:   SMP (2), MEM (2048 MiB), BOOT_TIMEOUT (seconds, 2400),
#        APPEND (extra kernel command line), EL2 (1: virtualization=on, the
#        kernel at EL2 with KVM; 0: the kernel at EL1, no KVM),
#        QEMU_ARGS (extra QEMU options, split on blanks),
#        INITRD (another initramfs), KERNEL_IMAGE (a prebuilt arm64 Image)
#        and KERNEL_CONFIG (its .config, checked for the options the tests
#        need).
# Inputs: work/v/VARIANT/build/arch/arm64/boot/Image, work/initramfs.cpio.gz
# Output: work/logs/results-NAME.log, the results channel: what the tests
#         print (TAP, harness lines, benchmark JSON), from a virtio-serial
#         port named harness.results (guest/init);
#         work/logs/console-NAME.log, the serial console: the kernel's
#         messages.  Exit 1 on a kernel WARN/BUG/lockdep report/panic/OOM/
#         RCU stall/hung task in the console (scripts/results.py scan), or
#         a hang (the offending lines, or the console's tail, are printed);
#         either way the boot's status line ('harness: boot run=ID ...',
#         docs/RESULTS-FORMAT.md) ends the results file.
# RUN_ID: the run this boot belongs to (scripts/lib.sh; make check sets one
#         for its boots, and scripts/verdict.py refuses mixed runs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

v=${1:?usage: boot.sh VARIANT TESTS [NAME]}
tests=${2:?usage: boot.sh VARIANT TESTS [NAME]}
name=${3:-$v-$tests}
# KERNEL_IMAGE: boot a prebuilt arm64 Image instead of the variant's build
# (KERNEL_CONFIG: its .config, checked for what the tests need)
img=${KERNEL_IMAGE:-$(variant_build_dir "$v")/arch/arm64/boot/Image}
if [ -n "${KERNEL_CONFIG:-}" ]; then
	[ -f "$KERNEL_CONFIG" ] || die "KERNEL_CONFIG=$KERNEL_CONFIG: no such file"
	for opt in ARM64_MTE KVM BLK_DEV_INITRD DEVTMPFS TMPFS SHMEM TRANSPARENT_HUGEPAGE HUGETLBFS USERFAULTFD ELF_CORE PROC_PAGE_MONITOR ZRAM VIRTIO_CONSOLE; do
		grep -q "^CONFIG_$opt=[ym]" "$KERNEL_CONFIG" ||
			printf 'WARNING: %s has no CONFIG_%s: the tests that need it will SKIP or fail\n' "$KERNEL_CONFIG" "$opt" >&2
	done
fi
initrd=${INITRD:-$WORK/initramfs.cpio.gz}
console=$LOGS/console-$name.log
results=$(results_log "$name")
SMP=${SMP:-2}
MEM=${MEM:-2048}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-2400}
QEMU=${QEMU:-qemu-system-aarch64}

need_tool "$QEMU"
[ -f "$img" ] || die "missing kernel: $img (run scripts/build.sh $v, or set KERNEL_IMAGE)"
[ -f "$initrd" ] || die "missing initramfs: $initrd (run scripts/initramfs.sh)"
QEMU_MIN=${QEMU_MIN:-10.0}
qv=$("$QEMU" --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p')
dpkg --compare-versions "${qv:-0}" ge "$QEMU_MIN" ||
	die "$QEMU is version ${qv:-unknown}, the harness needs $QEMU_MIN or newer (7.2 mis-emulates tag check faults and COPY_TAGS): run 'make deps' (qemu-system-arm from bookworm-backports)"
"$QEMU" -machine virt,help 2>/dev/null | grep -q '^  mte=' ||
	die "$QEMU has no MTE support (-machine virt,mte=on): run 'make deps' (qemu-system-arm from bookworm-backports)"

read -ra qemu_args <<<"${QEMU_ARGS:-}"
log "[$name] booting $v: -smp $SMP -m $MEM, timeout ${BOOT_TIMEOUT}s (results: $results, console: $console)"
t=$(date +%s)
: >"$console"
: >"$results"
set +e
timeout --foreground -k 10 "$BOOT_TIMEOUT" "$QEMU" \
	-machine "virt,mte=on,virtualization=$([ "${EL2:-1}" = 1 ] && echo on || echo off),gic-version=3" \
	-cpu max,pauth-impdef=on -smp "$SMP" -m "$MEM" \
	-nographic -no-reboot -monitor none -serial stdio -nic none \
	-device virtio-serial-device -chardev "file,id=results,path=$results" \
	-device virtserialport,chardev=results,name=harness.results \
	-kernel "$img" -initrd "$initrd" "${qemu_args[@]}" \
	-append "console=ttyAMA0 panic=-1 oops=panic harness.tests=$tests ${APPEND:-}" \
	</dev/null >"$console" 2>&1 &
qpid=$!
# a background job ignores SIGINT: stop QEMU with this script
trap 'kill "$qpid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
# Progress: each kselftest verdict as it arrives, with the elapsed time.
# tail exits by itself once the QEMU (timeout) process is gone.
tail -n +1 -s 1 --pid="$qpid" -F "$results" 2>/dev/null | sed -u 's/\r//g' |
	grep --line-buffered -E '^(not ok|ok) [0-9]+ selftests: |^harness: (TAP begin|race window)' |
	while IFS= read -r line; do log "[$name] $line"; done
wait "$qpid"
rc=$?
set -e
log "[$name] guest exited after $(($(date +%s) - t))s (qemu rc $rc)"

# The boot's status goes into the results file (docs/RESULTS-FORMAT.md):
# the host's 'harness: boot' line and the console's kernel-report lines.
# A kernel without the virtio console writes the results to the console.
if ! grep -q 'harness: guest up' "$results" && grep -q 'harness: TAP begin\|harness: BENCH begin' "$console"; then
	log "[$name] no results port in the guest (CONFIG_VIRTIO_CONSOLE?): results taken from the console"
	cp "$console" "$results"
fi
status=clean
reports=$(python3 "$ROOT/scripts/results.py" scan "$console") || status=report
if [ "$rc" = 124 ] || [ "$rc" = 137 ] || ! grep -q 'harness: guest done' "$console"; then
	status=hung
fi
{
	[ -z "$reports" ] || printf '%s\n' "$reports" | sed 's/^/harness: boot report: /'
	echo "harness: boot run=$RUN_ID variant=$v name=$name status=$status qemu_rc=$rc seconds=$(($(date +%s) - t))"
} >>"$results"
if [ "$status" = report ]; then
	echo "ERROR: [$name] kernel report in $console:" >&2
	printf '%s\n' "$reports" >&2
	exit 1
fi
if [ "$status" = hung ]; then
	echo "ERROR: [$name] guest hung or died before finishing (qemu rc $rc); console tail:" >&2
	tail -n 25 "$console" >&2
	echo "results tail ($results):" >&2
	tail -n 10 "$results" >&2
	exit 1
fi
