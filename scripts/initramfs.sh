#!/usr/bin/env bash
# Pack the guest initramfs: busybox, guest/*, the installed kselftests and
# the benchmark program.
# Inputs: work/busybox, work/kselftest-install/ (scripts/selftests.sh),
#         work/bench-bin/ (optional).
# Output: work/initramfs.cpio.gz
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

ks=$WORK/kselftest-install
[ -x "$BUSYBOX" ] || die "missing file: $BUSYBOX (run 'make deps')"
[ -f "$ks/run_kselftest.sh" ] || die "missing kselftests in $ks (run scripts/selftests.sh)"
need_tool cpio

root=$WORK/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,usr/bin,proc,sys,dev,tmp,harness,bench}
install -m755 "$BUSYBOX" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m755 "$ROOT/guest/init" "$root/init"
install -m755 "$ROOT/guest/timeout" "$root/usr/bin/timeout"
install -m755 "$ROOT/guest/run-tests.sh" "$root/harness/run-tests.sh"
install -m644 "$ROOT/guest/ksft-args" "$root/harness/ksft-args"
# a base's own test arguments, after the common ones (guest/ksft-args-7.3)
if [ -f "$ROOT/guest/ksft-args-$BASE" ]; then
	cat "$ROOT/guest/ksft-args-$BASE" >>"$root/harness/ksft-args"
fi
cp -a "$ks" "$root/kselftest"
# Everything but the race tests, which run afterwards with the amplifier on.
grep -v -e check_tag_init_race -e mte_shared_memslot "$ks/kselftest-list.txt" \
	>"$root/harness/check-list"
# The tests with a known emulation failure (tests/expectations, EXPECT
# env): base-debug runs them so that the series can be held to base.
awk -F'\t' '!/^#/ && $4 ~ /^env(,|$)/ { print $2 }' "$ROOT/tests/expectations" | sort -u >"$root/harness/env-list"
if [ -d "$WORK/bench-bin" ]; then
	cp -a "$WORK/bench-bin/." "$root/bench/"
fi
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 >"$WORK/initramfs.cpio.gz"
log "initramfs: $(du -h "$WORK/initramfs.cpio.gz" | cut -f1), $(wc -l <"$root/harness/check-list") tests + race tests"
