#!/usr/bin/env python3
"""The stable comparison: the series' fix against mainline's own fix ported
to 6.1.192 (tests/mainline-port.patch), on the same kernel.

Every figure comes from the files named beside it: the patch files (git
apply --numstat), the built kernels (include/generated/bounds.h, nm on
vmlinux) and the records of the last make check (work/results/VARIANT.json).
Writes Markdown to stdout ('make compare' writes docs/COMPARISON.md).

Usage: compare.py ROOT WORK
       compare.py --base 7.3 ROOT WORK7.3   the RFC against stock 7.3's bit
           lock, on the same kernel: the same-kernel section of
           UPSTREAM.md (scripts/upstream.sh)
"""
import glob
import json
import os
import re
import subprocess
import sys

BASE = '6.1'
if sys.argv[1] == '--base':
    BASE = sys.argv[2]
    del sys.argv[1:3]
ROOT, WORK = sys.argv[1], sys.argv[2]
# the user-visible page-flag names: tracing (%pGp, trace events), procfs
NAMES = ('include/trace/events/mmflags.h', 'fs/proc/page.c',
         'include/linux/kernel-page-flags.h', 'include/uapi/linux/kernel-page-flags.h',
         'tools/vm/page-types.c', 'include/linux/page-flags.h')


def series_fix():
    """The series' kernel patches (not selftests), from patches/series."""
    return fix_patches('patches')


def built(what, *names):
    """The first of NAMES whose build directory has WHAT (a path in it)."""
    return next((n for n in names if os.path.exists(os.path.join(WORK, 'v', n, 'build', what))),
                names[0])


def numstat(patches):
    """{path: (added, deleted)} over the patches."""
    files = {}
    for p in patches:
        res = subprocess.run(['git', 'apply', '--numstat', p], capture_output=True,
                             text=True, check=True).stdout
        for line in res.splitlines():
            a, d, path = line.split('\t')
            oa, od = files.get(path, (0, 0))
            files[path] = (oa + int(a), od + int(d))
    return files


def outside(files, docs):
    sel = {p: v for p, v in files.items() if not p.startswith('arch/arm64/')
           and p.startswith('Documentation/') == docs}
    return len(sel), sum(a for a, _ in sel.values()), sum(d for _, d in sel.values()), sorted(sel)


def nr_pageflags(variant):
    path = os.path.join(WORK, 'v', variant, 'build', 'include', 'generated', 'bounds.h')
    try:
        m = re.search(r'#define NR_PAGEFLAGS (\d+)', open(path).read())
        return m.group(1) if m else '?'
    except OSError:
        return f'not built ({variant})'


