#!/usr/bin/env python3
"""The one evaluator: kselftest verdicts from saved results files (the
results channels of scripts/boot.sh, or a plain run_kselftest.sh log with
--plain), judged against tests/expectations.  The results format is
specified in docs/RESULTS-FORMAT.md and parsed by scripts/results.py only.

Usage: verdict.py [--results DIR] [--check-list FILE] [--run-id ID]
                  [--min-windows N] [--no-base] [--amplifier-optional]
                  [--plain] ROLE=VARIANT:FILE ...

ROLE is the file's part in the run; tests/expectations defines the roles
(its 'role' lines).  Every file, test and subtest gets one record:
  ok    it did what its expectation says
  fail  it did not, with the reason
  skip  it skipped and that is allowed
Output: one line per record, "ok|fail|skip<TAB>name<TAB>reason", which
scripts/lib.sh's tap() turns into TAP (the project's one TAP writer).
--results writes DIR/VARIANT.json, the same records (the boot's status and
its kernel-report lines included).  Exit status 1 if any record fails.
"""
import argparse
import fnmatch
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import results  # noqa: E402  (the one parser)
from results import status, exit_code, failure_mode  # noqa: E402

EXPECTS = ('pass', 'detect', 'fail', 'skip', 'env', 'any')
OPTIONS = ('page-rounds', 'swapped', 'reason', 'retry', 'stall')
AMPLIFIER = ('on', 'off', 'any')


