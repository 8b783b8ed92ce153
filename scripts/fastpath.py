#!/usr/bin/env python3
"""Count the instructions of the tag fast path in the built objects.

The fast path is the path a page whose PG_mte_tagged is already set takes
through a function: from its entry to a 'ret', through the 'dmb ishld'
that page_mte_tagged() issues only when it finds the flag set (smp_rmb()),
or through the load-acquire with which mainline's try_page_mte_tagging()
reads the flag (smp_cond_load_acquire()),
and without a call to anything that initialises tags or takes a lock.  It
is the shortest such path in the function's control flow graph (a loop over
the pages of a mapping runs once: one order-0 page).  A call to a function
of the same object, or of one named in FOLLOW, is expanded into that
function's own shortest path; any other call costs its one 'bl'.

The code counted is the code that runs on an MTE core with LSE atomics
(every MTE core: MTE is v8.5, LSE v8.1): the alternatives of the object
(.altinstructions) for the CPU capabilities in PRESENT are applied first,
as apply_alternatives() does at boot.  A replacement takes the place of
the instructions it patches; a callback alternative of alt_cb_patch_nops
(alternative_has_cap_likely(): "b <fallback>" that becomes a nop) turns
them into nops.  So an atomic counts its LSE instruction, not the LL/SC
fallback.  Other callbacks keep the original instructions.

With --order0 (the default), the path is the order-0 page's: the branch
taken when folio_test_hugetlb() holds (page_type's top byte compared with
PGTY_hugetlb, 0xf4) is not followed.

Each path also counts, apart from its total: atomics (LSE atomics, and
exclusive pairs counted once, at the store), barriers (dmb, dsb, isb),
and acquire/release accesses (ldar, ldapr, stlr and the acquire or
release forms of atomics and exclusives).

Usage: fastpath.py [--json FILE] [--listing] NAME=OBJ:FUNC[,FOLLOW_OBJ:FOLLOW_FUNC...] ...
Prints each path's length and counts and, for pairs that share a FUNC,
the instructions in which the second differs from the first; with
--listing, every path's instructions.
"""
import os
import argparse
import difflib
import heapq
import json
import re
import subprocess
import sys

OBJDUMP = 'aarch64-linux-gnu-objdump'
DENY = re.compile(r'spin_lock|spin_unlock|mte_clear_page_tags|mte_restore|'
                  r'mte_copy|mte_zero|mte_save|memset|memcpy')
INSN = re.compile(r'^\s*([0-9a-f]+):\s+(\S+)\s*(.*?)\s*$')
RELOC = re.compile(r'^\s*([0-9a-f]+):\s+R_AARCH64_(\w+)\s+(\S+)')
TARGET = re.compile(r'\b([0-9a-f]+) <')
COND = ('cbz', 'cbnz', 'tbz', 'tbnz')
# load-acquires: the ordering of mainline's try_page_mte_tagging(), which
# waits for PG_mte_tagged with smp_cond_load_acquire() instead of smp_rmb()
ACQUIRE = ('ldar', 'ldapr')
# the capabilities of the CPU the count models: an MTE core (v8.5) has LSE;
# the ALWAYS_* caps are set on every system
PRESENT = ('ARM64_HAS_LSE_ATOMICS', 'ARM64_MTE', 'ARM64_ALWAYS_BOOT', 'ARM64_ALWAYS_SYSTEM')
# the generated cpucap numbers: cpucap-defs.h (7.3), cpucaps.h (6.1)
CPUCAPS = ('cpucap-defs.h', 'cpucaps.h')
CB_BIT = 1 << 15                # ARM64_CB_BIT: a callback alternative
PGTY_HUGETLB = '#0xf4'
LSE_OPS = r'(add|clr|eor|set|smax|smin|umax|umin)'
ATOMIC = re.compile(r'^(ld' + LSE_OPS + r'|st' + LSE_OPS + r'|swp|cas|casp)(a|l|al)?(b|h)?$')
STORE_EXCL = re.compile(r'^st(l)?xp?(r|rb|rh)?$')
ACQ_REL = re.compile(r'^(ldar|ldapr|stlr|ldaxr|stlxr|ldaxp|stlxp)[bh]?$|^(ld' + LSE_OPS + r'|st' +
                     LSE_OPS + r'|swp|cas|casp)(a|l|al)[bh]?$')


