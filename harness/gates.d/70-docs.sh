#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: the project's Documentation/ renders without warnings.
#
# `make htmldocs` builds all ~3000 pages of the kernel's documentation (tens
# of minutes on two cores), `make SPHINXDIRS=driver-api htmldocs` still
# several hundred.  The gate renders only our pages, with the same tools:
# sphinx-build with the kernel's own Documentation/conf.py and extensions
# (kerneldoc, kernel_abi, automarkup, ...), over a small source directory
# holding
#   driver-api/dma-buf.rst   (our page, as is, from the tree)
#   sysfs-abi.rst            (our ABI file through the kernel-abi directive,
#                             as Documentation/admin-guide/abi-testing.rst
#                             renders it in the full build)
# and counts the warnings located in our files: the rst, the ABI file and
# the C sources/headers whose kernel-doc the page pulls in.  Besides:
#  - every `.. kernel-doc::` directive of the page is run on its own
#    (harness/gates/kernel-doc-directives.py): one that renders nothing is
#    a finding, which Sphinx would not report;
#  - scripts/get_abi.pl validate on the ABI file.
# Result cached by the content of every input; Sphinx itself needs ~10 s.
# (All in a function: bash reads a script as it runs it, so editing a
# running gate would otherwise derail it.)
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
require_fresh_tree
command -v sphinx-build >/dev/null || apt_install python3-sphinx
command -v sphinx-build >/dev/null || { echo "error: sphinx-build is missing"; gate_result docs 0 1; exit 1; }

D=$GSTATE/docs
mkdir -p "$D"
rsts=() abis=()
while read -r f; do
	if [ ! -f "$KSRC/$f" ]; then
		echo "note: $f is new since the tree was made (not judged)"
		continue
	fi
	case "$f" in
	*.rst) rsts+=("$f") ;;
	Documentation/ABI/*) abis+=("$f") ;;
	esac
done < <(cd "$PROJ" && find Documentation -type f ! -name '*~' | sort)
if [ ${#rsts[@]} -eq 0 ] && [ ${#abis[@]} -eq 0 ]; then
	echo "no Documentation/ in the project"
	gate_result docs 0 1
	exit 1
fi
for f in "${rsts[@]}" "${abis[@]}"; do
	cmp -s "$PROJ/$f" "$KSRC/$f" || echo "note: $f changed since the tree was made (judging the tree's copy)"
done

# The sources the pages pull kernel-doc from.
mapfile -t used < <(cd "$KSRC" && sed -n 's/^\.\.[[:space:]]*kernel-doc::[[:space:]]*//p' "${rsts[@]}" | sort -u)

key=$( {
	sphinx-build --version
	cat "${BASH_SOURCE[0]}" "$GATES/kernel-doc-directives.py"
	cd "$KSRC"
	hash_of "${rsts[@]}" "${abis[@]}" "${used[@]}" Documentation/conf.py scripts/kernel-doc \
		scripts/get_abi.pl $(find Documentation/sphinx -name '*.py' | sort)
} | sha256sum | cut -c1-32)

if [ "$(cat "$D/key" 2>/dev/null)" = "$key" ] && [ -f "$D/sphinx.out" ] && [ -f "$D/directives.out" ]; then
	echo "docs: inputs unchanged since the last run, reusing its result"
