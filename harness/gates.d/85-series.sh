#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: the patch series of `make format-patch` (harness/format-patch.sh)
# applies with `git am` to a clean copy of the tree's original files, each
# patch builds drivers/dma-buf/ warning-free (the x86_64 test kernel's
# .config, ccache, only what the patch changed), each patch is clean under
# checkpatch.pl --strict, and each has a subject of at most 75 characters,
# a body and a Signed-off-by.
#
# checkpatch asks "does MAINTAINERS need updating?" of a patch that adds
# files.  The gate answers it: when every new file falls under an F:
# pattern of the DMA BUFFER SHARING FRAMEWORK entry of the tree the patch
# applies to, the question is answered (and said so); otherwise it is a
# finding like any other.
# (All in a function: bash reads a script as it runs it, so editing a
# running gate would otherwise derail it.)
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
require_fresh_tree

S=$GSTATE/series
origin=$(cat "$WORK/src.origin")
patches=$S/patches repo=$S/repo src=$S/src B=$S/build
mkdir -p "$S"

# The series, signed off by the user's identity if there is one.
id=()
git -C "$PROJ" config user.email >/dev/null 2>&1 ||
	id=(GIT_AUTHOR_NAME="dma-buf series gate" GIT_AUTHOR_EMAIL="series-gate@example.org")
env "${id[@]}" KDIR="$origin" PATCH_DIR="$patches" bash "$PROJ/harness/format-patch.sh" >"$S/format-patch.log" 2>&1 ||
	{ cat "$S/format-patch.log"; gate_result series 0 1; return; }
mapfile -t series < <(ls "$patches"/000[1-9]-*.patch "$patches"/00[1-9][0-9]-*.patch 2>/dev/null)
echo "series: ${#series[@]} patches against $origin"

# An unchanged series against an unchanged tree and config passed already.
key=$(hash_of "${series[@]}" "$BUILD_X86/.config" "$origin/Makefile" "$0" \
	      "$KSRC/scripts/checkpatch.pl" "$KSRC/scripts/spelling.txt")
if [ "$(cat "$S/passed" 2>/dev/null)" = "$key" ]; then
	cat "$S/report"
	gate_result series "$(grep -c '^ok ' "$S/report")" 0
	return
fi

pass=0 fail=0
: >"$S/report"
say() { echo "$*" | tee -a "$S/report"; }

# A repository of the clean files the series touches, and a hardlink copy
# of the whole tree to build in (kept between runs: only files a patch
# changes get new timestamps).
rm -rf "$repo"
git init -q "$repo"
files=$(cat "${series[@]}" | sed -n 's#^diff --git a/\([^ ]*\) b/.*#\1#p' | sort -u)
for f in $files MAINTAINERS; do
	[ -f "$origin/$f" ] || continue
	mkdir -p "$(dirname "$repo/$f")"; cp "$origin/$f" "$repo/$f"
