#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: coccicheck (every semantic patch of scripts/coccinelle, MODE=report)
# on the project's C files and headers.
#
# `make coccicheck MODE=report M=drivers/dma-buf` also checks the tree's own
# fence, reservation, sync_file and heap code, which is not ours (and takes
# ~4 minutes on two cores).  So the gate runs the same make target with M=
# a mirror directory holding copies of only our files, laid out as in the
# tree (the includes still resolve to the tree), and only of the files that
# changed since the last run: each file's report is cached by its content,
# the content of the headers it includes from the project and of the public
# headers, the semantic patches and the spatch version.
# (All in a function: bash reads a script as it runs it, so editing a
# running gate would otherwise derail it.)
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
require_fresh_tree
command -v spatch >/dev/null || apt_install coccinelle

cache=$GSTATE/cocci
mirror=$GSTATE/cocci-src
mkdir -p "$cache"
files=("${OUR_C[@]}" "${OUR_HDRS[@]}")
# deps FILE: FILE's own quoted includes, recursively, and the public
# headers: what its report may depend on besides its own text.
deps() {
	local todo=("$1") seen=" " f line inc re='^#include "([^"]+)"'
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]} todo=("${todo[@]:1}")
		while IFS= read -r line; do
			[[ $line =~ $re ]] || continue
			inc=$(dirname "$f")/${BASH_REMATCH[1]}
			inc=${inc//\/.\//\/}
			while [[ $inc =~ ^(.*/)?[^/.][^/]*/\.\./(.*)$ ]]; do
				inc=${BASH_REMATCH[1]}${BASH_REMATCH[2]}
			done
			case "$seen" in *" $inc "*) continue ;; esac
			[ -f "$KSRC/$inc" ] || continue
			seen+="$inc "
			todo+=("$inc")
		done <"$KSRC/$f"
	done
	printf '%s\n' $seen "${OUR_HDRS[@]}" | sort -u
}
toolsum=$( { spatch --version | head -n1; cd "$KSRC" && find scripts/coccinelle -name '*.cocci' -type f | sort |
	xargs cat; cat scripts/coccicheck; } | sha256sum | cut -c1-32)

rm -rf "$mirror"
outs=() todo=()
for f in "${files[@]}"; do
	key=$( { echo "$toolsum $f"; cd "$KSRC" && hash_of "$f" $(deps "$f"); } | sha256sum | cut -c1-32)
	outs+=("$cache/$key.out")
	if [ ! -f "$cache/$key.out" ]; then
		todo+=("$f=$cache/$key.out")
		mkdir -p "$mirror/$(dirname "$f")"
		cp "$KSRC/$f" "$mirror/$f"
	fi
done
# The C files' local headers, for the semantic patches that parse includes
# (their own reports are only taken when they changed).
if [ ${#todo[@]} -gt 0 ]; then
	for f in "${files[@]}"; do
		case "$f" in
		drivers/*.h) mkdir -p "$mirror/$(dirname "$f")"; cp -n "$KSRC/$f" "$mirror/$f" ;;
		esac
	done
fi
echo "coccicheck: ${#files[@]} files, $(( ${#files[@]} - ${#todo[@]} )) unchanged since the last run"

if [ ${#todo[@]} -gt 0 ]; then
	# Any prepared build directory gives the generated headers; the test
	# kernel's is there after `make vm-kernel`.
	objdir=$BUILD_X86
	[ -f "$objdir/include/generated/autoconf.h" ] || { objdir=$GSTATE/cocci-obj; mkdir -p "$objdir"; }
	log=$GSTATE/cocci.log
	t0=$(date +%s)
	rc=0
	locked make -C "$KSRC" O="$objdir" coccicheck MODE=report M="$mirror" J="$JOBS" >"$log" 2>&1 || rc=$?
	echo "spatch over ${#todo[@]} file(s): $(since "$t0")"
	if [ $rc != 0 ] || grep -q '^coccicheck failed' "$log"; then
		tail -n 20 "$log"
		echo "error: make coccicheck failed (log: $log)"
		gate_result coccicheck 0 1 || exit 1
	fi
	for t in "${todo[@]}"; do
		f=${t%%=*} out=${t#*=}
		grep -F "$mirror/$f:" "$log" | sed "s|^$mirror/||" | sort -u >"$out.tmp" || true
		mv "$out.tmp" "$out"
	done
fi

findings=0 passed=0
for o in "${outs[@]}"; do
	n=$(grep -c . "$o" || true)
	if [ "$n" -gt 0 ]; then
		cat "$o"
		findings=$(( findings + n ))
	else
		passed=$(( passed + 1 ))
	fi
done
gate_result coccicheck "$passed" "$findings"
}
main "$@"
exit $?
