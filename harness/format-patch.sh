#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make format-patch KDIR=<tree> [PATCH_DIR=dir]: write the project as a
# 'git format-patch' series against the user's tree.  The work happens in a
# temporary repository; KDIR (checkout and .git) is only read.
#   KDIR a git checkout: the series applies on its HEAD.
#   KDIR plain files:    the base commit holds KDIR's versions of the files
#                        the series touches.
DMABUF_NO_WORKDIR=1
. "$(dirname "$0")/lib.sh"
. "$PROJ/harness/overlay.sh"

[ -n "$KDIR" ] || die "make format-patch needs KDIR=<path to your Linux 6.1 tree>"
v=$(sed -n 's/^VERSION = //p' "$KDIR/Makefile" 2>/dev/null | head -n1)
p=$(sed -n 's/^PATCHLEVEL = //p' "$KDIR/Makefile" 2>/dev/null | head -n1)
[ "$v.$p" = 6.1 ] || die "$KDIR is not a Linux 6.1 tree (Makefile says ${v:-?}.${p:-?}); pass KDIR=<6.1 tree>"

out=${PATCH_DIR:-$CACHE/patches/$(basename "$KDIR")}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmabuf-fp.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
repo=$tmp/repo gen=$tmp/gen
overlay_map ours "$KDIR" "$gen" >"$tmp/map"

export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-$(git -C "$PROJ" config user.name || echo "dma-buf core")}
export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-$(git -C "$PROJ" config user.email || echo "dmabuf-core@localhost")}
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
g() { git -C "$repo" "$@"; }

stage "format-patch against $KDIR -> $out"
if git -C "$KDIR" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	# A clone sharing KDIR's objects (read-only) with only our paths
	# checked out.
	git clone -q --shared --no-checkout "$KDIR" "$repo"
	g sparse-checkout set --no-cone $(cut -f2 "$tmp/map" | sed 's#^#/#') >/dev/null
	g checkout -q HEAD 2>/dev/null || g checkout -q --detach
	base=$(g rev-parse HEAD)
else
	git init -q "$repo"
	while IFS=$'\t' read -r src dst; do
		if [ -f "$KDIR/$dst" ]; then
			mkdir -p "$(dirname "$repo/$dst")"; cp "$KDIR/$dst" "$repo/$dst"
		fi
	done <"$tmp/map"
	g add -A
	g commit -q --allow-empty -m "base: files of $KDIR touched by the series"
	base=$(g rev-parse HEAD)
fi

# commit_part SUBJECT BODY PATH-REGEX: copy the matching overlay files, commit.
commit_part() {
	local subject=$1 body=$2 re=$3 src dst
	while IFS=$'\t' read -r src dst; do
		[[ $dst =~ $re ]] || continue
		mkdir -p "$(dirname "$repo/$dst")"; cp "$src" "$repo/$dst"
		g add -f -- "$dst"
	done <"$tmp/map"
	if g diff --cached --quiet; then return 0; fi
	g commit -q -m "$subject" -m "$body"
}
commit_part "dma-buf: replace the core with a clean-room implementation" \
	"Replaces drivers/dma-buf/dma-buf.c and its headers, Kconfig and Makefile with the dma-buf core project's implementation of the Linux 6.1 interface." \
	'^(drivers/dma-buf/[^/]+|include/.*)$'
commit_part "dma-buf: add KUnit suites for the core" \
	"Run them with: tools/testing/kunit/kunit.py run --kunitconfig=drivers/dma-buf" \
	'^drivers/dma-buf/kunit/'
commit_part "Documentation: dma-buf: document the core" \
	"The documentation of the dma-buf core project." '^Documentation/'

rm -rf "$out"; mkdir -p "$out"
n=$(g rev-list --count "$base..HEAD")
if [ "$n" = 0 ]; then
	note "KDIR already has every file of the project: no patches"
	exit 0
fi
g format-patch -q -o "$out" "$base..HEAD"
ls "$out" | sed 's/^/   /'
note "$n patches in $out; apply with: git -C $KDIR am $out/*.patch"
