#!/usr/bin/env python3
"""One source for the selftests: mainline's copy is canonical, 6.1's is
its backport.

The selftests are submitted to mainline first (upstream/, on 7.3).  The
stable series (patches/, on 6.1) carries the same files with a few lines
changed for 6.1's KVM selftest library, and those changes are kept as one
small diff, tests/selftests-6.1.diff.  This script reads the new files
that each series' patches add, so there is no third copy of any test:

  check        upstream/'s files + the diff must equal patches/' files
               (make check; exit 1 and the difference if they drifted)
  backport DIR write upstream/'s files + the diff into DIR, a 6.1 kernel
               tree (then amend the 6.1 selftest commits and make series)
  diff         rewrite tests/selftests-6.1.diff from the two series, after
               a deliberate change to the 6.1 side

Paths are the 6.1 ones in the diff: mainline's KVM selftests live in
kvm/arm64/, 6.1's in kvm/aarch64/.
"""
import difflib
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIFF = os.path.join(ROOT, 'tests', 'selftests-6.1.diff')
SELFTESTS = 'tools/testing/selftests/'
# the shared files, as 6.1 names them (under tools/testing/selftests/)
FILES = ['arm64/mte/check_tag_init_race.c', 'arm64/mte/check_tag_preservation.c',
         'arm64/mte/mte_tag_util.h',
         'arm64/mte/settings',
         'kvm/aarch64/mte_shared_memslot.c', 'kvm/aarch64/mte_tag_init.c']


def to_61(path):
    return path.replace('kvm/arm64/', 'kvm/aarch64/', 1)


def new_files(patchdir):
    """{6.1 path: text} of the shared files that patchdir's patches add."""
    out = {}
    with open(os.path.join(patchdir, 'series'), encoding='utf-8') as f:
        names = [n.strip() for n in f if n.strip() and not n.startswith('#')]
    for p in (os.path.join(patchdir, n) for n in names):
        cur, lines, new = None, [], False
        for line in open(p, encoding='utf-8').read().split('\n'):
            if line.startswith('diff --git '):
                if cur and new:
                    out[cur] = lines
                cur, lines, new = None, [], False
                b = line.split(' b/', 1)[1]
                if b.startswith(SELFTESTS) and to_61(b[len(SELFTESTS):]) in FILES:
                    cur = to_61(b[len(SELFTESTS):])
            elif cur is None:
                continue
            elif line.startswith('new file mode'):
                new = True
            elif line == '-- ' or line.startswith('-- \n'):
                break
            elif line.startswith('+') and not line.startswith('+++ '):
                lines.append(line[1:])
        if cur and new:
            out[cur] = lines
    return {k: '\n'.join(v) + '\n' for k, v in out.items()}


def backported(tmp):
    """Write mainline's files + the diff under tmp; return {path: text}."""
    ml = new_files(os.path.join(ROOT, 'upstream'))
    missing = [f for f in FILES if f not in ml]
    if missing:
        sys.exit(f'selftests-sync: upstream/ adds no {", ".join(missing)}')
    for f, text in ml.items():
        os.makedirs(os.path.dirname(os.path.join(tmp, f)), exist_ok=True)
        with open(os.path.join(tmp, f), 'w', encoding='utf-8') as fh:
            fh.write(text)
    r = subprocess.run(['patch', '-p1', '-s', '--no-backup-if-mismatch', '-d', tmp,
                        '-i', DIFF], capture_output=True, text=True)
    if r.returncode:
        sys.exit('selftests-sync: tests/selftests-6.1.diff does not apply to '
                 f'upstream/\'s selftests:\n{r.stdout}{r.stderr}')
    return {f: open(os.path.join(tmp, f), encoding='utf-8').read() for f in FILES}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'check'
    if mode == 'diff':
        ml = new_files(os.path.join(ROOT, 'upstream'))
        st = new_files(os.path.join(ROOT, 'patches'))
        with open(DIFF, 'w', encoding='utf-8') as fh:
            for f in FILES:
                fh.writelines(difflib.unified_diff(
                    ml[f].splitlines(True), st[f].splitlines(True),
                    'a/' + f, 'b/' + f))
        print(f'wrote {os.path.relpath(DIFF, ROOT)}')
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        want = backported(tmp)
        if mode == 'backport':
            dest = sys.argv[2]
            for f, text in want.items():
                with open(os.path.join(dest, SELFTESTS, f), 'w', encoding='utf-8') as fh:
                    fh.write(text)
            print(f'wrote {len(want)} files under {dest}/{SELFTESTS}')
            return 0
        have = new_files(os.path.join(ROOT, 'patches'))
        bad = 0
        for f in FILES:
            if have.get(f) == want[f]:
                continue
            bad += 1
            print(f'selftests drift: {f}: patches/ differs from upstream/ + '
                  'tests/selftests-6.1.diff')
            sys.stdout.writelines(list(difflib.unified_diff(
                want[f].splitlines(True), have.get(f, '').splitlines(True),
                'upstream+diff/' + f, 'patches/' + f))[:40])
        n = sum(1 for line in open(DIFF, encoding='utf-8') if line[:1] in '+-'
                and not line.startswith(('+++', '---')))
        if not bad:
            print(f'{len(FILES)} selftest files: patches/ = upstream/ + '
                  f'tests/selftests-6.1.diff ({n} changed lines)')
        return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
