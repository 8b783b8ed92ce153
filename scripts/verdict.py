#!/usr/bin/env python3
"""The one evaluator: kselftest verdicts from saved consoles, judged
against tests/expectations.

Usage: verdict.py [--tap] [--results DIR] [--check-list FILE]
                  [--min-windows N] ROLE=VARIANT:CONSOLE ...

ROLE is the variant's part in the run (series, base, nolock; see
tests/expectations).  Every subtest and every test gets one record:
  ok    it did what its expectation says
  fail  it did not, with the reason
  skip  it skipped and that is allowed
Default output: one line per record, "ok|fail|skip<TAB>name<TAB>reason", for
scripts/lib.sh's tap(); --tap prints TAP 13 with a plan and the
"N passed, N failed, N skipped" line instead.  --results writes
DIR/VARIANT.json, one record per subtest.  Exit status 1 if any record
fails.
"""
import argparse
import fnmatch
import json
import os
import re
import sys

SECTION = re.compile(r'^harness: TAP (begin|end) (\S+)$')
START = re.compile(r'^# selftests: ([^:]+): (\S+)$')
TOP = re.compile(r'^(ok|not ok) \d+ selftests: ([^:]+): (\S+)(?: # (.*))?$')
SUB = re.compile(r'^# (ok|not ok) \d+ ?(.*?)(?:\s*# (SKIP|TODO|XFAIL)\b ?(.*))?$')
MSG = re.compile(r'^# # (.*)$')
METRIC = re.compile(r'rounds (\d+) page-rounds (\d+) lost (\d+)(?: \+ (\d+))?')
TOOK = re.compile(r'^harness: (\S+) took (\d+)s \(limit (\d+)s')
WINDOWS = re.compile(r'^harness: race windows opened: (\d+)')
STUB = 'does not build on this kernel'
EXPECTS = ('pass', 'detect', 'skip', 'env', 'any')
NO_BASE = False


def clean(line):
    """A console line without \\r and without a printk prefix glued on."""
    return line.rstrip('\r\n').replace('\r', '')


def parse_console(path):
    """{section: [test]}, windows; test = dict(name, verdict, directive,
    subtests=[dict(name, verdict, directive, reason, metric)], messages)."""
    sections, windows, took = {}, None, {}
    cur_sec, cur = None, None
    with open(path, errors='replace') as f:
        lines = [clean(x) for x in f]
    for line in lines:
        m = SECTION.match(line)
        if m:
            cur_sec = m.group(2) if m.group(1) == 'begin' else None
            if cur_sec:
                sections.setdefault(cur_sec, [])
            cur = None
            continue
        m = WINDOWS.match(line)
        if m:
            windows = (windows or 0) + int(m.group(1))
            continue
        m = TOOK.match(line)
        if m:
            took[m.group(1)] = (int(m.group(2)), int(m.group(3)))
            continue
        if cur_sec is None:
            continue
        m = START.match(line)
        if m:
            cur = dict(name=f'{m.group(1)}:{m.group(2)}', verdict=None,
                       directive='', subtests=[], messages=[], metric=None)
            continue
        m = TOP.match(line)
        if m:
            name = f'{m.group(2)}:{m.group(3)}'
            if cur is None or cur['name'] != name:
                cur = dict(name=name, subtests=[], messages=[], metric=None)
            cur['verdict'] = m.group(1)
            cur['directive'] = m.group(4) or ''
            sections[cur_sec].append(cur)
            cur = None
            continue
        if cur is None:
            continue
        m = MSG.match(line)
        if m:
            cur['messages'].append(m.group(1))
            mm = METRIC.search(m.group(1))
            if mm:
                cur['metric'] = dict(rounds=int(mm.group(1)),
                                     page_rounds=int(mm.group(2)),
                                     lost=int(mm.group(3)) + int(mm.group(4) or 0))
            continue
        m = SUB.match(line)
        if m:
            name, reason = m.group(2).strip(), (m.group(4) or '').strip()
            if not name and m.group(3):
                # 6.1's ksft_test_result_skip(): "ok N # SKIP description"
                name, reason = reason, ''
            cur['subtests'].append(dict(
                name=name, verdict=m.group(1),
                directive=m.group(3) or '', reason=reason,
                metric=cur['metric']))
            cur['metric'] = None
            continue
        if line.startswith('# ') and STUB in line:
            cur['messages'].append(line[2:])
    return sections, windows, took


def load_expectations(path):
    rules = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            fields = line.split('\t')
            if len(fields) != 5 or fields[3] not in EXPECTS:
                sys.exit(f'{path}:{n}: want ROLE<TAB>TEST<TAB>SUBTEST<TAB>'
                         f'{"|".join(EXPECTS)}<TAB>REASON: {line!r}')
            rules.append(dict(zip(('role', 'test', 'sub', 'expect', 'reason'),
                                  fields), line=n))
    return rules


def find_rule(rules, role, test, sub):
    for r in rules:
        if fnmatch.fnmatchcase(role, r['role']) and \
           fnmatch.fnmatchcase(test, r['test']) and \
           fnmatch.fnmatchcase(sub, r['sub']):
            return r
    return None


