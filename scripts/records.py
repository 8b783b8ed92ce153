#!/usr/bin/env python3
"""The records and the digests that tie each one to the inputs that decide it.

A record is a file under docs/ that only a run can write.  Each record has
its own inputs (RECORDS below: globs relative to the project's root) and
its own command, which rewrites that record and its stamp alone; make
check-all runs every one of them and stamps them all.  docs/records.sha256
holds one section per record: the run that wrote it, the SHA-256 of the
record and of each of its inputs.

  records.py inputs NAME                the globs that decide record NAME
  records.py snapshot ROOT FILE        every input's digest at a run's start
  records.py write [--run-id ID] [--snapshot FILE] [--command CMD]
                   (--record NAME ... | --all) ROOT
                                        stamp (after a green run): puts the
                                        run's header line into each record
                                        and rewrites only its section;
                                        refused when one of its inputs is
                                        uncommitted or changed since the
                                        snapshot
  records.py check [--strict] ROOT      one line per record:
                                        RESULT<TAB>NAME<TAB>REASON

'check' states each record: fresh (ok), stale (skip: an input of that
record changed, appeared or disappeared since its run, named with the
command that refreshes it; a failure with --strict), edited (fail: the
record's digest is not its stamp's: written by hand) or missing (fail).
Exit status 1 when any line is a failure.
"""
import argparse
import datetime
import fnmatch
import glob
import hashlib
import os
import re
import subprocess
import sys

MANIFEST = 'docs/records.sha256'

# What builds a kernel of tests/variants, and what boots and judges one.
BUILD = ['scripts/lib.sh', 'scripts/deps.sh', 'scripts/tree.sh', 'scripts/prepare.sh',
         'scripts/variant.sh', 'scripts/build.sh', 'tests/variants', 'configs/*']
BOOT = ['scripts/boot.sh', 'scripts/selftests.sh', 'scripts/initramfs.sh', 'guest/*',
        'scripts/verdict.py', 'scripts/results.py', 'tests/expectations']
MATRIX = ['scripts/matrix.sh', 'scripts/sparse.sh']

# record: (the globs of its inputs, the command that rewrites and stamps it
# alone).  A record's inputs are what decides its content: its patch set,
# the test-only patches of the variants it builds, the scripts that build,
# boot, judge or write it, and the figures it reads.  Not README, docs
# prose, the Makefile's help text, or scripts that do none of those.  The
# boot columns of the compile matrices and the comparison's test table
# quote earlier runs' results files by run id: they are not re-run by the
# record's command, and say which run they come from.
RECORDS = {
    'docs/UPSTREAM.md': (
        ['upstream/**', 'tests/rfc-nolock.patch', 'tests/mainline-nolock.patch',
         'tests/mainline-nocopy.patch',
         'scripts/upstream.sh', 'scripts/upstream-report.py', 'scripts/selftests-sync.py',
         'scripts/fastpath.py', 'scripts/compare.py', 'docs/bench-7.3/ratios.json']
        + BUILD + BOOT + MATRIX,
        'make upstream'),
    'docs/MATRIX.md': (
        ['patches/**', 'tests/race-window.patch', 'tests/kasan-hw-tags.patch'] + BUILD + MATRIX,
        'make matrix MATRIX_DOC=1'),
    'docs/MATRIX-7.3.md': (
        ['upstream/**'] + BUILD + MATRIX,
        'BASE=7.3 make matrix MATRIX_DOC=1'),
    'docs/COMPARISON.md': (
        ['patches/**', 'tests/mainline-port.patch', 'tests/mainline-port-nolock.patch',
         'scripts/compare.py', 'docs/ratios.json', 'docs/bench-7.3/ratios.json'] + BUILD,
        'make compare'),
}
HEADER = '> Record of run '
# never an input: a cover letter is prose that no run reads
EXCLUDE = ['*/0000-cover-letter.patch']


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 16), b''):
            h.update(block)
    return h.hexdigest()


