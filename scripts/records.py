#!/usr/bin/env python3
"""The records of 'make check-all' and the digests that tie them to their inputs.

A record is a file under docs/ that only a run can write (the mainline
races, the compile matrices with the kernel shapes, the comparison with the
mainline port).  'make check-all', when every one of its checks passed,
stamps the records: docs/records.sha256 holds the SHA-256 of each record
and of each input that decides them (the patch sets, the test-only patches,
the expectations, the variants, the config fragments, the guest's scripts,
the selftest sources, which are in the patch sets and
tests/selftests-6.1.diff, and the scripts that build, boot and judge).

  records.py snapshot ROOT FILE        the inputs' digests at a run's start
  records.py write [--run-id ID] [--snapshot FILE] ROOT
                                        stamp (check-all, after a green run);
                                        refused when an input is uncommitted
                                        or changed since the snapshot
  records.py check ROOT                 one line per record:
                                        RESULT<TAB>NAME<TAB>REASON

'check' fails a record that is missing or was edited after it was stamped,
and every record when an input changed, appeared or disappeared, naming the
input: a change to a patch or a test lands only with the records of a
check-all run on it.  Exit status 1 when any line is a failure.
"""
import argparse
import datetime
import glob
import hashlib
import os
import subprocess
import sys

MANIFEST = 'docs/records.sha256'
RECORDS = ['docs/UPSTREAM.md', 'docs/MATRIX.md', 'docs/MATRIX-7.3.md', 'docs/COMPARISON.md']
# what decides the records: globs relative to the project's root
INPUTS = ['patches/*', 'upstream/*', 'tests/*.patch', 'tests/selftests-6.1.diff',
          'tests/expectations', 'tests/variants', 'configs/*', 'guest/*',
          # every script that builds, boots, judges or writes a record, the
          # front door, and the benchmark ratios that compare.py reads
          'scripts/*', 'bench/*.sh', 'Makefile',
          'docs/ratios.json', 'docs/bench-7.3/ratios.json']
HOW = 'run make check-all and commit its records'


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 16), b''):
            h.update(block)
    return h.hexdigest()


def inputs(root):
    """{relative path: digest} of every input file today."""
    out = {}
    for pat in INPUTS:
        for p in sorted(glob.glob(os.path.join(root, pat))):
            if os.path.isfile(p):
                out[os.path.relpath(p, root)] = sha256(p)
    return out


def snapshot(root, path):
    with open(path, 'w') as f:
        f.writelines(f'{d}  {p}\n' for p, d in sorted(inputs(root).items()))


def uncommitted(root):
    """Inputs that differ from git's HEAD (modified, staged or untracked)."""
    try:
        out = subprocess.run(['git', '-C', root, 'status', '--porcelain', '--', *INPUTS],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return [line[3:] for line in out.splitlines() if line]


def write(root, run_id, snap=None):
    missing = [r for r in RECORDS if not os.path.isfile(os.path.join(root, r))]
    if missing:
        sys.exit(f'records.py write: no {", ".join(missing)}: the run did not write them')
    # a stamp says "these records came from these inputs": refuse it when
    # the inputs the run started from are not the ones on disk now, or are
    # not the ones a commit will carry
    dirty = uncommitted(root)
    if dirty:
        sys.exit(f'records.py write: refused: uncommitted inputs ({", ".join(dirty[:5])}); '
                 'commit them and run make check-all again')
    if snap:
        with open(snap) as f:
            then = dict(reversed(line.rstrip('\n').split('  ', 1)) for line in f if line.strip())
        now = inputs(root)
        moved = sorted(p for p in then.keys() | now.keys() if then.get(p) != now.get(p))
        if moved:
            sys.exit(f'records.py write: refused: inputs changed during the run ({", ".join(moved[:5])}); '
                     'run make check-all again')
    try:
        commit = subprocess.run(['git', '-C', root, 'rev-parse', '--short=12', 'HEAD'],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = 'unknown'
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    ins = inputs(root)
    lines = ['# The records of make check-all and the digests of the inputs that decide them.',
             '# Written by scripts/records.py write at the end of a green make check-all;',
             '# do not edit: make check (scripts/records.py check) compares them with today\'s files.',
             f'# run {run_id} on {commit} at {now}']
    lines += [f'record {sha256(os.path.join(root, r))}  {r}' for r in RECORDS]
    lines += [f'input {d}  {p}' for p, d in sorted(ins.items())]
    with open(os.path.join(root, MANIFEST), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print(f'{len(RECORDS)} records, {len(ins)} inputs -> {MANIFEST} (run {run_id})')


def read_manifest(path):
    recs, ins, run = {}, {}, '?'
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('# run '):
                run = line[len('# run '):]
            if not line or line.startswith('#'):
                continue
            kind, _, rest = line.partition(' ')
            digest, _, name = rest.partition('  ')
            if kind not in ('record', 'input') or len(digest) != 64 or not name:
                raise ValueError(f'{path}:{n}: not "record|input SHA256  PATH": {line!r}')
            (recs if kind == 'record' else ins)[name] = digest
    return recs, ins, run


def check(root):
    out = []
    path = os.path.join(root, MANIFEST)
    try:
        recs, old, run = read_manifest(path)
    except OSError:
        return [('fail', f'records: {r}', f'not stamped: no {MANIFEST}; {HOW}') for r in RECORDS]
    except ValueError as e:
        return [('fail', f'records: {MANIFEST}', f'{e}; {HOW}')]
    new = inputs(root)
    changed = sorted(p for p in old.keys() & new.keys() if old[p] != new[p])
    why = [f'{p} changed' for p in changed]
    why += [f'{p} is new' for p in sorted(new.keys() - old.keys())]
    why += [f'{p} was removed' for p in sorted(old.keys() - new.keys())]
    for r in RECORDS:
        p = os.path.join(root, r)
        if r not in recs:
            out.append(('fail', f'records: {r}', f'not in {MANIFEST}; {HOW}'))
        elif not os.path.isfile(p):
            out.append(('fail', f'records: {r}', f'missing; {HOW}'))
        elif sha256(p) != recs[r]:
            out.append(('fail', f'records: {r}',
                        f'edited since make check-all wrote it (run {run}); {HOW}'))
        elif why:
            more = f' (and {len(why) - 3} more)' if len(why) > 3 else ''
            out.append(('fail', f'records: {r}',
                        f'stale: {"; ".join(why[:3])}{more} since make check-all wrote it '
                        f'(run {run}); {HOW}'))
        else:
            out.append(('ok', f'records: {r}',
                        f'matches its {len(new)} inputs (make check-all, run {run})'))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('command', choices=['snapshot', 'write', 'check'])
    ap.add_argument('root')
    ap.add_argument('file', nargs='?', help='snapshot: where to write the digests')
    ap.add_argument('--run-id', default='manual')
    ap.add_argument('--snapshot', help='write: the snapshot taken at the run\'s start')
    args = ap.parse_args()
    if args.command == 'snapshot':
        if not args.file:
            ap.error('snapshot needs FILE')
        snapshot(args.root, args.file)
        return 0
    if args.command == 'write':
        write(args.root, args.run_id, args.snapshot)
        return 0
    out = check(args.root)
    for res, name, reason in out:
        print(f'{res}\t{name}\t{reason}')
    return 1 if any(res == 'fail' for res, _, _ in out) else 0


if __name__ == '__main__':
    sys.exit(main())