def classify(mn):
    """The counts instruction MN adds to: (atomic, barrier, acq_rel)."""
    return (1 if ATOMIC.match(mn) or STORE_EXCL.match(mn) else 0,
            1 if mn in ('dmb', 'dsb', 'isb') else 0,
            1 if ACQ_REL.match(mn) else 0)


def build_dir(obj):
    """The generated cpucap numbers of the kernel build directory that OBJ
    lies in, or None."""
    d = os.path.dirname(os.path.abspath(obj))
    while d != '/':
        for h in CPUCAPS:
            if os.path.exists(os.path.join(d, 'arch/arm64/include/generated/asm', h)):
                return os.path.join(d, 'arch/arm64/include/generated/asm', h)
        d = os.path.dirname(d)
    return None


def present_caps(obj):
    """The cpucap numbers of PRESENT in OBJ's build."""
    h = build_dir(obj)
    if h is None:
        sys.exit(f'fastpath: no kernel build directory above {obj} '
                 f'(no arch/arm64/include/generated/asm/{" or ".join(CPUCAPS)})')
    nums = {}
    with open(h) as f:
        for line in f:
            m = re.match(r'#define\s+(ARM64_\w+)\s+(\d+)', line)
            if m:
                nums[m.group(1)] = int(m.group(2))
    return {nums[c] for c in PRESENT if c in nums}


def alternatives(obj):
    """[(orig_addr, orig_len, alt_addr or None, callback or None, cap)] of
    OBJ's .altinstructions (struct alt_instr: s32 orig_offset, s32
    alt_offset, u16 cpucap, u8 orig_len, u8 alt_len)."""
    rel = subprocess.run([OBJDUMP, '-r', '-j', '.altinstructions', obj],
                         capture_output=True, text=True).stdout
    targets = {}
    for line in rel.splitlines():
        m = re.match(r'^([0-9a-f]+)\s+R_AARCH64_PREL32\s+(\S+)$', line)
        if m:
            sym, _, off = m.group(2).partition('+')
            targets[int(m.group(1), 16)] = (sym, int(off, 16) if off else 0)
    raw = subprocess.run([OBJDUMP, '-s', '-j', '.altinstructions', obj],
                         capture_output=True, text=True).stdout
    data = bytearray()
    for line in raw.splitlines():
        m = re.match(r'^ ([0-9a-f]{4,}) ((?:[0-9a-f]{2,8} ?){1,4})', line)
        if m:
            data += bytes.fromhex(m.group(2).replace(' ', ''))
    out = []
    for e in range(0, len(data) - 11, 12):
        (osym, ooff), (asym, aoff) = targets.get(e, (None, 0)), targets.get(e + 4, (None, 0))
        if osym != '.text':
            continue
        cap = int.from_bytes(data[e + 8:e + 10], 'little')
        cb = asym if cap & CB_BIT else None
        out.append((ooff, data[e + 10], aoff if asym == '.text' and not cb else None, cb,
                    cap & ~CB_BIT))
    return out


TEXT = {}


def text_insns(obj):
    """{addr: (mnemonic, operands)} of every instruction of OBJ's .text
    (the replacements of alternatives lie there too)."""
    if obj not in TEXT:
        out = subprocess.run([OBJDUMP, '-d', '-j', '.text', '--no-show-raw-insn', obj],
                             capture_output=True, text=True, check=True).stdout
        TEXT[obj] = {int(m.group(1), 16): (m.group(2), m.group(3).split('//')[0].strip())
                     for m in map(INSN.match, out.splitlines()) if m}
    return TEXT[obj]


