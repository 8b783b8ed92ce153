#!/usr/bin/env python3
"""The results format: the one parser of a boot's results channel, and the
one scan of its kernel console.  docs/RESULTS-FORMAT.md specifies both;
scripts/verdict.py, scripts/boot.sh, scripts/detect-rate.sh and
scripts/lib.sh use this module and nothing else to read them.

Usage (for the shell scripts):
  results.py scan CONSOLE        print the kernel-report lines of a console
                                 (numbered); exit 1 if there are any
  results.py metric FILE TEST SUBTEST
                                 "verdict rounds page_rounds lost seconds"
                                 of one race subtest (first section holding it)
  results.py summary FILE        the race metrics, windows, and the tests
                                 that used more than half their time limit
  results.py bench FILE META [PLUGIN_LOG]
                                 the benchmark records of a boot, one JSON
                                 line each with META's fields (a JSON
                                 object) and, per timed record, the counts
                                 of the insn-classes plugin's window of the
                                 same rank; exit 1 if there are none, or
                                 if the windows and timed records differ
                                 in number
"""
import json
import os
import re
import sys

# --- the kernel console: what makes a boot unclean.  Each entry is one
# form of report; docs/RESULTS-FORMAT.md lists them.
REPORTS = [
    ('oom', r'Out of memory|invoked oom-killer|oom-kill:'),
    ('page allocation failure', r'page allocation failure: order:'),
    ('rcu stall', r'rcu: INFO: \S+ (self-)?detected stalls?|detected stalls? on CPUs|'
                  r'self-detected stall|detected expedited stalls|'
                  r'rcu_tasks\S* detected stalls|rcu_\S+ stall|RCU Tasks.* stall|'
                  r'kthread starved for \d+ jiffies|'
                  r'\bsrcu\S*:? .*\bstall'),
    ('hung task', r'INFO: task \S+ blocked for more than|blocked for more than \d+ seconds|'
                  r'hung_task'),
    ('warn', r'WARNING:|DEBUG_LOCKS_WARN_ON|------------\[ cut here \]------------'),
    ('bug', r'BUG:|kernel BUG at|Kernel panic|Oops|Internal error:|Unable to handle kernel|'
            r'Bad page (state|map)|Bad rss-counter'),
    ('list corruption', r'list_\w+ corruption|list_\w+ double add'),
    ('lockdep', r'possible recursive locking|possible circular locking|'
                r'inconsistent lock state|INFO: lockdep is turned off|'
                r'suspicious RCU usage|lock held when returning|'
                r'INFO: trying to register non-static key|'
                r'turning off the locking correctness validator|'
                r'possible irq lock inversion|bad unlock balance|held lock freed|'
                r'MAX_LOCKDEP_\w+ too low|lockdep bfs error'),
    ('sanitizer', r'KASAN:|UBSAN:|KFENCE:'),
    ('lockup', r'soft lockup|hard LOCKUP|workqueue lockup'),
]
REPORT = re.compile('|'.join(f'(?:{p})' for _, p in REPORTS))

# --- the results channel
SECTION = re.compile(r'^harness: TAP (begin|end) (\S+)$')
GUEST_UP = re.compile(r'^harness: guest up, (\d+) CPUs, kernel (\S+)')
AMP = re.compile(r'^harness: race window amplifier (on|off|absent)\b(?:: (\d+)us)?')
WINDOWS = re.compile(r'^harness: race windows (\S+:\S+) (\d+)$')
TOOK = re.compile(r'^(?:# )?harness: (\S+) took (\d+)s \(limit (\d+)s(?:, exit (\d+)|, (timed out))?')
BOOT = re.compile(r'^harness: boot (.*)$')
BOOT_REPORT = re.compile(r'^harness: boot report: (.*)$')
START = re.compile(r'^# selftests: ([^:]+): (\S+)$')
TOP = re.compile(r'^(ok|not ok) \d+ selftests: ([^:]+): (\S+)(?: # (.*))?$')
TOP_PLAN = re.compile(r'^1\.\.(\d+)$')
PLAN = re.compile(r'^# 1\.\.(\d+)$')
# a whole test skipped before its plan (kselftest's ksft_exit_skip())
SKIP_PLAN = re.compile(r'^# 1\.\.0 # SKIP ?(.*)$')
# TAP directives are case-insensitive (TAP 13): '# skip' is a SKIP
SUB = re.compile(r'^# (ok|not ok) \d+ ?(.*?)(?:\s*# (SKIP|TODO|XFAIL)\b ?(.*))?$', re.I)
MSG = re.compile(r'^# # (.*)$')
METRIC = re.compile(r'^(.+?): rounds (\d+) page-rounds (\d+) lost (\d+)(?: \+ (\d+))?'
                    r'(?: time ([0-9.]+)s)?')
