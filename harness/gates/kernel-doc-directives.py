#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run every `.. kernel-doc::` directive of reStructuredText files the way
the kernel's Sphinx extension (Documentation/sphinx/kerneldoc.py) does, and
report the ones that render nothing or make kernel-doc warn.

Usage: kernel-doc-directives.py KSRC RST... [--ours FILE...]
(paths relative to KSRC)

Every function exported by one of the --ours files that a directive reads
must be rendered by some directive.

A directive that renders nothing is a silent hole in the built documents:
Sphinx does not warn about it.  (With 6.1's kernel-doc, ":export:" only sees
EXPORT_SYMBOL() and EXPORT_SYMBOL_GPL(), not the EXPORT_SYMBOL_NS*() forms.)

Prints "rst:line: message" per finding and, last, "directives N findings M".
Also prints "uses PATH" lines: the source files the directives read.
"""
import os
import re
import subprocess
import sys

DIRECTIVE = re.compile(r'^\.\.\s+kernel-doc::\s*(\S+)\s*$')
OPTION = re.compile(r'^\s+:([\w-]+):\s*(.*)$')


def directives(rst_path):
    with open(rst_path, encoding='utf-8') as fh:
        lines = fh.read().splitlines()
    i = 0
    while i < len(lines):
        m = DIRECTIVE.match(lines[i])
        if not m:
            i += 1
            continue
        start, opts = i + 1, {}
        i += 1
        while i < len(lines) and OPTION.match(lines[i]):
            o = OPTION.match(lines[i])
            name, value = o.group(1), o.group(2).strip()
            i += 1
            # a value may go on over more-indented lines
            while (i < len(lines) and lines[i].strip() and lines[i][0] in ' \t'
                   and not OPTION.match(lines[i])):
                value += ' ' + lines[i].strip()
                i += 1
            opts[name] = value
        yield start, m.group(1), opts


def command(ksrc, src, opts):
    """The kernel-doc command line kerneldoc.py would run."""
    cmd = [os.path.join(ksrc, 'scripts/kernel-doc'), '-rst', '-enable-lineno']
    if 'functions' in opts:
        opts = dict(opts, identifiers=opts['functions'])
    patterns = []
    if 'export' in opts:
        cmd.append('-export')
        patterns = opts['export'].split()
    elif 'internal' in opts:
        cmd.append('-internal')
        patterns = opts['internal'].split()
    elif 'doc' in opts:
        cmd += ['-function', opts['doc']]
    elif 'identifiers' in opts:
        ids = opts['identifiers'].split()
        for i in ids:
            cmd += ['-function', i]
        if not ids:
            cmd.append('-no-doc-sections')
    for i in opts.get('no-identifiers', '').split():
        cmd += ['-nosymbol', i]
    for p in patterns:
        cmd += ['-export-file', os.path.join(ksrc, p)]
    cmd.append(os.path.join(ksrc, src))
    return cmd


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    ksrc = sys.argv[1]
    rsts, ours = sys.argv[2:], set()
    if '--ours' in rsts:
        i = rsts.index('--ours')
        rsts, ours = rsts[:i], set(rsts[i + 1:])
    n = findings = 0
    rendered = set()	# names of the functions some directive renders
    sources = {}	# source file -> first directive that reads it
    for rst in rsts:
        for line, src, opts in directives(os.path.join(ksrc, rst)):
            n += 1
            where = '%s:%d' % (rst, line)
            desc = '%s %s' % (src, ' '.join(':%s: %s' % kv for kv in opts.items()).strip())
            print('uses %s' % src)
            if not os.path.isfile(os.path.join(ksrc, src)):
                findings += 1
                print('%s: kernel-doc directive names a missing file: %s' % (where, src))
                continue
            p = subprocess.run(command(ksrc, src, opts), capture_output=True, text=True)
            sources.setdefault(src, where)
            rendered.update(re.findall(r'^\.\. c:function:: .*?\b(\w+)\s*\(', p.stdout, re.M))
            body = [l for l in p.stdout.splitlines() if l.strip() and not l.startswith('.. LINENO')]
            for w in p.stderr.splitlines():
                if not body and ('no structured comments found' in w or "' not found" in w):
                    continue	# reported below as "renders nothing"
                if w.strip():
                    # kernel-doc names the C file; keep it, say which directive
                    print('%s: (%s) %s' % (where, desc, w.replace(ksrc + '/', '')))
                    findings += 1
            if p.returncode != 0 and not p.stderr.strip():
                findings += 1
                print('%s: kernel-doc failed (%d) for %s' % (where, p.returncode, desc))
            names = opts.get('functions', opts.get('identifiers', '')).split()
            if body and len(names) > 1:
                for name in names:
                    if not re.search(r'^\.\. c:\w+:: .*\b%s\b' % re.escape(name), p.stdout, re.M):
                        findings += 1
                        print('%s: kernel-doc directive asks for %s, which %s does not document'
                              % (where, name, src))
            if not body:
                findings += 1
                hint = ''
                if 'export' in opts:
                    hint = ('; 6.1 kernel-doc\'s :export: does not see EXPORT_SYMBOL_NS*(),'
                            ' list the functions with :functions: instead')
                print('%s: kernel-doc directive renders nothing: %s%s' % (where, desc, hint))
    # Every function a source exports must be rendered by some directive.
    for src, where in sorted(sources.items()):
        if not src.endswith('.c') or src not in ours:
            continue
        with open(os.path.join(ksrc, src), encoding='utf-8') as fh:
            exported = re.findall(r'^\s*EXPORT_SYMBOL\w*\s*\(\s*(\w+)', fh.read(), re.M)
        for name in exported:
            if name not in rendered:
                findings += 1
                print('%s: %s exports %s, but no kernel-doc directive renders it' % (where, src, name))
    print('directives %d findings %d' % (n, findings))
    return 0


if __name__ == '__main__':
    sys.exit(main())
