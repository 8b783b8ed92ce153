#!/usr/bin/env bash
# Capture the last 'make check' run's three results files as real fixtures
# of the evaluator's tests (tests/harness/fixtures/BASE/), with the check
# list they were judged against and a README that names the run.
# Usage: scripts/capture-fixtures.sh   (after a green make check)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
[ -s "$LOGS/check.run-id" ] || die "no make check run on record ($LOGS/check.run-id)"
run=$(cat "$LOGS/check.run-id")
out=$ROOT/tests/harness/fixtures/$BASE
mkdir -p "$out"
cp "$(results_log base-race-env)" "$out/base.log"
cp "$(results_log series-nolock-debug-race)" "$out/nolock.log"
cp "$(results_log series-debug-check)" "$out/series.log"
cp "$WORK/initramfs/harness/check-list" "$out/check-list"
for f in base nolock series; do
	grep -q "^harness: boot run=$run " "$out/$f.log" || die "$out/$f.log is not of run $run"
done
kernel=$(sed -n 's/^harness: guest up, .* kernel \(\S*\).*/\1/p' "$out/series.log")
cat >"$out/README.md" <<MD
# Real results files ($BASE)

Captured by \`scripts/capture-fixtures.sh\` from \`make check\` run \`$run\`
(harness commit $(git -C "$ROOT" rev-parse --short HEAD), kernel $kernel), unedited:

| file | boot |
| --- | --- |
| base.log | \`base\` (unpatched, release config), race tests and env tests |
| nolock.log | \`series-nolock-debug\` (the negative control), race tests, amplifier on |
| series.log | \`series-debug\`, every selftest, then the race tests, amplifier on |
| check-list | the selftests the series boot had to report |

\`tests/harness/run.sh\` judges them as captured (they must pass) and
mutated (each mutation must fail).  Recapture them after a change of the
results format, the selftests' output or the kernel.
MD
log "captured run $run into ${out#"$ROOT"/}"