SWAPPED = re.compile(r'^(.+?): (\d+) of (\d+) pages swapped out')
# a stall subtest's waits: 'DESCRIPTION: waited vcpu 12 ms, process 9 ms,
# bound 5000 ms'
WAITED = re.compile(r'^(.+?): waited ((?:\S+ \d+ ms, )*\S+ \d+ ms), bound (\d+) ms$')
WAIT = re.compile(r'(\S+) (\d+) ms')
STUB = 'does not build on this kernel'
# the most pages one round of a race test can cover: a 1 GiB hugetlb folio
# of 4K pages.  A metric whose page-rounds exceed rounds times this (a
# wrapped counter, a corrupted line) is malformed.
MAX_PAGES_PER_ROUND = 1 << 18
KNOWN_SECTIONS = ('all', 'rerun', 'race', 'env')


def clean(line):
    """A line without \\r."""
    return line.rstrip('\r\n').replace('\r', '')


def directive_word(item):
    """SKIP, TODO, XFAIL or '' (TAP directives are case-insensitive)."""
    d = item['directive'].upper()
    return next((w for w in ('SKIP', 'TODO', 'XFAIL') if d.startswith(w)), '')


def status(item):
    """pass | skip | fail of a test or subtest record.  'ok # SKIP' is a
    skip; 'ok # TODO' and 'ok # XFAIL' are not passes (an expected failure
    is still a failure of what the test checks), so they are failures."""
    if item['verdict'] == 'ok':
        w = directive_word(item)
        if w == 'SKIP':
            return 'skip'
        return 'fail' if w else 'pass'
    return 'fail'


def exit_code(directive):
    """The exit status kselftest's runner reported ('exit=N'), or None."""
    m = re.match(r'exit=(\d+)', directive or '')
    return int(m.group(1)) if m else None


def failure_mode(test):
    """How a test ended: 'pass', 'skip', 'exit=N', 'TIMEOUT' or 'not ok'."""
    st = status(test)
    if st != 'fail':
        return st
    d = test['directive']
    if 'TIMEOUT' in d:
        return 'TIMEOUT'
    return f'exit={exit_code(d)}' if exit_code(d) is not None else 'not ok'


