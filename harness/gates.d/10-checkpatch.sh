#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: scripts/checkpatch.pl --strict on every kernel source file of the
# project (core, kunit/, public headers, Kconfig, Makefiles, and the
# out-of-tree benchmark module bench/), run from the tree so the paths and
# path-dependent rules are the kernel's.
# Exceptions, each with its reason: harness/gates/checkpatch-exceptions.txt.
# Incremental: checkpatch's output is cached per file content (and per
# checkpatch version), so only changed files are checked again.
# (All in a function: bash reads a script as it runs it, so editing a
# running gate would otherwise derail it.)
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
require_fresh_tree

cache=$GSTATE/checkpatch
mkdir -p "$cache"
tool=("$KSRC/scripts/checkpatch.pl" "$KSRC/scripts/spelling.txt" "$KSRC/scripts/const_structs.checkpatch")
files=("${OUR_C[@]}" "${OUR_HDRS[@]}" "${OUR_BUILD[@]}" "$PROJ"/bench/*.c)
toolsum=$(hash_of "${tool[@]}")
outs=() todo=()
for f in "${files[@]}"; do
	case "$f" in /*) src=$f ;; *) src=$KSRC/$f ;; esac
	key=$( { echo "$toolsum $f"; cat "$src"; } | sha256sum | cut -c1-32)
	outs+=("$cache/$key.out")
	[ -f "$cache/$key.out" ] || todo+=("$f:$cache/$key.out")
done
echo "checkpatch --strict: ${#files[@]} files, $(( ${#files[@]} - ${#todo[@]} )) unchanged since the last run"

# Check the changed files, JOBS at a time.
if [ ${#todo[@]} -gt 0 ]; then
	printf '%s\n' "${todo[@]}" | (cd "$KSRC" && xargs -P "$JOBS" -I{} sh -c '
		f=${1%%:*} out=${1#*:}
		scripts/checkpatch.pl --strict --show-types --no-summary -f "$f" >"$out.tmp" 2>&1
		mv "$out.tmp" "$out"' sh {})
fi

python3 "$GATES/checkpatch-filter.py" "$GATES/checkpatch-exceptions.txt" "${outs[@]}" >"$GSTATE/checkpatch.report"
grep -v '^findings ' "$GSTATE/checkpatch.report" || true
read -r _ n _ nf _ ne < <(grep '^findings ' "$GSTATE/checkpatch.report")
[ "$ne" -gt 0 ] && echo "$ne finding(s) excused by checkpatch-exceptions.txt"
gate_result checkpatch $(( ${#files[@]} - nf )) "$n"
}
main "$@"
exit $?
