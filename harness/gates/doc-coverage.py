#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check that the project's API is documented completely.

Usage: doc-coverage.py --src C_FILE... --hdr HEADER...

Run from the top of the tree.  Checks, each failure printed as
"file:line: message":

  * every function exported from a C_FILE (EXPORT_SYMBOL*) and every static
    inline function or function-like macro of a HEADER has a kernel-doc
    comment right before it, named after it;
  * those comments of functions have a "Context:" section, and a "Return:"
    section unless the function returns void;
  * every errno the function's body returns literally (-EINVAL,
    ERR_PTR(-ENOMEM), ...) is named in its comment;
  * every exported function is declared in one of the HEADERs;
  * every struct, union and enum defined at the top level of a HEADER has a
    kernel-doc comment ("struct name - ...").

Prints "checked N findings M" last.
"""
import re
import sys

EXPORT = re.compile(r'^\s*EXPORT_SYMBOL(?:_NS)?(?:_GPL)?\s*\(\s*(\w+)', re.M)
ERRNO = re.compile(r'-\s*(E[A-Z0-9]+)\b')


def strip_comments_keep_lines(text):
    """Replace comments and string literals by blanks, keeping newlines."""
    def blank(m):
        return re.sub(r'[^\n]', ' ', m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', blank, text, flags=re.S)


def line_of(text, pos):
    return text.count('\n', 0, pos) + 1


def doc_before(text, pos):
    """The kernel-doc comment ending right before pos (only blank space
    between), as (start, body) or None."""
    head = text[:pos].rstrip()
    if not head.endswith('*/'):
        return None
    start = head.rfind('/**')
    if start < 0 or head.rfind('*/', 0, len(head) - 2) > start:
        return None
    return start, head[start:]


def sections(doc):
    found = set()
    for line in doc.splitlines():
        m = re.match(r'^\s*\*\s*(Context|Returns?|Return)\s*:', line)
        if m:
            found.add('Return' if m.group(1).startswith('Return') else 'Context')
    return found


def doc_names(doc, name):
    first = [l for l in doc.splitlines()[1:] if l.strip(' *\t')][:1]
    return bool(first) and re.match(r'^\s*\*\s*(?:struct\s+|union\s+|enum\s+)?%s(?:\(\))?\s*(?:-|:)'
                                    % re.escape(name), first[0]) is not None


def body_end(code, brace):
    depth = 0
    for i in range(brace, len(code)):
        if code[i] == '{':
            depth += 1
        elif code[i] == '}':
            depth -= 1
            if depth == 0:
                return i
    return len(code)


class Checker:
    def __init__(self):
        self.findings = 0
        self.checked = 0
        self.docs = {}		# function name -> its kernel-doc
        self.errnos = []	# (fname, text, pos, name, errno) to check at the end

    def report(self, fname, text, pos, msg):
        self.findings += 1
        print('%s:%d: %s' % (fname, line_of(text, pos), msg))

    def check_function(self, fname, text, code, name, defpos, rettype, body=None):
        """defpos: start of the definition (its first line)."""
        self.checked += 1
        d = doc_before(text, defpos)
        if not d or not doc_names(d[1], name):
            self.report(fname, text, defpos, '%s: no kernel-doc comment right before it' % name)
            return
        doc = d[1]
        self.docs[name] = doc
        secs = sections(doc)
        if 'Context' not in secs:
            self.report(fname, text, defpos, '%s: kernel-doc has no "Context:" section' % name)
        is_void = re.search(r'(^|\s)void$', rettype.strip()) is not None
        if not is_void and 'Return' not in secs:
            self.report(fname, text, defpos, '%s: kernel-doc has no "Return:" section' % name)
        if body:
            for m in ERRNO.finditer(code[body[0]:body[1]]):
                self.errnos.append((fname, text, body[0] + m.start(), name, m.group(1)))

    def check_errnos(self):
        """An errno counts as documented when the function's comment names
        it, or refers to another function ("see foo()") whose comment does."""
        for fname, text, pos, name, err in self.errnos:
            doc = self.docs[name]
            refs = [r for r in re.findall(r'\b(\w+)\(\)', doc) if r != name]
            if any(re.search(r'\b%s\b' % err, d) for d in [doc] + [self.docs.get(r, '') for r in refs]):
                continue
            self.report(fname, text, pos, '%s: returns -%s but its kernel-doc does not mention it' % (name, err))

    def check_c(self, fname, declared):
        text = open(fname, encoding='utf-8').read()
        code = strip_comments_keep_lines(text)
        for m in EXPORT.finditer(code):
            name = m.group(1)
            defs = list(re.finditer(r'^([A-Za-z_][^;{}()#]*?)\b%s\s*\(([^;{]*?)\)\s*\{'
                                    % re.escape(name), code[:m.start()], re.M | re.S))
            if not defs:
                self.report(fname, text, m.start(), '%s: exported, but its definition was not found' % name)
                continue
            d = defs[-1]
            brace = d.end() - 1
            self.check_function(fname, text, code, name, d.start(), d.group(1),
                                (brace, body_end(code, brace)))
            if name not in declared:
                self.report(fname, text, m.start(), '%s: exported but not declared in a public header' % name)

    def check_header(self, fname):
        text = open(fname, encoding='utf-8').read()
        code = strip_comments_keep_lines(text)
        declared = set(re.findall(r'\b(\w+)\s*\([^;{]*\)\s*;', code))
        # top-level aggregates
        depth = 0
        i = 0
        toplevel = []
        for m in re.finditer(r'[{}]|^(?:struct|union|enum)\s+(\w+)\s*\{', code, re.M):
            if m.group(0) == '}':
                depth -= 1
            elif m.group(0) == '{':
                depth += 1
            else:
                if depth == 0:
                    toplevel.append(m)
                depth += 1
        for m in toplevel:
            kind = m.group(0).split()[0]
            name = m.group(1)
            self.checked += 1
            d = doc_before(text, m.start())
            if not d or not re.search(r'^\s*\*\s*%s\s+%s\s*-' % (kind, re.escape(name)), d[1], re.M):
                self.report(fname, text, m.start(), '%s %s: no kernel-doc comment right before it'
                            % (kind, name))
        # static inline functions (outside #else stubs too: every one is API)
        for m in re.finditer(r'^static\s+inline\s+([^;{}()]*?)\b(\w+)\s*\(([^;{]*?)\)\s*\{',
                             code, re.M | re.S):
            brace = m.end() - 1
            self.check_function(fname, text, code, m.group(2), m.start(), m.group(1),
                                (brace, body_end(code, brace)))
        # function-like macros that are API (not include guards, not _private)
        for m in re.finditer(r'^#\s*define\s+([A-Za-z]\w*)\(', code, re.M):
            self.checked += 1
            d = doc_before(text, m.start())
            if not d or not doc_names(d[1], m.group(1)):
                self.report(fname, text, m.start(), '%s: no kernel-doc comment right before it' % m.group(1))
        return declared


def main():
    args = sys.argv[1:]
    srcs, hdrs, cur = [], [], None
    for a in args:
        if a == '--src':
            cur = srcs
        elif a == '--hdr':
            cur = hdrs
        elif cur is not None:
            cur.append(a)
        else:
            print(__doc__)
            return 2
    c = Checker()
    declared = set()
    for h in hdrs:
        declared |= c.check_header(h)
    for s in srcs:
        c.check_c(s, declared)
    c.check_errnos()
    print('checked %d findings %d' % (c.checked, c.findings))
    return 0


if __name__ == '__main__':
    sys.exit(main())