def parse(path, wrap=None):
    """One results file as a dict; see docs/RESULTS-FORMAT.md.  With
    wrap=NAME and no section in the file, the whole file is read as section
    NAME (a plain run_kselftest.sh log).

    Keys: path, boot (dict of the host's 'harness: boot' fields, or None),
    reports (kernel-report lines the host copied), cpus, kernel, amplifier
    (on|off|absent|None), window_us, guest_done, sections ({name: dict(plan,
    tests)}), windows ({test: n}), took ({test: (seconds, limit)}), errors
    (format errors, each a string).  A test: name, verdict, directive,
    plan, subtests, messages, metrics ({subtest: metric}), swapped,
    waited.  A subtest: name, verdict, directive, reason, metric (its own,
    by name), swapped ((n, of), by name), waited (dict(waits={who: ms},
    bound=ms), by name).
    """
    r = dict(path=path, boot=None, reports=[], cpus=None, kernel=None,
             amplifier=None, window_us=None, guest_done=False, sections={},
             windows={}, took={}, errors=[], amplifiers=[])
    with open(path, errors='replace') as f:
        lines = [clean(x) for x in f]
    if wrap and not any(SECTION.match(x) for x in lines):
        lines = [f'harness: TAP begin {wrap}'] + lines + [f'harness: TAP end {wrap}']
    sec, cur = None, None

    def close_test(t):
        names = {s['name'] for s in t['subtests']}
        for name in list(t['metrics']) + list(t['waited']):
            if name not in names:
                r['errors'].append(f'{t["name"]}: a metric line names "{name}", '
                                   'which is no subtest of the test')
        for s in t['subtests']:
            s['metric'] = t['metrics'].get(s['name'])
            s['swapped'] = t['swapped'].get(s['name'])
            s['waited'] = t['waited'].get(s['name'])

    for n, line in enumerate(lines, 1):
        m = SECTION.match(line)
        if m:
            if m.group(1) == 'begin':
                if sec is not None:
                    r['errors'].append(f'line {n}: section {m.group(2)} begins inside {sec}')
                if m.group(2) in r['sections']:
                    r['errors'].append(f'line {n}: section {m.group(2)} appears twice')
                sec = m.group(2)
                r['sections'][sec] = dict(plan=0, tests=[], closed=False)
            else:
                if sec != m.group(2):
                    r['errors'].append(f'line {n}: end of section {m.group(2)}, '
                                       f'but {sec or "none"} is open')
                else:
                    r['sections'][sec]['closed'] = True
                if cur is not None:
                    r['errors'].append(f'{cur["name"]}: no verdict line before the '
                                       f'section ended (the test was cut off)')
                sec, cur = None, None
            continue
        m = BOOT_REPORT.match(line)
        if m:
            r['reports'].append(m.group(1))
            continue
        m = BOOT.match(line)
        if m:
            r['boot'] = dict(x.split('=', 1) for x in m.group(1).split() if '=' in x)
            continue
        m = GUEST_UP.match(line)
        if m:
            r['cpus'], r['kernel'] = int(m.group(1)), m.group(2)
            continue
        if line == 'harness: guest done':
            r['guest_done'] = True
            continue
        m = AMP.match(line)
        if m:
            if r['amplifier'] is not None and m.group(1) != r['amplifier']:
                r['errors'].append(f'line {n}: the race window amplifier is {m.group(1)}, '
                                   f'but an earlier line said {r["amplifier"]}')
            r['amplifiers'].append(m.group(1))
            r['amplifier'] = m.group(1)
            r['window_us'] = int(m.group(2)) if m.group(2) else None
            continue
        m = WINDOWS.match(line)
        if m:
            r['windows'][m.group(1)] = r['windows'].get(m.group(1), 0) + int(m.group(2))
            continue
        m = TOOK.match(line)
        if m:
            r['took'][m.group(1)] = (int(m.group(2)), int(m.group(3)))
            continue
        if sec is None:
            continue
        m = TOP_PLAN.match(line)
        if m:
            r['sections'][sec]['plan'] += int(m.group(1))
            continue
        m = START.match(line)
        if m:
            if cur is not None:
                r['errors'].append(f'{cur["name"]}: no verdict line before the next test')
            cur = dict(name=f'{m.group(1)}:{m.group(2)}', verdict=None, directive='',
                       plan=None, subtests=[], messages=[], metrics={}, swapped={}, waited={},
                       skip_reason=None)
            continue
        m = TOP.match(line)
        if m:
            name = f'{m.group(2)}:{m.group(3)}'
            if cur is None or cur['name'] != name:
                cur = dict(name=name, plan=None, subtests=[], messages=[],
                           metrics={}, swapped={}, waited={}, skip_reason=None)
            cur['verdict'] = m.group(1)
            cur['directive'] = (m.group(4) or '').strip()
            close_test(cur)
            r['sections'][sec]['tests'].append(cur)
            cur = None
            continue
        if cur is None:
            continue
        m = PLAN.match(line)
        if m:
            cur['plan'] = int(m.group(1))
            continue
        m = SKIP_PLAN.match(line)
        if m:
            cur['plan'] = 0
            cur['skip_reason'] = m.group(1).strip()
            cur['messages'].append(m.group(1).strip())
            continue
        m = MSG.match(line)
        if m:
            text = m.group(1)
            cur['messages'].append(text)
            mm = METRIC.match(text)
            if mm:
                if mm.group(1) in cur['metrics']:
                    r['errors'].append(f'{cur["name"]}: two metric lines for "{mm.group(1)}"')
                rounds, pr = int(mm.group(2)), int(mm.group(3))
                if pr > rounds * MAX_PAGES_PER_ROUND:
                    r['errors'].append(f'{cur["name"]}: "{mm.group(1)}": page-rounds {pr} from '
                                       f'{rounds} rounds: more than {MAX_PAGES_PER_ROUND} pages a '
                                       'round (a wrapped or corrupted counter)')
                cur['metrics'][mm.group(1)] = dict(
                    rounds=int(mm.group(2)), page_rounds=int(mm.group(3)),
                    lost=int(mm.group(4)) + int(mm.group(5) or 0),
                    seconds=float(mm.group(6)) if mm.group(6) else None)
            ms = SWAPPED.match(text)
            if ms:
                cur['swapped'][ms.group(1)] = (int(ms.group(2)), int(ms.group(3)))
            mw = WAITED.match(text)
            if mw:
                if mw.group(1) in cur['waited']:
                    r['errors'].append(f'{cur["name"]}: two waited lines for "{mw.group(1)}"')
                cur['waited'][mw.group(1)] = dict(
                    waits={w: int(ms_) for w, ms_ in WAIT.findall(mw.group(2))},
                    bound=int(mw.group(3)))
            continue
        m = SUB.match(line)
        if m:
            name, reason = m.group(2).strip(), (m.group(4) or '').strip()
            if not name and m.group(3):
                # 6.1's ksft_test_result_skip(): "ok N # SKIP description"
                name, reason = reason, ''
            cur['subtests'].append(dict(name=name, verdict=m.group(1).lower(),
                                        directive=(m.group(3) or '').upper(), reason=reason,
                                        metric=None, swapped=None, waited=None))
            continue
        if line.startswith('# ') and STUB in line:
            cur['messages'].append(line[2:])
    if sec is not None:
        r['errors'].append(f'section {sec} never ended (the file is truncated)')
    return r


