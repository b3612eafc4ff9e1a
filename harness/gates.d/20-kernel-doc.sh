#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: kernel-doc.
#  1. scripts/kernel-doc -v -none on every project file that has kernel-doc
#     comments.  6.1's kernel-doc has no -Wall; -v turns on its extra
#     checks (missing "Return:" descriptions, missing short descriptions,
#     text before the first section).
#  2. harness/gates/doc-coverage.py: every exported function and every
#     inline function / macro of the public headers has kernel-doc with a
#     "Context:" section, a "Return:" section unless it returns void, and
#     names every errno its body returns; every public struct, union and
#     enum is documented.
# Takes well under a second; no cache needed.
# (All in a function: bash reads a script as it runs it, so editing a
# running gate would otherwise derail it.)
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
require_fresh_tree
cd "$KSRC"

findings=0 passed=0
for f in "${OUR_C[@]}" "${OUR_HDRS[@]}"; do
	grep -q '^/\*\*' "$f" || continue
	out=$(scripts/kernel-doc -v -none "$f" 2>&1 | grep -v -E ': info: |^[0-9]+ (warnings|errors)$' | grep -E 'warning|error' || true)
	if [ -n "$out" ]; then
		echo "$out"
		findings=$(( findings + $(printf '%s\n' "$out" | grep -c -E ': (warning|error)') ))
	else
		passed=$(( passed + 1 ))
	fi
done
echo "kernel-doc -v -none: $passed file(s) clean"

core=() hdrs=("${OUR_HDRS[@]}")
for f in "${OUR_C[@]}"; do
	case "$f" in
	drivers/dma-buf/kunit/*) ;;
	*.c) core+=("$f") ;;
	esac
done
python3 "$GATES/doc-coverage.py" --src "${core[@]}" --hdr "${hdrs[@]}" >"$GSTATE/doc-coverage.out"
grep -v '^checked ' "$GSTATE/doc-coverage.out" || true
read -r _ nchecked _ nfound < <(grep '^checked ' "$GSTATE/doc-coverage.out")
echo "doc coverage: $nchecked API items checked, $nfound finding(s)"
findings=$(( findings + nfound ))
passed=$(( passed + nchecked - nfound ))
[ "$passed" -lt 0 ] && passed=0
gate_result kernel-doc "$passed" "$findings"
}
main "$@"
exit $?