def is_glob(s):
    return any(c in s for c in '*?[')


def status(item):
    if item['verdict'] == 'ok':
        return 'skip' if item['directive'].startswith('SKIP') else 'pass'
    return 'fail'


def judge(expect, item, base_status, is_sub):
    """(result, reason) for one subtest or test against its expectation."""
    st = status(item)
    metric = item.get('metric')
    lost = metric['lost'] if metric else None
    got = st + (f', lost {lost} in {metric["page_rounds"]} page-rounds'
                if metric else '')
    if expect == 'any':
        return ('skip' if st == 'skip' else 'ok'), f'recorded only: {got}'
    if expect == 'skip':
        return ('skip', 'skipped as expected') if st == 'skip' else \
            ('fail', f'expected SKIP, got {got}')
    if expect == 'pass':
        if st != 'pass':
            return 'fail', f'expected pass, got {got}'
        if metric is not None and metric['page_rounds'] == 0:
            return 'fail', 'passed without running a single page-round'
        return 'ok', got
    if expect == 'detect':
        if st == 'fail' and lost:
            return 'ok', f'race detected: lost {lost} tags in ' \
                         f'{metric["page_rounds"]} page-rounds'
        if st == 'fail':
            return 'fail', ('failed without reporting a lost tag '
                            f'({item.get("directive") or "no count"}): '
                            'a failure of the test, not a detection')
        return 'fail', f'race not detected: {got}'
    if expect == 'env':
        if st != 'fail':
            return ('skip', 'skipped') if st == 'skip' else ('ok', got)
        if base_status == 'fail':
            return 'ok', 'known failure: fails the same way on base'
        if base_status is None and NO_BASE:
            return 'skip', 'known failure under emulation (make check holds it to base)'
        return 'fail', f'listed failure, but on base it was {base_status or "not run"}'
    return 'fail', f'unknown expectation {expect}'


