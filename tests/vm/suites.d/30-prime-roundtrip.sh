#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# DRM PRIME round trip (tests/clients/prime-roundtrip.c): dma-heap buffer
# imported into vgem and mapped by a second process, vgem fences seen
# through the dma-buf, a vgem dumb buffer exported and mapped elsewhere.
# The program prints the KTAP itself.
bin=/tests/clients/prime-roundtrip
if [ ! -x $bin ] || ! modprobe vgem; then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 prime_roundtrip # $bin missing or modprobe vgem failed"
	exit 1
fi
exec $bin