def load_expectations(path):
    """(rules, roles): rules in file order; roles {name: dict(amplifier,
    reference, meaning, sections)}."""
    rules, roles, sections = [], {}, {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            fields = line.split('\t')
            where = f'{path}:{n}'
            if fields[0] == 'sections':
                if len(fields) != 3 or not fields[2] or any(
                        x not in results.KNOWN_SECTIONS for x in fields[2].split(',')):
                    sys.exit(f'{where}: want sections<TAB>ROLE<TAB>SECTION[,SECTION...] '
                             f'(known: {", ".join(results.KNOWN_SECTIONS)}): {line!r}')
                sections[fields[1]] = fields[2].split(',')
                continue
            if fields[0] == 'role':
                if len(fields) != 5 or fields[2] not in AMPLIFIER:
                    sys.exit(f'{where}: want role<TAB>NAME<TAB>{"|".join(AMPLIFIER)}'
                             f'<TAB>REFERENCE|-<TAB>MEANING: {line!r}')
                roles[fields[1]] = dict(amplifier=fields[2], reference=fields[3],
                                        meaning=fields[4])
                continue
            if len(fields) != 5:
                sys.exit(f'{where}: want ROLE<TAB>TEST<TAB>SUBTEST<TAB>EXPECT<TAB>REASON: {line!r}')
            word, *opts = fields[3].split(',')
            options = {}
            for o in opts:
                k, _, v = o.partition('=')
                if k not in OPTIONS:
                    sys.exit(f'{where}: unknown option {k!r} (known: {", ".join(OPTIONS)})')
                options[k] = v or True
            if word not in EXPECTS:
                sys.exit(f'{where}: EXPECT {word!r} is not one of {"|".join(EXPECTS)}')
            rules.append(dict(role=fields[0], test=fields[1], sub=fields[2], expect=word,
                              options=options, reason=fields[4], line=n))
    for r in rules:
        if r['role'] not in roles and not any(c in r['role'] for c in '*?['):
            sys.exit(f'{path}:{r["line"]}: role {r["role"]!r} has no role line')
    for name, role in roles.items():
        if name not in sections:
            sys.exit(f'{path}: role {name!r} has no sections line (the sections its '
                     'results file must hold)')
        role['sections'] = sections[name]
    return rules, roles


def find_rule(rules, role, test, sub):
    for r in rules:
        if fnmatch.fnmatchcase(role, r['role']) and \
           fnmatch.fnmatchcase(test, r['test']) and \
           fnmatch.fnmatchcase(sub, r['sub']):
            return r
    return None


def skip_texts(t):
    """The SKIP's own reason: a test's directive after SKIP, the reason of
    its '1..0 # SKIP REASON' plan, and those of its skipped subtests (the
    older form: a plan, then SKIP subtests); a subtest's SKIP reason, or its
    description in 6.1's 'ok N # SKIP DESCRIPTION'.  Never the other
    messages a test printed."""
    if 'subtests' not in t or 'plan' not in t:  # a subtest
        return [x for x in (t['reason'] or t['name'],) if x]
    d = t['directive']
    out = [d[4:].strip()] if results.directive_word(t) == 'SKIP' else []
    out.append(t.get('skip_reason') or '')
    for s in t['subtests']:
        if status(s) == 'skip':
            out.append(s['reason'] or s['name'])
    return [x for x in out if x]


def exposure(rule, item):
    """None, or why a passing race subtest ran too little."""
    o = rule['options'] if rule else {}
    mt = item.get('metric')
    if 'page-rounds' in o:
        need = int(o['page-rounds'])
        if not mt:
            return 'no metric line of its own (rounds, page-rounds, lost)'
        if mt['rounds'] < 1:
            return f'rounds {mt["rounds"]}: no round ran'
        if mt['page_rounds'] < need:
            return f'{mt["page_rounds"]} page-rounds, below its minimum of {need}'
    if 'swapped' in o:
        need = float(o['swapped'])
        sw = item.get('swapped')
        if not sw or not sw[1]:
            return 'no "N of M pages swapped out" line'
        if sw[0] < need * sw[1]:
            return f'{sw[0]} of {sw[1]} pages swapped out, below the minimum fraction {need}'
    if 'stall' in o:
        w = item.get('waited')
        if not w or not w['waits']:
            return 'no "waited ..., bound N ms" line of its own'
        over = [f'{k} {v} ms' for k, v in w['waits'].items() if v >= w['bound']]
        if over:
            return f'waited {", ".join(over)}, at or above its bound of {w["bound"]} ms'
    return None


def stalled(item):
    """None, or why a failed stall subtest did not fail by the stall."""
    w = item.get('waited')
    if not w or not w['waits']:
        return 'no "waited ..., bound N ms" line of its own'
    if all(v < w['bound'] for v in w['waits'].values()):
        return (f'every wait under its bound of {w["bound"]} ms ('
                + ', '.join(f'{k} {v} ms' for k, v in w['waits'].items()) + ')')
    return None


def judge(rule, item, test, ref_modes, no_base):
    """(result, reason) for one subtest (test = its test) or one test's own
    verdict (test None) against its rule."""
    expect = rule['expect']
    st = status(item)
    mt = item.get('metric')
    got = st + (f', rounds {mt["rounds"]} page-rounds {mt["page_rounds"]} lost {mt["lost"]}'
                if mt else '')
    if mt and mt['lost'] and st != 'fail':
        return 'fail', f'reported {st} with lost {mt["lost"]}: a lost tag is never a pass'
    if expect == 'any':
        return ('skip' if st == 'skip' else 'ok'), f'recorded only: {got}'
    if expect == 'skip':
        if st != 'skip':
            return 'fail', f'expected SKIP, got {got}'
        want = rule['options'].get('reason')
        if want and isinstance(want, str):
            texts = skip_texts(item)
            if not any(fnmatch.fnmatchcase(x, want) for x in texts):
                return 'fail', f'skipped, but not for the expected reason {want!r}: ' \
                               f'{"; ".join(texts) or "no reason given"}'
        return 'skip', 'skipped as expected'
    if expect == 'pass':
        if st != 'pass':
            return 'fail', f'expected pass, got {got}'
        why = exposure(rule, item)
        if why:
            return 'fail', f'passed with too little exposure: {why}'
        return 'ok', got
    if expect == 'detect':
        top = test if test is not None else item
        code = exit_code(top['directive'])
        if st != 'fail':
            return 'fail', f'race not detected: {got}'
        if not mt:
            return 'fail', 'failed without a metric line of its own: not a detection'
        if not mt['lost']:
            return 'fail', f'failed without losing a tag ({got}): a failure of the ' \
                           'test, not a detection'
        if top['verdict'] != 'not ok' or code != 1:
            return 'fail', f'lost {mt["lost"]} tags, but the test ended ' \
                           f'{top["directive"] or top["verdict"]}, not exit=1: a ' \
                           'crash or a timeout is not a detection'
        return 'ok', f'race detected: lost {mt["lost"]} tags in {mt["page_rounds"]} page-rounds'
    if expect == 'fail':
        top = test if test is not None else item
        if st != 'fail':
            return 'fail', f'expected to fail on this kernel (the bug is present), got {got}'
        if top['verdict'] != 'not ok' or exit_code(top['directive']) != 1:
            return 'fail', f'failed, but the test ended {top["directive"] or top["verdict"]}, ' \
                           'not exit=1: a crash is not the expected failure'
        if 'stall' in rule['options']:
            why = stalled(item)
            if why:
                return 'fail', f'failed, but not by a stall: {why}'
            w = item['waited']
            return 'ok', 'stalled as expected: waited ' + \
                ', '.join(f'{k} {v} ms' for k, v in w['waits'].items()) + \
                f' (bound {w["bound"]} ms)'
        return 'ok', f'fails as expected: {item.get("reason") or "not ok"}'
    if expect == 'env':
        if st != 'fail':
            return ('skip', 'skipped') if st == 'skip' else ('ok', got)
        mode = failure_mode(item) if test is None else 'fail'
        if ref_modes is None and no_base:
            return 'skip', f'known failure under emulation ({mode}); make check holds it to base'
        if mode in (ref_modes or ()):
            return 'ok', f'known failure: {mode}, the same way as on the reference kernel'
        return 'fail', f'listed failure ({mode}), but on the reference kernel it was ' \
                       f'{", ".join(sorted(ref_modes)) if ref_modes else "not run"}'
    return 'fail', f'unknown expectation {expect}'


def parse_specs(specs):
    runs = []
    for spec in specs:
        role, _, rest = spec.partition('=')
        variant, _, path = rest.partition(':')
        if not (role and variant and path):
            sys.exit(f'bad spec {spec!r}: want ROLE=VARIANT:FILE')
        runs.append((role, variant, path))
    return runs


def evaluate(args):
    rules, roles = load_expectations(args.expectations)
    runs = parse_specs(args.specs)
    out = []

    def rec(result, name, reason, role, variant, **extra):
        out.append(dict(result=result, name=name, reason=reason, role=role,
                        variant=variant, **extra))

    parsed = []
    for role, variant, path in runs:
        if role not in roles:
            rec('fail', f'{variant}: role', f'unknown role {role!r} for {path} '
                f'(tests/expectations defines: {", ".join(roles)})', role, variant)
            continue
        if not os.path.exists(path):
            rec('fail', f'{variant}: results file', f'missing: {path}', role, variant)
            continue
        parsed.append((role, variant, path,
                       results.parse(path, wrap='all' if args.plain else None)))
    if not parsed and not out:
        rec('fail', 'results', 'no results file given', '-', '-')

    # provenance: one run, the variant each file claims, a finished boot
    run_ids = {r['boot'].get('run') for _, _, _, r in parsed if r['boot']}
    for role, variant, path, r in parsed:
        pre = f'{variant}: '
        if args.plain:
            rec('ok', pre + 'results file', f'plain kselftest log {path} (no harness provenance)',
                role, variant)
            continue
        b = r['boot']
        problems = []
        if b is None:
            problems.append('no "harness: boot" line (not written by scripts/boot.sh, '
                            'or the boot was interrupted)')
        else:
            if b.get('variant') != variant:
                problems.append(f'it is a boot of {b.get("variant")!r}, not {variant!r}')
            if args.run_id and b.get('run') != args.run_id:
                problems.append(f'run {b.get("run")!r}, not this run ({args.run_id}): stale')
            elif not args.run_id and len(run_ids) > 1:
                problems.append(f'run {b.get("run")!r}: the files given are of '
                                f'{len(run_ids)} different runs ({", ".join(sorted(map(str, run_ids)))})')
        if r['kernel'] is None:
            problems.append('no "harness: guest up" line (kernel release unknown)')
        if not r['guest_done']:
            problems.append('no "harness: guest done" line: the guest did not finish')
        problems += r['errors']
        rec('fail' if problems else 'ok', pre + 'results file',
            '; '.join(problems) + f' ({path})' if problems else
            f'{path}: run {b["run"]}, kernel {r["kernel"]}, {r["cpus"]} CPUs',
            role, variant, file=path, kernel=r['kernel'],
            run=b.get('run') if b else None, amplifier=r['amplifier'])
        st = b.get('status') if b else None
        rec('ok' if st == 'clean' else 'fail', pre + 'boot',
            'clean console' if st == 'clean' else
            f'{st or "no status"}: ' + (' | '.join(r['reports'][:5]) or 'no report lines'),
            role, variant, boot=b, reports=r['reports'])

    # the reference role's modes of every test and subtest (for env rules):
    # every try counts, and the mode is the exit code or TIMEOUT
    ref_modes = {}
    for role, variant, path, r in parsed:
        for sec in r['sections'].values():
            for t in sec['tests']:
                ref_modes.setdefault((role, t['name'], '-'), set()).add(failure_mode(t))
                for s in t['subtests']:
                    ref_modes.setdefault((role, t['name'], s['name']), set()).add(status(s))
    references = {x['reference'] for x in roles.values() if x['reference'] != '-'}

    for role, variant, path, r in parsed:
        pre = f'{variant}: '
        ref = roles[role]['reference']
        have_ref = any(x[0] == ref for x in parsed)
        comparison = ('env', 'rerun') if role in references else ()
        secs = r['sections']
        rerun = {t['name']: t for t in secs.get('rerun', {'tests': []})['tests']}
        seen, items = set(), []
        need = ['all'] if args.plain else roles[role]['sections']
        for sec_name in need:
            if sec_name not in secs:
                rec('fail', f'{pre}section {sec_name}',
                    f'missing: role {role} runs its tests in sections {", ".join(need)} '
                    f'(tests/expectations), and this file has '
                    f'{", ".join(secs) or "no section"}', role, variant)
        for sec_name, sec in secs.items():
            if sec_name not in results.KNOWN_SECTIONS:
                rec('fail', f'{pre}section {sec_name}', 'unknown section name '
                    f'(known: {", ".join(results.KNOWN_SECTIONS)})', role, variant)
            if sec['plan'] != len(sec['tests']):
                rec('fail', f'{pre}{sec_name}: plan',
                    f'run_kselftest.sh planned {sec["plan"]} tests, {len(sec["tests"])} reported',
                    role, variant)
            for t in sec['tests']:
                judged = sec_name not in comparison
                # a rule is satisfied by a judged report only: a test that
                # ran only in a comparison section (base's env) did not run
                # where its rule judges it
                if judged:
                    seen.add(t['name'])
                tname = f'{pre}{t["name"]}' + (f' ({sec_name})' if sec_name != 'all' else '')
                tr = find_rule(rules, role, t['name'], '-')
                lost = sum((s['metric'] or {}).get('lost', 0) for s in t['subtests'])
                first_try = (judged and sec_name != 'rerun' and t['name'] in rerun
                             and t['verdict'] == 'not ok')
                # a re-run forgives a timing flake only: a first try that
                # ended exit=N with 0 < N < 128 (the test's own assertion),
                # never a signal (exit=128+N), a timeout or a SKIP stub;
                # such a first try is judged by its rule like any other
                code = exit_code(t['directive'])
                flake = code is not None and 0 < code < 128 and 'TIMEOUT' not in t['directive']
                if first_try and not lost and flake and tr and 'retry' in tr['options']:
                    rec('skip', f'{tname} (first try)', f'{failure_mode(t)}; a timing test, '
                        f're-run once and the re-run is judged [{tr["reason"]}]', role, variant,
                        test=t['name'], subtest='-', section=sec_name, status='fail')
                    continue
                if not judged:
                    rec('skip' if status(t) == 'skip' else 'ok', tname,
                        f'comparison for env rules: {failure_mode(t)}', role, variant,
                        test=t['name'], subtest='-', section=sec_name, status=status(t))
                    continue
                bad_sub = False
                for s in t['subtests']:
                    sr = find_rule(rules, role, t['name'], s['name'])
                    if sr is None:
                        mt = s['metric']
                        if mt and mt['lost'] and status(s) != 'fail':
                            res, why = 'fail', f'reported {status(s)} with lost {mt["lost"]}'
                        elif status(s) == 'fail':
                            res, why = 'fail', f'failed ({s["reason"] or "no reason"})'
                        else:
                            res, why = ('skip' if status(s) == 'skip' else 'ok'), status(s)
                    else:
                        res, why = judge(sr, s, t, ref_modes.get((ref, t['name'], s['name']))
                                         if have_ref else None, args.no_base)
                        if res == 'fail':
                            why += f' [expectation: {sr["reason"]}]'
                    bad_sub |= res == 'fail'
                    items.append((t['name'], s['name']))
                    rec(res, f'{tname}: {s["name"]}', why, role, variant,
                        test=t['name'], subtest=s['name'], section=sec_name,
                        status=status(s), expect=sr['expect'] if sr else 'default',
                        metric=s['metric'], swapped=s['swapped'], waited=s['waited'])
                # the test's own verdict
                d, st = t['directive'], status(t)
                code = exit_code(d)
                failed_subs = [s for s in t['subtests'] if status(s) == 'fail']
                stub = any(results.STUB in m for m in t['messages'])
                if tr is not None:
                    res, why = judge(tr, dict(t, metric=None), None,
                                     ref_modes.get((ref, t['name'], '-')) if have_ref else None,
                                     args.no_base)
                    if res == 'fail':
                        why += f' [expectation: {tr["reason"]}]'
                elif 'TIMEOUT' in d:
                    res, why = 'fail', f'timed out ({d})'
                elif stub:
                    res, why = 'fail', 'does not build (no expectation allows it)'
                elif st == 'fail' and code != 1:
                    res, why = 'fail', f'died ({d or "not ok, no exit code"}): only exit=1 ' \
                                       'is a test failure, anything else a crash or a signal'
                elif st == 'fail' and not failed_subs:
                    res, why = 'fail', f'failed with no failing subtest ({d})'
                elif st == 'fail':
                    res = 'fail' if bad_sub else 'ok'
                    why = ('a subtest failed' if bad_sub else
                           f'{len(failed_subs)} subtest(s) failed as expected')
                else:
                    res, why = ('skip' if st == 'skip' else 'ok'), (d or st)
                # a first try that failed is judged like any other try: only
                # a rule with 'retry' (above) lets the re-run decide
                if first_try and lost:
                    res, why = 'fail', f'lost {lost} tags on its first try: a lost tag is ' \
                                       'never re-run into a pass'
                if (st != 'skip' and t['plan'] is not None
                        and len(t['subtests']) != t['plan']):
                    res = 'fail'
                    why += f'; planned {t["plan"]} subtests, {len(t["subtests"])} reported'
                if t['name'].split(':')[1] in r['took']:
                    dt, lim = r['took'][t['name'].split(':')[1]]
                    why += f'; {dt} s of its {lim} s limit'
                rec(res, tname, why, role, variant, test=t['name'], subtest='-',
                    section=sec_name, status=st, directive=d)
        # every rule of this role must have found something: globs too
        for ru in rules:
            if ru['role'] != role:
                continue
            if ru['sub'] == '-':
                found = any(fnmatch.fnmatchcase(x, ru['test']) for x in seen)
            else:
                found = any(fnmatch.fnmatchcase(a, ru['test']) and fnmatch.fnmatchcase(b, ru['sub'])
                            for a, b in items)
            if not found:
                rec('fail', f'{pre}{ru["test"]}: {ru["sub"]}',
                    f'missing: expected {ru["expect"]}, not in the results (tests/expectations '
                    f'line {ru["line"]})', role, variant)
        # every selftest of the check list reported in the 'all' section
        if not args.plain and ('all' in secs or 'all' in roles[role]['sections']):
            check_list = []
            if args.check_list and os.path.exists(args.check_list):
                with open(args.check_list) as f:
                    check_list = [x.strip() for x in f if x.strip()]
            all_seen = {t['name'] for t in secs.get('all', {'tests': []})['tests']}
            missing = [x for x in check_list if x not in all_seen]
            if not check_list:
                rec('fail', f'{pre}every selftest reported',
                    f'no check list ({args.check_list or "none given"}): cannot tell '
                    'whether every selftest reported', role, variant)
            elif missing:
                rec('fail', f'{pre}every selftest reported',
                    f'{len(missing)} of {len(check_list)} missing: {" ".join(missing[:5])}',
                    role, variant)
            else:
                rec('ok', f'{pre}every selftest reported', f'{len(check_list)} tests',
                    role, variant)
        # the race window amplifier: per race test, as the role requires
        amp, want = r['amplifier'], roles[role]['amplifier']
        if 'race' in secs and not args.plain:
            if want == 'on' and amp != 'on':
                if amp == 'absent' and args.amplifier_optional:
                    rec('skip', f'{pre}race window amplifier',
                        'absent from this kernel: the race tests ran with natural exposure only',
                        role, variant)
                else:
                    rec('fail', f'{pre}race window amplifier',
                        f'role {role} needs it on, the results say {amp or "nothing"}',
                        role, variant)
            elif want == 'off' and amp not in ('off', 'absent'):
                rec('fail', f'{pre}race window amplifier',
                    f'role {role} is natural detection, but the amplifier was {amp or "not reported"}',
                    role, variant)
            elif want == 'off' and any(r['windows'].values()):
                opened = ', '.join(f'{t} {w}' for t, w in r['windows'].items() if w)
                rec('fail', f'{pre}race window amplifier',
                    f'role {role} is natural detection, but race windows were opened: {opened}',
                    role, variant)
            else:
                rec('ok', f'{pre}race window amplifier', f'{amp} (role {role}: {want})',
                    role, variant)
            if want == 'on' and amp == 'on':
                # every race test opens windows: --min-windows where it
                # passed (the evidence that the amplifier really held its
                # windows open), at least one where it lost a tag (a
                # detection ends the subtest at once).  A race test is one
                # with a subtest that ran rounds: a functional check in the
                # race section (mte_tag_init, check_tag_preservation, the
                # split and core dump checks) reports 'rounds 1' and races
                # nothing.
                for t in secs['race']['tests']:
                    if not any((s['metric'] or {}).get('rounds', 0) > 1 for s in t['subtests']):
                        continue
                    lost = any((s['metric'] or {}).get('lost') for s in t['subtests'])
                    need = 1 if lost else args.min_windows
                    w = r['windows'].get(t['name'])
                    rec('ok' if (w or 0) >= need else 'fail',
                        f'{pre}{t["name"]}: race windows >= {need}',
                        f'{w if w is not None else "no count"} opened'
                        + (' (it lost a tag)' if lost else ''), role, variant)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('specs', nargs='+', metavar='ROLE=VARIANT:FILE')
    ap.add_argument('--expectations', default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'expectations'))
    ap.add_argument('--results')
    ap.add_argument('--check-list')
    ap.add_argument('--run-id', help='every file must be of this run')
    ap.add_argument('--min-windows', type=int, default=5)
    ap.add_argument('--no-base', action='store_true',
                    help="no reference file: an 'env' failure is a SKIP, not a failure")
    ap.add_argument('--amplifier-optional', action='store_true',
                    help='a kernel without the amplifier is a SKIP of the windows record')
    ap.add_argument('--plain', action='store_true',
                    help='the files are plain run_kselftest.sh logs (a board): no provenance')
    args = ap.parse_args()
    out = evaluate(args)
    if args.results:
        os.makedirs(args.results, exist_ok=True)
        for v in sorted({x['variant'] for x in out}):
            with open(os.path.join(args.results, f'{v}.json'), 'w') as f:
                json.dump([x for x in out if x['variant'] == v], f, indent=1)
    for x in out:
        print(f'{x["result"]}\t{x["name"]}\t{x["reason"]}')
    return 1 if any(x['result'] == 'fail' for x in out) else 0


if __name__ == '__main__':
    sys.exit(main())