def inputs(root, record=None):
    """{relative path: digest} of the inputs of RECORD (all records: None) today."""
    pats = RECORDS[record][0] if record else sorted({p for v in RECORDS.values() for p in v[0]})
    out = {}
    for pat in pats:
        for p in sorted(glob.glob(os.path.join(root, pat), recursive=True)):
            rel = os.path.relpath(p, root)
            if os.path.isfile(p) and not any(fnmatch.fnmatch(rel, x) for x in EXCLUDE):
                out[rel] = sha256(p)
    return out


def snapshot(root, path):
    with open(path, 'w') as f:
        f.writelines(f'{d}  {p}\n' for p, d in sorted(inputs(root).items()))


def git(root, *args):
    try:
        return subprocess.run(['git', '-C', root, *args], capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def uncommitted(root, record):
    """RECORD's inputs that differ from git's HEAD (modified, staged or untracked)."""
    out = git(root, 'status', '--porcelain', '--', *RECORDS[record][0])
    return [line[3:] for line in (out or '').splitlines() if line]


def set_header(path, line):
    """Put LINE under the record's title, in place of an earlier run's."""
    with open(path) as f:
        text = f.read().split('\n')
    text = [t for t in text if not t.startswith(HEADER)]
    at = next((i + 1 for i, t in enumerate(text) if t.startswith('# ')), 0)
    text[at:at] = ['', line] if at else [line, '']
    # one blank line between the title and the header, none doubled
    out = '\n'.join(text)
    out = re.sub(r'\n{3,}', '\n\n', out)
    with open(path, 'w') as f:
        f.write(out)


def read_manifest(path):
    """{record: {'run': str, 'digest': str, 'inputs': {path: digest}}}"""
    secs, cur = {}, None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            m = re.match(r'^\[(\S+)\] (.*)$', line)
            if m:
                cur = secs.setdefault(m.group(1), {'run': m.group(2), 'digest': None, 'inputs': {}})
                continue
            kind, _, rest = line.partition(' ')
            digest, _, name = rest.partition('  ')
            if cur is None or kind not in ('record', 'input') or len(digest) != 64 or not name:
                raise ValueError(f'{path}:{n}: not "[RECORD] RUN" or "record|input SHA256  PATH" '
                                 f'in a record\'s section: {line!r}')
            if kind == 'record':
                cur['digest'] = digest
            else:
                cur['inputs'][name] = digest
    return secs


def write_manifest(root, secs):
    lines = ['# The records and the digests of the inputs that decide each one (scripts/records.py).',
             '# Each section is written by the record\'s own command after a green run, or by',
             '# make check-all for all of them; do not edit: make check compares them with',
             '# today\'s files (a changed input: stale, reported; a changed record: a failure).']
    for r in RECORDS:
        if r not in secs:
            continue
        s = secs[r]
        lines += ['', f'[{r}] {s["run"]}', f'record {s["digest"]}  {r}']
        lines += [f'input {d}  {p}' for p, d in sorted(s['inputs'].items())]
    with open(os.path.join(root, MANIFEST), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def write(root, records, run_id, snap=None, command=None):
    for r in records:
        if r not in RECORDS:
            sys.exit(f'records.py write: {r} is not a record (the records: {", ".join(RECORDS)})')
        if not os.path.isfile(os.path.join(root, r)):
            sys.exit(f'records.py write: no {r}: the run did not write it')
    # a stamp says "this record came from these inputs": refuse it when the
    # inputs the run started from are not the ones on disk now, or are not
    # the ones a commit will carry
    for r in records:
        dirty = uncommitted(root, r)
        if dirty:
            sys.exit(f'records.py write: refused: uncommitted inputs of {r} ({", ".join(dirty[:5])}); '
                     f'commit them and run {command or RECORDS[r][1]} again')
    if snap:
        with open(snap) as f:
            then = dict(reversed(line.rstrip('\n').split('  ', 1)) for line in f if line.strip())
        for r in records:
            now = inputs(root, r)
            old = {p: d for p, d in then.items() if p in now or any(
                fnmatch.fnmatch(p, g) for g in RECORDS[r][0])}
            moved = sorted(p for p in old.keys() | now.keys() if old.get(p) != now.get(p))
            if moved:
                sys.exit(f'records.py write: refused: inputs of {r} changed during the run '
                         f'({", ".join(moved[:5])}); run {command or RECORDS[r][1]} again')
    commit = (git(root, 'rev-parse', '--short=12', 'HEAD') or 'unknown').strip()
    date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    path = os.path.join(root, MANIFEST)
    try:
        secs = read_manifest(path)
    except OSError:
        secs = {}
    for r in records:
        cmd = command or RECORDS[r][1]
        set_header(os.path.join(root, r),
                   f'{HEADER}{run_id} on commit {commit}, {date} (`{cmd}`; '
                   f'its inputs\' digests: {MANIFEST}).')
        ins = inputs(root, r)
        secs[r] = {'run': f'run {run_id} on {commit} at {date} by {cmd}',
                   'digest': sha256(os.path.join(root, r)), 'inputs': ins}
        print(f'{r}: {len(ins)} inputs -> {MANIFEST} (run {run_id})')
    write_manifest(root, secs)


def check(root, strict=False):
    out = []
    path = os.path.join(root, MANIFEST)
    try:
        secs = read_manifest(path)
    except OSError:
        return [('fail', f'records: {r}', f'not stamped: no {MANIFEST}; run {c}')
                for r, (_, c) in RECORDS.items()]
    except ValueError as e:
        return [('fail', f'records: {MANIFEST}', f'{e}; run make check-all')]
    for r, (_, cmd) in RECORDS.items():
        p = os.path.join(root, r)
        s = secs.get(r)
        if not os.path.isfile(p):
            out.append(('fail', f'records: {r}', f'missing; run {cmd}'))
            continue
        if s is None or s['digest'] is None:
            out.append(('fail', f'records: {r}', f'not stamped in {MANIFEST}; run {cmd}'))
            continue
        run = s['run']
        if sha256(p) != s['digest']:
            out.append(('fail', f'records: {r}',
                        f'edited: its digest is not the one its run stamped ({run}); '
                        f'a record is written by {cmd}, never by hand'))
            continue
        old, new = s['inputs'], inputs(root, r)
        why = [f'{q} changed' for q in sorted(old.keys() & new.keys()) if old[q] != new[q]]
        why += [f'{q} is new' for q in sorted(new.keys() - old.keys())]
        why += [f'{q} was removed' for q in sorted(old.keys() - new.keys())]
        if why:
            more = f' (and {len(why) - 1} more)' if len(why) > 1 else ''
            out.append(('fail' if strict else 'skip', f'records: {r}',
                        f'stale: {why[0]}{more} since {run} ({cmd} refreshes it)'))
        else:
            out.append(('ok', f'records: {r}', f'fresh: matches its {len(new)} inputs ({run})'))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('command', choices=['snapshot', 'write', 'check', 'inputs'])
    ap.add_argument('root', help='the project root (inputs: the record)')
    ap.add_argument('file', nargs='?', help='snapshot: where to write the digests')
    ap.add_argument('--run-id', default='manual')
    ap.add_argument('--snapshot', help='write: the snapshot taken at the run\'s start')
    ap.add_argument('--record', action='append', default=[], help='write: a record to stamp')
    ap.add_argument('--all', action='store_true', help='write: stamp every record')
    ap.add_argument('--command', dest='cmd', help='write: the command that ran (header)')
    ap.add_argument('--strict', action='store_true', help='check: a stale record fails')
    args = ap.parse_args()
    if args.command == 'inputs':
        if args.root not in RECORDS:
            ap.error(f'{args.root} is not a record (the records: {", ".join(RECORDS)})')
        print('\n'.join(RECORDS[args.root][0]))
        return 0
    if args.command == 'snapshot':
        if not args.file:
            ap.error('snapshot needs FILE')
        snapshot(args.root, args.file)
        return 0
    if args.command == 'write':
        recs = list(RECORDS) if args.all else args.record
        if not recs:
            ap.error('write needs --record NAME or --all')
        write(args.root, recs, args.run_id, args.snapshot, args.cmd)
        return 0
    out = check(args.root, args.strict)
    for res, name, reason in out:
        print(f'{res}\t{name}\t{reason}')
    return 1 if any(res == 'fail' for res, _, _ in out) else 0


if __name__ == '__main__':
    sys.exit(main())
