#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Prepare the per-implementation kernel tree $WORK/src:
#   - a hardlink copy of the source tree (the default Debian tree, or KDIR),
#   - with the project overlaid on it (IMPL=ours), or with only the KUnit
#     suites hooked into the tree's original core (IMPL=upstream).
# The source tree is never written to: overlay files replace the hardlinks
# (rm + copy), and a file is copied only when its content differs, so an
# unchanged project leaves every timestamp alone and nothing rebuilds.
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock
. "$PROJ/harness/overlay.sh"

unpack_default_tree() {
	[ -f "$PRISTINE/Makefile" ] && [ -f "$PRISTINE/MAINTAINERS" ] && return 0
	[ -f "$DEB_TARBALL" ] ||
		die "$DEB_TARBALL is missing; run 'make deps LINUX=$LINUX' (installs linux-source-$LINUX) or pass KDIR=<$LINUX tree>"
	stage "unpacking $DEB_TARBALL into $CACHE (once, ~1 min)"
	local tmp=$CACHE/.unpack.$$
	rm -rf "$tmp"; mkdir -p "$tmp"
	tar -xf "$DEB_TARBALL" -C "$tmp" || { rm -rf "$tmp"; die "could not unpack $DEB_TARBALL"; }
	rm -rf "$PRISTINE"
	mv "$tmp/linux-source-$LINUX" "$PRISTINE"
	rm -rf "$tmp"
}

# One clear line for every way a source tree can be unusable.
check_source_tree() {
	local t=$1 line
	[ -f "$t/Makefile" ] || die "$t has no Makefile: KDIR must point to the top of a Linux source tree ($LINES)"
	line=$(kernel_line "$t")
	[ "$line" = "$LINUX" ] ||
		die "$t is Linux $line, not $LINUX; pass KDIR=<a $LINUX-based tree> (or omit KDIR for Debian's linux-source-$LINUX)"
	for f in drivers/dma-buf/Makefile drivers/dma-buf/Kconfig tools/testing/kunit/kunit.py; do
		[ -f "$t/$f" ] || die "$t lacks $f; KDIR must be a complete Linux $LINUX source tree"
	done
	if [ -f "$t/.config" ] || [ -d "$t/include/config" ]; then
		die "$t has in-tree build output (.config); out-of-tree builds need a clean tree: run 'make mrproper' in it or use a clean copy"
	fi
}

# Hardlink copy of the source (all but .git), re-made if the source moved.
make_copy() {
	if [ -f "$WORK/tree.stamp" ] && [ "$(cat "$WORK/src.origin" 2>/dev/null)" = "$KSRC_ORIGIN" ] &&
	   [ -f "$KSRC/Makefile" ]; then
		return 0
	fi
	stage "copying $KSRC_ORIGIN -> $KSRC (hardlinks)"
	rm -rf "$KSRC" "$WORK/tree.stamp" "$WORK/overlay.list"
	mkdir -p "$KSRC"
	local e
	for e in "$KSRC_ORIGIN"/* "$KSRC_ORIGIN"/.[!.]*; do
		[ -e "$e" ] || continue
		[ "$(basename "$e")" = .git ] && continue
		cp -al "$e" "$KSRC/" 2>/dev/null || cp -a "$e" "$KSRC/" ||
			die "could not copy $e into $KSRC"
	done
	echo "$KSRC_ORIGIN" >"$WORK/src.origin"
}

# Put the source tree's version of PATH back (after it left the overlay).
restore_original() {
	local p=$1
	rm -f "$KSRC/$p"
	if [ -f "$KSRC_ORIGIN/$p" ]; then
		cp -l "$KSRC_ORIGIN/$p" "$KSRC/$p" 2>/dev/null || cp -a "$KSRC_ORIGIN/$p" "$KSRC/$p"
	fi
}

apply_overlay() {
	local map=$WORK/overlay.map new=$WORK/overlay.list.new changed=0 src dst
	overlay_map "$IMPL" "$KSRC_ORIGIN" "$WORK/gen" >"$map"
	cut -f2 "$map" | sort >"$new"
	# Files that were overlaid last time but are not any more.
	if [ -f "$WORK/overlay.list" ]; then
		comm -23 "$WORK/overlay.list" "$new" | while read -r dst; do
			note "restoring original $dst"
			restore_original "$dst"
		done
	fi
	while IFS=$'\t' read -r src dst; do
		if ! cmp -s "$src" "$KSRC/$dst"; then
			mkdir -p "$(dirname "$KSRC/$dst")"
			rm -f "$KSRC/$dst"
			cp "$src" "$KSRC/$dst"
			changed=$((changed + 1))
		fi
	done <"$map"
	mv "$new" "$WORK/overlay.list"
	note "$(wc -l <"$map") overlay files, $changed updated"
}

stage "preparing tree IMPL=$IMPL${KDIR:+ KDIR=$KDIR} -> $KSRC"
if [ -z "$KDIR" ]; then
	unpack_default_tree
fi
check_source_tree "$KSRC_ORIGIN"
mkdir -p "$WORK"
make_copy
apply_overlay
touch "$WORK/tree.stamp"