def find_subtest(r, test, sub):
    for name in r['sections']:
        for t in r['sections'][name]['tests']:
            if t['name'] == test:
                for s in t['subtests']:
                    if s['name'] == sub:
                        return s
    return None


BENCH_BEGIN, BENCH_END = 'harness: BENCH begin', 'harness: BENCH end'
# bench/plugin/insn-classes.c: one line per timed window, in order
PLUGIN_WINDOW = re.compile(r'^insn-classes: window (\d+) insns (\d+) atomics (\d+) '
                           r'barriers (\d+) acqrel (\d+)$')
PLUGIN_FIELDS = ('k_insns', 'k_atomics', 'k_barriers', 'k_acqrel')


def plugin_windows(path):
    """[{k_insns, k_atomics, k_barriers, k_acqrel}] of a plugin log, in
    window order ([] if there is no log)."""
    if not path or not os.path.exists(path):
        return []
    wins = []
    with open(path, errors='replace') as f:
        for line in f:
            m = PLUGIN_WINDOW.match(line.strip())
            if m:
                wins.append(dict(zip(PLUGIN_FIELDS, map(int, m.groups()[1:]))))
    return wins


def bench_records(path, meta, plugin_log=None):
    """The JSON records between the BENCH marks of a results file, each
    with META's fields and, if the plugin counted, its window's counts
    (the Nth window to the Nth timed record).  ValueError on a torn
    record or on windows that do not match the timed records."""
    recs, inside = [], False
    with open(path, errors='replace') as f:
        for line in f:
            line = line.strip()
            if line == BENCH_BEGIN:
                inside = True
            elif line == BENCH_END:
                inside = False
            elif inside and line.startswith('{'):
                recs.append({**meta, **json.loads(line)})
    wins = plugin_windows(plugin_log) if meta.get('mode') == 'icount' else []
    timed = [r for r in recs if 'ns_per_page' in r]
    if wins and len(wins) != len(timed):
        raise ValueError('%d plugin windows for %d timed records in %s' % (
            len(wins), len(timed), path))
    for r, w in zip(timed, wins):
        r.update(w)
    return recs


def main(argv):
    if len(argv) == 2 and argv[0] == 'scan':
        with open(argv[1], errors='replace') as f:
            hits = [f'{n}:{clean(x)}' for n, x in enumerate(f, 1) if REPORT.search(x)]
        print('\n'.join(hits[:40]))
        return 1 if hits else 0
    if len(argv) == 4 and argv[0] == 'metric':
        s = find_subtest(parse(argv[1]), argv[2], argv[3])
        if not s or not s['metric']:
            return 1
        mt = s['metric']
        print(s['verdict'].replace(' ', '_'), mt['rounds'], mt['page_rounds'],
              mt['lost'], mt['seconds'])
        return 0
    if len(argv) == 2 and argv[0] == 'summary':
        r = parse(argv[1])
        for name, sec in r['sections'].items():
            for t in sec['tests']:
                for s in t['subtests']:
                    if s['metric']:
                        mt = s['metric']
                        print(f'{name}: {t["name"]}: {s["name"]}: {s["verdict"]}, rounds '
                              f'{mt["rounds"]} page-rounds {mt["page_rounds"]} lost {mt["lost"]}')
        for t, w in r['windows'].items():
            print(f'race windows opened by {t}: {w}')
        for t, (dt, lim) in r['took'].items():
            if dt * 2 > lim:
                print(f'note: {t} took {dt} s of its {lim} s limit')
        return 0
    if len(argv) in (3, 4) and argv[0] == 'bench':
        try:
            recs = bench_records(argv[1], json.loads(argv[2]), argv[3] if len(argv) == 4 else None)
        except ValueError as e:
            print(f'results.py bench: {e}', file=sys.stderr)
            return 1
        for r in recs:
            print(json.dumps(r, separators=(',', ':')))
        if not recs:
            print(f'results.py bench: no benchmark records in {argv[1]}', file=sys.stderr)
        return 0 if recs else 1
    sys.exit(__doc__)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