def evaluate(args):
    rules = load_expectations(args.expectations)
    runs = []
    for spec in args.consoles:
        role, _, rest = spec.partition('=')
        variant, _, path = rest.partition(':')
        if not (role and variant and path):
            sys.exit(f'bad console spec {spec!r}: want ROLE=VARIANT:PATH')
        runs.append((role, variant, path))
    parsed = {}
    for role, variant, path in runs:
        if not os.path.exists(path):
            parsed[role] = (variant, path, None, None, {})
        else:
            parsed[role] = (variant, path) + parse_console(path)

    # base verdicts of every test and subtest, for 'env' expectations
    # (a test that failed once in any of its tries on base counts as failing
    # there: base gets the same number of tries as the series)
    base = {}

    def worst(a, b):
        return 'fail' if 'fail' in (a, b) else (b or a)
    if 'base' in parsed and parsed['base'][2]:
        for sec in parsed['base'][2].values():
            for t in sec:
                k = (t['name'], '-')
                base[k] = worst(base.get(k), 'fail' if t['verdict'] == 'not ok' else status(t))
                for s in t['subtests']:
                    k = (t['name'], s['name'])
                    base[k] = worst(base.get(k), status(s))

    out = []

    def rec(result, name, reason, role, variant, **extra):
        out.append(dict(result=result, name=name, reason=reason, role=role,
                        variant=variant, **extra))

    check_list = []
    if args.check_list and os.path.exists(args.check_list):
        with open(args.check_list) as f:
            check_list = [x.strip() for x in f if x.strip()]

    for role, (variant, path, sections, windows, took) in parsed.items():
        pre = f'{variant}: '
        if sections is None:
            rec('fail', pre + 'console', f'missing console {path}', role, variant)
            continue
        seen = set()
        rerun = {t['name'] for t in sections.get('rerun', [])}
        for sec_name, tests in sections.items():
            for t in tests:
                seen.add(t['name'])
                if role != 'base' and sec_name != 'rerun' and t['name'] in rerun:
                    # a timing flake gets one more try; that try is judged
                    rec('skip', f'{pre}{t["name"]} (first try)',
                        f'{t["verdict"]} {t["directive"]}'.strip() +
                        '; re-run once, the re-run is judged', role, variant,
                        test=t['name'], subtest='-', section=sec_name,
                        status='fail', directive=t['directive'])
                    continue
                bad_sub = False
                for s in t['subtests']:
                    r = find_rule(rules, role, t['name'], s['name'])
                    if sec_name == 'env' or (role == 'base' and sec_name == 'rerun'):
                        r = dict(expect='any', reason='comparison for env rules')
                    expect = r['expect'] if r else 'default'
                    if r is None:
                        # no rule: a pass or a skip is fine, a failure is not
                        res, why = (('fail', f'failed ({s["reason"] or "no reason"})')
                                    if status(s) == 'fail' else
                                    ('skip' if status(s) == 'skip' else 'ok', status(s)))
                    else:
                        res, why = judge(expect, s, base.get((t['name'], s['name'])), True)
                    if r and res == 'fail':
                        why += f' [expectation: {r["reason"]}]'
                    bad_sub |= res == 'fail'
                    rec(res, f'{pre}{t["name"]}: {s["name"]}', why, role, variant,
                        test=t['name'], subtest=s['name'], section=sec_name,
                        status=status(s), expect=expect, metric=s['metric'])
                # the test's own verdict
                r = find_rule(rules, role, t['name'], '-')
                if sec_name == 'env' or (role == 'base' and sec_name == 'rerun'):
                    # base's run of the known failures: the comparison
                    # that 'env' rules read, recorded and not judged
                    r = dict(expect='any', reason='comparison for env rules')
                d = t['directive']
                st = 'fail' if t['verdict'] == 'not ok' else status(t)
                stub = any(STUB in m for m in t['messages'])
                failed_subs = [s for s in t['subtests'] if status(s) == 'fail']
                if r is not None:
                    res, why = judge(r['expect'], dict(verdict=t['verdict'], directive=d,
                                                        metric=None),
                                     base.get((t['name'], '-')), False)
                    if res == 'fail':
                        why += f' [expectation: {r["reason"]}]'
                elif 'TIMEOUT' in d:
                    res, why = 'fail', f'timed out ({d})'
                elif stub:
                    res, why = 'fail', 'does not build (no expectation allows it)'
                elif st == 'fail' and d and not d.startswith('exit=1'):
                    res, why = 'fail', f'died ({d})'
                elif st == 'fail' and not failed_subs:
                    res, why = 'fail', f'failed with no failing subtest ({d or "not ok"})'
                elif st == 'fail':
                    res = 'fail' if bad_sub else 'ok'
                    why = ('a subtest failed' if bad_sub else
                           f'{len(failed_subs)} subtest(s) failed as expected')
                else:
                    res, why = ('skip' if st == 'skip' else 'ok'), (d or st)
                if t['name'].split(':')[1] in took:
                    dt, lim = took[t['name'].split(':')[1]]
                    why += f'; {dt} s of its {lim} s limit'
                rec(res, f'{pre}{t["name"]}', why, role, variant, test=t['name'],
                    subtest='-', section=sec_name, status=st, directive=d)
        # every expected test and subtest must have reported
        for r in rules:
            if r['role'] != role or is_glob(r['test']) or is_glob(r['sub']):
                continue
            if r['sub'] == '-':
                found = r['test'] in seen
            else:
                found = any(x.get('test') == r['test'] and x.get('subtest') == r['sub']
                            and x['variant'] == variant for x in out)
            if not found:
                rec('fail', f'{pre}{r["test"]}: {r["sub"]}',
                    f'missing: expected {r["expect"]}, not in the console', role, variant)
        if role == 'series' and check_list:
            missing = [x for x in check_list if x not in seen]
            if missing:
                rec('fail', f'{pre}every selftest reported',
                    f'{len(missing)} of {len(check_list)} missing: {" ".join(missing[:5])}',
                    role, variant)
            else:
                rec('ok', f'{pre}every selftest reported',
                    f'{len(check_list)} tests', role, variant)
        if args.min_windows and role in args.amplified.split(','):
            w = windows or 0
            rec('ok' if w >= args.min_windows else 'fail',
                f'{pre}race window amplifier opened >= {args.min_windows} windows',
                f'{w} opened', role, variant)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('consoles', nargs='+', metavar='ROLE=VARIANT:CONSOLE')
    ap.add_argument('--expectations', default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'expectations'))
    ap.add_argument('--tap', action='store_true')
    ap.add_argument('--results')
    ap.add_argument('--check-list')
    ap.add_argument('--min-windows', type=int, default=0)
    ap.add_argument('--amplified', default='series,nolock')
    ap.add_argument('--no-base', action='store_true',
                    help="no base console: an 'env' failure is a SKIP, not a failure")
    args = ap.parse_args()
    global NO_BASE
    NO_BASE = args.no_base
    out = evaluate(args)
    if args.results:
        os.makedirs(args.results, exist_ok=True)
        for v in sorted({x['variant'] for x in out}):
            with open(os.path.join(args.results, f'{v}.json'), 'w') as f:
                json.dump([x for x in out if x['variant'] == v], f, indent=1)
    if args.tap:
        print('TAP version 13')
        print(f'1..{len(out)}')
        for i, x in enumerate(out, 1):
            if x['result'] == 'ok':
                print(f'ok {i} - {x["name"]} # {x["reason"]}')
            elif x['result'] == 'skip':
                print(f'ok {i} - {x["name"]} # SKIP {x["reason"]}')
            else:
                print(f'not ok {i} - {x["name"]} # {x["reason"]}')
        n = {k: sum(x['result'] == k for x in out) for k in ('ok', 'fail', 'skip')}
        print(f'{n["ok"]} passed, {n["fail"]} failed, {n["skip"]} skipped')
    else:
        for x in out:
            print(f'{x["result"]}\t{x["name"]}\t{x["reason"]}')
    return 1 if any(x['result'] == 'fail' for x in out) else 0


if __name__ == '__main__':
    sys.exit(main())