def symbol_bytes(variant, names):
    vmlinux = os.path.join(WORK, 'v', variant, 'build', 'vmlinux')
    if not os.path.exists(vmlinux):
        return f'not built ({variant})'
    out = subprocess.run(['aarch64-linux-gnu-nm', '-S', '-t', 'd', vmlinux],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[3] in names:
            return f'{int(f[1])} bytes (`{f[3]}`)'
    return 'none'


def records(variant):
    try:
        return json.load(open(os.path.join(WORK, 'results', f'{variant}.json')))
    except OSError:
        return None


# a patch file's number: its place in its directory's series (the apply
# order over every set), from 1
NUMBER = {}


def fix_patches(patchdir):
    """A series' kernel patches: not the selftests, not the cover letter."""
    out = []
    with open(os.path.join(ROOT, patchdir, 'series')) as f:
        names = [n.strip() for n in f if n.strip() and not n.startswith('#')]
    for i, line in enumerate(names, 1):
        NUMBER[os.path.join(ROOT, patchdir, line)] = i
        if 'selftest' not in line:
            out.append(os.path.join(ROOT, patchdir, line))
    return out


def main73():
    """The RFC against stock 7.3 (the PG_mte_lock bit lock)."""
    kpatches = fix_patches('upstream')
    files = numstat(kpatches)
    print('## The RFC against the bit lock, on the same kernel\n')
    print('From the upstream/ patch files (`git apply --numstat`, patches '
          + ', '.join(str(NUMBER[p]) for p in kpatches)
          + ': all but the selftests), the built kernels (include/generated/bounds.h, '
          '`nm -S vmlinux`) and the tagged fast path in the built objects '
          '(scripts/fastpath.py).\n')
    bounds = 'include/generated/bounds.h'
    r = built(bounds, 'rfc', 'rfc-debug')
    rv = built('vmlinux', 'rfc', 'rfc-debug')
    print('| | stock 7.3 (PG_mte_lock) | 7.3 + RFC |')
    print('| --- | --- | --- |')
    for docs, what in ((False, 'code files outside arch/arm64 changed by the RFC (lines +/-)'),
                       (True, 'Documentation files (lines +/-)')):
        n, a, d, names = outside(files, docs)
        print(f'| {what} | | {n} (+{a}/-{d})'
              + (': ' + ', '.join(f'`{x}`' for x in names) if names else '') + ' |')
    a = sum(v[0] for p, v in files.items() if p.startswith('arch/arm64/'))
    d = sum(v[1] for p, v in files.items() if p.startswith('arch/arm64/'))
    n = sum(1 for p in files if p.startswith('arch/arm64/'))
    print(f'| arch/arm64 files (lines +/-) | | {n} (+{a}/-{d}) |')
    print(f'| `NR_PAGEFLAGS` (include/generated/bounds.h) | {nr_pageflags("base")} (`base`) '
          f'| {nr_pageflags(r)} (`{r}`) |')
    print(f'| lock storage (`nm -S vmlinux`) | one bit of each page\'s `page->flags` (PG_arch_3) '
          f'| {symbol_bytes(rv, ("mte_tag_locks",))} (`{rv}`) |')
    fpj = os.path.join(WORK, 'fastpath.json')
    if os.path.exists(fpj):
        res = json.load(open(fpj))
        funcs = []
        for x in res:
            if x['func'] not in funcs:
                funcs.append(x['func'])
        for func in funcs:
            n = {x['name']: x['insns'] for x in res if x['func'] == func}
            print(f'| tagged fast path of `{func}()`, instructions (scripts/fastpath.py) '
                  f'| {n.get("base", "-")} | {n.get("rfc", "-")} |')
    else:
        print('| tagged fast path (scripts/fastpath.py) | not computed (work/7.3/fastpath.json) | |')
    print()
    # the benchmarks of BASE=7.3 make bench, when they were run
    rj = os.path.join(ROOT, 'docs', 'bench-7.3', 'ratios.json')
    if os.path.exists(rj):
        rat = [r for r in json.load(open(rj))['ratios'] if r['variant'] == 'rfc']
        print('Instructions per page, the RFC against stock 7.3 (`BASE=7.3 make bench`, '
              '[bench-7.3/RESULTS.md](bench-7.3/RESULTS.md): median over boots, '
              '95% bootstrap interval over boots; ** marks an interval that excludes 1.  '
              'The wall-clock rows are TCG times, too noisy to call: see the caution there):\n')
        print('| mode | workload | n (processes or vCPUs) | rfc / base [95% interval] |')
        print('| --- | --- | --- | --- |')
        for r in rat:
            print(f"| {r['mode']} | {r['workload']} | {r['n']} | {r['ratio']:.3f} "
                  f"[{r['lo']:.3f}, {r['hi']:.3f}]{' **' if r['differs'] else ''} |")
        print()
    else:
        print('Instructions per page: not measured (run `BASE=7.3 make bench`).\n')


def per_page():
    """series / mainline-port per page, from make bench's docs/ratios.json."""
    print('## Per page, under the benchmarks\n')
    rj = os.path.join(ROOT, 'docs', 'ratios.json')
    vp = json.load(open(rj)).get('versus_port', []) if os.path.exists(rj) else []
    if not vp:
        print('Not measured: run `make bench` (the `mainline-port` column).\n')
        return None
    print('`series` / `mainline-port`, both release config, from `make bench` '
          '([RESULTS.md](RESULTS.md), docs/ratios.json): median over boots, 95% '
          'bootstrap interval over boots; ** marks an interval that excludes 1.  '
          'icount counts emulated instructions (one vCPU); wall is TCG time at '
          '`-smp 2`, host noise included.\n')
    print('| mode | workload | n | series / mainline-port [95% interval] |')
    print('| --- | --- | --- | --- |')
    for r in vp:
        print(f"| {r['mode']} | {r['workload']} | {r['n']} | {r['ratio']:.3f} "
              f"[{r['lo']:.3f}, {r['hi']:.3f}]{' **' if r['differs'] else ''} |")
    ic = [r for r in vp if r['mode'] == 'icount' and r['differs']]
    wc = [r for r in vp if r['mode'] == 'wall']
    print()
    if ic:
        lo, hi = min(ic, key=lambda r: r['ratio']), max(ic, key=lambda r: r['ratio'])
        side = 'more' if lo['ratio'] > 1 else 'fewer' if hi['ratio'] < 1 else 'more or fewer'
        print(f"Under icount the series executes {side} instructions per page than the port "
              f"wherever the interval excludes 1 ({len(ic)} workloads: from {lo['workload']} "
              f"{lo['ratio']:.3f} to {hi['workload']} {hi['ratio']:.3f}); the wall-clock mode "
              f"calls {sum(r['differs'] for r in wc)} of {len(wc)} differences.\n")
        return side
    return None


def main():
    if BASE == '7.3':
        main73()
        return
    port = [os.path.join(ROOT, 'tests', 'mainline-port.patch')]
    fs, fp = numstat(series_fix()), numstat(port)
    print('# The stable comparison: this series against mainline\'s fix on 6.1.192\n')
    print('Generated by `make compare` (scripts/compare.py) from the patch files, '
          'the built kernels and the records of the last `make check`; do not edit.  '
          '`mainline-port` is mainline\'s v6.2 protocol (PG_arch_3 as PG_mte_lock, '
          '`try_page_mte_tagging()`, VM_MTE_ALLOWED memslots) and its direct fixes, '
          'ported to 6.1.192 as a test-only patch, tests/mainline-port.patch (its '
          'commit message lists the mainline commits and where each came from).\n')
    print('## Footprint\n')
    nums = ', '.join(str(NUMBER[p]) for p in series_fix())
    print(f'| | the series (patches {nums}: all but the selftests) | mainline-port |')
    print('| --- | --- | --- |')
    for docs, what in ((False, 'code files outside arch/arm64 (lines +/-)'),
                       (True, 'Documentation files (lines +/-)')):
        row = []
        for files in (fs, fp):
            n, a, d, names = outside(files, docs)
            row.append(f'{n} (+{a}/-{d})' + (': ' + ', '.join(f'`{x}`' for x in names) if names else ''))
        print(f'| {what} | {row[0]} | {row[1]} |')
    row = []
    for files in (fs, fp):
        a = sum(v[0] for p, v in files.items() if p.startswith('arch/arm64/'))
        d = sum(v[1] for p, v in files.items() if p.startswith('arch/arm64/'))
        n = sum(1 for p in files if p.startswith('arch/arm64/'))
        row.append(f'{n} (+{a}/-{d})')
    print(f'| arch/arm64 files (lines +/-) | {row[0]} | {row[1]} |')
    row = []
    for files in (fs, fp):
        t = [f'`{x}`' for x in NAMES if x in files]
        row.append(', '.join(t) if t else 'none')
    print(f'| page-flag, trace and procfs name files touched | {row[0]} | {row[1]} |')
    bounds = 'include/generated/bounds.h'
    b, se, mp = built(bounds, 'base', 'base-debug'), built(bounds, 'series', 'series-debug'), \
        built(bounds, 'mainline-port', 'mainline-port-debug')
    sv = built('vmlinux', 'series', 'series-debug')
    print(f'| `NR_PAGEFLAGS` (include/generated/bounds.h) | {nr_pageflags(se)} (`{se}`; `{b}`: '
          f'{nr_pageflags(b)}) | {nr_pageflags(mp)} (`{mp}`) |')
    print(f'| lock storage (`nm -S vmlinux`) | {symbol_bytes(sv, ("mte_tag_locks",))} (`{sv}`) '
          f'| one bit of each page\'s `page->flags` |')
    fp = next((f for f in (os.path.join(WORK, 'bench-raw-full', 'fastpath.json'),
                           os.path.join(WORK, 'bench-raw-quick', 'fastpath.json'))
               if os.path.exists(f)), None)
    if fp:
        res = json.load(open(fp))
        for func in ('mte_sync_tags', 'sanitise_mte_tags'):
            n = {r['name']: r['insns'] for r in res if r['func'] == func}
            if 'base' in n:
                print(f'| tagged fast path of `{func}()`, instructions (scripts/fastpath.py; base '
                      f'{n["base"]}) | {n.get("series", "-")} | '
                      f'{n.get("mainline-port", "- (inlined into user_mem_abort())")} |')
    else:
        print('| tagged fast path (scripts/fastpath.py) | not computed: run make bench QUICK=1 | |')
    print()
    print('## When a page\'s flags are reset under the protocol\n')
    print('Not a measurement: what each protocol does by construction.  '
          'mainline-port\'s `try_page_mte_tagging()` sets PG_mte_lock and, when it '
          'finds the bit already set, spins in `smp_cond_load_acquire()` until '
          'PG_mte_tagged appears: a waiter waits for a flag, and if the flags are '
          'reset between the owner\'s two bit operations the flag it waits for may '
          'never come.  That is the class of f620d66af316 ("arm64: mte: Do not flag '
          'the zero page as PG_mte_tagged"), whose changelog says that setting the '
          'zero page\'s flag early "may either hang (after commit d77e59a8fccd) or '
          'have the flags cleared later".  The series\' waiters wait for a spinlock '
          'holder, never for a flag: after a reset the next initialiser finds '
          'PG_mte_tagged clear under the bucket lock and initialises the tags again, '
          'which costs those tags but cannot hang.\n')
    side = per_page()
    cost = {'more': 'costs fewer instructions per initialised page (above)',
            'fewer': 'costs more instructions per initialised page (above)'}.get(
        side, 'has the per-page cost shown above')
    # Which patches reach outside arch/arm64 (code, not Documentation/):
    # the footprint table counts the whole series, the conclusion says where
    nums = [NUMBER[p] for p in series_fix()
            if outside(numstat([p]), False)[0]]
    lock = [NUMBER[p] for p in series_fix() if 'hashed' in p]
    if not nums:
        where = 'changes nothing outside arch/arm64'
    elif lock and max(nums) < min(lock):
        where = (f'changes code outside arch/arm64 only in patch{"es" if len(nums) > 1 else ""} '
                 + ', '.join(map(str, nums)) + ' (fixes of other tag bugs that come before its '
                 'locks, which the port does not carry), not in its locks')
    else:
        where = 'changes code outside arch/arm64 in patches ' + ', '.join(map(str, nums))
    print('## Conclusion\n')
    print('Both close the race on 6.1.192 and pass the same tests; the port is upstream\'s '
          f'code and {cost}, while the series '
          f'{where}, adds no page flag or procfs/trace name, keeps '
          '6.1\'s memslot ABI for private VMAs, and never waits for a flag.  A stable tree '
          'that accepts a core-mm page flag and that ABI change is better served by the port; '
          'the series is the arch-only race fix for trees that do not, and the 6.1 form of the '
          'mainline RFC (upstream/), which proposes the same locks in place of PG_mte_lock.\n')
    print('## Test results (make check, amplifier on)\n')
    print('| role | variant | test: subtest | expected | result | evidence |')
    print('| --- | --- | --- | --- | --- | --- |')
    for v in ('series-debug', 'series-nolock-debug', 'mainline-port-debug', 'mainline-port-nolock-debug'):
        recs = records(v)
        if recs is None:
            print(f'| | `{v}` | no records (work/results/{v}.json): run make check | | | |')
            continue
        for r in recs:
            if r.get('test') not in ('arm64:check_tag_init_race', 'kvm:mte_shared_memslot', 'kvm:mte_tag_init') \
                    or r.get('subtest') in (None, '-') or r.get('section') != 'race':
                continue
            m = r.get('metric') or {}
            ev = f"{m['page_rounds']} page-rounds, lost {m['lost']}" if m else r['reason']
            print(f"| {r['role']} | `{v}` | {r['test']}: {r['subtest']} | {r.get('expect', '')} "
                  f"| {r['result']} | {ev} |")
    print()


if __name__ == '__main__':
    main()
