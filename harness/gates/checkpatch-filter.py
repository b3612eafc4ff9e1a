#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Apply the justified exceptions to checkpatch.pl output and count the rest.

Usage: checkpatch-filter.py [--partial] EXCEPTIONS OUTPUT...

Each OUTPUT is what `checkpatch.pl --strict --show-types -f FILE` printed
for one file.  A finding is a block

    WARNING:TYPE: message
    #12: FILE: path:12:
    +the flagged source line(s)

EXCEPTIONS holds one exception a line:

    path | TYPE | text of the flagged line | reason

(`#` starts a comment line).  A finding is excused when path (or the end
of an absolute one) and TYPE are equal and the text occurs in one of its flagged lines.  Every exception
needs a reason, and one that excuses nothing is reported as stale, so the
list cannot outlive the code it describes.

Prints every remaining finding and every stale or malformed exception, then
one line "findings N files-with-findings M excused K" and exits 0.  With
--partial (the output of one patch of a series, which holds part of the
files) an exception that matches nothing is not stale.
"""
import re
import sys

HEAD = re.compile(r'^(ERROR|WARNING|CHECK):([A-Z0-9_]+): (.*)$')
WHERE = re.compile(r'^#\d+: FILE: (\S+?):(\d+):')


def load_exceptions(path):
    excs, bad = [], []
    with open(path, encoding='utf-8') as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            parts = [p.strip() for p in line.split(' | ')]
            if len(parts) != 4 or not all(parts):
                bad.append('%s:%d: malformed exception (want "path | TYPE | text | reason"): %s'
                           % (path, n, line))
                continue
            excs.append({'file': parts[0], 'type': parts[1], 'text': parts[2],
                         'reason': parts[3], 'where': '%s:%d' % (path, n), 'used': 0})
    return excs, bad


def findings(text):
    """Yield (level, type, message, file, line, flagged_lines, block)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = HEAD.match(lines[i])
        if not m:
            i += 1
            continue
        block = [lines[i]]
        level, typ, msg = m.groups()
        fname, lno, flagged = '?', 0, []
        i += 1
        while i < len(lines) and lines[i].strip() and not HEAD.match(lines[i]):
            block.append(lines[i])
            w = WHERE.match(lines[i])
            if w:
                fname, lno = w.group(1), int(w.group(2))
            elif lines[i].startswith('+'):
                flagged.append(lines[i][1:])
            i += 1
        yield level, typ, msg, fname, lno, flagged, block


def main():
    args = sys.argv[1:]
    partial = bool(args) and args[0] == '--partial'
    if partial:
        args = args[1:]
    if not args:
        print(__doc__)
        return 2
    excs, bad = load_exceptions(args[0]) if args[0] != '-' else ([], [])
    count = excused = 0
    files = set()
    for out in args[1:]:
        with open(out, encoding='utf-8', errors='replace') as fh:
            text = fh.read()
        for level, typ, msg, fname, lno, flagged, block in findings(text):
            # (files outside the tree, bench/, are checked by absolute path)
            exc = next((e for e in excs
                        if (e['file'] == fname or fname.endswith('/' + e['file']))
                        and e['type'] == typ
                        and any(e['text'] in f for f in flagged)), None)
            if exc:
                exc['used'] += 1
                excused += 1
                print('excused %s:%d: %s:%s (%s)' % (fname, lno, level, typ, exc['reason']))
                continue
            count += 1
            files.add(fname)
            print('%s:%d: %s:%s: %s' % (fname, lno, level, typ, msg))
            for b in block[1:]:
                print('    ' + b)
    for e in excs:
        if not e['used'] and not partial:
            count += 1
            print('%s: stale exception, nothing matches it: %s | %s | %s'
                  % (e['where'], e['file'], e['type'], e['text']))
    for b in bad:
        count += 1
        print(b)
    print('findings %d files-with-findings %d excused %d' % (count, len(files), excused))
    return 0


if __name__ == '__main__':
    sys.exit(main())