def patch(obj, insns):
    """INSNS with OBJ's alternatives for the PRESENT capabilities applied;
    a patched instruction's operands end in '(alt)'."""
    caps, text = present_caps(obj), text_insns(obj)
    by_addr = {a: i for i, (a, _, _, _) in enumerate(insns)}
    for orig, olen, alt, cb, cap in alternatives(obj):
        if cap not in caps or orig not in by_addr:
            continue
        for k in range(olen // 4):
            i = by_addr.get(orig + 4 * k)
            if i is None:
                continue
            a = insns[i][0]
            if cb == 'alt_cb_patch_nops':
                insns[i] = (a, 'nop', '(alt)', None)
            elif cb is None and alt is not None and alt + 4 * k in text:
                mn, ops = text[alt + 4 * k]
                # a branch of the replacement keeps its target (the kernel
                # fixes the offset up as it copies)
                insns[i] = (a, mn, (ops + ' (alt)').strip(), None)
    return insns


def disasm(obj, func):
    """[(addr, mnemonic, operands, call_target)] of FUNC in OBJ, with its
    alternatives applied."""
    out = subprocess.run([OBJDUMP, '-d', '-r', '--no-show-raw-insn', obj],
                         capture_output=True, text=True, check=True).stdout
    insns, inside, calls = [], False, {}
    for line in out.splitlines():
        if re.match(r'^[0-9a-f]+ <' + re.escape(func) + r'>:$', line):
            inside = True
            continue
        if inside and re.match(r'^[0-9a-f]+ <.*>:$', line):
            break
        if not inside:
            continue
        m = RELOC.match(line)
        if m:
            if m.group(2) in ('CALL26', 'JUMP26'):
                calls[int(m.group(1), 16)] = re.sub(r'[+-]0x[0-9a-f]+$', '', m.group(3))
            continue
        m = INSN.match(line)
        if m:
            insns.append((int(m.group(1), 16), m.group(2), m.group(3)))
    if not insns:
        sys.exit(f'fastpath: no function {func} in {obj}')
    return patch(obj, [(a, mn, ops.split('//')[0].strip(), calls.get(a))
                       for a, mn, ops in insns])


MEMO = {}
ORDER0 = True


def defined(obj):
    """Function symbols defined in OBJ."""
    if obj not in MEMO:
        out = subprocess.run([OBJDUMP, '-t', obj], capture_output=True,
                             text=True, check=True).stdout
        MEMO[obj] = {ln.split()[-1] for ln in out.splitlines()
                     if ' F .text' in ln}
    return MEMO[obj]


def fast_path(obj, func, follow, need_rmb=True, depth=0):
    """(count, [instruction text]) of FUNC's shortest path to 'ret' (through
    a 'dmb ishld' if NEED_RMB), or None.  Calls to functions of the same
    object or of FOLLOW ({name: obj}) are expanded, recursively."""
    key = (obj, func, need_rmb)
    if key in MEMO:
        return MEMO[key]
    MEMO[key] = None            # recursion guard
    insns = disasm(obj, func)
    index = {a: i for i, (a, _, _, _) in enumerate(insns)}
    local = defined(obj)

    def callee_paths(name):
        where = follow.get(name) or (obj if name in local else None)
        if where is None or depth > 4:
            return None
        return [(r, rmb) for rmb in (True, False)
                for r in [fast_path(where, name, follow, rmb, depth + 1)] if r]

    def succ(i):
        """[(next index or 'ret', cost, [text], passes_rmb)]"""
        a, mn, ops, call = insns[i]
        text = f'{func}+{a - insns[0][0]:#x}: {mn} {ops}'.rstrip()
        nxt = i + 1 if i + 1 < len(insns) else None
        m = TARGET.search(ops)
        if mn == 'ret':
            return [('ret', 1, [text], False)]
        if mn in ('bl', 'blr'):
            name = call or (re.search(r'<([^+>]+)>', ops) or [None, None])[1]
            if mn == 'blr' or name is None or DENY.search(name) or nxt is None:
                return []
            paths = callee_paths(name)
            if paths is None:
                return [(nxt, 1, [text + f'  (call {name})'], False)]
            return [(nxt, 1 + n, [text] + ['  ' + p for p in path], rmb)
                    for (n, path), rmb in paths]
        if mn in ('br', 'brk', 'udf', 'hlt'):
            return []
        tgt = index.get(int(m.group(1), 16)) if m else None
        if mn == 'b':
            return [(tgt, 1, [text], False)] if tgt is not None else []
        if mn.startswith('b.') or mn in COND:
            edges = [x for x in (nxt, tgt) if x is not None]
            prev = insns[i - 1] if i else None
            if ORDER0 and prev and prev[1] == 'cmp' and prev[2].endswith(PGTY_HUGETLB):
                # folio_test_hugetlb(): keep to the order-0 page's side
                edges = [x for x in ([nxt] if mn == 'b.eq' else [tgt] if mn == 'b.ne'
                                     else edges) if x is not None]
            return [(x, 1, [text], False) for x in edges]
        if nxt is None:
            return []
        return [(nxt, 1, [text], (mn == 'dmb' and ops == 'ishld') or mn in ACQUIRE)]

    best = {(0, False): 0}
    heap = [(0, 0, 0, False, ())]
    result, seq = None, 0
    while heap:
        cost, _, i, seen, path = heapq.heappop(heap)
        if i == 'ret':
            if seen or not need_rmb:
                result = (cost, [p for part in path for p in part])
                break
            continue
        if best.get((i, seen), 1 << 30) < cost:
            continue
        for j, c, text, rmb in succ(i):
            state = (j, seen or rmb)
            if cost + c < best.get(state, 1 << 30):
                best[state] = cost + c
                seq += 1
                heapq.heappush(heap, (cost + c, seq, j, seen or rmb, path + (text,)))
    MEMO[key] = result
    return result


def strip(p):
    return re.sub(r'^\s*\S+\+0x[0-9a-f]+: ', '', p)


def counts(path):
    """{atomics, barriers, acq_rel} of the instructions of PATH."""
    c = [0, 0, 0]
    for p in path:
        mn = strip(p).split()[0]
        c = [x + y for x, y in zip(c, classify(mn))]
    return dict(zip(('atomics', 'barriers', 'acq_rel'), c))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--json')
    ap.add_argument('--listing', action='store_true')
    ap.add_argument('--any-order', action='store_true',
                    help='follow the hugetlb branch too (the shortest path of all)')
    ap.add_argument('specs', nargs='+')
    a = ap.parse_args()
    global ORDER0
    ORDER0 = not a.any_order
    res = []
    for spec in a.specs:
        name, _, rest = spec.partition('=')
        parts = rest.split(',')
        obj, func = parts[0].rsplit(':', 1)
        follow = {f: o for o, f in (p.rsplit(':', 1) for p in parts[1:])}
        r = fast_path(obj, func, follow)
        if r is None:
            sys.exit(f'fastpath: no path through dmb ishld to ret in {func} ({obj})')
        n, path = r
        c = counts(path)
        res.append(dict(name=name, obj=obj, func=func, follow=follow, insns=n, path=path, **c))
        print(f'{name}: {func}: {n} instructions on the tagged-page fast path '
              f'({c["atomics"]} atomics, {c["barriers"]} barriers, '
              f'{c["acq_rel"]} acquire/release)')
        if a.listing:
            for p in path:
                print('    ' + p)
    for r in res[1:]:
        base = next((b for b in res if b['func'] == r['func'] and b is not r), None)
        if base is None or base is r or res.index(base) > res.index(r):
            continue
        d = r['insns'] - base['insns']
        print(f'{r["func"]}: {r["name"]} - {base["name"]} = {d:+d} instructions')
        if d:
            for line in difflib.unified_diff([strip(p) for p in base['path']],
                                             [strip(p) for p in r['path']],
                                             base['name'], r['name'], n=1, lineterm=''):
                print('    ' + line)
        r['diff'] = d
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(res, f, indent=1)


if __name__ == '__main__':
    main()