done
git -C "$repo" config user.name "series gate"
git -C "$repo" config user.email series-gate@example.org
git -C "$repo" add -A -f
git -C "$repo" commit -q -m base
if [ ! -f "$src/Makefile" ] || [ "$(cat "$S/src.origin" 2>/dev/null)" != "$origin" ]; then
	rm -rf "$src"; mkdir -p "$src"
	for e in "$origin"/* "$origin"/.[!.]*; do
		[ -e "$e" ] && [ "$(basename "$e")" != .git ] && cp -al "$e" "$src/"
	done
	echo "$origin" >"$S/src.origin"
fi
# sync_src: make the build copy's touched files the repository's.
sync_src() {
	local f
	for f in $files; do
		if [ -f "$repo/$f" ]; then
			cmp -s "$repo/$f" "$src/$f" && continue
			mkdir -p "$(dirname "$src/$f")"; rm -f "$src/$f"; cp "$repo/$f" "$src/$f"
		elif [ -e "$src/$f" ]; then
			rm -f "$src/$f"
		fi
	done
}
build() {
	mkdir -p "$B"
	cp "$BUILD_X86/.config" "$B/.config"
	make -C "$src" O="$B" ARCH=x86_64 CC="$KCC" HOSTCC="$KCC" olddefconfig >/dev/null &&
	make -C "$src" O="$B" ARCH=x86_64 CC="$KCC" HOSTCC="$KCC" -j"$JOBS" drivers/dma-buf/
}

i=0
for p in "${series[@]}"; do
	i=$((i + 1))
	problems=()

	# The message: subject length (as git am will read it back: the
	# header unfolded), a body, a sign-off.
	subj=$(awk '/^Subject: /{s=$0; while ((getline l) > 0 && l ~ /^ /) s = s l; print s; exit}' "$p" |
		sed 's/^Subject: \[PATCH [0-9]*\/[0-9]*\] //')
	[ ${#subj} -le 75 ] || problems+=("subject of ${#subj} characters")
	body=$(awk '/^$/ && !b { b = 1; next } b && /^Signed-off-by:/ { exit } b' "$p" | grep -c . || true)
	[ "$body" -gt 0 ] || problems+=("no body")
	grep -q '^Signed-off-by: ' "$p" || problems+=("no Signed-off-by")

	# Applies?
	if ! git -C "$repo" am -q "$p" >"$S/am.log" 2>&1; then
		problems+=("git am failed: $(head -n 3 "$S/am.log" | tr '\n' ' ')")
		git -C "$repo" am --abort >/dev/null 2>&1 || true
		say "not ok $i $subj"; printf '    %s\n' "${problems[@]}" | tee -a "$S/report"
		fail=$((fail + 1 + ${#series[@]} - i))
		break
	fi

	# Builds, warning-free?
	sync_src
	log=$S/build-$i.log t0=$(date +%s) rc=0
	locked build >"$log" 2>&1 || rc=$?
	[ $rc = 0 ] || problems+=("drivers/dma-buf/ does not build: $(grep -a -m1 -E 'error' "$log" || tail -n1 "$log")")
	nw=$(grep -a -c -E "$ANY_DIAG_RE" "$log" || true)
	[ "$nw" = 0 ] || problems+=("$nw compiler diagnostics, first: $(grep -a -m1 -E "$ANY_DIAG_RE" "$log")")
	bt=$(since "$t0")

	# checkpatch --strict, with the MAINTAINERS question answered.
	(cd "$src" && scripts/checkpatch.pl --strict --show-types --no-summary "$p") >"$S/checkpatch-$i.out" 2>&1 || true
	answered=""
	if grep -q 'FILE_PATH_CHANGES' "$S/checkpatch-$i.out"; then
		uncovered=$(new_files_outside_entry "$p" "$repo/MAINTAINERS")
		if [ -z "$uncovered" ]; then
			answered=" (MAINTAINERS: its new files fall under the DMA BUFFER SHARING FRAMEWORK entry)"
			sed -i '/FILE_PATH_CHANGES/,/^$/d' "$S/checkpatch-$i.out"
		fi
	fi
	# the justified exceptions of the checkpatch gate hold here too
	python3 "$GATES/checkpatch-filter.py" --partial "$GATES/checkpatch-exceptions.txt" \
		"$S/checkpatch-$i.out" >"$S/checkpatch-$i.report"
	read -r _ nc _ _ _ ne < <(grep '^findings ' "$S/checkpatch-$i.report")
	[ "$ne" = 0 ] || answered+=" ($ne excused by checkpatch-exceptions.txt)"
	if [ "$nc" != 0 ]; then
		problems+=("checkpatch --strict: $nc finding(s)")
		while read -r l; do problems+=("  $l"); done < <(grep -v -E '^(findings|excused) ' "$S/checkpatch-$i.report" | head -n 20)
	fi

	if [ ${#problems[@]} = 0 ]; then
		say "ok $i $subj (build ${bt}, checkpatch clean$answered)"
		pass=$((pass + 1))
	else
		say "not ok $i $subj (build ${bt})"
		printf '    %s\n' "${problems[@]}" | tee -a "$S/report"
		fail=$((fail + 1))
	fi
done
[ "$fail" = 0 ] && echo "$key" >"$S/passed"
gate_result series "$pass" "$fail"
}

# new_files_outside_entry PATCH MAINTAINERS: the files PATCH adds that no
# F: pattern of the dma-buf entry covers (patterns ending in / cover the
# directory and everything below it).
new_files_outside_entry() {
	local pats f p ok
	pats=$(awk '/^DMA BUFFER SHARING FRAMEWORK$/ { on = 1; next }
		    on && /^$/ { exit }
		    on && /^F:\t/ { print substr($0, 4) }' "$2")
	awk '/^diff --git / { f = $4; sub(/^b\//, "", f) } /^new file mode/ { print f }' "$1" |
	while read -r f; do
		ok=0
		while read -r p; do
			# shellcheck disable=SC2053
			case "$p" in
			*/) [[ $f == "$p"* ]] && ok=1 ;;
			*) [[ $f == $p ]] && ok=1 ;;
			esac
		done <<<"$pats"
		[ $ok = 1 ] || echo "$f"
	done
}

main "$@"
exit $?
