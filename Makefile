# Front door.  Every target is a script under scripts/ that can also be run
# alone; stage inputs and outputs live under work/ (gitignored).
# Variables: KERNEL_SRC=<6.1.y git tree>  VARIANT=<build variant>
#            SMP=<vCPUs> MEM=<MiB> BOOT_TIMEOUT=<s>  QUICK=1 (bench)
SHELL := /bin/bash
VARIANT ?= series-debug
export KERNEL_SRC KERNEL_IMAGE KERNEL_CONFIG SMP MEM BOOT_TIMEOUT

.PHONY: compare variants help deps tree run check check-all check-records bench faithful series build selftests initramfs matrix clean test-harness verdict detect upstream upstream-series

help:
	@echo 'make run      install deps, apply patches/, build $(VARIANT) + selftests,'
	@echo '              boot QEMU (MTE, EL2/KVM), run the tests, print verdicts'
	@echo 'make check    the project tests (what CI runs): shellcheck, evaluator tests,'
	@echo '              checkpatch and trailers of every patch set, quilt, base (release)'
	@echo '              caught with no amplifier, series-nolock-debug caught, series-debug'
	@echo '              green; the RFC applies to 7.3, selftests in one source, W=1 on its'
	@echo '              touched objects; bench QUICK=1; compile matrix; the records'
	@echo '              (a stale one is a SKIP naming its input, an edited one fails).'
	@echo '              Time on 2 cores (docs/HARNESS.md, "Measured times"): a clean'
	@echo '              clone with an empty ccache and no work/ took 23 min at 8d25a64'
	@echo '              (25.5 min at 83800e7 with the packages installed by make deps);'
	@echo '              with work/ and ccache kept, 11-12 min'
	@echo 'make check-all  everything: make check plus the kernel shapes (16K, KASAN),'
	@echo '              the mainline port and its control, stock 7.3, the RFC and both'
	@echo '              controls booted, both compile matrices; rewrites every record'
	@echo '              and its stamp, and fails on a stale one (check-records STRICT=1)'
	@echo 'make check-records [STRICT=1]  each record: fresh, stale (which input), edited'
	@echo '              or missing (no build; STRICT=1: stale fails too)'
	@echo 'make bench    base vs global vs hashed benchmarks -> bench/results,'
	@echo '              docs/RESULTS.md, docs/*.png (QUICK=1: short smoke run)'
	@echo 'make faithful after make bench: the counted fast paths built again under'
	@echo '              Debian'"'"'s arm64 config and compared -> docs/FAITHFUL.md'
	@echo '              (BASE=7.3: docs/bench-7.3/FAITHFUL.md)'
	@echo 'make series   export the kernel tree commits base..series to patches/'
	@echo 'make matrix   W=1 + sparse on touched files with MTE=n, KVM=n, lockdep,'
	@echo '              16K/64K pages, Debian'"'"'s arm64 config;'
	@echo '              every kernel patch builds on its own (MATRIX_DOC=1 or FULL=1:'
	@echo '              -> docs/MATRIX.md, BASE=7.3: docs/MATRIX-7.3.md, and its stamp)'
	@echo 'make build VARIANT=v   build one kernel variant (tests/variants)'
	@echo 'make variants list the variants: name, source, test patches, configs'
	@echo 'make test-harness   tests of the evaluator itself (no boot)'
	@echo 'make verdict  re-judge the last make check consoles (scripts/verdict.sh)'
	@echo 'make detect [VARIANT=base] [N=20]   natural detection rate, amplifier off'
	@echo 'make upstream  mainline: the RFC (upstream/) on Debian linux-source-7.3 against'
	@echo '              stock 7.3 (PG_mte_lock) and both negative controls -> docs/UPSTREAM.md'
	@echo '              and its stamp'
	@echo 'make upstream-series  export KERNEL_SRC (a 7.3 tree) branch rfc to upstream/'
	@echo 'make compare  the series against mainline'"'"'s fix ported to 6.1.192, from'
	@echo '              the patches, the builds and make check'"'"'s records -> docs/COMPARISON.md'
	@echo '              and its stamp'
	@echo 'make deps | tree | selftests | initramfs | clean'

deps:
	@scripts/deps.sh

tree: deps
	@scripts/tree.sh

selftests: tree
	@scripts/selftests.sh

initramfs: selftests
	@scripts/initramfs.sh

# the records: each command rewrites its record and stamps it alone
# (scripts/record.sh, scripts/records.py; docs/HARNESS.md, "The records")
compare:
	@scripts/record.sh docs/COMPARISON.md 'make compare' sh -c \
		'python3 scripts/compare.py "$$1" "$$1/work" >"$$1/work/COMPARISON.md" && cp "$$1/work/COMPARISON.md" "$$1/docs/COMPARISON.md" && echo "wrote docs/COMPARISON.md"' _ "$(CURDIR)"

variants:
	@awk '!/^#/ && NF >= 7 { printf "%-20s %-6s %-7s %-26s %s\n", $$1, $$2, $$3, $$4, $$5 }' tests/variants

build: tree
	@scripts/build.sh $(VARIANT)

run:
	@scripts/run.sh $(VARIANT)

check:
	@scripts/check.sh

check-all:
	@CHECK_TIER=all scripts/check.sh

check-records:
	@scripts/check-records.sh

bench:
	@scripts/bench.sh $(if $(QUICK),QUICK=1)

faithful:
	@scripts/faithful.sh

series:
	@scripts/series.sh

upstream:
	@scripts/record.sh docs/UPSTREAM.md 'make upstream' env UPSTREAM_DOC=1 scripts/upstream.sh

# export a 7.3 kernel tree's branch rfc (KERNEL_SRC) to upstream/
upstream-series:
	@BASE=7.3 scripts/series.sh rfc

MATRIX_REC = docs/MATRIX$(if $(filter 7.3,$(BASE)),-7.3).md
matrix: tree
	@if [ -n "$(FULL)$(MATRIX_DOC)" ]; then \
		scripts/record.sh $(MATRIX_REC) '$(if $(filter 7.3,$(BASE)),BASE=7.3 )make matrix $(if $(FULL),FULL=1,MATRIX_DOC=1)' \
			scripts/matrix.sh $(if $(FULL),FULL=1); \
	else scripts/matrix.sh $(if $(FULL),FULL=1); fi

test-harness:
	@tests/harness/run.sh

verdict:
	@scripts/verdict.sh

detect:
	@scripts/detect-rate.sh $(if $(filter command line,$(origin VARIANT)),$(VARIANT),base) $(or $(N),20)

clean:
	rm -rf work/v work/build work/initramfs work/initramfs.cpio.gz work/kselftest-install
