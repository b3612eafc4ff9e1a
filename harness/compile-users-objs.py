#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Decide which dma-buf users a kernel config builds (for compile-users.sh).

Usage: compile-users-objs.py KSRC CONFIG OBJ...

kbuild compiles any single object it is asked for ("make dir/file.o"),
even one whose driver the config leaves out, and then with the wrong
flags.  So before asking, walk the kbuild Makefiles the way kbuild does:
an object is built when a line of the nearest Makefile above it names it
in obj-$(CONFIG_X) (X set) or obj-y, or in <composite>-$(CONFIG_X)/-y/-objs
of a composite object that is itself built, and its directory is reached
from a parent Makefile the same way.  Conditional blocks (ifdef) are not
evaluated; names in Makefile variables are not expanded, except for the
ALIASES below.

Prints one line per object: "build <target>" or "skip <object> <reason>".
"""
import os
import re
import sys

# Directories whose objects another directory's Makefile builds through a
# variable: path prefix -> (prefix to build them under, option needed, the
# directory whose Makefile builds them).
ALIASES = {
    "drivers/gpu/drm/amd/amdkfd/": ("drivers/gpu/drm/amd/amdgpu/../amdkfd/", "HSA_AMD",
                                    "drivers/gpu/drm/amd/amdgpu"),
}
# Top-level directories and the option that makes the top Makefile enter them.
ROOTS = {"drivers": None, "samples": "SAMPLES", "sound": "SOUND", "net": "NET",
         "fs": None, "kernel": None, "mm": None, "lib": None, "virt": None,
         "arch": None, "block": None, "security": None, "crypto": "CRYPTO"}

ksrc, config_path, objs = sys.argv[1], sys.argv[2], sys.argv[3:]
config = {}
with open(config_path) as f:
    for line in f:
        m = re.match(r"^CONFIG_(\w+)=(.*)$", line.strip())
        if m:
            config[m.group(1)] = m.group(2)


def on(sym):
    return config.get(sym) in ("y", "m")


_mk_cache = {}


def read_kbuild(path, d, depth=0):
    """Logical lines of a kbuild file, with "include $(src)/..." inlined."""
    lines = []
    with open(path, errors="replace") as f:
        text = f.read().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        m = re.match(r"^\s*-?include\s+\$\((src|srctree)\)/(\S+)\s*$", line)
        if m and depth < 3:
            inc = m.group(2) if m.group(1) == "srctree" else os.path.join(d, m.group(2))
            inc = os.path.join(ksrc, inc)
            if os.path.isfile(inc):
                lines += read_kbuild(inc, d, depth + 1)
            continue
        lines.append(line)
    return lines


def assignments(d):
    """(lhs, rhs words) of every assignment in directory d's kbuild file."""
    if d in _mk_cache:
        return _mk_cache[d]
    res = []
    for name in ("Kbuild", "Makefile"):
        p = os.path.join(ksrc, d, name)
        if os.path.isfile(p):
            for line in read_kbuild(p, d):
                m = re.match(r"^\s*([\w\-$()]+)\s*(\+=|:=|\?=|=)\s*(.*)$", line)
                if m:
                    res.append((m.group(1), m.group(3).split()))
            break
    _mk_cache[d] = res
    return res


def has_kbuild(d):
    return any(os.path.isfile(os.path.join(ksrc, d, n)) for n in ("Kbuild", "Makefile"))


def lhs_ok(lhs):
    """(condition holds, composite name or None) for an assignment's left side;
    a plain variable (FILES := ...) gives (True, "$(FILES)")."""
    if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", lhs) and not re.match(r"^(obj|subdir)-", lhs):
        return True, "$(%s)" % lhs
    m = re.match(r"^(.*)-(\$\(CONFIG_(\w+)\)|y|m|objs)$", lhs)
    if not m:
        return False, None
    cond = m.group(3) is None or on(m.group(3))
    prefix = m.group(1)
    return cond, (None if prefix in ("obj", "subdir") else prefix)


def named_in(d, word, seen):
    """Is 'word' (a path relative to d) built by d's Makefile?"""
    for lhs, words in assignments(d):
        if word not in words:
            continue
        cond, composite = lhs_ok(lhs)
        if not cond:
            continue
        if composite is None:
            if dir_reached(d, seen):
                return True
        elif composite.startswith("$("):
            if named_in(d, composite, seen):
                return True
        elif obj_reached(os.path.join(d, composite + ".o"), seen):
            return True
        elif any(named_in(d, "$(%s-%s)" % (composite, suffix), seen)
                 for suffix in ("y", "objs")):
            # a list variable (gem-y) spliced into another one (i915-y)
            return True
    return False


def owners(path):
    """Directories at or above dirname(path) with a kbuild file, nearest first."""
    d = os.path.dirname(path)
    while d:
        if has_kbuild(d):
            yield d
        d = os.path.dirname(d)


def obj_reached(obj, seen=None):
    seen = set() if seen is None else seen
    if obj in seen:
        return False
    seen.add(obj)
    # the nearest kbuild file usually names it; a subdirectory's file that
    # a parent includes (i915/gvt) is named relative to that parent
    return any(named_in(d, os.path.relpath(obj, d), seen) for d in owners(obj))


def dir_reached(d, seen):
    if "/" not in d:
        return d in ROOTS and (ROOTS[d] is None or on(ROOTS[d]))
    key = d + "/"
    if key in seen:
        return False
    seen.add(key)
    return any(named_in(p, os.path.relpath(d, p) + "/", seen) for p in owners(d))


for obj in objs:
    target, need = obj, None
    for prefix, (alias, sym, host) in ALIASES.items():
        if obj.startswith(prefix):
            target, need = alias + obj[len(prefix):], sym
            ok = on(sym) and dir_reached(host, set())
            break
    else:
        ok = obj_reached(obj)
    if ok:
        print("build", target)
    else:
        print("skip", obj, "CONFIG_" + need if need else "not in this config")
