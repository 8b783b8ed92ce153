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

Usage: fastpath.py [--json FILE] NAME=OBJ:FUNC[,FOLLOW_OBJ:FOLLOW_FUNC...] ...
Prints each path's length and, for pairs that share a FUNC, the
instructions in which the second differs from the first.
"""
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


def disasm(obj, func):
    """[(addr, mnemonic, operands, call_target)] of FUNC in OBJ."""
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
    return [(a, mn, ops.split('//')[0].strip(), calls.get(a)) for a, mn, ops in insns]


MEMO = {}


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
            return [(x, 1, [text], False) for x in (nxt, tgt) if x is not None]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--json')
    ap.add_argument('specs', nargs='+')
    a = ap.parse_args()
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
        res.append(dict(name=name, obj=obj, func=func, insns=n, path=path))
        print(f'{name}: {func}: {n} instructions on the tagged-page fast path')
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