else
	python3 "$GATES/kernel-doc-directives.py" "$KSRC" "${rsts[@]}" --ours "${OUR_C[@]}" >"$D/directives.out"
	rm -rf "$D/src" "$D/out" "$D/doctrees" "$D/key"
	mkdir -p "$D/src"
	# get_abi.pl skips every path with a "/." in it (~/.cache...), so the
	# ABI tree lives in /tmp.
	abi=$(mktemp -d /tmp/dmabuf-gate-abi.XXXXXX)
	trap 'rm -rf "$abi"' EXIT
	# The source directory: our pages at their places (symlinks, so Sphinx
	# names them by their path), an index, and the ABI page.
	{
		echo "Project documentation"
		echo "====================="
		echo
		echo ".. toctree::"
		echo
	} >"$D/src/index.rst"
	for f in "${rsts[@]}"; do
		rel=${f#Documentation/}
		mkdir -p "$D/src/$(dirname "$rel")"
		ln -s "$KSRC/$f" "$D/src/$rel"
		echo "   ${rel%.rst}" >>"$D/src/index.rst"
	done
	if [ ${#abis[@]} -gt 0 ]; then
		# kernel-abi reads a directory under $srctree/Documentation: a
		# tree of symlinks with only our ABI files in it.
		ln -s "$KSRC/scripts" "$abi/scripts"
		for f in "${abis[@]}"; do
			mkdir -p "$abi/$(dirname "$f")"
			cp "$KSRC/$f" "$abi/$f"
		done
		printf '%s\n' "Sysfs ABI" "=========" "" ".. kernel-abi:: ABI" >"$D/src/sysfs-abi.rst"
		echo "   sysfs-abi" >>"$D/src/index.rst"
	fi
	t0=$(date +%s)
	rc=0
	(cd "$KSRC" && srctree=$abi PYTHONDONTWRITEBYTECODE=1 \
		sphinx-build -b html -E -q -c "$KSRC/Documentation" \
		-D kerneldoc_srctree="$KSRC" -D kerneldoc_bin="$KSRC/scripts/kernel-doc" \
		-d "$D/doctrees" -w "$D/warnings.log" "$D/src" "$D/out") >"$D/sphinx.log" 2>&1 || rc=$?
	echo "sphinx-build: $(( $(date +%s) - t0 ))s, exit status $rc"
	# Name every file by its tree path.
	{
		# kernel-doc's own warnings (lower case "warning:") are reported
		# by the directive check above, with the directive's place.
		cat "$D/warnings.log" "$D/sphinx.log" 2>/dev/null | grep -v ': warning: ' || true
		[ $rc = 0 ] || echo "sphinx-build: ERROR: failed with exit status $rc"
		if [ ${#abis[@]} -gt 0 ]; then
			(cd "$abi" && scripts/get_abi.pl validate --dir "$abi/Documentation/ABI" 2>&1) ||
				echo "get_abi.pl: ERROR: validate failed"
		fi
	} | sed -e "s|$D/src/|Documentation/|g" -e "s|$abi/||g" -e "s|$KSRC/||g" |
		# "PAGE:LINE: SOURCE:LINE: msg" (kernel-doc text) -> "SOURCE:LINE: msg"
		sed -E 's#^[^ :]+:[0-9]+: ([^ :]+:[0-9]+: )#\1#' |
		grep -E 'WARNING|ERROR|SEVERE|CRITICAL|warning:|error:' | sort -u >"$D/sphinx.out" || true
	echo "$key" >"$D/key"
fi

# Ours: located in our rst/ABI files or in our sources; everything else
# (the tree's own fence/reservation kernel-doc, missing graphviz) is shown
# but not counted.
# (Sphinx names a page "Documentation/x/y:LINE:" or "Documentation/x/y.rst:LINE:".)
ours_re="^($(printf '%s|' "${rsts[@]}" "${rsts[@]%.rst}" "${abis[@]}" "${OUR_C[@]}" "${OUR_HDRS[@]}" |
	sed 's/\./\\./g; s/|$//'))(:|[[:space:]])"
findings=0
grep -v -E '^(uses |directives )' "$D/directives.out" || true
read -r _ ndir _ nfd < <(grep '^directives ' "$D/directives.out")
findings=$(( findings + nfd ))
mine=$(grep -E "$ours_re|^sphinx-build: ERROR|^get_abi.pl: ERROR" "$D/sphinx.out" || true)
other=$(grep -v -E "$ours_re|^sphinx-build: ERROR|^get_abi.pl: ERROR" "$D/sphinx.out" || true)
if [ -n "$mine" ]; then
	echo "$mine"
	findings=$(( findings + $(printf '%s\n' "$mine" | grep -c .) ))
fi
if [ -n "$other" ]; then
	echo "not counted (outside our files):"
	printf '%s\n' "$other" | sed 's/^/    /'
fi
echo "html: $D/out/index.html"
pages=$(( ${#rsts[@]} + ${#abis[@]} ))
passed=$(( ndir + pages - findings ))
[ "$passed" -lt 0 ] && passed=0
gate_result docs "$passed" "$findings"
}
main "$@"
exit $?
