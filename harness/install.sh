#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make install KDIR=<tree>: copy the project into the user's 6.1 tree
# (the IMPL=ours overlay: drivers/dma-buf/, include/, Documentation/).
# This is the one target that writes to KDIR, and only when asked.
DMABUF_NO_WORKDIR=1
. "$(dirname "$0")/lib.sh"
harness_setup
. "$PROJ/harness/overlay.sh"

[ -n "$KDIR" ] || die "make install needs KDIR=<path to your Linux 6.1 tree>"
case "$KDIR/" in
"$CACHE"/*) die "KDIR=$KDIR is inside the harness cache; pass your own tree" ;;
esac
v=$(sed -n 's/^VERSION = //p' "$KDIR/Makefile" 2>/dev/null | head -n1)
p=$(sed -n 's/^PATCHLEVEL = //p' "$KDIR/Makefile" 2>/dev/null | head -n1)
[ "$v.$p" = 6.1 ] || die "$KDIR is not a Linux 6.1 tree (Makefile says ${v:-?}.${p:-?}); pass KDIR=<6.1 tree>"
[ -d "$KDIR/drivers/dma-buf" ] || die "$KDIR has no drivers/dma-buf; pass a complete Linux 6.1 tree"

gen=$(mktemp -d); trap 'rm -rf "$gen"' EXIT
stage "installing the project into $KDIR"
n=0
while IFS=$'\t' read -r src dst; do
	cmp -s "$src" "$KDIR/$dst" && continue
	mkdir -p "$(dirname "$KDIR/$dst")"
	# replace, never write through a hardlink shared with another tree
	rm -f "$KDIR/$dst"
	cp "$src" "$KDIR/$dst"
	note "$dst"
	n=$((n + 1))
done < <(overlay_map ours "$KDIR" "$gen")
note "$n files written; undo with your VCS (e.g. git -C $KDIR checkout -- drivers/dma-buf include Documentation)"
